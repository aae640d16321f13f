// The journal: every change a candidate makes is written here (IndexedDB) before it is sent.
//
// One sitting per candidate and exam holds the paper, the page's whole state, the last revision
// the hall acknowledged, and the device_seq counter. The changes store holds what the hall has
// not acknowledged yet, each with its device_seq. Sending works in batches that are "sealed"
// before the first try: a sealed batch is resent byte for byte until the hall answers, so a save
// whose answer was lost is a replay the hall recognises (same device_seq), never a second write.
//
// This object keeps a copy of the sitting and its changes in memory (the page is the only
// writer), and every write goes to IndexedDB in order; callers await the write before sending.
//
// Essays travel as edits against the text the hall acknowledged (essay-edits.js): the sitting
// keeps that text per essay (`essays`), set from the hall's restore and from each acknowledged
// save, and forgotten when the hall says its copy differs (the essay is then sent whole).

import { getOne, putOne, deleteOne, result, sittingRange, transact } from "./idb.js";
import { applyChange, changeKey, emptyState, fromServer, saveBody, stateAsChanges } from "./state.js";
import { withEssayEdits } from "./essay-edits.js";

function sittingId(registrationNumber, examId) {
  return `${registrationNumber}\u001f${examId}`;
}

function newSitting(candidate, examId) {
  return {
    id: sittingId(candidate.registration_number, examId),
    registration_number: candidate.registration_number,
    candidate_name: candidate.name || "",
    exam_id: examId,
    paper: null,          // {exam, questions}: lets a reload open the exam while the hall is down
    state: emptyState(),  // the page's view: the hall's state with every unsent change applied
    seq: 0,               // the last device_seq handed out
    sealed: 0,            // changes up to this seq form the batch being sent
    revision: null,       // the hall's revision at its last answer
    last_saved: null,     // the hall's time of the last save it applied (ISO 8601)
    clock: null,          // {remaining, paused, at}: the hall's clock, and Date.now() then
    frozen: false,        // the exam moved to another PC: nothing more is written or sent
    essays: {},           // qid → an essay's text as the hall acknowledged it (edits build on it)
  };
}

export class Journal {
  constructor(sitting, changes) {
    this.sitting = sitting;
    this.changes = changes; // sorted by seq
    this.storageError = null;
  }

  /** The journal of this candidate's exam on this PC (made empty if there is none yet). */
  static async open(candidate, examId) {
    const id = sittingId(candidate.registration_number, examId);
    const [sitting, changes] = await transact(["sittings", "changes"], "readonly", (tx) => Promise.all([
      result(tx.objectStore("sittings").get(id)),
      result(tx.objectStore("changes").getAll(sittingRange(id))),
    ]));
    const journal = new Journal(sitting || newSitting(candidate, examId), changes || []);
    if (candidate.name) journal.sitting.candidate_name = candidate.name;
    return journal;
  }

  get state() { return this.sitting.state; }
  get paper() { return this.sitting.paper; }
  get revision() { return this.sitting.revision; }
  get frozen() { return this.sitting.frozen; }

  /** Changes the hall has not acknowledged that a candidate would call theirs (not position). */
  unsentCount() {
    return this.changes.filter((entry) => entry.change.field !== "current_question").length;
  }

  hasUnsent() {
    return this.changes.length > 0;
  }

  /**
   * The next device_seq. It never goes down, and it starts from the wall clock (milliseconds),
   * so a journal lost with the browser's storage still numbers its saves above the ones the hall
   * has already seen from this login, instead of having them silently ignored.
   */
  allocateSeq() {
    this.sitting.seq = Math.max(this.sitting.seq + 1, Date.now());
    return this.sitting.seq;
  }

  _write(work) {
    return this._persist(transact(["sittings", "changes"], "readwrite", (tx) => {
      work(tx.objectStore("changes"));
      tx.objectStore("sittings").put(this.sitting);
    }));
  }

  _putSitting() {
    return this._persist(putOne("sittings", this.sitting));
  }

  // If this PC's storage fails (full, or the browser refuses), the page must go on: what is in
  // memory is still sent to the hall. The failure is remembered so the page can say so plainly.
  _persist(writing) {
    return writing.then(() => { this.storageError = null; }, (err) => {
      console.error("the exam journal could not be written", err);
      this.storageError = err;
    });
  }

  /** Journals one change; resolves once it is on disk. */
  record(change) {
    const key = changeKey(change);
    // An unsent change of the same field is replaced: the hall only needs the latest value.
    const replaced = this.changes.filter((e) => e.key === key && e.seq > this.sitting.sealed);
    const entry = { sitting: this.sitting.id, seq: this.allocateSeq(), key, change, at: Date.now() };
    this.changes = [...this.changes.filter((e) => !replaced.includes(e)), entry];
    this.sitting.state = applyChange(this.sitting.state, change);
    return this._write((changes) => {
      for (const old of replaced) changes.delete([old.sitting, old.seq]);
      changes.put(entry);
    });
  }

  /** Journals the whole state again: the hall has lost what it had (revision_ahead). */
  async recordWholeState(serverRevision) {
    this.sitting.revision = serverRevision;
    this.sitting.essays = {};
    for (const change of stateAsChanges(this.sitting.state)) await this.record(change);
  }

  /**
   * The batch to send: the sealed one if it was not acknowledged yet (identical, so the hall
   * sees a replay), else every unsent change sealed as a new batch. Null when nothing is unsent.
   * Memory changes at once; `written` resolves when the seal is on disk.
   */
  nextBatch() {
    let changes = this.changes.filter((e) => e.seq <= this.sitting.sealed);
    if (changes.length === 0 && this.changes.length > 0) {
      this.sitting.sealed = this.changes[this.changes.length - 1].seq;
      changes = this.changes;
    }
    if (changes.length === 0) return null;
    const written = this._putSitting();
    const body = withEssayEdits(saveBody(changes.map((e) => e.change)), this._essayIds(),
                                this.sitting.essays || {});
    return { seq: this.sitting.sealed, body, written };
  }

  _essayIds() {
    return new Set((this.sitting.paper?.questions || []).filter((q) => q.kind === "essay").map((q) => q.id));
  }

  /** The hall's copy of an essay is not what this page built on: send it whole next time. */
  forgetEssayBase(qid) {
    if (this.sitting.essays) delete this.sitting.essays[qid];
    return this._putSitting();
  }

  /**
   * Every unsent change as one save body, with the newest change's seq; null when nothing is
   * unsent. Seals nothing: it is for the hall's review once the exam has moved, never applied.
   */
  unsentBody() {
    if (this.changes.length === 0) return null;
    return { seq: this.changes[this.changes.length - 1].seq,
             body: saveBody(this.changes.map((e) => e.change)) };
  }

  /** The hall acknowledged everything up to `seq`: forget those changes, note its answer. */
  acknowledge(seq, answer) {
    const done = this.changes.filter((e) => e.seq <= seq);
    this.changes = this.changes.filter((e) => e.seq > seq);
    this.noteServer(answer);
    const essays = this._essayIds();
    this.sitting.essays = this.sitting.essays || {};
    for (const { change } of done) {
      if (change.field === "answers" && essays.has(change.qid)) this.sitting.essays[change.qid] = change.value ?? "";
    }
    return this._write((changes) => {
      for (const entry of done) changes.delete([entry.sitting, entry.seq]);
    });
  }

  /** Remembers what the hall said (revision, last save, its clock) without changing answers. */
  noteServer({ revision, last_saved: lastSaved, time_remaining: remaining, paused = false }) {
    if (Number.isInteger(revision)) this.sitting.revision = revision;
    if (lastSaved) this.sitting.last_saved = lastSaved;
    if (typeof remaining === "number") {
      this.sitting.clock = { remaining, paused: Boolean(paused), at: Date.now() };
    }
  }

  /** Whether the hall's clock was paused at its last word. */
  get paused() { return Boolean(this.sitting.clock?.paused); }

  /** Seconds left by the last word of the hall, counted down on this PC's clock since. */
  estimatedRemaining() {
    const clock = this.sitting.clock;
    if (!clock) return null;
    if (clock.paused) return clock.remaining;
    return Math.max(0, clock.remaining - (Date.now() - clock.at) / 1000);
  }

  /** Keeps the paper, so a reload opens the exam while the hall is down. */
  keepPaper(paper) {
    this.sitting.paper = paper;
    return this._putSitting();
  }

  /**
   * The hall's restore, merged with the journal: the hall's state with every unsent change
   * applied on top in device_seq order (the unsent changes are newer than anything it has).
   */
  adoptServer(sessionData, revision) {
    let state = fromServer(sessionData || {});
    this.sitting.essays = {};
    for (const qid of this._essayIds()) this.sitting.essays[qid] = sessionData?.answers?.[qid] ?? "";
    for (const entry of this.changes) state = applyChange(state, entry.change);
    this.sitting.state = state;
    if (Number.isInteger(revision)) this.sitting.revision = revision;
    return this._putSitting();
  }

  /** The exam moved to another PC: keep everything, write and send nothing more. */
  freeze() {
    this.sitting.frozen = true;
    return this._putSitting();
  }

  /**
   * This PC holds the exam again (a new login here) after it had moved away: what was left
   * unsent then is set aside for review and never replayed over the newer answers.
   */
  setAside() {
    const leftover = { sitting: this.sitting.id, state: this.sitting.state, changes: this.changes,
                       set_aside_at: new Date().toISOString() };
    const old = this.changes;
    this.changes = [];
    this.sitting.frozen = false;
    this.sitting.sealed = 0;
    return this._persist(transact(["sittings", "changes", "kept"], "readwrite", (tx) => {
      tx.objectStore("kept").add(leftover);
      for (const entry of old) tx.objectStore("changes").delete([entry.sitting, entry.seq]);
      tx.objectStore("sittings").put(this.sitting);
    }));
  }

  /** Forgets this sitting entirely: after the hall acknowledged the submission. */
  clear() {
    const id = this.sitting.id;
    this.changes = [];
    return this._persist(transact(["sittings", "changes", "kept"], "readwrite", (tx) => {
      tx.objectStore("sittings").delete(id);
      tx.objectStore("changes").delete(sittingRange(id));
      const kept = tx.objectStore("kept").index("sitting").openKeyCursor(IDBKeyRange.only(id));
      kept.onsuccess = () => {
        const cursor = kept.result;
        if (!cursor) return;
        tx.objectStore("kept").delete(cursor.primaryKey);
        cursor.continue();
      };
    }));
  }
}

/** Remembers who is logged in on this PC (so a reload without the hall knows whose exam it is). */
export function rememberCandidate(candidate, exams) {
  return putOne("meta", { ...candidate, exams, key: "candidate", at: new Date().toISOString() });
}

/** Who is logged in on this PC, or undefined. */
export function loggedInCandidate() {
  return getOne("meta", "candidate");
}

/** Forgets the candidate of this PC (after submission or logout). */
export function forgetCandidate() {
  return deleteOne("meta", "candidate");
}

/** Keeps the hall's settings for offline reloads. */
export function rememberSettings(settings) {
  return putOne("meta", { ...settings, key: "settings" });
}

/** The hall's settings as last seen, or undefined. */
export function lastSettings() {
  return getOne("meta", "settings");
}

/** Whether this candidate has an exam on this PC with changes the hall has not acknowledged. */
export async function unsentExams(registrationNumber) {
  const prefix = `${registrationNumber}\u001f`;
  const range = IDBKeyRange.bound([prefix, -Infinity], [`${prefix}\uffff`, Infinity]);
  const changes = await transact(["changes"], "readonly",
                                 (tx) => result(tx.objectStore("changes").getAll(range)));
  return [...new Set(changes.map((entry) => entry.sitting.slice(prefix.length)))];
}
