// The few DOM helpers every page uses: find by id, make an element, change text only when it
// changes, speak through a live region, list terms and their values.

import { text as words } from "./text.js";

/** The element with this id (null when the page has none). */
export const $ = (id) => document.getElementById(id);

/**
 * A new element: `el("p", { className: "note", text: "Saved", attrs: { role: "status" } }, child)`.
 * Text is always set as text, never parsed as HTML.
 */
export function el(tag, { className = "", text = null, attrs = {} } = {}, ...children) {
  const made = document.createElement(tag);
  if (className) made.className = className;
  for (const [name, value] of Object.entries(attrs)) made.setAttribute(name, value);
  if (text !== null && text !== undefined) made.textContent = text;
  made.append(...children);
  return made;
}

/** Sets `node`'s text only when it differs: a screen reader or a selection is not disturbed. */
export function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

/**
 * Says `text` through the live region `region`. It is emptied first and filled a moment later,
 * so the same sentence said twice is announced twice.
 */
export function announce(region, text) {
  region.textContent = "";
  setTimeout(() => { region.textContent = text; }, 50);
}

/** <dt>/<dd> pairs for a <dl>, from [[term, value], ...]; a missing value reads "—". */
export function termsAndValues(pairs) {
  return pairs.flatMap(([term, value]) => [el("dt", { text: term }),
                                            el("dd", { text: value ?? words("value.none") })]);
}
