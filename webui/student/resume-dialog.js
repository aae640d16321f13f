// The resume dialog: "You were on question 14, 37 answered, 41:20 left. Resume?"
// It is shown when a candidate comes back to an exam with anything done, so they know at once
// that nothing was lost and where they are.

import { openModal } from "../shared/dialog.js";
import { $ } from "../shared/dom.js";
import { formatClock } from "../shared/format.js";
import { formatNumber, t } from "../shared/i18n.js";

function summary({ questionNumber, answered, secondsLeft }) {
  const facts = { number: formatNumber(questionNumber), answered: formatNumber(answered) };
  if (secondsLeft === null) return t("You were on question {number}, {answered} answered.", facts);
  return t("You were on question {number}, {answered} answered, {time} left.",
           { ...facts, time: formatClock(secondsLeft) });
}

/**
 * Shows the dialog until the candidate resumes. facts(): {questionNumber, answered, secondsLeft},
 * read again every second, so the time shown is the time left; offline: the hall cannot be
 * reached right now.
 */
export async function askToResume(facts, { name = "", offline = false } = {}) {
  const dialog = $("resume-dialog");
  const text = $("resume-summary");
  const title = $("resume-title");
  title.textContent = name ? t("Welcome back, {name}", { name }) : t("Welcome back");
  const note = $("resume-note");
  const refresh = () => { text.textContent = summary(facts()); };
  refresh();
  note.textContent = offline
    ? t("Your answers and marks are back as you left them. The hall cannot be reached just now: they are kept on this PC and sent when it can.")
    : t("Your answers and marks are back as you left them.");
  const ticking = setInterval(refresh, 1000);
  try {
    await openModal(dialog, { initialFocus: $("resume-go") });
  } finally {
    clearInterval(ticking);
  }
}
