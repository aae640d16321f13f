// An essay: a large text box with a live word count (and the word limit when the exam sets
// one). Typing is handed to the question view's debounce (`onTyped`), which journals the text;
// the journal sends it to the hall as an edit, never the whole essay each time (essay-edits.js).
// The word limit is never enforced: past it the count says by how much, the box and the count
// turn to their warning colour, and a warning (announced once, as it appears) says the text is
// still kept whole and that the marker will see it is over the limit.

import { el } from "../../shared/dom.js";
import { formatNumber, t, tn } from "../../shared/i18n.js";
import { countWords } from "../essay-edits.js";

const MAX_ESSAY = 50000; // the hall's limit in characters (hallserver/domain/content/essays.py)

function countText(words, limit) {
  if (!limit) return tn("{count} word", "{count} words", words);
  if (words > limit) {
    return tn("{words} of {limit} words: {count} over the limit", "{words} of {limit} words: {count} over the limit",
              words - limit, { words: formatNumber(words), limit: formatNumber(limit) });
  }
  return t("{count} of {limit} words", { count: formatNumber(words), limit: formatNumber(limit) });
}

/** The essay box for `question` showing `value`; calls onTyped() on every change, onLeft() on leaving it. */
export function essayBox(question, value, onTyped, onLeft) {
  const wrap = el("div", { className: "essay-question" });
  const box = el("textarea", { className: "text-answer essay-answer" });
  box.id = "text-answer";
  box.name = "text-answer";
  box.rows = 16;
  box.maxLength = MAX_ESSAY;
  box.value = typeof value === "string" ? value : "";
  box.setAttribute("aria-labelledby", "question-text");
  box.setAttribute("aria-describedby", "essay-count essay-limit-warning text-hint");
  box.setAttribute("autocomplete", "off");
  box.setAttribute("spellcheck", "false");
  const limit = question.word_limit || 0;
  // Read with the box (aria-describedby), not announced on every keystroke.
  const count = el("p", { className: "essay-count", attrs: { id: "essay-count" } });
  // A live region present (empty) from the start, so its sentence is announced once as it appears.
  const warning = el("p", { className: "essay-limit-warning", attrs: { id: "essay-limit-warning", role: "status" } });
  const show = () => {
    const words = countWords(box.value);
    const over = Boolean(limit) && words > limit;
    count.textContent = countText(words, limit);
    count.classList.toggle("over-limit", over);
    box.classList.toggle("over-limit", over);
    const said = over ? t("Your essay is over its word limit. All of it is kept and saved; your marker will see that it is over the limit.") : "";
    if (warning.textContent !== said) warning.textContent = said;
  };
  box.addEventListener("input", () => {
    show();
    onTyped();
  });
  box.addEventListener("change", onLeft);
  show();
  const hint = el("p", { className: "question-hint", attrs: { id: "text-hint" },
                         text: t("Write your answer. It is kept as you type, even if the hall cannot be reached.") });
  wrap.append(box, count, warning, hint);
  return wrap;
}
