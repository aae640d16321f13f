// What this PC keeps for its pages that is not exam data: the candidate's display preferences,
// the central's admin token for one tab. Small JSON values in Web Storage, read and written here
// only, so that storage that is full, blocked or holding garbage never stops a page: a read
// falls back, a write is skipped. (Exam data lives in the journal, in IndexedDB: student/idb.js.)
//
// `tab: true` keeps a value for this tab only (sessionStorage); otherwise it stays on this PC.

function storage(tab) {
  try {
    return tab ? window.sessionStorage : window.localStorage;
  } catch {
    return null; // storage disabled for this page
  }
}

/** The value kept under `key`, or `fallback` when there is none (or it cannot be read). */
export function readKept(key, fallback = null, { tab = false } = {}) {
  try {
    const kept = storage(tab)?.getItem(key);
    return kept === null || kept === undefined ? fallback : JSON.parse(kept);
  } catch {
    return fallback;
  }
}

/** Keeps `value` under `key`; without storage the page carries on with what it has in memory. */
export function keep(key, value, { tab = false } = {}) {
  try {
    storage(tab)?.setItem(key, JSON.stringify(value));
  } catch {
    // Full or blocked: the choice still holds for this page.
  }
}

/** Forgets `key`. */
export function forget(key, { tab = false } = {}) {
  try {
    storage(tab)?.removeItem(key);
  } catch {
    // Nothing to forget.
  }
}
