// What the kinds answered inside the question's text share: the places the hall marked in the
// stem (a gap: <span class="answer-gap">, a hottext's words: <span class="hottext">), in reading
// order, and a list box of the options to put in a gap.

import { el } from "../../shared/dom.js";
import { t } from "../../shared/i18n.js";

/** The marked places of `selector` in the stem, in reading order. */
export function placesIn(stem, selector) {
  return [...stem.querySelectorAll(selector)];
}

/** A <select> of the options (plain text, the paper's order) with an empty first entry. */
export function optionList(question, value, label) {
  const select = el("select", { className: "gap-choice" });
  select.append(el("option", { text: t("(choose)"), attrs: { value: "" } }));
  for (const [key, text] of Object.entries(question.options || {})) {
    select.append(el("option", { text, attrs: { value: key } }));
  }
  select.value = value ?? "";
  select.setAttribute("aria-label", label);
  return select;
}

/** A hint under the question, tied to `described` for screen readers. */
export function hintFor(described, text) {
  const hint = el("p", { className: "question-hint", text });
  hint.id = "kind-hint";
  for (const node of described) node.setAttribute("aria-describedby", hint.id);
  return hint;
}
