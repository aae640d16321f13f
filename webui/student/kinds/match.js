// A matching question as a grid a screen reader can read: one row per stem, one column per
// option, a radio button in each cell (a checkbox when a stem may join several options). The
// answer is the list of pairs "STEM OPTION" (QTI's directedPair), in the stems' order.
// Keyboard: Tab moves between rows, ↑ and ↓ along a row (each row is one radio group; ← and →
// stay the page's previous and next question), Space ticks a checkbox.

import { el } from "../../shared/dom.js";
import { richText } from "../rich-text.js";
import { t } from "../../shared/i18n.js";

function cellContent(html, text) {
  const node = el("span");
  if (html) node.append(richText(html));
  else node.textContent = text ?? "";
  return node;
}

/** The grid for `question` showing `value`; calls onChange(pairs or null) on every change. */
export function matchGrid(question, value, onChange) {
  const chosen = new Set(Array.isArray(value) ? value : []);
  const several = question.max_choices !== 1;
  const options = Object.entries(question.options || {});
  const table = el("table", { className: "match-grid" });
  table.setAttribute("aria-labelledby", "question-text");
  const head = el("tr");
  head.append(el("td"));
  for (const [key, text] of options) {
    const th = el("th");
    th.scope = "col";
    th.append(cellContent((question.options_html || {})[key], text));
    head.append(th);
  }
  const thead = el("thead");
  thead.append(head);
  const tbody = el("tbody");
  const changed = () => {
    const pairs = [...table.querySelectorAll("input:checked")].map((input) => input.value);
    onChange(pairs.length ? pairs : null);
  };
  for (const [stem, text] of Object.entries(question.stems || {})) {
    const row = el("tr");
    const th = el("th");
    th.scope = "row";
    const label = cellContent((question.stems_html || {})[stem], text);
    th.append(label);
    row.append(th);
    for (const [key, optionText] of options) {
      const input = el("input");
      input.type = several ? "checkbox" : "radio";
      input.name = `match-${stem}`;
      input.value = `${stem} ${key}`;
      input.checked = chosen.has(input.value);
      input.setAttribute("aria-label", `${text} – ${optionText}`);
      input.addEventListener("change", changed);
      const cell = el("td");
      cell.append(input);
      row.append(cell);
    }
    tbody.append(row);
  }
  table.append(thead, tbody);
  const wrap = el("div", { className: "match-question" });
  const hint = el("p", { className: "question-hint", text: several
    ? t("Tick every option that goes with each row (Tab to move, Space to tick).")
    : t("Choose one option for each row (Tab between rows, ↑ ↓ along a row).") });
  wrap.append(table, hint);
  return wrap;
}
