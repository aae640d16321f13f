// The exam's candidate tools, each shown only when the exam file allows it (paper.exam.tools):
// the calculator (basic or scientific), the answer eliminator and the highlighter. Their marks
// live in the session's tool_state (state.tools): saved, replicated and restored like answers,
// never scored. Invigilators see nothing of them.

import { $, el } from "../../shared/dom.js";
import { t } from "../../shared/i18n.js";
import { emptyTools } from "../state.js";
import { Calculator } from "./calculator.js";
import { addStrikeSwitches, toggleStruck } from "./eliminator.js";
import { mergeSpans, paintSpans, selectWordsByKeyboard, selectedSpan } from "./highlighter.js";

export class ExamTools {
  /** allowed: the exam's tools ({calculator, eliminator, highlighter}); journal; manager; isLocked(). */
  constructor({ allowed, journal, manager, isLocked }) {
    this.allowed = allowed || {};
    Object.assign(this, { journal, manager, isLocked });
    this.question = null;
    this.buttons = {};
  }

  get tools() { return this.journal.state.tools || emptyTools(); }

  /** Adds the toolbar (and the calculator's panel) for the tools the exam allows. */
  install() {
    const { calculator, highlighter } = this.allowed;
    if (!calculator && !highlighter) return;
    const bar = el("div", { className: "exam-toolbar", attrs: { id: "exam-toolbar", role: "group" } });
    if (calculator === "basic" || calculator === "scientific") {
      this.buttons.calculator = el("button", { className: "button quiet tool-button", attrs: { type: "button", id: "open-calculator" } });
      this.calculator = new Calculator(calculator, this.buttons.calculator);
      bar.append(this.buttons.calculator);
      document.querySelector(".side")?.prepend(this.calculator.panel);
    }
    if (highlighter) {
      this.buttons.highlight = el("button", { className: "button quiet tool-button", attrs: { type: "button", id: "highlight" } });
      this.buttons.clearHighlights = el("button", { className: "button quiet tool-button", attrs: { type: "button", id: "clear-highlights" } });
      // Pressing the button would otherwise take the selection away on some pointers.
      this.buttons.highlight.addEventListener("mousedown", (event) => event.preventDefault());
      this.buttons.highlight.addEventListener("click", () => this.highlightSelection());
      this.buttons.clearHighlights.addEventListener("click", () => this.clearHighlights());
      this.keysHint = el("p", { className: "tool-hint", attrs: { id: "highlight-keys" } });
      bar.append(this.buttons.highlight, this.buttons.clearHighlights, this.keysHint);
    }
    document.querySelector("#question .question-head")?.after(bar);
    this.bar = bar;
    this.relabel();
  }

  /** Puts the tools' words in the language in use. */
  relabel() {
    this.bar?.setAttribute("aria-label", t("Tools"));
    if (this.buttons.calculator) this.buttons.calculator.textContent = t("Calculator");
    if (this.buttons.highlight) this.buttons.highlight.textContent = t("Highlight the selected words");
    if (this.buttons.clearHighlights) this.buttons.clearHighlights.textContent = t("Clear highlights");
    if (this.keysHint) {
      this.keysHint.textContent = t("To highlight with the keyboard: Tab to the question's text, select words with the arrow keys (Shift to extend), then press Enter.");
    }
    this.calculator?.relabel();
  }

  /** After a question is drawn: its struck-out options and its highlights. */
  decorate(question, { locked }) {
    this.question = question;
    if (this.allowed.eliminator) {
      addStrikeSwitches($("question-body"), question, this.tools,
                        { locked, onToggle: (key) => this.toggleOption(key) });
    }
    if (this.allowed.highlighter) {
      const text = $("question-text");
      paintSpans(text, (this.tools.highlights || {})[question.id] || []);
      if (!locked) {
        text.tabIndex = 0;
        text.setAttribute("aria-describedby", "highlight-keys");
        selectWordsByKeyboard(text, { onHighlight: () => this.highlightSelection({ focus: true }) });
      }
      for (const button of [this.buttons.highlight, this.buttons.clearHighlights]) button.disabled = locked;
    }
  }

  _keep(tools) {
    this.manager.change({ field: "tool_state", value: tools });
  }

  toggleOption(key) {
    if (this.isLocked() || !this.question) return;
    const qid = this.question.id;
    this._keep(toggleStruck(this.tools, qid, key));
    this._redraw(qid);
    document.querySelector(`button.strike[data-option="${CSS.escape(key)}"]`)?.focus();
  }

  highlightSelection({ focus = false } = {}) {
    if (this.isLocked() || !this.question) return;
    const span = selectedSpan($("question-text"));
    if (!span) return;
    const qid = this.question.id;
    const spans = mergeSpans([...((this.tools.highlights || {})[qid] || []), span]);
    this._keep({ ...this.tools, highlights: { ...(this.tools.highlights || {}), [qid]: spans } });
    window.getSelection()?.removeAllRanges();
    this._redraw(qid);
    if (focus) $("question-text")?.focus();
  }

  clearHighlights() {
    if (this.isLocked() || !this.question) return;
    const highlights = { ...(this.tools.highlights || {}) };
    delete highlights[this.question.id];
    this._keep({ ...this.tools, highlights });
    this._redraw(this.question.id);
  }

  /** The candidate chose an interface language: kept with the session, so it follows a move. */
  keepLanguage(language) {
    if (this.tools.language === language) return;
    this._keep({ ...this.tools, language });
  }

  _redraw(qid) {
    if (this.question?.id === qid) this.onRedraw?.();
  }
}
