// The session inspector: one candidate's sessions and whole history from the hall's log
// (GET /admin/candidates/{registration_number}), decrypted by the hall for an admin, with the
// log's hash chain checked. Answers open a candidate's appeal, so everything is shown as held.

import { errorText, getJson } from "../shared/api.js";
import { $, el, termsAndValues } from "../shared/dom.js";
import { formatDateTime, statusLabel } from "../shared/format.js";
import { t } from "../shared/i18n.js";
import { startAdminPage } from "./admin-page.js";
import { dataTable } from "./data-table.js";

const HIDDEN_KEYS = new Set(["seq", "kind", "at", "exam_id", "registration_number"]);

function heading(level, text, id = "") {
  return el(`h${level}`, { text, attrs: id ? { id } : {} });
}

/** A field's value as a person reads it: times in the log are epoch seconds. */
function readable(key, value) {
  if (typeof value === "object") return JSON.stringify(value);
  const isTime = key === "deadline" || key.endsWith("_at");
  if (isTime && typeof value === "number" && value > 1e9) return formatDateTime(value * 1000);
  return String(value);
}

/** An event's own fields, as "key: value" (nested values as compact JSON). */
export function eventDetails(event) {
  return Object.entries(event)
    .filter(([key, value]) => !HIDDEN_KEYS.has(key) && value !== null && value !== undefined)
    .map(([key, value]) => `${key.replaceAll("_", " ")}: ${readable(key, value)}`)
    .join("; ");
}

function chainBadge(chain) {
  return el("p", {
    className: `chain notice ${chain.verified ? "ok" : "bad"}`, attrs: { id: "chain" },
    text: chain.verified
      ? t("Hash chain verified: {count} events checked, none altered or missing.", { count: chain.events_checked })
      : t("Hash chain broken: {problem}", { problem: chain.problem }),
  });
}

function answerRows(data) {
  const answers = data?.answers ?? {};
  return Object.keys(answers)
    .sort((a, b) => a.localeCompare(b, undefined, { numeric: true }))
    .map((question) => [question, Array.isArray(answers[question]) ? answers[question].join(", ") : String(answers[question] ?? "")]);
}

function sessionSection(session, index) {
  const id = `session-${index}`;
  const section = el("section", { className: "card panel session", attrs: { "aria-labelledby": id } });
  section.append(heading(2, `${session.exam_id}: ${statusLabel(session.status)}`, id));
  const data = session.session_data ?? {};
  section.append(el("dl", { className: "facts" }, ...termsAndValues([
    [t("Session"), session.session_id], [t("Started"), formatDateTime(session.started_at)],
    [t("Deadline"), formatDateTime(session.deadline)], [t("Completed"), formatDateTime(session.completed_at)],
    [t("Revision"), String(session.revision ?? "—")], [t("PC (lease)"), session.lease_device],
    [t("Question reached"), Number.isInteger(data.current_question) ? String(data.current_question + 1) : "—"],
    [t("Marked for review"), (data.marked_questions ?? []).join(", ") || t("none marked")],
    [t("Result"), session.result ? JSON.stringify(session.result) : "—"],
  ])));
  section.append(heading(3, t("Answers held")));
  const answers = answerRows(data);
  section.append(answers.length ? dataTable(t("Answers held"), [t("Question"), t("Answer")], answers)
    : el("p", { text: t("No answers saved.") }));
  section.append(heading(3, t("History ({count} events)", { count: session.history.length })));
  const rows = session.history.map((event) => [`#${event.seq}`, formatDateTime(event.at), event.kind.replaceAll("_", " "), eventDetails(event)]);
  section.append(el("div", { className: "table-wrap history" },
                    dataTable(t("History of the session, oldest first"), [t("Event"), t("When"), t("What"), t("Details")], rows)));
  return section;
}

async function inspect(registrationNumber) {
  const target = $("inspection");
  target.replaceChildren(el("p", { className: "muted", text: t("Reading {number}'s history…", { number: registrationNumber }) }));
  try {
    const found = await getJson(`/admin/candidates/${encodeURIComponent(registrationNumber)}`);
    const title = heading(2, t("Candidate {number}", { number: found.registration_number }), "inspected");
    title.className = "inspected-title";
    const sessions = found.sessions.map(sessionSection);
    target.replaceChildren(title, chainBadge(found.chain),
                           ...(sessions.length ? sessions : [el("p", { text: t("This candidate has no session yet.") })]));
  } catch (err) {
    const message = errorText(err);
    target.replaceChildren(el("p", { className: "notice bad", text: message }));
  }
}

function wire() {
  const field = $("inspect-number");
  $("inspect-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const number = field.value.trim();
    if (!number) {
      field.focus();
      return;
    }
    history.replaceState(null, "", `?candidate=${encodeURIComponent(number)}`);
    inspect(number);
  });
  const asked = new URLSearchParams(location.search).get("candidate");
  if (asked) {
    field.value = asked;
    return inspect(asked);
  }
  field.focus();
  return undefined;
}

startAdminPage(async () => wire());
