// The table of every candidate: one row each, kept in place and updated cell by cell (a hall of
// 500 saves several times a second; rebuilding the table each time would make it flicker and
// lose the invigilator's place). Sorting and filtering are done here; rows move only when the
// order really changes, and keyboard focus stays on the control it was on.

import { el, setText } from "../shared/dom.js";
import { formatClock, formatSpan, statusLabel } from "../shared/format.js";
import { t } from "../shared/i18n.js";
import { shownState, sinceLastSave, timeLeft } from "./roster-model.js";

const REORDER_MS = 300;
const STATE_ORDER = { in_progress: 0, paused: 1, assigned: 2, completed: 3 };
const compareText = (a, b) => String(a ?? "").localeCompare(String(b ?? ""), undefined, { numeric: true });

// What each column sorts by, and which way a first click sorts: the most urgent first
// (least time left, longest silence).
const SORTS = {
  candidate: { value: (row) => row.registration_number, first: "ascending", text: true },
  exam: { value: (row) => row.exam_id, first: "ascending", text: true },
  status: { value: (row) => STATE_ORDER[shownState(row)] ?? 9, first: "ascending" },
  question: { value: (row) => (row.status === "assigned" ? null : row.current_question ?? 0), first: "ascending" },
  answered: { value: (row) => (row.status === "assigned" ? null : row.answered), first: "ascending" },
  time_left: { value: (row, now) => timeLeft(row, now), first: "ascending" },
  last_save: { value: (row, now) => sinceLastSave(row, now), first: "descending" },
  seat: { value: (row) => row.seat, first: "ascending", text: true },
};

const cell = (tag, className) => el(tag, { className });

/** Nulls sort last whichever the direction: a candidate without a figure is never "most urgent". */
function compareValues(a, b, text) {
  if (a === null || a === undefined) return b === null || b === undefined ? 0 : 1;
  if (b === null || b === undefined) return -1;
  return text ? compareText(a, b) : a - b;
}

/** The question reached, from 1; a session that has not moved yet is on its first question. */
function questionShown(row) {
  if (Number.isInteger(row.current_question)) return String(row.current_question + 1);
  return row.status === "assigned" ? "—" : "1";
}

export class RosterTable {
  /** model: the RosterModel; clock: the ServerClock; onOpen(key, button): a row's Actions. */
  constructor({ model, clock, table, body, count, empty, onOpen }) {
    Object.assign(this, { model, clock, table, body, count, empty, onOpen });
    this.rowsByKey = new Map();
    this.cells = new WeakMap();
    this.order = [];
    this.sort = { column: "candidate", direction: "ascending" };
    this.filter = { text: "", state: "all" };
    this.pending = null;
    this._wireHeadings();
    this._showSort();
  }

  _wireHeadings() {
    for (const heading of this.table.querySelectorAll("th[data-sort]")) {
      heading.querySelector("button").addEventListener("click", () => this.sortBy(heading.dataset.sort));
    }
  }

  /** Sorts by `column`; the same column again reverses the order. */
  sortBy(column) {
    const same = this.sort.column === column;
    const reverse = this.sort.direction === "ascending" ? "descending" : "ascending";
    this.sort = { column, direction: same ? reverse : SORTS[column].first };
    this._showSort();
    this.refresh();
  }

  _showSort() {
    for (const heading of this.table.querySelectorAll("th[data-sort]")) {
      if (heading.dataset.sort === this.sort.column) heading.setAttribute("aria-sort", this.sort.direction);
      else heading.removeAttribute("aria-sort");
    }
  }

  /** Shows only rows matching `text` (number, name, seat, exam) and `state`. */
  setFilter({ text = this.filter.text, state = this.filter.state } = {}) {
    this.filter = { text: text.trim().toLowerCase(), state };
    this.refresh();
    this.onFilter?.();
  }

  /** A row changed: its cells now, its place in the order soon (changes arrive in bursts). */
  changed(key) {
    if (key !== null && this.rowsByKey.has(key) && this.model.row(key)) {
      this._fill(this.rowsByKey.get(key), this.model.row(key), this.clock.now());
    }
    if (this.pending === null) this.pending = setTimeout(() => this.refresh(), REORDER_MS);
  }

  /** Re-reads the whole model: rows made and removed, filtered, sorted, placed. */
  refresh() {
    clearTimeout(this.pending);
    this.pending = null;
    const now = this.clock.now();
    const alerted = this.model.alertedKeys();
    for (const [key, element] of this.rowsByKey) {
      if (!this.model.row(key)) {
        element.remove();
        this.rowsByKey.delete(key);
      }
    }
    for (const [key, row] of this.model.rows) {
      if (!this.rowsByKey.has(key)) this.rowsByKey.set(key, this._make(key));
      const element = this.rowsByKey.get(key);
      element.classList.toggle("has-alert", alerted.has(key));
      this._fill(element, row, now);
    }
    const keys = this._visibleKeys(now, alerted);
    this._place(keys);
    setText(this.count, t("Showing {shown} of {count} candidates", { shown: keys.length, count: this.model.rows.size }));
    this.empty.hidden = keys.length > 0 || this.model.rows.size === 0;
  }

  _visibleKeys(now, alerted) {
    const { column, direction } = this.sort;
    const { value, text } = SORTS[column];
    const sign = direction === "ascending" ? 1 : -1;
    const keys = [...this.model.rows.keys()].filter((key) => this._matches(key, alerted));
    return keys.sort((a, b) => {
      const rowA = this.model.row(a);
      const rowB = this.model.row(b);
      const [x, y] = [value(rowA, now), value(rowB, now)];
      const nullish = x === null || x === undefined || y === null || y === undefined;
      const order = nullish ? compareValues(x, y, text) : sign * compareValues(x, y, text);
      return order || compareText(a, b);
    });
  }

  /** Whether the row `key` passes the filters (the seat map dims those that do not). */
  matches(key, alerted = this.model.alertedKeys()) {
    return this._matches(key, alerted);
  }

  _matches(key, alerted) {
    const row = this.model.row(key);
    const { text, state } = this.filter;
    if (state === "alerts" && !alerted.has(key)) return false;
    if (!["all", "alerts"].includes(state) && shownState(row) !== state) return false;
    if (!text) return true;
    return [row.registration_number, row.name, row.seat, row.exam_id]
      .some((field) => String(field ?? "").toLowerCase().includes(text));
  }

  /** Puts the rows in `keys` order, touching the DOM only when the order differs. */
  _place(keys) {
    const showing = new Set(keys);
    for (const [key, element] of this.rowsByKey) element.hidden = !showing.has(key);
    const same = keys.length === this.order.length && keys.every((key, i) => key === this.order[i]);
    if (same) return;
    const focused = this.body.contains(document.activeElement) ? document.activeElement : null;
    const fragment = document.createDocumentFragment();
    for (const key of keys) fragment.append(this.rowsByKey.get(key));
    for (const [key, element] of this.rowsByKey) if (!showing.has(key)) fragment.append(element);
    this.body.append(fragment);
    this.order = keys;
    focused?.focus({ preventScroll: true }); // moving a row blurs what was focused in it
  }

  _make(key) {
    const element = document.createElement("tr");
    element.dataset.key = key;
    // The cells a row update writes, found once: a busy hall updates rows many times a second.
    const cells = {
      reg: cell("span", "reg"), name: cell("span", "name"), exam: cell("td", "cell-exam"),
      badge: cell("span", "badge"), flags: cell("span", "flags"),
      question: cell("td", "num cell-question"), answered: cell("td", "num cell-answered"),
      time: cell("span", "time"), timeNote: cell("span", "time-note"),
      lastSave: cell("td", "num cell-last-save"), seat: cell("span", "seat"), device: cell("span", "device"),
      button: document.createElement("button"),
    };
    const who = cell("th", "cell-candidate");
    who.scope = "row";
    who.append(cells.reg, cells.name);
    const status = cell("td", "cell-status");
    status.append(cells.badge, cells.flags);
    const time = cell("td", "num cell-time-left");
    time.append(cells.time, cells.timeNote);
    const seat = cell("td", "cell-seat");
    seat.append(cells.seat, cells.device);
    const act = cell("td", "cell-actions");
    cells.button.type = "button";
    cells.button.className = "button small";
    cells.button.textContent = t("Actions");
    cells.button.addEventListener("click", () => this.onOpen(key, cells.button));
    act.append(cells.button);
    element.append(who, cells.exam, status, cells.question, cells.answered, time, cells.lastSave, seat, act);
    this.cells.set(element, cells);
    return element;
  }

  _fill(element, row, now) {
    const cells = this.cells.get(element);
    const state = shownState(row);
    element.dataset.state = state;
    setText(cells.reg, row.registration_number);
    setText(cells.name, row.name ?? "");
    setText(cells.exam, row.exam_id);
    cells.badge.dataset.state = state;
    setText(cells.badge, state === "paused" ? t("Paused") : statusLabel(row.status));
    const flags = [];
    if (row.move_requested) flags.push(t("Move requested"));
    if (element.classList.contains("has-alert")) flags.push(t("Alert"));
    if (row.status === "completed" && typeof row.score === "number") flags.push(t("Score {score}", { score: row.score }));
    setText(cells.flags, flags.join(" · "));
    setText(cells.question, questionShown(row));
    setText(cells.answered, row.status === "assigned" ? "—" : String(row.answered));
    setText(cells.seat, row.seat || "—");
    // Under a desk name, the PC's address (to tell two desks' PCs apart); else the PC's login.
    setText(cells.device, row.desk ? (row.address ?? "") : row.device ? t("PC {login}", { login: row.device.slice(0, 6) }) : "");
    const label = t("Actions for {number} {name}", { number: row.registration_number, name: row.name ?? "" }).trim();
    if (cells.button.getAttribute("aria-label") !== label) cells.button.setAttribute("aria-label", label);
    this._tickRow(element, row, now);
  }

  _tickRow(element, row, now) {
    const cells = this.cells.get(element);
    const left = timeLeft(row, now);
    setText(cells.time, left === null ? "—" : formatClock(left));
    setText(cells.timeNote, row.paused ? (row.pause_kind === "hall" ? t("hall paused") : t("paused")) : "");
    const quiet = sinceLastSave(row, now);
    setText(cells.lastSave, quiet === null || row.status === "completed" ? "—" : t("{span} ago", { span: formatSpan(quiet) }));
  }

  /** Once a second: the countdowns and the time since each last save move on. */
  tick() {
    const now = this.clock.now();
    for (const key of this.order) {
      const row = this.model.row(key);
      if (row) this._tickRow(this.rowsByKey.get(key), row, now);
    }
  }
}
