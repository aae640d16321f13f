// The resume dialog: "You were on question 14, 37 answered, 41:20 left. Resume?"
// It is shown when a candidate comes back to an exam with anything done, so they know at once
// that nothing was lost and where they are.

import { openModal } from "../shared/dialog.js";
import { $ } from "../shared/dom.js";
import { formatClock } from "../shared/format.js";

function summary({ questionNumber, answered, secondsLeft }) {
  const left = secondsLeft === null ? "" : `, ${formatClock(secondsLeft)} left`;
  return `You were on question ${questionNumber}, ${answered} answered${left}.`;
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
  title.textContent = name ? `Welcome back, ${name}` : "Welcome back";
  const note = $("resume-note");
  const refresh = () => { text.textContent = summary(facts()); };
  refresh();
  note.textContent = offline
    ? "Your answers and marks are back as you left them. The hall cannot be reached just now: " +
      "they are kept on this PC and sent when it can."
    : "Your answers and marks are back as you left them.";
  const ticking = setInterval(refresh, 1000);
  try {
    await openModal(dialog, { initialFocus: $("resume-go") });
  } finally {
    clearInterval(ticking);
  }
}
