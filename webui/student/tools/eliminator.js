// The answer eliminator: a "strike out" switch beside each option of a choice question. A struck
// option is greyed and lined through; it stays choosable and is never taken as an answer. The
// marks are kept in the session's tool_state, so they come back after a reload or on another PC.

import { el } from "../../shared/dom.js";
import { t } from "../../shared/i18n.js";

/** The question's struck-out option keys, from the tools' state. */
export function struckOut(tools, qid) {
  return new Set((tools?.eliminated || {})[qid] || []);
}

/** tools with `key` of question `qid` struck out or restored. */
export function toggleStruck(tools, qid, key) {
  const keys = struckOut(tools, qid);
  if (keys.has(key)) keys.delete(key);
  else keys.add(key);
  const eliminated = { ...(tools?.eliminated || {}) };
  if (keys.size) eliminated[qid] = [...keys].sort();
  else delete eliminated[qid];
  return { ...tools, eliminated };
}

/**
 * Adds the switches to the options on screen. container: the question body; onToggle(key) when
 * the candidate strikes or restores one.
 */
export function addStrikeSwitches(container, question, tools, { locked, onToggle }) {
  const fieldset = container.querySelector("fieldset.options");
  if (!fieldset) return;
  fieldset.classList.add("with-eliminator");
  const struck = struckOut(tools, question.id);
  for (const label of fieldset.querySelectorAll("label.option")) {
    const key = label.querySelector("input")?.value;
    if (key === undefined) continue;
    const on = struck.has(key);
    label.classList.toggle("eliminated", on);
    // The words say what a press does (a label that changes, so no aria-pressed as well).
    const button = el("button", { className: "strike", text: on ? t("Restore") : t("Strike out"),
      attrs: { type: "button", "data-option": key, "data-struck": String(on),
               "aria-label": on ? t("Restore option {key}", { key }) : t("Strike out option {key}", { key }) } });
    button.disabled = locked;
    button.addEventListener("click", () => onToggle(key));
    label.after(button);
  }
}
