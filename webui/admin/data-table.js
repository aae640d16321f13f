// The figures of an admin page as a table: a caption for screen readers, column headings, rows
// of text. Every chart shows its figures in one too, so nothing is only a picture.

import { el } from "../shared/dom.js";

/**
 * A <table class="data-table">. columns: names, or {name, numeric} (numeric columns align
 * right); rows: [[text]]. With `rowHeadings` the first cell of each row names it.
 */
export function dataTable(caption, columns, rows, { rowHeadings = false } = {}) {
  const names = columns.map((column) => (typeof column === "string" ? column : column.name));
  const align = columns.map((column) => (column.numeric ? "num" : ""));
  const head = el("tr", {}, ...names.map((name, i) => el("th", { className: align[i], text: name,
                                                                 attrs: { scope: "col" } })));
  const body = rows.map((cells) => el("tr", {}, ...cells.map((value, i) => (rowHeadings && i === 0
    ? el("th", { text: value, attrs: { scope: "row" } })
    : el("td", { className: align[i], text: value })))));
  return el("table", { className: "data-table" },
            el("caption", { className: "visually-hidden", text: caption }),
            el("thead", {}, head), el("tbody", {}, ...body));
}
