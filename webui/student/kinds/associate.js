// An associate question: which of its options go together in pairs. A grid a screen reader
// can read: one row and one column per option, a checkbox in each cell above the diagonal
// (Paris – France is France – Paris, so each pair has one box). The answer is the list of pairs
// "A B" (QTI's pair); at most `max_choices` of them when the question says so.
// Keyboard: Tab from box to box, Space to tick.

import { el } from "../../shared/dom.js";
import { t, tn } from "../../shared/i18n.js";

const pairKey = (a, b) => [a, b].sort().join(" ");

function header(scope, text) {
  const th = el("th", { text, attrs: { scope, dir: "auto" } });
  return th;
}

/** The grid for `question` showing `value`; calls onChange(pairs or null) on every change. */
export function associateGrid(question, value, onChange) {
  const chosen = new Set((Array.isArray(value) ? value : []).map((pair) => pairKey(...pair.split(" "))));
  const options = Object.entries(question.options || {});
  const most = question.max_choices || 0;
  const table = el("table", { className: "match-grid associate-grid" });
  table.setAttribute("aria-labelledby", "question-text");
  const head = el("tr");
  head.append(el("td"), ...options.map(([, text]) => header("col", text)));
  const tbody = el("tbody");
  const boxes = [];
  const limit = () => {
    const full = most && boxes.filter((box) => box.checked).length >= most;
    for (const box of boxes) box.disabled = Boolean(full) && !box.checked;
  };
  options.forEach(([rowKey, rowText], row) => {
    const tr = el("tr");
    tr.append(header("row", rowText));
    options.forEach(([colKey, colText], col) => {
      const cell = el("td");
      if (col > row) {
        const box = el("input", { attrs: { type: "checkbox", "aria-label": `${rowText} – ${colText}` } });
        box.value = `${rowKey} ${colKey}`;
        box.checked = chosen.has(pairKey(rowKey, colKey));
        box.addEventListener("change", () => {
          limit();
          const pairs = boxes.filter((b) => b.checked).map((b) => b.value);
          onChange(pairs.length ? pairs : null);
        });
        boxes.push(box);
        cell.append(box);
      }
      tr.append(cell);
    });
    tbody.append(tr);
  });
  const thead = el("thead");
  thead.append(head);
  table.append(thead, tbody);
  limit();
  const hint = el("p", { className: "question-hint", text: most
    ? tn("Tick each pair that goes together, up to {count}.", "Tick each pair that goes together, up to {count}.", most)
    : t("Tick each pair that goes together.") });
  hint.id = "kind-hint";
  table.setAttribute("aria-describedby", hint.id);
  const wrap = el("div", { className: "associate-question" });
  wrap.append(table, hint);
  return wrap;
}
