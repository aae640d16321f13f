// An inline choice: a list box in the gap of the text; the answer is the chosen option's key.
// Keyboard: Tab to the box, ↑ ↓ (or the first letter) to choose; a screen reader names it.

import { el } from "../../shared/dom.js";
import { t } from "../../shared/i18n.js";
import { hintFor, optionList, placesIn } from "./in-text.js";

/** Puts the list box in the stem's gap; calls onChange(key or null) on every change. */
export function inlineChoice(question, value, onChange, stem) {
  const select = optionList(question, typeof value === "string" ? value : null,
    t("Your choice for the gap"));
  select.id = "inline-answer";
  select.addEventListener("change", () => onChange(select.value || null));
  const [gap] = placesIn(stem, ".answer-gap");
  (gap ?? stem.appendChild(el("p"))).append(select);
  return hintFor([select], t("Choose the word for the gap from its list."));
}
