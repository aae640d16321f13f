// The hall's notices to this candidate, pushed: what an invigilator did to the exam (a pause,
// extra time, a submit, a move approved) and what happened to the hall (a pause, the sitting
// started or ended) reach the page within a second, not at its next save or clock poll.
//
// A long poll (GET /student/notices?after=VERSION) is open all the while the page lives; the hall
// answers it as soon as it has news for this candidate. When the hall restarted, or the page was
// away too long, the answer says `reset`: notices may have been missed, so each listener asks the
// hall for the state itself. While the hall does not answer, the page asks again soon (a short,
// jittered wait, never longer than RETRY_MAX_MS), so a hall back after a restart is heard at once.
// The service worker never touches /student/ (see sw.js), so nothing here is ever cached.
//
// Every notice handled is noted on <html data-last-notice data-last-notice-at> (the page's own
// Date.now() when the notice was acted on): what the page did, and when, is visible to a test.

import { getJson, isTransient } from "../shared/api.js";

const PATH = "/student/notices";
const HALL_WAIT_MS = 20000;      // the hall's longest wait before it answers with nothing
const TIMEOUT_MS = HALL_WAIT_MS + 10000;
const RETRY_FIRST_MS = 250;
const RETRY_MAX_MS = 2000;       // the hall is back within this (plus jitter) after a restart
const REFUSED_RETRY_MS = 10000;  // the hall refused (the login ended): the save path says so

const pause = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });

export class NoticeChannel {
  constructor() {
    this.version = null;
    this.listeners = new Set();
    this.running = false;
  }

  /** Calls `listener({kind, data})` for each notice ({kind: "reset"} after a gap); returns an
   * unlisten function. */
  listen(listener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Keeps the long poll open until stop(). */
  start() {
    if (this.running) return;
    this.running = true;
    this._loop();
  }

  stop() {
    this.running = false;
  }

  async _loop() {
    let retry = RETRY_FIRST_MS;
    while (this.running) {
      let answer;
      try {
        const query = this.version ? `?after=${encodeURIComponent(this.version)}` : "";
        answer = await getJson(PATH + query, { timeoutMs: TIMEOUT_MS });
      } catch (err) {
        await pause(isTransient(err) ? retry * (0.75 + Math.random() / 2) : REFUSED_RETRY_MS);
        retry = Math.min(RETRY_MAX_MS, retry * 2);
        continue;
      }
      retry = RETRY_FIRST_MS;
      if (!this.running) return;
      this.version = answer.version;
      if (answer.reset) await this._deliver({ kind: "reset", data: {} });
      for (const notice of answer.notices) await this._deliver(notice);
    }
  }

  async _deliver(notice) {
    for (const listener of [...this.listeners]) {
      try {
        await listener(notice);
      } catch (err) {
        console.error("a notice of the hall could not be acted on", notice, err);
      }
    }
    const root = document.documentElement;
    root.dataset.lastNotice = notice.kind;
    root.dataset.lastNoticeAt = String(Date.now());
  }
}
