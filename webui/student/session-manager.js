// The session manager: journal first, then the hall; says honestly what is saved.
//
// Every change goes to the journal (IndexedDB) and only then to the hall. Saves carry only the
// changes the hall has not acknowledged, as one sealed batch with its device_seq (see journal.js).
// Saves happen: on each answer change (debounced), on moving between questions, every
// `autosaveSeconds`, when the candidate asks, and when the page is hidden or closed (keepalive).
//
// When the hall does not answer, the exam goes on: the journal keeps everything and the manager
// retries with exponential back-off and jitter. The browser's online/offline events are hints
// only; what the hall answers is the truth.

import { ApiError, isTransient, needsLogin, postJson } from "../shared/api.js";
import { Backoff } from "./backoff.js";

const ANSWER_DEBOUNCE_MS = 1000;
const MAX_REVISION_RESENDS = 2;
const MAX_ESSAY_RESENDS = 3;

/** What the status indicator shows. */
export const SaveState = Object.freeze({
  SAVED: "saved",       // the hall has everything
  SAVING: "saving",     // changes on their way
  OFFLINE: "offline",   // the hall does not answer; the journal holds the changes
  LOGIN: "login",       // the login ended; changes are kept until the candidate logs in again
  REFUSED: "refused",   // the hall refused a save; it is kept and retried
  MOVED: "moved",       // the exam moved to another PC: this page writes nothing more
  WAITING: "waiting",   // this PC waits for an invigilator to approve the move of the exam here
  ENDED: "ended",       // submitted or time over
});

// Refusals after which this page saves nothing more: the state shown, and the hook the page
// acts on (called with the hall's ApiError).
const ENDINGS = Object.freeze({
  lease_lost: { state: SaveState.MOVED, hook: "onLeaseLost" },
  move_pending: { state: SaveState.WAITING, hook: "onMovePending" },
  session_completed: { state: SaveState.ENDED, hook: "onEnded" },
  time_over: { state: SaveState.ENDED, hook: "onEnded" },
});

/** Whether the hall refused because the exam is over (submitted, or time over). */
export function endsTheExam(err) {
  return err instanceof ApiError && ENDINGS[err.code]?.state === SaveState.ENDED;
}

export class SessionManager {
  /**
   * journal: the Journal of this sitting; paths: examPaths(examId); autosaveSeconds: from the
   * hall's settings; remainingSeconds(): the countdown now; hooks: onStatus(status),
   * onServerClock({time_remaining, paused}), onLeaseLost(err), onMovePending(err), onEnded(err)
   * (err: the hall's ApiError), onLoginNeeded(message).
   */
  constructor({ journal, paths, autosaveSeconds, remainingSeconds, hooks }) {
    this.journal = journal;
    this.paths = paths;
    this.autosaveMs = Math.max(5, autosaveSeconds || 30) * 1000;
    this.remainingSeconds = remainingSeconds;
    this.hooks = hooks;
    this.backoff = new Backoff();
    this.active = false;
    this.running = null;
    this.timers = { debounce: null, retry: null, autosave: null };
    this.lastSaved = journal.sitting.last_saved;
    this.state = SaveState.SAVED;
    this.message = "";
    this.revisionResends = 0;
    this.essayResends = 0;
    this.listeners = [];
    this.trouble = null; // {failedSaves, since, pending}: saves failing since `since`
    this.refusedSeq = null; // the batch the hall refused because the exam moved (kept for review)
  }

  /** Starts autosave and the page's save triggers, and sends whatever the journal holds. */
  start() {
    this.active = true;
    this.timers.autosave = setInterval(() => this._autosave(), this.autosaveMs);
    this._listen(window, "online", () => this.saveNow());
    this._listen(window, "offline", () => this._hintOffline());
    this._listen(document, "visibilitychange", () => {
      if (document.visibilityState === "hidden") this._keepaliveSave();
    });
    this._listen(window, "pagehide", () => this._keepaliveSave());
    this._emit(this.journal.hasUnsent() ? SaveState.SAVING : SaveState.SAVED);
    // A first save at once: sends what the journal kept, and learns the lease and the clock.
    this.flush({ heartbeat: true });
  }

  /**
   * The exam has moved to another PC: sends every change this PC had not sent, in one save, so
   * that the hall keeps them for review (it refuses the save as lease_lost and logs it) instead
   * of their lying only on this PC. Not sent again when the hall already refused them all, nor
   * once the journal is frozen (this was done before the page was reloaded).
   */
  async sendForReview() {
    this.stop();
    await this.running;
    if (this.journal.frozen) return;
    const unsent = this.journal.unsentBody();
    if (!unsent || (this.refusedSeq ?? -1) >= unsent.seq) return;
    try {
      await postJson(this.paths.save, this._saveBody(unsent));
    } catch {
      // lease_lost is the expected answer (kept for review); if the hall cannot be reached, the
      // frozen journal keeps the changes on this PC.
    }
  }

  /** Stops every timer and trigger; the journal keeps what it has. */
  stop() {
    this.active = false;
    clearTimeout(this.timers.debounce);
    clearTimeout(this.timers.retry);
    clearInterval(this.timers.autosave);
    this.timers = { debounce: null, retry: null, autosave: null };
    for (const [target, type, listener] of this.listeners) target.removeEventListener(type, listener);
    this.listeners = [];
  }

  _listen(target, type, listener) {
    target.addEventListener(type, listener);
    this.listeners.push([target, type, listener]);
  }

  /**
   * One change by the candidate: journaled (awaited), then sent soon. `soon` sends at once
   * (moving between questions); otherwise changes within a second travel together.
   * Returns false when this page may no longer change anything.
   */
  async change(change, { soon = false } = {}) {
    if (!this.active) return false;
    await this.journal.record(change); // never rejects: a storage failure is noted on the journal
    if (this.state === SaveState.SAVED) this.state = SaveState.SAVING;
    this._emit(this.state);
    clearTimeout(this.timers.debounce);
    this.timers.debounce = setTimeout(() => this.flush(), soon ? 0 : ANSWER_DEBOUNCE_MS);
    return true;
  }

  /** Saves now, whatever the back-off says; resolves true once the hall has everything. */
  async saveNow() {
    if (!this.active) return false;
    this._cancelRetry();
    this.backoff.reset();
    await this.flush({ heartbeat: true });
    // A change made while that save was on its way is sent by the same run; check the result.
    return this.active && !this.journal.hasUnsent() && this.state === SaveState.SAVED;
  }

  _autosave() {
    // While backing off, the back-off decides when to try; autosave must not undo its spread.
    if (this.timers.retry === null) this.flush({ heartbeat: true });
  }

  _hintOffline() {
    if (this.active && this.state !== SaveState.SAVED) this._emit(SaveState.OFFLINE);
  }

  /** Sends until the journal is empty or the hall fails to answer; one run at a time. */
  flush({ heartbeat = false } = {}) {
    if (!this.active) return Promise.resolve(false);
    // A run already under way sends every change recorded meanwhile too (it loops until the
    // journal is empty), so joining it is enough.
    if (this.running) return this.running;
    clearTimeout(this.timers.debounce);
    this.running = this._run(heartbeat)
      .catch((err) => {
        // A bug of this page must not stop saving: keep the journal, try again later.
        console.error("saving failed unexpectedly", err);
        this._retryLater(err);
        this._emit(SaveState.OFFLINE);
      })
      .finally(() => { this.running = null; });
    return this.running;
  }

  async _run(heartbeat) {
    let sending = heartbeat || this.journal.hasUnsent();
    while (sending && this.active) {
      const ok = await this._sendOne();
      sending = ok && this.journal.hasUnsent();
    }
  }

  async _sendOne() {
    const batch = this.journal.nextBatch();
    if (batch) await batch.written; // the seal is on disk before the batch leaves this PC
    // Without a batch, a heartbeat: nothing changed, tell the hall the time.
    const sending = batch ?? { body: {}, seq: this.journal.allocateSeq() };
    // A heartbeat changes nothing the candidate did: the line keeps saying "Saved at …".
    if (batch && this.state !== SaveState.OFFLINE) this._emit(SaveState.SAVING);
    let answer;
    try {
      answer = await postJson(this.paths.save, this._saveBody(sending));
    } catch (err) {
      if (err instanceof ApiError && err.code === "lease_lost") this.refusedSeq = sending.seq;
      return this._failed(err);
    }
    await this._acknowledged(batch ? sending.seq : null, answer);
    return true;
  }

  /**
   * The one save body the hall is sent, whichever way it goes (a run, keepalive, for review):
   * the changes of `batch` ({body, seq}), their device_seq, the revision they build on and the
   * time this page shows.
   */
  _saveBody({ body, seq }) {
    const payload = { ...body, device_seq: seq };
    if (Number.isInteger(this.journal.revision)) payload.base_revision = this.journal.revision;
    const left = this.remainingSeconds();
    if (typeof left === "number") payload.time_remaining = Math.round(left);
    return payload;
  }

  async _acknowledged(seq, answer) {
    if (seq === null) this.journal.noteServer(answer);
    else await this.journal.acknowledge(seq, answer);
    this.backoff.reset();
    this._cancelRetry();
    this.revisionResends = 0;
    this.essayResends = 0;
    this.lastSaved = answer.last_saved || this.lastSaved;
    this.hooks.onServerClock(answer);
    this._reportTrouble();
    if (!this.active) return;
    this._emit(this.journal.hasUnsent() ? SaveState.SAVING : SaveState.SAVED);
  }

  async _failed(err) {
    if (isTransient(err)) {
      this._noteTrouble();
      this._retryLater(err);
      this._emit(SaveState.OFFLINE);
      return false;
    }
    if (!(err instanceof ApiError)) throw err;
    const ending = ENDINGS[err.code];
    if (ending) {
      // lease_lost: the page sends what is left for review, then freezes the journal.
      this.stop();
      this._emit(ending.state, err.message);
      this.hooks[ending.hook](err);
      return false;
    }
    if (err.code === "revision_ahead" && this.revisionResends < MAX_REVISION_RESENDS) {
      // The hall holds less than this page thinks (a restored database): send everything.
      this.revisionResends += 1;
      await this.journal.recordWholeState(err.details.revision ?? 0);
      return true;
    }
    if (err.code === "essay_out_of_step" && this.essayResends < MAX_ESSAY_RESENDS) {
      // The hall's copy of an essay is not the one the edit built on: send that essay whole.
      this.essayResends += 1;
      await this.journal.forgetEssayBase(err.details.question);
      return true;
    }
    if (needsLogin(err)) {
      this._emit(SaveState.LOGIN, err.message);
      this.hooks.onLoginNeeded(err.message);
      return false;
    }
    // Refused as invalid: keep it (never drop a candidate's answer) and try again much later;
    // the hall answered, so it can be told now that this page is in trouble.
    this._noteTrouble();
    this._reportTrouble();
    this.backoff.waitLongest();
    this._cancelRetry();
    this._retryLater(err);
    this._emit(SaveState.REFUSED, err.message);
    return false;
  }

  _noteTrouble() {
    if (!this.trouble) {
      this.trouble = { failedSaves: 0, since: Date.now(), pending: this.journal.unsentCount() };
    }
    this.trouble.failedSaves += 1;
    this.trouble.pending = Math.max(this.trouble.pending, this.journal.unsentCount());
  }

  /**
   * Tells the hall (POST .../session/report) how long saves failed and how much waited, once
   * it answers again: the invigilators see which PCs had trouble. Best effort: never retried.
   */
  _reportTrouble() {
    if (!this.trouble) return;
    const { failedSaves, since, pending } = this.trouble;
    this.trouble = null;
    const report = { failed_saves: failedSaves, pending_changes: pending,
                     offline_seconds: Math.min(86400, Math.round((Date.now() - since) / 1000)) };
    postJson(this.paths.report, report).catch(() => { /* a report is no exam data */ });
  }

  _retryLater(err) {
    // A failed save made by the candidate's own activity leaves a pending retry alone: only the
    // back-off's own tries lengthen the wait, so the wait stays about as long as the outage.
    if (this.timers.retry !== null) return;
    const retryAfter = Number(err?.details?.retry_after) * 1000;
    const wait = Math.max(this.backoff.next(), Number.isFinite(retryAfter) ? retryAfter : 0);
    this.timers.retry = setTimeout(() => {
      this.timers.retry = null;
      this.flush({ heartbeat: true });
    }, wait);
  }

  _cancelRetry() {
    clearTimeout(this.timers.retry);
    this.timers.retry = null;
  }

  /**
   * The page is being hidden or closed: send the unsent batch with keepalive, which outlives
   * the page. Nothing here may wait (the page may be gone at the next tick); if the answer
   * arrives while the page still lives, it is taken like any other.
   */
  _keepaliveSave() {
    if (!this.active || !this.journal.hasUnsent()) return;
    const batch = this.journal.nextBatch();
    postJson(this.paths.save, this._saveBody(batch), { keepalive: true })
      .then((answer) => this._acknowledged(batch.seq, answer))
      .catch(() => { /* the journal still has it; the next run sends it again */ });
  }

  /**
   * Submits: sends what is unsent, then completes with the page's answers. Resolves with the
   * hall's answer; the journal is cleared once the hall has acknowledged the submission.
   */
  async complete(finalAnswers, timeSpent) {
    if (!this.active) throw new Error("This page can no longer submit.");
    await this.flush();
    const answer = await postJson(this.paths.complete,
                                  { final_answers: finalAnswers, time_spent: timeSpent });
    this.stop();
    this._emit(SaveState.ENDED);
    await this.journal.clear();
    return answer;
  }

  _emit(state, message = "") {
    this.state = state;
    this.message = message;
    this.hooks.onStatus({ state, message, lastSaved: this.lastSaved,
                          unsent: this.journal.unsentCount(),
                          storageTrouble: Boolean(this.journal.storageError) });
  }
}
