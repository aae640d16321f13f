// The submit dialog: how many are answered, which are not, which are marked for review, each
// a button back to that question; then a clear choice between going back and submitting.

import { openModal, closeModal } from "../shared/dialog.js";

function jumpButtons(list, indexes) {
  list.replaceChildren(...indexes.map((index) => {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "jump";
    button.textContent = `Question ${index + 1}`;
    button.dataset.close = `jump:${index}`;
    item.append(button);
    return item;
  }));
}

function describe({ answered, total, unanswered, marked }) {
  const parts = [`You have answered ${answered} of ${total} questions.`];
  if (unanswered.length === 0) parts.push("Every question has an answer.");
  if (marked.length > 0) {
    parts.push(marked.length === 1 ? "1 question is marked for review."
                                   : `${marked.length} questions are marked for review.`);
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
  const dialog = document.getElementById("submit-dialog");
  const confirm = document.getElementById("submit-confirm");
  const error = document.getElementById("submit-error");
  document.getElementById("submit-summary").textContent = describe(summary);
  jumpButtons(document.getElementById("submit-unanswered"), summary.unanswered);
  jumpButtons(document.getElementById("submit-marked"), summary.marked);
  document.getElementById("submit-unanswered-section").hidden = summary.unanswered.length === 0;
  document.getElementById("submit-marked-section").hidden = summary.marked.length === 0;
  error.hidden = true;
  confirm.disabled = false;
  confirm.textContent = "Submit my exam";

  let submitted = false;
  const onConfirm = async () => {
    confirm.disabled = true;
    confirm.textContent = "Submitting…";
    error.hidden = true;
    try {
      await submit();
      submitted = true;
      closeModal(dialog, "submitted");
    } catch (err) {
      error.textContent = err.message;
      error.hidden = false;
      confirm.disabled = false;
      confirm.textContent = "Try again";
      confirm.focus();
    }
  };
  confirm.addEventListener("click", onConfirm);
  try {
    const answer = await openModal(dialog, { initialFocus: document.getElementById("submit-back") });
    if (submitted) return "submitted";
    if (answer.startsWith("jump:")) return { jump: Number(answer.slice(5)) };
    return "back";
  } finally {
    confirm.removeEventListener("click", onConfirm);
  }
}
