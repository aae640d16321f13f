// What the central's views share: table cells, times as people read them, halls by name.

import { el } from "../shared/dom.js";
import { formatDateTime } from "../shared/format.js";
import { N_, t } from "../shared/i18n.js";

export const when = (stamp) => (stamp ? formatDateTime(stamp * 1000) : t("never"));
export const whenOrDash = (stamp) => (stamp ? formatDateTime(stamp * 1000) : "—");

export function cell(text, className = "") {
  return el("td", { className, text: text ?? "" });
}

export function row(cells) {
  return el("tr", {}, ...cells);
}

const hallNames = new Map();

/** Remembers every hall's name (from GET /api/halls), for the other views. */
export function knowHalls(halls) {
  hallNames.clear();
  for (const hall of halls) hallNames.set(hall.hall_id, hall.name || hall.hall_id.slice(0, 8));
}

/** A hall as people know it: its name (its id's start when it has none). */
export const hallName = (hallId, name = null) => name || hallNames.get(hallId) || hallId.slice(0, 8);

/** A table cell naming a hall, its id's start beside the name. */
export function hallCell(hallId, name = null) {
  const shown = hallName(hallId, name);
  const td = el("td", { text: shown });
  if (shown !== hallId.slice(0, 8)) td.append(" ", el("span", { className: "hall-id", text: hallId.slice(0, 8) }));
  return td;
}

// States as the central names them, in the page's words.
const STATES = { revoked: N_("revoked"), alarm: N_("alarm"), behind: N_("behind"), up_to_date: N_("up to date"),
                 never_synced: N_("never synced"), published: N_("published"), started: N_("started"),
                 ended: N_("ended"), active: N_("In progress"), superseded: N_("superseded"),
                 assigned: N_("Not started"), in_progress: N_("In progress"), completed: N_("Completed") };
export const stateWords = (state) => (STATES[state] ? t(STATES[state]) : state);

/** Shows a table's rows, or its "nothing yet" line when there are none. */
export function fillTable(table, rows, empty = null) {
  table.tBodies[0].replaceChildren(...rows);
  if (empty) empty.hidden = rows.length > 0;
}
