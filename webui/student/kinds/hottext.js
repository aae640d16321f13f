// A hottext: words or phrases of the text are buttons the candidate presses to choose them;
// the answer is the list of their keys. A screen reader reads each as a toggle button, pressed
// or not; with one to choose, pressing one releases the other.

import { el } from "../../shared/dom.js";
import { t, tn } from "../../shared/i18n.js";
import { hintFor, placesIn } from "./in-text.js";

function hint(question) {
  const most = question.max_choices || 0;
  if (most === 1) return t("Select the word or phrase in the text that answers the question.");
  if (most) return tn("Select up to {count} words or phrases in the text.",
    "Select up to {count} words or phrases in the text.", most);
  return t("Select every word or phrase in the text that answers the question.");
}

/** Turns the stem's hottexts into toggle buttons; calls onChange(keys or null) on every change. */
export function hottext(question, value, onChange, stem) {
  const chosen = new Set(Array.isArray(value) ? value : []);
  const keys = Object.keys(question.options || {});
  const most = question.max_choices || 0;
  const buttons = placesIn(stem, ".hottext").slice(0, keys.length).map((place, index) => {
    const button = el("button", { className: "hottext-choice", attrs: { type: "button" } });
    button.dataset.key = keys[index];
    button.append(...place.childNodes);
    button.setAttribute("aria-pressed", String(chosen.has(keys[index])));
    place.replaceWith(button);
    return button;
  });
  const pressed = () => buttons.filter((b) => b.getAttribute("aria-pressed") === "true");
  const limit = () => {
    const full = most > 1 && pressed().length >= most;
    for (const button of buttons) {
      button.setAttribute("aria-disabled", String(full && button.getAttribute("aria-pressed") !== "true"));
    }
  };
  for (const button of buttons) {
    button.addEventListener("click", () => {
      const on = button.getAttribute("aria-pressed") !== "true";
      if (on && button.getAttribute("aria-disabled") === "true") return;
      if (on && most === 1) for (const other of buttons) other.setAttribute("aria-pressed", "false");
      button.setAttribute("aria-pressed", String(on));
      limit();
      const keysChosen = pressed().map((b) => b.dataset.key);
      onChange(keysChosen.length ? keysChosen : null);
    });
  }
  limit();
  return hintFor(buttons, hint(question));
}
