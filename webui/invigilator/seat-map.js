// The roster as the room: one tile per desk of the seat plan, at its row and column, holding the
// candidate at that desk (number, name, state, an alert), so an invigilator sees where to walk.
// Candidates whose PC has no desk on the map are listed under it, by seat. A tile opens the same
// dialog as the table's Actions button; the table's filters dim those they leave out. Drawn only
// while shown, at most once a frame.

import { el } from "../shared/dom.js";
import { statusLabel } from "../shared/format.js";
import { t } from "../shared/i18n.js";
import { rowKey, shownState } from "./roster-model.js";

/** "A" for row 1, …, "Z", "AA" for 27: the way halls letter their rows. */
export function rowLetter(row) {
  let letters = "";
  for (let n = row; n > 0; n = Math.floor((n - 1) / 26)) letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return letters;
}

/** Puts `element` at a cell of the grid (through the CSSOM: the hall's CSP forbids style attributes). */
function at(element, row, column) {
  element.style.gridRow = String(row);
  element.style.gridColumn = String(column);
  return element;
}

function stateText(row) {
  return shownState(row) === "paused" ? t("Paused") : statusLabel(row.status);
}

export class SeatMap {
  /** onOpen(key): the candidate's dialog; matches(key, alerted): whether the filters keep it. */
  constructor({ model, container, grid, unplaced, unplacedList, onOpen, matches }) {
    Object.assign(this, { model, container, grid, unplaced, unplacedList, onOpen, matches });
    this.shown = false;
    this.pending = false;
  }

  show(shown) {
    this.shown = shown;
    this.container.hidden = !shown;
    if (shown) this.refresh();
  }

  /** Something changed: drawn again at the next frame, when shown. */
  refresh() {
    if (!this.shown || this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this._draw();
    });
  }

  _draw() {
    const alerted = this.model.alertedKeys();
    const atDesk = new Map();
    const elsewhere = [];
    for (const row of this.model.rows.values()) {
      if (row.place && row.desk) {
        if (!atDesk.has(row.desk)) atDesk.set(row.desk, []);
        atDesk.get(row.desk).push(row);
      } else if (row.status !== "assigned") elsewhere.push(row);
    }
    const desks = [...this.model.desks.values()].filter((desk) => desk.row && desk.column);
    const rows = Math.max(0, ...desks.map((d) => d.row));
    const columns = Math.max(0, ...desks.map((d) => d.column));
    this.grid.style.setProperty("--map-columns", String(columns));
    const tiles = [];
    for (let column = 1; column <= columns; column += 1) {
      tiles.push(at(el("span", { className: "map-label", text: String(column), attrs: { "aria-hidden": "true" } }), 1, column + 1));
    }
    for (let row = 1; row <= rows; row += 1) {
      tiles.push(at(el("span", { className: "map-label", text: rowLetter(row), attrs: { "aria-hidden": "true" } }), row + 1, 1));
    }
    for (const desk of desks) tiles.push(this._tile(desk, atDesk.get(desk.desk) ?? [], alerted));
    this.grid.replaceChildren(...tiles);
    this.grid.hidden = desks.length === 0;
    this.unplaced.hidden = elsewhere.length === 0 && desks.length > 0;
    this.unplacedList.replaceChildren(...elsewhere.map((row) => this._listed(row, alerted)));
  }

  _tile(desk, sitting, alerted) {
    const tile = at(el("div", { className: "map-desk", attrs: { role: "group", "aria-label": t("Desk {desk}", { desk: desk.desk }) } },
                       el("span", { className: "map-desk-name", text: desk.desk })), desk.row + 1, desk.column + 1);
    tile.dataset.desk = desk.desk;
    if (!sitting.length) {
      tile.classList.add("is-empty");
      tile.append(el("span", { className: "map-empty", text: t("Empty") }));
    }
    for (const row of sitting) tile.append(this._candidate(row, alerted));
    return tile;
  }

  _candidate(row, alerted) {
    const key = rowKey(row);
    const alert = alerted.has(key);
    const open = el("button", { className: "map-candidate", attrs: { type: "button",
      "aria-label": (alert ? t("Desk {desk}: {number} {name}, {state}, open alert", { desk: row.seat, number: row.registration_number, name: row.name ?? "", state: stateText(row) })
        : t("Desk {desk}: {number} {name}, {state}", { desk: row.seat, number: row.registration_number, name: row.name ?? "", state: stateText(row) })) } },
                    el("span", { className: "map-reg", text: row.registration_number }),
                    el("span", { className: "map-name", text: row.name ?? "" }),
                    el("span", { className: "badge", text: alert ? `${stateText(row)} · ${t("Alert")}` : stateText(row) }));
    open.querySelector(".badge").dataset.state = alert ? "bad" : shownState(row);
    open.dataset.key = key;
    open.classList.toggle("has-alert", alert);
    open.classList.toggle("is-filtered-out", !this.matches(key, alerted));
    open.addEventListener("click", () => this.onOpen(key));
    return open;
  }

  _listed(row, alerted) {
    const item = el("li", {}, this._candidate(row, alerted),
                    el("span", { className: "map-seat", text: row.seat ? t("at {seat}", { seat: row.seat }) : t("seat not known") }));
    return item;
  }
}
