// The central's candidate view: one candidate's sessions at every hall and the incidents the
// halls recorded about them (absent, admitted late, refused entry, incidents).

import { errorText, getJson } from "../shared/api.js";
import { $ } from "../shared/dom.js";
import { N_, t } from "../shared/i18n.js";
import { cell, fillTable, hallCell, row, stateWords, whenOrDash } from "./central-common.js";

const KINDS = { incident_recorded: N_("Incident"), sitting_absent: N_("Marked absent"),
                sitting_late_admitted: N_("Admitted late"), sitting_entry_refused: N_("Entry refused") };
const CATEGORIES = { illness: N_("illness"), misconduct: N_("misconduct"), technical: N_("technical"),
                     power: N_("power"), other: N_("other") };

function what(incident) {
  const kind = KINDS[incident.kind] ? t(KINDS[incident.kind]) : incident.kind;
  const category = CATEGORIES[incident.category] ? t(CATEGORIES[incident.category]) : incident.category;
  return category ? `${kind} (${category})` : kind;
}

function showRecord(record) {
  $("candidate-title").textContent = record.name
    ? `${record.name} (${record.registration_number})` : record.registration_number;
  fillTable($("candidate-sessions"), record.sessions.map((s) => row([
    hallCell(s.hall_id), cell(s.exam_id), cell(stateWords(s.state)),
    cell(s.score == null ? "" : `${s.score} / ${s.max_score}`), cell(whenOrDash(s.started_at)),
    cell(whenOrDash(s.completed_at)),
  ])));
  fillTable($("candidate-incidents"), record.incidents.map((i) => row([
    cell(whenOrDash(i.occurred_at)), hallCell(i.hall_id), cell(what(i)), cell(i.text || ""), cell(i.by || ""),
  ])), $("incidents-empty"));
  $("candidate-record").hidden = false;
}

/** Shows the candidate with this registration number (from the form, or a link's #candidate/N). */
export async function showCandidate(number) {
  $("candidate-number").value = number;
  $("candidate-error").hidden = true;
  $("candidate-record").hidden = true;
  if (!number) return;
  try {
    showRecord(await getJson(`/api/candidates/${encodeURIComponent(number)}`));
  } catch (err) {
    $("candidate-error").textContent = errorText(err);
    $("candidate-error").hidden = false;
  }
}

export function wireCandidate() {
  $("candidate-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const number = $("candidate-number").value.trim();
    if (number) location.hash = `#candidate/${encodeURIComponent(number)}`;
  });
}
