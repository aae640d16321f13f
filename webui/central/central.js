// The central admin page: halls and their sync state, sessions and results across halls.
// The admin token (secrets/admin.token on the central) stays in this tab's sessionStorage.

const $ = (selector) => document.querySelector(selector);
const when = (stamp) => (stamp ? new Date(stamp * 1000).toLocaleString() : "never");

function cell(text, className) {
  const td = document.createElement("td");
  td.textContent = text ?? "";
  if (className) td.className = className;
  return td;
}

function row(cells) {
  const tr = document.createElement("tr");
  tr.append(...cells);
  return tr;
}

async function api(path) {
  const response = await fetch(path, {
    headers: { Authorization: `Bearer ${sessionStorage.getItem("central-token") || ""}` },
  });
  const body = await response.json();
  if (!response.ok) throw new Error(body.error?.message || `HTTP ${response.status}`);
  return body;
}

function showHalls(halls) {
  $("#halls tbody").replaceChildren(...halls.map((h) => row([
    cell(h.hall_id), cell(h.status, `state-${h.status}`), cell(h.epoch), cell(h.high_water_mark),
    cell(when(h.last_sync_at)), cell(`${h.backlog.events} events, ${h.backlog.sessions} sessions`),
    cell(h.sessions), cell(h.alarm, h.alarm ? "alarm" : ""),
  ])));
}

let sessions = [];

function showSessions() {
  const filter = $("#filter").value.trim().toLowerCase();
  const shown = sessions.filter((s) => !filter
    || [s.hall_id, s.exam_id, s.registration_number].some((v) => v.toLowerCase().includes(filter)));
  $("#sessions tbody").replaceChildren(...shown.map((s) => row([
    cell(s.hall_id.slice(0, 8)), cell(s.exam_id), cell(s.registration_number), cell(s.state),
    cell(s.revision), cell(s.score == null ? "" : `${s.score} / ${s.max_score}`),
    cell(Object.keys(s.answers).length),
  ])));
}

async function refresh() {
  try {
    showHalls((await api("/api/halls")).halls);
    sessions = (await api("/api/sessions?limit=5000")).sessions;
    showSessions();
    $("#error").hidden = true;
    $("#export").hidden = false;
  } catch (error) {
    $("#error").textContent = error.message;
    $("#error").hidden = false;
  }
}

async function exportCsv(event) {
  event.preventDefault();
  const response = await fetch("/api/export.csv", {
    headers: { Authorization: `Bearer ${sessionStorage.getItem("central-token") || ""}` },
  });
  const link = document.createElement("a");
  link.href = URL.createObjectURL(await response.blob());
  link.download = "sessions.csv";
  link.click();
}

$("#login").addEventListener("submit", (event) => {
  event.preventDefault();
  sessionStorage.setItem("central-token", $("#token").value);
  refresh();
});
$("#filter").addEventListener("input", showSessions);
$("#export").addEventListener("click", exportCsv);
if (sessionStorage.getItem("central-token")) refresh();
setInterval(() => { if (sessionStorage.getItem("central-token")) refresh(); }, 10000);
