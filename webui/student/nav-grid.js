// The navigation grid: one button per question, showing answered, unanswered, marked and current.
// The state is in the words of each button's accessible name too, not in its colour alone.

import { el } from "../shared/dom.js";
import { isAnswered } from "./state.js";
import { formatNumber, t } from "../shared/i18n.js";

function describe(number, answered, marked) {
  if (marked) {
    return answered ? t("Question {number}, answered, marked for review", { number })
      : t("Question {number}, not answered, marked for review", { number });
  }
  return answered ? t("Question {number}, answered", { number }) : t("Question {number}, not answered", { number });
}

export class NavGrid {
  /** list: the <ol> of the grid; onJump(index) when a question is chosen. */
  constructor(list, { onJump }) {
    this.list = list;
    this.onJump = onJump;
    this.buttons = [];
  }

  /** Builds the buttons once, for the paper's questions. */
  build(questions) {
    this.buttons = questions.map((question, index) => {
      const button = el("button", { className: "grid-button", attrs: { type: "button" } },
                        el("span", { className: "grid-number", text: formatNumber(index + 1) }),
                        el("span", { className: "grid-flag", text: "⚑", attrs: { "aria-hidden": "true" } }));
      button.dataset.index = String(index);
      button.dataset.qid = question.id;
      button.addEventListener("click", () => this.onJump(index));
      return button;
    });
    this.list.replaceChildren(...this.buttons.map((button) => el("li", {}, button)));
  }

  /** Shows `state` (answers, marks, current question). */
  update(questions, state) {
    questions.forEach((question, index) => {
      const button = this.buttons[index];
      const answered = isAnswered(state.answers[question.id]);
      const marked = state.marked.includes(question.id);
      button.classList.toggle("answered", answered);
      button.classList.toggle("marked", marked);
      button.classList.toggle("current", index === state.current);
      if (index === state.current) button.setAttribute("aria-current", "step");
      else button.removeAttribute("aria-current");
      button.setAttribute("aria-label", describe(formatNumber(index + 1), answered, marked));
    });
  }

  /** Makes every button inert (the exam moved away or ended). */
  lock() {
    for (const button of this.buttons) button.disabled = true;
  }

  /** Undoes lock(). */
  unlock() {
    for (const button of this.buttons) button.disabled = false;
  }
}
