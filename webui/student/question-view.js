// One question on the screen, of any kind the hall serves:
//   single choice ("choice", or no "kind"): radio buttons, the answer is one option key;
//   "multiple": checkboxes, the answer is a list of option keys (in the paper's order), at most
//     `max_choices` of them when the question says so;
//   "text": a text box, the answer is a string;
//   "match": a grid of stems and options (kinds/match.js), the answer is a list of "STEM OPTION";
//   "inline", "order", "gap_match", "hottext", "associate", "hotspot", "point": kinds/index.js.
//   "essay": a large text box with a word count (kinds/essay.js), the answer is a string.
// Options are whole-row labels, so the click target is the full width of the card. A question's
// HTML (stem and options) is shown when the hall sends it, its plain text otherwise.

import { el } from "../shared/dom.js";
import { richText } from "./rich-text.js";
import { matchGrid } from "./kinds/match.js";
import { KIND_VIEWS } from "./kinds/index.js";
import { essayBox } from "./kinds/essay.js";
import { formatNumber, t, tn } from "../shared/i18n.js";

const TEXT_DEBOUNCE_MS = 400;
const MAX_TEXT_ANSWER = 2000; // the hall's limit (hallserver/domain/exams.py)
const SHORT_TEXT = 40;        // expected lengths up to this get a one-line box

/** The kind of a paper question: "single", "multiple", "text", "match" or one of KIND_VIEWS. */
export function questionKind(question) {
  if (["multiple", "text", "match", "essay"].includes(question.kind) || KIND_VIEWS[question.kind]) return question.kind;
  return "single";
}

function content(node, html, text) {
  if (html) {
    node.append(richText(html));
    node.classList.add("rich"); // its own markup breaks lines, not the file's indentation
  } else node.textContent = text ?? "";
  return node;
}

function choiceHint(question) {
  const least = question.min_choices || 0;
  const most = question.max_choices || 0;
  if (most && least && least === most) return tn("Choose {count}.", "Choose {count}.", most);
  if (most && least) return t("Choose between {least} and {most}.", { least: formatNumber(least), most: formatNumber(most) });
  if (most) return tn("Choose up to {count}.", "Choose up to {count}.", most);
  if (least > 1) return tn("Choose at least {count}.", "Choose at least {count}.", least);
  return t("Choose all that apply.");
}

export class QuestionView {
  /** container: where the question goes; onAnswer(value) for every change by the candidate. */
  constructor(container, { onAnswer }) {
    this.container = container;
    this.onAnswer = onAnswer;
    this.question = null;
    this.locked = false;
    this.pendingText = null;
  }

  /** Shows `question` with its current `value`; `locked` shows it without letting it change. */
  render(question, value, { locked = false } = {}) {
    this.flush();
    this.question = question;
    this.locked = locked;
    const stem = content(el("div", { className: "question-text" }), question.html, question.text);
    stem.id = "question-text";
    stem.dir = "auto";   // the question's own direction: Latin content in an Arabic page, or the reverse
    const kind = questionKind(question);
    const body = kind === "text" ? this._textBox(question, value)
      : kind === "essay" ? essayBox(question, value, () => this._typed(), () => this.flush())
      : kind === "match" ? matchGrid(question, value, (pairs) => this.onAnswer(pairs))
        : KIND_VIEWS[kind] ? KIND_VIEWS[kind](question, value, (answer) => this.onAnswer(answer), stem)
          : this._choices(question, kind, value);
    this.container.replaceChildren(stem, body);
    for (const input of this.container.querySelectorAll("input, textarea, select, button")) {
      if (locked) input.disabled = true;
    }
    this._limitChoices();
  }

  _choices(question, kind, value) {
    const chosen = new Set(Array.isArray(value) ? value : value == null ? [] : [value]);
    const fieldset = el("fieldset", { className: "options" });
    fieldset.setAttribute("aria-labelledby", "question-text");
    if (kind === "multiple") {
      const hint = el("p", { className: "question-hint", text: choiceHint(question) });
      hint.id = "choice-hint";
      fieldset.setAttribute("aria-describedby", hint.id);
      fieldset.append(hint);
    }
    const optionsHtml = question.options_html || {};
    for (const [key, text] of Object.entries(question.options || {})) {
      const label = el("label", { className: "option" });
      const input = el("input");
      input.type = kind === "multiple" ? "checkbox" : "radio";
      input.name = "answer";
      input.value = key;
      input.checked = chosen.has(key);
      input.addEventListener("change", () => this._choiceChanged(kind));
      const shown = content(el("span", { className: "option-text", attrs: { dir: "auto" } }), optionsHtml[key], text);
      label.append(input, el("span", { className: "option-key", text: key }), shown);
      fieldset.append(label);
    }
    return fieldset;
  }

  _textBox(question, value) {
    const wrap = el("div", { className: "text-question" });
    const short = question.expected_length && question.expected_length <= SHORT_TEXT;
    const box = el(short || question.numeric ? "input" : "textarea", { className: "text-answer" });
    box.id = "text-answer";
    box.name = "text-answer";
    if (box.tagName === "TEXTAREA") box.rows = 4;
    else box.type = "text";
    if (question.numeric) box.inputMode = "decimal";
    box.maxLength = MAX_TEXT_ANSWER;
    box.value = typeof value === "string" ? value : "";
    box.setAttribute("aria-labelledby", "question-text");
    box.setAttribute("aria-describedby", "text-hint");
    box.setAttribute("autocomplete", "off");
    box.setAttribute("spellcheck", "false");
    // Typing is journaled shortly after it pauses, and at once when the box is left.
    box.addEventListener("input", () => this._typed());
    box.addEventListener("change", () => this.flush());
    const hint = el("p", { className: "question-hint", text: question.numeric
      ? t("Type a number. It is kept as you type.") : t("Type your answer. It is kept as you type.") });
    hint.id = "text-hint";
    wrap.append(box, hint);
    return wrap;
  }

  _typed() {
    clearTimeout(this.pendingText);
    this.pendingText = setTimeout(() => this.flush(), TEXT_DEBOUNCE_MS);
  }

  /** Sends a text answer still waiting for its pause (before leaving the question or the page). */
  flush() {
    if (this.pendingText === null) return;
    clearTimeout(this.pendingText);
    this.pendingText = null;
    const box = this.container.querySelector(".text-answer");
    if (box) this.onAnswer(box.value.trim() === "" ? null : box.value);
  }

  _choiceChanged(kind) {
    const checked = [...this.container.querySelectorAll("input[name=answer]:checked")]
      .map((input) => input.value);
    if (kind === "multiple") {
      this._limitChoices();
      this.onAnswer(checked.length ? checked : null);
    } else {
      this.onAnswer(checked[0] ?? null);
    }
  }

  // With max_choices reached, the other boxes are disabled: a candidate cannot give an answer
  // the hall would refuse.
  _limitChoices() {
    const most = this.question && questionKind(this.question) === "multiple" && this.question.max_choices;
    if (!most || this.locked) return;
    const boxes = [...this.container.querySelectorAll("input[name=answer]")];
    const full = boxes.filter((box) => box.checked).length >= most;
    for (const box of boxes) box.disabled = full && !box.checked;
  }

  /** Chooses (or for "multiple", toggles) the option with this key, as a click would. */
  choose(key) {
    const input = [...this.container.querySelectorAll("input[name=answer]")]
      .find((candidate) => candidate.value.toLowerCase() === key.toLowerCase());
    if (!input || input.disabled) return false;
    if (input.type === "radio" && input.checked) return true;
    input.click();
    input.focus();
    return true;
  }

  /** Chooses the n-th option (from 0). */
  chooseNth(index) {
    const inputs = this.container.querySelectorAll("input[name=answer]");
    return inputs[index] ? this.choose(inputs[index].value) : false;
  }

  /** The option keys of the question shown (for keyboard shortcuts). */
  optionKeys() {
    return this.question && ["single", "multiple"].includes(questionKind(this.question))
      ? Object.keys(this.question.options || {}) : []; // a grid's cells are not one-key options
  }
}
