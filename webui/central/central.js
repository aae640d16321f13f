// The central admin page: halls and their sync state, sessions and results across halls.
// The admin token (secrets/admin.token on the central) stays in this tab's sessionStorage.
// (The central serves ../shared/ at /ui/shared/ beside this page: the same api, dom and format
// modules as the hall's pages.)

import { errorText, getJson, getRaw } from "../shared/api.js";
import { $, el } from "../shared/dom.js";
import { formatDateTime } from "../shared/format.js";
import { forget, keep, readKept } from "../shared/device-store.js";

const TOKEN_KEY = "central-token";
const REFRESH_MS = 10000;
const UNREACHABLE = "The central cannot be reached. Check the network and try again.";
const when = (stamp) => (stamp ? formatDateTime(stamp * 1000) : "never");

function cell(text, className = "") {
  return el("td", { className, text: text ?? "" });
}

function row(cells) {
  return el("tr", {}, ...cells);
}

function authorised() {
  return { headers: { Authorization: `Bearer ${readKept(TOKEN_KEY, "", { tab: true })}` } };
}

function showHalls(halls) {
  $("halls").tBodies[0].replaceChildren(...halls.map((h) => row([
    cell(h.hall_id), cell(h.status, `state-${h.status}`), cell(h.epoch), cell(h.high_water_mark),
    cell(when(h.last_sync_at)), cell(`${h.backlog.events} events, ${h.backlog.sessions} sessions`),
    cell(h.sessions), cell(h.alarm, h.alarm ? "alarm" : ""),
  ])));
}

let sessions = [];

function showSessions() {
  const filter = $("filter").value.trim().toLowerCase();
  const shown = sessions.filter((s) => !filter
    || [s.hall_id, s.exam_id, s.registration_number].some((v) => v.toLowerCase().includes(filter)));
  $("sessions").tBodies[0].replaceChildren(...shown.map((s) => row([
    cell(s.hall_id.slice(0, 8)), cell(s.exam_id), cell(s.registration_number), cell(s.state),
    cell(s.revision), cell(s.score == null ? "" : `${s.score} / ${s.max_score}`),
    cell(Object.keys(s.answers).length),
  ])));
}

function showError(err) {
  $("error").textContent = err ? errorText(err, { unreachable: UNREACHABLE }) : "";
  $("error").hidden = !err;
}

async function refresh() {
  try {
    showHalls((await getJson("/api/halls", authorised())).halls);
    sessions = (await getJson("/api/sessions?limit=5000", authorised())).sessions;
    showSessions();
    showError(null);
    $("export").hidden = false;
  } catch (err) {
    showError(err);
  }
}

async function exportCsv(event) {
  event.preventDefault();
  try {
    const response = await getRaw("/api/export.csv", authorised());
    const file = URL.createObjectURL(await response.blob());
    el("a", { attrs: { href: file, download: "sessions.csv" } }).click();
  } catch (err) {
    showError(err);
  }
}

$("login").addEventListener("submit", (event) => {
  event.preventDefault();
  const token = $("token").value;
  if (token) keep(TOKEN_KEY, token, { tab: true });
  else forget(TOKEN_KEY, { tab: true });
  refresh();
});
$("filter").addEventListener("input", showSessions);
$("export").addEventListener("click", exportCsv);
if (readKept(TOKEN_KEY, null, { tab: true })) refresh();
setInterval(() => { if (readKept(TOKEN_KEY, null, { tab: true })) refresh(); }, REFRESH_MS);
