// The central's sittings view: every sitting, from published to results synced up; an admin
// publishes a sitting from a form, changes one its hall has not started, and ends one it has
// (asked twice: the second button confirms). A reader sees the list only (the API answers 403
// to a reader's change or end anyway).

import { errorText, postJson } from "../shared/api.js";
import { $, el } from "../shared/dom.js";
import { t } from "../shared/i18n.js";
import { cell, fillTable, hallCell, hallName, row, stateWords, when, whenOrDash } from "./central-common.js";

let admin = false;
let changing = null;    // the sitting whose change form is open
let ending = null;      // the sitting whose end is being asked for: kept through the list's refreshes
let onChanged = async () => {};

const pad = (n) => String(n).padStart(2, "0");

/** Epoch seconds as a datetime-local input's value, in this PC's time. */
function localInput(stamp) {
  const d = new Date(stamp * 1000);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A datetime-local value (this PC's time) as ISO 8601 in UTC; "" when empty or not a time. */
function isoOf(value) {
  const moment = new Date(value);
  return value && !Number.isNaN(moment.getTime()) ? moment.toISOString() : "";
}

function showFormError(id, err) {
  $(id).textContent = err ? (typeof err === "string" ? err : errorText(err)) : "";
  $(id).hidden = !err;
}

function received(s) {
  if (s.received_at) return when(s.received_at);
  return s.received ? t("yes") : t("not yet");
}

function smallButton(text, label, onClick, className = "button quiet small") {
  const button = el("button", { className, text, attrs: { type: "button", "aria-label": label } });
  button.addEventListener("click", onClick);
  return button;
}

async function end(s) {
  showFormError("end-error", null);
  try {
    await postJson(`/api/sittings/${encodeURIComponent(s.id)}/end`, {});
    ending = null;
    await onChanged();
  } catch (err) {
    showFormError("end-error", err);
  }
}

/** End, then "End now" and "Do not end": an end cannot be taken back. The question stays asked
 * while the list refreshes itself, until the admin answers it. */
function endButtons(s, cellNode) {
  const first = smallButton(t("End"), t("End {sitting}", { sitting: s.name }), () => ask(true));
  const ask = (focus) => {
    ending = s.id;
    const confirm = smallButton(t("End now"), t("End {sitting} now", { sitting: s.name }),
                                () => end(s), "button danger small");
    const keep = smallButton(t("Do not end"), t("Do not end {sitting}", { sitting: s.name }), () => {
      ending = null;
      cellNode.replaceChildren(first);
      first.focus();
    });
    const consequence = el("p", { className: "end-consequence",
                                  text: t("Every candidate's exam at the hall ends.") });
    cellNode.replaceChildren(consequence, confirm, " ", keep);
    if (focus) confirm.focus();
  };
  if (ending === s.id) ask(false);
  else cellNode.replaceChildren(first);
}

function actionCell(s) {
  const cellNode = el("td");
  if (s.state === "started" && s.end_sent_at) cellNode.textContent = t("End sent");
  else if (admin && s.state === "published") {
    cellNode.append(smallButton(t("Change"), t("Change {sitting}", { sitting: s.name }), () => openChange(s)));
  } else if (admin && s.state === "started") endButtons(s, cellNode);
  return cellNode;
}

export function showSittings(sittings) {
  // The list is drawn anew on each refresh: the button that had the focus gets it back.
  const focused = $("sittings").contains(document.activeElement)
    ? document.activeElement.getAttribute("aria-label") : null;
  fillTable($("sittings"), sittings.map((s) => row([
    hallCell(s.hall_id, s.hall_name), cell(s.exam_id), cell(s.name),
    cell(when(s.starts_at)), cell(`${when(s.published_at)} (${s.published_by})`), cell(received(s)),
    cell(whenOrDash(s.started_at)), cell(whenOrDash(s.ended_at)),
    cell(t("{count} of {total}", { count: s.present, total: s.candidates })),
    cell(String(s.submitted)), cell(String(s.synced)), actionCell(s),
  ])), $("sittings-empty"));
  if (focused) {
    [...$("sittings").querySelectorAll("button")].find((b) => b.getAttribute("aria-label") === focused)?.focus();
  }
}

/** The publish form's choices: enrolled halls by name, the bank's exams by title. */
export function fillChoices(halls, exams) {
  const keep = (select, options) => {
    const chosen = select.value;
    select.replaceChildren(...options);
    if ([...select.options].some((o) => o.value === chosen)) select.value = chosen;
  };
  keep($("publish-hall"), halls.filter((h) => h.state === "enrolled")
    .map((h) => el("option", { text: hallName(h.hall_id, h.name), attrs: { value: h.hall_id } })));
  keep($("publish-exam"), exams.map((e) => el("option", { text: `${e.id} — ${e.title}`, attrs: { value: e.id } })));
}

function openChange(s) {
  changing = s;
  $("change-title").textContent = t("Change {sitting}", { sitting: s.name });
  $("change-starts").value = localInput(s.starts_at);
  $("change-name").value = s.name;
  $("change-policy").value = "";
  $("change-late").value = "";
  showFormError("change-error", null);
  $("change-card").hidden = false;
  $("change-starts").focus();
}

function closeChange() {
  changing = null;
  $("change-card").hidden = true;
}

async function publish(event) {
  event.preventDefault();
  showFormError("publish-error", null);
  $("publish-done").hidden = true;
  const starts = isoOf($("publish-starts").value);
  if (!$("publish-hall").value || !$("publish-exam").value || !starts) {
    showFormError("publish-error", t("Choose a hall, an exam and when the sitting starts."));
    return;
  }
  const name = $("publish-name").value.trim();
  try {
    const made = await postJson("/api/sittings", {
      hall_id: $("publish-hall").value, exam_id: $("publish-exam").value, starts,
      policy: $("publish-policy").value, late_entry_minutes: Number($("publish-late").value),
      ...(name ? { name } : {}),
    });
    $("publish-done").textContent = t("Published for {hall}. Candidates: {count}.",
                                      { hall: hallName(made.hall_id), count: made.candidates });
    $("publish-done").hidden = false;
    await onChanged();
  } catch (err) {
    showFormError("publish-error", err);
  }
}

function changesOf(s) {
  const changes = {};
  const starts = isoOf($("change-starts").value);
  if (starts && Math.abs(new Date(starts).getTime() / 1000 - s.starts_at) >= 60) changes.starts = starts;
  const name = $("change-name").value.trim();
  if (name && name !== s.name) changes.name = name;
  if ($("change-policy").value) changes.policy = $("change-policy").value;
  if ($("change-late").value !== "") changes.late_entry_minutes = Number($("change-late").value);
  return changes;
}

async function change(event) {
  event.preventDefault();
  if (!changing) return;
  const changes = changesOf(changing);
  if (!Object.keys(changes).length) {
    showFormError("change-error", t("Nothing was changed."));
    return;
  }
  try {
    await postJson(`/api/sittings/${encodeURIComponent(changing.id)}/change`, changes);
    closeChange();
    await onChanged();
  } catch (err) {
    showFormError("change-error", err);
  }
}

/** Wires the forms once; `refresh` is called after a publication or a change. */
export function wireSittings(isAdmin, refresh) {
  admin = isAdmin;
  onChanged = refresh;
  $("publish-card").hidden = !admin;
  if (!admin) closeChange();
}

export function wireSittingForms() {
  $("publish-form").addEventListener("submit", publish);
  $("change-form").addEventListener("submit", change);
  $("change-cancel").addEventListener("click", closeChange);
}
