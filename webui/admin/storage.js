// Storage: what the database holds (GET /admin/storage), and an online backup on demand
// (POST /admin/backup: the hall copies the live database and checks the copy's integrity).

import { errorText, getJson, postJson } from "../shared/api.js";
import { $, el, termsAndValues } from "../shared/dom.js";
import { formatBytes, formatCount, formatDateTime, statusLabel } from "../shared/format.js";
import { N_, t, tn } from "../shared/i18n.js";
import { barChart } from "./charts.js";
import { fill, startAdminPage, statCard } from "./admin-page.js";

// The hall names its age buckets in English (GET /admin/storage); these are their words here.
const AGE_WORDS = new Set([N_("under a day"), N_("under a week"), N_("under a month"), N_("older"), N_("not started")]);

function logFacts(held) {
  return termsAndValues([
    [t("Events in the log"), formatCount(held.events)],
    [t("First event"), formatDateTime(held.first_event_at)],
    [t("Last event"), formatDateTime(held.last_event_at)],
    [t("Purged through event"), held.purged_through_seq ? `#${held.purged_through_seq}` : t("none purged")],
    [t("The central holds up to"), held.central_high_water_mark === null
      ? t("not known yet (syncd has not reported)") : t("event #{seq}", { seq: held.central_high_water_mark })],
    [t("Retention"), tn("{count} day", "{count} days", held.retention_days)],
  ]);
}

async function load() {
  const held = await getJson("/admin/storage");
  fill("storage-stats",
       statCard(t("Database"), formatBytes(held.database_bytes)),
       statCard(t("Write-ahead log"), formatBytes(held.wal_bytes)),
       statCard(t("Events"), formatCount(held.events)),
       statCard(t("Retention"), tn("{count} day", "{count} days", held.retention_days)));
  fill("log-facts", ...logFacts(held));
  const ages = Object.entries(held.sessions_by_age).map(([label, value]) => ({ label: AGE_WORDS.has(label) ? t(label) : label, value }));
  fill("age-chart", barChart({ title: t("Sessions by age (since they started)"),
                               description: ages.map((a) => `${a.label}: ${a.value}`).join(", "),
                               data: ages, format: formatCount, unit: t("Sessions") }));
  const states = Object.entries(held.sessions_by_state).map(([state, value]) => ({ label: statusLabel(state), value }));
  fill("storage-state-chart", barChart({ title: t("Sessions by state"),
                                         description: states.map((s) => `${s.label}: ${s.value}`).join(", "),
                                         data: states, format: formatCount, unit: t("Sessions") }));
}

function showBackup(made) {
  const ok = made.integrity_check === "ok";
  const badge = el("span", { className: "badge", text: t("Integrity check: {result}", { result: ok ? t("ok") : made.integrity_check }) });
  badge.dataset.state = ok ? "ok" : "bad";
  fill("backup-result", badge,
       el("p", { text: t("Backup written to {file} ({size}), by {name}.", { file: made.file, size: formatBytes(made.bytes), name: made.by }) }));
}

async function backUp() {
  const button = $("backup");
  button.disabled = true;
  button.textContent = t("Backing up…");
  try {
    showBackup(await postJson("/admin/backup"));
    await load();
  } catch (err) {
    fill("backup-result", el("p", { className: "notice bad", text: errorText(err) }));
  } finally {
    button.disabled = false;
    button.textContent = t("Make a backup now");
  }
}

$("backup").addEventListener("click", backUp);
startAdminPage(load);
