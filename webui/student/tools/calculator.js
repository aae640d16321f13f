// The on-screen calculator (basic or scientific, as the exam allows): a panel beside the
// question, used with the keyboard (type, Enter computes, Escape closes) or the pointer (keys).
// Sums are computed by calculator-engine.js, never by eval.

import { el } from "../../shared/dom.js";
import { N_, formatNumber, t } from "../../shared/i18n.js";
import { CalcError, evaluate, formatResult } from "./calculator-engine.js";

const BASIC_KEYS = [
  ["7", "8", "9", "÷", "("], ["4", "5", "6", "×", ")"], ["1", "2", "3", "−", "%"],
  ["0", ".", "√", "+", "="],
];
const SCIENTIFIC_KEYS = [["sin", "cos", "tan", "^", "π"], ["asin", "acos", "atan", "ln", "log"], ["!", "e"]];
// What a key's name is read as, where its symbol alone says little to a screen reader.
const SPOKEN = { "÷": N_("divide"), "×": N_("times"), "−": N_("minus"), "+": N_("plus"),
                 "√": N_("square root"), "^": N_("to the power"), "%": N_("percent"),
                 "=": N_("equals"), "π": N_("pi"), "!": N_("factorial") };
const ERRORS = { syntax: N_("Not a complete calculation"), divide_by_zero: N_("Cannot divide by zero"),
                 domain: N_("No result for this calculation") };
const INSERTED = { sin: "sin(", cos: "cos(", tan: "tan(", asin: "asin(", acos: "acos(", atan: "atan(",
                   ln: "ln(", log: "log(" };

export class Calculator {
  /** mode: "basic" or "scientific"; toggle: the toolbar button that opens and closes it. */
  constructor(mode, toggle) {
    this.mode = mode;
    this.toggle = toggle;
    this.angle = "deg";
    this.panel = this._build();
    toggle.setAttribute("aria-controls", this.panel.id);
    toggle.setAttribute("aria-expanded", "false");
    toggle.addEventListener("click", () => (this.panel.hidden ? this.open() : this.close()));
  }

  _build() {
    this.input = el("input", { className: "calc-input", attrs: { id: "calc-input", type: "text",
      dir: "ltr", autocomplete: "off", spellcheck: "false", inputmode: "decimal" } });
    this.result = el("output", { className: "calc-result", attrs: { id: "calc-result", for: "calc-input",
      dir: "ltr", "aria-live": "polite" } });
    this.inputLabel = el("label", { attrs: { for: "calc-input" } });
    this.input.addEventListener("keydown", (event) => this._key(event));
    const keys = this.mode === "scientific" ? [...SCIENTIFIC_KEYS, ...BASIC_KEYS] : BASIC_KEYS;
    const pad = el("div", { className: "calc-keys", attrs: { dir: "ltr" } });
    this.keyButtons = [];
    for (const row of keys) {
      for (const key of row) {
        const button = el("button", { className: `calc-key${key === "=" ? " primary" : ""}`, text: key,
                                      attrs: { type: "button", "data-key": key } });
        button.addEventListener("click", () => this.press(key));
        this.keyButtons.push(button);
        pad.append(button);
      }
    }
    this.clearButton = el("button", { className: "calc-key", attrs: { type: "button" } });
    this.clearButton.addEventListener("click", () => this.clear());
    this.backButton = el("button", { className: "calc-key", text: "⌫", attrs: { type: "button" } });
    this.backButton.addEventListener("click", () => { this.input.value = this.input.value.slice(0, -1); this.input.focus(); });
    pad.append(this.clearButton, this.backButton);
    this.title = el("h2", { className: "tool-title", attrs: { id: "calc-title" } });
    this.closeButton = el("button", { className: "button quiet tool-close", attrs: { type: "button" } });
    this.closeButton.addEventListener("click", () => this.close());
    const head = el("div", { className: "tool-head" }, this.title, this.closeButton);
    const parts = [head, this.inputLabel, this.input, this.result, pad];
    if (this.mode === "scientific") {
      this.angleButton = el("button", { className: "button quiet calc-angle", attrs: { type: "button", "aria-pressed": "true" } });
      this.angleButton.addEventListener("click", () => this.setAngle(this.angle === "deg" ? "rad" : "deg"));
      parts.splice(4, 0, this.angleButton);
    }
    const panel = el("section", { className: `tool-panel calculator ${this.mode}`,
                                  attrs: { id: "calculator", "aria-labelledby": "calc-title" } }, ...parts);
    panel.hidden = true;
    panel.addEventListener("keydown", (event) => {
      if (event.key === "Escape") { event.preventDefault(); event.stopPropagation(); this.close(); }
    });
    this.relabel();
    return panel;
  }

  /** Puts the calculator's words in the language in use. */
  relabel() {
    this.title.textContent = this.mode === "scientific" ? t("Scientific calculator") : t("Calculator");
    this.inputLabel.textContent = t("Calculation (Enter computes, Escape closes)");
    this.closeButton.textContent = t("Close");
    this.closeButton.setAttribute("aria-label", t("Close the calculator"));
    this.clearButton.textContent = t("C");
    this.clearButton.setAttribute("aria-label", t("Clear"));
    this.backButton.setAttribute("aria-label", t("Delete the last character"));
    for (const button of this.keyButtons) {
      const spoken = SPOKEN[button.dataset.key];
      if (spoken) button.setAttribute("aria-label", t(spoken));
    }
    if (this.angleButton) {
      this.angleButton.textContent = this.angle === "deg" ? t("Angles in degrees") : t("Angles in radians");
    }
  }

  open() {
    this.panel.hidden = false;
    this.toggle.setAttribute("aria-expanded", "true");
    this.input.focus();
  }

  close() {
    this.panel.hidden = true;
    this.toggle.setAttribute("aria-expanded", "false");
    this.toggle.focus();
  }

  setAngle(angle) {
    this.angle = angle;
    this.angleButton.setAttribute("aria-pressed", String(angle === "deg"));
    this.relabel();
    this.input.focus();
  }

  clear() {
    this.input.value = "";
    this.result.textContent = "";
    this.result.classList.remove("error");
    this.input.focus();
  }

  /** A key of the pad: its symbol typed at the cursor, "=" computes. */
  press(key) {
    if (key === "=") return this.compute();
    const text = INSERTED[key] ?? key;
    const { selectionStart: start = this.input.value.length, selectionEnd: end = start } = this.input;
    this.input.setRangeText(text, start ?? this.input.value.length, end ?? this.input.value.length, "end");
    this.input.focus();
  }

  _key(event) {
    if (event.key === "Enter" || (event.key === "=" && !event.shiftKey)) {
      event.preventDefault();
      this.compute();
    }
  }

  /** Computes what is typed; shows the result, or what is wrong (never throws). */
  compute() {
    const expression = this.input.value;
    try {
      const value = evaluate(expression, { angle: this.angle, scientific: this.mode === "scientific" });
      const shown = formatResult(value);
      this.result.classList.remove("error");
      this.result.textContent = `= ${shown}`;
      this.result.dataset.value = shown;
      this.result.title = formatNumber(value, { maximumSignificantDigits: 12 });
      this.input.value = shown;
    } catch (err) {
      if (!(err instanceof CalcError)) throw err;
      this.result.classList.add("error");
      this.result.textContent = t(ERRORS[err.reason] || ERRORS.syntax);
      delete this.result.dataset.value;
    }
    this.input.focus();
  }
}
