// Storage: what the database holds (GET /admin/storage), and an online backup on demand
// (POST /admin/backup: the hall copies the live database and checks the copy's integrity).

import { errorText, getJson, postJson } from "../shared/api.js";
import { $, el, termsAndValues } from "../shared/dom.js";
import { formatBytes, formatCount, formatDateTime, statusLabel } from "../shared/format.js";
import { barChart } from "./charts.js";
import { fill, startAdminPage, statCard } from "./admin-page.js";

function logFacts(held) {
  return termsAndValues([
    ["Events in the log", formatCount(held.events)],
    ["First event", formatDateTime(held.first_event_at)],
    ["Last event", formatDateTime(held.last_event_at)],
    ["Purged through event", held.purged_through_seq ? `#${held.purged_through_seq}` : "none purged"],
    ["The central holds up to", held.central_high_water_mark === null
      ? "not known yet (syncd has not reported)" : `event #${held.central_high_water_mark}`],
    ["Retention", `${held.retention_days} days`],
  ]);
}

async function load() {
  const held = await getJson("/admin/storage");
  fill("storage-stats",
       statCard("Database", formatBytes(held.database_bytes)),
       statCard("Write-ahead log", formatBytes(held.wal_bytes)),
       statCard("Events", formatCount(held.events)),
       statCard("Retention", `${held.retention_days} days`));
  fill("log-facts", ...logFacts(held));
  const ages = Object.entries(held.sessions_by_age).map(([label, value]) => ({ label, value }));
  fill("age-chart", barChart({ title: "Sessions by age (since they started)",
                               description: ages.map((a) => `${a.label}: ${a.value}`).join(", "),
                               data: ages, format: formatCount, unit: "Sessions" }));
  const states = Object.entries(held.sessions_by_state).map(([state, value]) => ({ label: statusLabel(state), value }));
  fill("storage-state-chart", barChart({ title: "Sessions by state",
                                         description: states.map((s) => `${s.label}: ${s.value}`).join(", "),
                                         data: states, format: formatCount, unit: "Sessions" }));
}

function showBackup(made) {
  const ok = made.integrity_check === "ok";
  const badge = el("span", { className: "badge", text: `Integrity check: ${ok ? "ok" : made.integrity_check}` });
  badge.dataset.state = ok ? "ok" : "bad";
  fill("backup-result", badge,
       el("p", { text: `Backup written to ${made.file} (${formatBytes(made.bytes)}), by ${made.by}.` }));
}

async function backUp() {
  const button = $("backup");
  button.disabled = true;
  button.textContent = "Backing up…";
  try {
    showBackup(await postJson("/admin/backup"));
    await load();
  } catch (err) {
    fill("backup-result", el("p", { className: "notice bad", text: errorText(err) }));
  } finally {
    button.disabled = false;
    button.textContent = "Make a backup now";
  }
}

$("backup").addEventListener("click", backUp);
startAdminPage(load);
