// What the console knows of the hall: one row per candidate and exam, the open alerts, the hall's
// state. The live feed writes it; the table, the alerts panel and the summary read it. Derived
// figures (time left, seconds since the last save) are computed here, against the hall's clock,
// so that every view counts the same way.

/** The key of a roster row: a candidate may sit more than one exam. */
export function rowKey(row) {
  return `${row.registration_number}/${row.exam_id}`;
}

/** Seconds left for `row` at the hall's time `nowMs`; null when the clock is not running. */
export function timeLeft(row, nowMs) {
  if (row.status !== "in_progress" || typeof row.time_remaining !== "number") return null;
  // A paused clock stands still at what the hall said; a running one counts to its deadline.
  if (row.paused || !row.deadline) return row.time_remaining;
  // Never more than the hall said when it sent the row: this PC's estimate of the hall's clock
  // trails it by the network's delay, which must not show as a second given back.
  return Math.max(0, Math.min(row.time_remaining, (Date.parse(row.deadline) - nowMs) / 1000));
}

/** Seconds since the hall last stored a save of `row`, or null before any. */
export function sinceLastSave(row, nowMs) {
  if (!row.last_saved || row.status === "assigned") return null;
  return Math.max(0, (nowMs - Date.parse(row.last_saved)) / 1000);
}

/** "assigned" | "in_progress" | "paused" | "completed": the state a filter and a badge use. */
export function shownState(row) {
  return row.status === "in_progress" && row.paused ? "paused" : row.status;
}

export class RosterModel {
  constructor() {
    this.rows = new Map();
    this.alerts = new Map();
    this.desks = new Map();
    this.hall = { name: "", paused: false, paused_since: null };
    this.listeners = { rows: [], alerts: [], hall: [], desks: [] };
  }

  /** Calls `listener(detail)` after each change of `what` ("rows", "alerts" or "hall"). */
  on(what, listener) {
    this.listeners[what].push(listener);
  }

  _emit(what, detail) {
    for (const listener of this.listeners[what]) listener(detail);
  }

  /** A whole snapshot: everything known before is replaced. */
  replace(snapshot) {
    this.rows = new Map(snapshot.candidates.map((row) => [rowKey(row), row]));
    this.alerts = new Map(snapshot.alerts.map((alert) => [alert.id, alert]));
    this.desks = new Map((snapshot.desks ?? []).map((desk) => [desk.desk, desk]));
    this.hall = snapshot.hall;
    this._emit("hall", this.hall);
    this._emit("alerts", { added: [] });
    this._emit("rows", { changed: null });
  }

  /** One candidate's new row (or the fields an action's answer gives of it). */
  updateRow(row) {
    const key = rowKey(row);
    this.rows.set(key, { ...(this.rows.get(key) ?? {}), ...row });
    this._emit("rows", { changed: key });
  }

  /** An alert raised, or acknowledged (then it leaves the console). */
  updateAlert(alert) {
    if (alert.acknowledged_at) {
      if (!this.alerts.delete(alert.id)) return;
      this._emit("alerts", { added: [] });
    } else {
      const fresh = !this.alerts.has(alert.id);
      this.alerts.set(alert.id, alert);
      this._emit("alerts", { added: fresh ? [alert] : [] });
    }
    this._emit("rows", { changed: `${alert.registration_number}/${alert.exam_id}` });
  }

  /** Alerts closed together (a whole kind acknowledged): one change for the views. */
  closeAlerts(ids) {
    const gone = ids.filter((id) => this.alerts.delete(id));
    if (!gone.length) return;
    this._emit("alerts", { added: [] });
    this._emit("rows", { changed: null });
  }

  /** The seat plan changed (a desk named from a console). */
  updateDesks({ desks }) {
    this.desks = new Map(desks.map((desk) => [desk.desk, desk]));
    this._emit("desks", this.desks);
  }

  /** The hall paused or resumed. */
  updateHall(hall) {
    this.hall = { ...this.hall, ...hall };
    this._emit("hall", this.hall);
  }

  row(key) {
    return this.rows.get(key);
  }

  /** The candidate's name for an alert, when the roster has it. */
  nameOf(registrationNumber, examId) {
    return this.rows.get(`${registrationNumber}/${examId}`)?.name ?? "";
  }

  /** Keys of the rows that have an open alert. */
  alertedKeys() {
    return new Set([...this.alerts.values()].map((a) => `${a.registration_number}/${a.exam_id}`));
  }

  /** How many rows are in each shown state (each row in one: they add up to all), and how
   *  many have alerts. */
  counts() {
    const counts = { all: this.rows.size, assigned: 0, in_progress: 0, paused: 0, completed: 0 };
    for (const row of this.rows.values()) {
      const state = shownState(row);
      counts[state] = (counts[state] ?? 0) + 1;
    }
    counts.alerts = this.alertedKeys().size;
    return counts;
  }
}
