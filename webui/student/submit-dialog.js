// The submit dialog: how many are answered, which are not, which are marked for review, each
// a button back to that question; then a clear choice between going back and submitting.

import { openModal, closeModal } from "../shared/dialog.js";
import { $, el } from "../shared/dom.js";
import { formatNumber, t, tn } from "../shared/i18n.js";

function jumpButtons(list, indexes) {
  list.replaceChildren(...indexes.map((index) => el("li", {}, el("button", {
    className: "jump", text: t("Question {number}", { number: formatNumber(index + 1) }), attrs: { type: "button", "data-close": `jump:${index}` },
  }))));
}

function describe({ answered, total, unanswered, marked }) {
  const parts = [tn("You have answered {answered} of {count} question.", "You have answered {answered} of {count} questions.",
                    total, { answered: formatNumber(answered) })];
  if (unanswered.length === 0) parts.push(t("Every question has an answer."));
  if (marked.length > 0) {
    parts.push(tn("{count} question is marked for review.", "{count} questions are marked for review.", marked.length));
  }
  return parts.join(" ");
}

/**
 * Opens the dialog. summary: {answered, total, unanswered: [index], marked: [index]}.
 * submit(): the submission, resolving once the hall has it; it throws an Error whose message
 * is shown in the dialog when it could not be done. Resolves with "submitted", "back", or
 * {jump: index}.
 */
export async function confirmSubmit(summary, submit) {
  const dialog = $("submit-dialog");
  const confirm = $("submit-confirm");
  const error = $("submit-error");
  $("submit-summary").textContent = describe(summary);
  jumpButtons($("submit-unanswered"), summary.unanswered);
  jumpButtons($("submit-marked"), summary.marked);
  $("submit-unanswered-section").hidden = summary.unanswered.length === 0;
  $("submit-marked-section").hidden = summary.marked.length === 0;
  error.hidden = true;
  confirm.disabled = false;
  confirm.textContent = t("Submit my exam");

  let submitted = false;
  const onConfirm = async () => {
    confirm.disabled = true;
    confirm.textContent = t("Submitting…");
    error.hidden = true;
    try {
      await submit();
      submitted = true;
      closeModal(dialog, "submitted");
    } catch (err) {
      error.textContent = err.message;
      error.hidden = false;
      confirm.disabled = false;
      confirm.textContent = t("Try again");
      confirm.focus();
    }
  };
  confirm.addEventListener("click", onConfirm);
  try {
    const answer = await openModal(dialog, { initialFocus: $("submit-back") });
    if (submitted) return "submitted";
    if (answer.startsWith("jump:")) return { jump: Number(answer.slice(5)) };
    return "back";
  } finally {
    confirm.removeEventListener("click", onConfirm);
  }
}
