// The central's halls view: every hall by name, its last contact, the backlog it reported, how
// many of the items published for it it has received, and whether it is revoked.

import { $ } from "../shared/dom.js";
import { t, tn } from "../shared/i18n.js";
import { cell, fillTable, hallCell, knowHalls, row, stateWords, when } from "./central-common.js";

const lastContact = (hall) => Math.max(hall.last_hello_at || 0, hall.last_sync_at || 0) || null;

export function showHalls(halls) {
  knowHalls(halls);
  fillTable($("halls"), halls.map((h) => row([
    hallCell(h.hall_id, h.name), cell(stateWords(h.status), `state-${h.status}`), cell(when(lastContact(h))),
    cell(when(h.last_sync_at)),
    cell(`${tn("{count} event", "{count} events", h.backlog.events)}, ` +
         tn("{count} session", "{count} sessions", h.backlog.sessions)),
    cell(t("{received} of {published}", { received: h.down_mark, published: h.published })),
    cell(h.sessions), cell(h.alarm, h.alarm ? "alarm" : ""),
  ])), $("halls-empty"));
}
