// The console's one line to the hall: server-sent events from GET /staff/live. No polling: the
// hall pushes a snapshot first, then each change as it is committed. When the line drops, the
// browser reconnects by itself and sends the id of the last event it saw (Last-Event-ID), so the
// hall replays only what was missed, or a fresh snapshot when it cannot (it restarted meanwhile).

import { getJson, needsLogin } from "../shared/api.js";
import { loginUrl } from "../staff/staff-auth.js";

const RETRY_AFTER_CLOSE_MS = 3000;

export class LiveFeed {
  /**
   * handlers: snapshot(data), candidate(row), alert(alert), hall(hall), desks({desks}) (the seat
   * plan changed), sitting(sitting), sitting_refused(attempt) and sitting_checked_in(arrival)
   * (optional), state(name) where name is
   * "connecting", "live" or "reconnecting".
   */
  constructor(url, handlers) {
    this.url = url;
    this.handlers = handlers;
    this.source = null;
    this.retry = null;
  }

  start() {
    this._open();
  }

  stop() {
    clearTimeout(this.retry);
    this.source?.close();
    this.source = null;
  }

  _open() {
    this.handlers.state(this.source ? "reconnecting" : "connecting");
    const source = new EventSource(this.url);
    this.source = source;
    source.addEventListener("open", () => this.handlers.state("live"));
    source.addEventListener("error", () => this._dropped(source));
    for (const kind of ["snapshot", "candidate", "alert", "hall", "desks", "sitting", "sitting_refused",
                        "sitting_checked_in"]) {
      source.addEventListener(kind, (event) => this._deliver(kind, event));
    }
  }

  _deliver(kind, event) {
    let data;
    try {
      data = JSON.parse(event.data);
    } catch {
      return; // a torn message: the next snapshot or change puts things right
    }
    this.handlers[kind]?.(data);
  }

  /** The line dropped. A network failure is retried by the browser; a refusal is not. */
  _dropped(source) {
    if (source !== this.source) return;
    this.handlers.state("reconnecting");
    if (source.readyState !== EventSource.CLOSED) return;
    // The hall answered with an error (a login that ended, a restart mid-answer): find out which.
    this.retry = setTimeout(() => this._afterRefusal(), RETRY_AFTER_CLOSE_MS);
  }

  async _afterRefusal() {
    try {
      await getJson("/staff/me");
    } catch (err) {
      if (needsLogin(err)) {
        location.replace(loginUrl());
        return;
      }
    }
    this._open(); // a new stream starts from a snapshot: nothing is lost, only replayed
  }
}
