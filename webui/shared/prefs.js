// Display preferences: text size and high contrast, chosen by the candidate, kept on this PC.
// They are not exam data, but they are cleared with the journal after a submission anyway (see
// clearPrefs), so the next candidate starts from the hall's defaults.

import { el } from "./dom.js";
import { forget, keep, readKept } from "./device-store.js";
import { N_, forgetLanguage, t } from "./i18n.js";

const STORE_KEY = "examhall-prefs";
const SIZES = [
  { id: "normal", label: N_("Normal text"), className: "" },
  { id: "large", label: N_("Large text"), className: "text-large" },
  { id: "larger", label: N_("Larger text"), className: "text-larger" },
];

function readPrefs() {
  const kept = readKept(STORE_KEY, {});
  return { size: "normal", contrast: false, ...(kept && typeof kept === "object" ? kept : {}) };
}

function applyPrefs(prefs) {
  const root = document.documentElement;
  for (const size of SIZES) {
    if (size.className) root.classList.toggle(size.className, size.id === prefs.size);
  }
  root.classList.toggle("contrast", Boolean(prefs.contrast));
}

function button(text, label, className) {
  return el("button", { className, text, attrs: { type: "button", "aria-label": label } });
}

function sizeGroup(prefs, refresh) {
  const group = el("div", { className: "group", attrs: { role: "group", "aria-label": t("Text size"),
                                                        "data-i18n-attr": "aria-label" } },
                   el("span", { text: t("Text size"), attrs: { "aria-hidden": "true", "data-i18n": "" } }));
  SIZES.forEach((size, index) => {
    const choice = button("A", t(size.label), `size-${index + 1}`);
    choice.dataset.i18nAttr = "aria-label";
    choice.dataset.size = size.id;
    choice.addEventListener("click", () => { prefs.size = size.id; refresh(); });
    group.append(choice);
  });
  return group;
}

/** Renders the switches into every [data-prefs] element and applies the saved choice. */
export function installPrefs() {
  const prefs = readPrefs();
  applyPrefs(prefs);
  for (const holder of document.querySelectorAll("[data-prefs]")) {
    const contrast = button(t("High contrast"), t("High contrast"), "contrast-switch");
    contrast.dataset.i18n = "";
    contrast.dataset.i18nAttr = "aria-label";
    // Only a candidate's own choice is written: opening a page leaves nothing behind.
    const refresh = (chosen = true) => {
      applyPrefs(prefs);
      if (chosen) keep(STORE_KEY, prefs);
      for (const choice of holder.querySelectorAll("[data-size]")) {
        choice.setAttribute("aria-pressed", String(choice.dataset.size === prefs.size));
      }
      contrast.setAttribute("aria-pressed", String(Boolean(prefs.contrast)));
    };
    contrast.addEventListener("click", () => { prefs.contrast = !prefs.contrast; refresh(); });
    holder.replaceChildren(sizeGroup(prefs, refresh), contrast);
    refresh(false);
  }
}

/** Back to the defaults (after a submission: the next candidate starts fresh). */
export function clearPrefs() {
  forget(STORE_KEY);
  forgetLanguage();
  applyPrefs(readPrefs());
}
