// IndexedDB with promises: just what the journal needs, and the one schema of this PC's storage.
//
// Stores of the "examhall" database:
//   sittings  one per candidate and exam: paper, local state, sequence numbers, last revision
//   changes   the journal: changes not yet acknowledged by the hall, keyed [sitting, seq]
//   kept      journals set aside when the exam moved to another PC (never replayed, never sent)
//   meta      who is logged in on this PC, and the hall's settings

const NAME = "examhall";
const VERSION = 1;

function upgrade(db) {
  if (!db.objectStoreNames.contains("sittings")) db.createObjectStore("sittings", { keyPath: "id" });
  if (!db.objectStoreNames.contains("changes")) {
    db.createObjectStore("changes", { keyPath: ["sitting", "seq"] });
  }
  if (!db.objectStoreNames.contains("kept")) {
    const kept = db.createObjectStore("kept", { autoIncrement: true });
    kept.createIndex("sitting", "sitting");
  }
  if (!db.objectStoreNames.contains("meta")) db.createObjectStore("meta", { keyPath: "key" });
}

let opening = null;

/** The database, opened once per page. */
export function database() {
  if (!opening) {
    opening = new Promise((resolve, reject) => {
      const request = indexedDB.open(NAME, VERSION);
      request.onupgradeneeded = () => upgrade(request.result);
      request.onsuccess = () => {
        const db = request.result;
        // Another tab upgrading the schema: let it, and reopen next time.
        db.onversionchange = () => { db.close(); opening = null; };
        resolve(db);
      };
      request.onerror = () => reject(request.error);
      request.onblocked = () => reject(new Error("The exam storage is busy in another tab."));
    });
  }
  return opening;
}

/** The result of one request. */
export function result(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/**
 * Runs `work(tx)` in one transaction; resolves once the transaction has committed (so the data
 * is on disk as far as the browser can tell), with whatever `work` returned.
 */
export async function transact(storeNames, mode, work) {
  const db = await database();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(storeNames, mode, { durability: "strict" });
    let value;
    tx.oncomplete = () => resolve(value);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error || new Error("The journal write was aborted."));
    try {
      value = work(tx); // may be a promise of a request's result: resolve() adopts it
    } catch (err) {
      tx.abort();
      reject(err);
    }
  });
}

/** A key range of every [sitting, seq] key of one sitting. */
export function sittingRange(sittingId) {
  return IDBKeyRange.bound([sittingId, -Infinity], [sittingId, Infinity]);
}

/** One record of `store` by key, or undefined. */
export function getOne(store, key) {
  return transact([store], "readonly", (tx) => result(tx.objectStore(store).get(key)));
}

/** Puts a record into `store`. */
export function putOne(store, record) {
  return transact([store], "readwrite", (tx) => { tx.objectStore(store).put(record); });
}

/** Deletes a record of `store`. */
export function deleteOne(store, key) {
  return transact([store], "readwrite", (tx) => { tx.objectStore(store).delete(key); });
}
