// Charts drawn as SVG by hand: no library, nothing fetched. Each chart is a <figure> whose SVG
// has a title and a description for screen readers, followed by the same figures as a table
// (in a <details>), so nothing is only a picture. Colours come from CSS classes (admin.css):
// the page's CSP forbids inline styles, and classes follow the high-contrast switch.

import { el } from "../shared/dom.js";
import { formatTimeOfDay } from "../shared/format.js";
import { t } from "../shared/i18n.js";
import { dataTable } from "./data-table.js";

const SVG = "http://www.w3.org/2000/svg";
let chartCount = 0;

function svgElement(name, attributes = {}, text = null) {
  const element = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  if (text !== null) element.textContent = text;
  return element;
}

/**
 * A round top for an axis and its step: 0, 5, 10, 15 rather than 0, 4.3, 8.6. Counts
 * (`integer`) never step by less than one: there is no half a session.
 */
export function niceScale(max, { ticks = 4, integer = false } = {}) {
  if (!(max > 0)) return { top: 1, step: 1 };
  const rough = max / ticks;
  const power = 10 ** Math.floor(Math.log10(rough));
  let step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= rough);
  if (integer) step = Math.max(1, Math.round(step));
  return { top: Math.ceil(max / step) * step, step };
}

function figure({ title, description, rows, columns, svg }) {
  chartCount += 1;
  const id = `chart-${chartCount}`;
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-labelledby", `${id}-title ${id}-desc`);
  svg.prepend(svgElement("title", { id: `${id}-title` }, title), svgElement("desc", { id: `${id}-desc` }, description));
  // The panel's heading names the chart; the caption says what it shows now.
  return el("figure", { className: "chart" }, el("figcaption", { text: description }), svg,
            figuresTable(title, columns, rows));
}

function figuresTable(title, columns, rows) {
  return el("details", { className: "chart-data" }, el("summary", { text: t("Show the figures") }),
            dataTable(title, columns, rows));
}

/** An empty chart says so, rather than drawing axes around nothing. */
function emptyFigure(title, text) {
  return el("figure", { className: "chart chart-empty", attrs: { "aria-label": title } }, el("p", { text }));
}

/**
 * Horizontal bars, one per {label, value, tone?}: for categories (sessions by state, latency
 * percentiles, offline time per candidate). `format(value)` writes each value.
 */
export function barChart({ title, description, data, format = String, unit = "", empty = t("Nothing yet.") }) {
  if (!data.length) return emptyFigure(title, empty);
  const row = 34;
  const [width, labelWidth, valueWidth] = [560, 150, 90];
  const height = data.length * row + 8;
  const { top } = niceScale(Math.max(...data.map((d) => d.value)));
  const scale = (width - labelWidth - valueWidth) / top;
  const svg = svgElement("svg", { viewBox: `0 0 ${width} ${height}`, class: "chart-svg bars" });
  data.forEach((item, i) => {
    const y = i * row + 4;
    svg.append(
      svgElement("text", { x: labelWidth - 10, y: y + row / 2, class: "label", "text-anchor": "end", "dominant-baseline": "middle" }, item.label),
      svgElement("rect", { x: labelWidth, y: y + 4, width: Math.max(item.value > 0 ? 2 : 0, item.value * scale), height: row - 10, rx: 3, class: `bar ${item.tone ? `tone-${item.tone}` : ""}` }),
      svgElement("text", { x: labelWidth + item.value * scale + 8, y: y + row / 2, class: "value", "dominant-baseline": "middle" }, format(item.value)),
    );
  });
  const rows = data.map((d) => [d.label, format(d.value)]);
  return figure({ title, description, rows, columns: ["", unit || t("Value")], svg });
}

function yAxis(svg, box, top, step, format) {
  for (let value = 0; value <= top + step / 2; value += step) {
    const y = box.bottom - (value / top) * (box.bottom - box.top);
    svg.append(
      svgElement("line", { x1: box.left, x2: box.right, y1: y, y2: y, class: value === 0 ? "axis-line" : "grid-line" }),
      svgElement("text", { x: box.left - 8, y, class: "tick", "text-anchor": "end", "dominant-baseline": "middle" }, format(value)),
    );
  }
}

/**
 * Columns over categories or time: [{label, value}] in order, with `tickEvery` labels shown
 * (every label for few columns; every 60th for minutes over a day).
 */
export function columnChart({ title, description, data, format = String, unit = "", xName = "", tickLabel = null,
                              empty = t("Nothing yet."), width = 560, integer = true }) {
  if (!data.length) return emptyFigure(title, empty);
  const height = 240;
  const box = { left: 72, right: width - 12, top: 12, bottom: height - 34 };
  const { top, step } = niceScale(Math.max(...data.map((d) => d.value)), { integer });
  const svg = svgElement("svg", { viewBox: `0 0 ${width} ${height}`, class: "chart-svg columns" });
  yAxis(svg, box, top, step, format);
  const slot = (box.right - box.left) / data.length;
  const gap = slot > 6 ? slot * 0.2 : 0;
  data.forEach((item, i) => {
    const h = (item.value / top) * (box.bottom - box.top);
    const x = box.left + i * slot;
    const bar = svgElement("rect", { x: x + gap / 2, y: box.bottom - h, width: Math.max(1, slot - gap), height: h, class: "bar" });
    bar.append(svgElement("title", {}, `${item.label}: ${format(item.value)}`));
    svg.append(bar);
    const label = tickLabel ? tickLabel(item, i) : item.label;
    if (label) {
      svg.append(svgElement("text", { x: x + slot / 2, y: box.bottom + 18, class: "tick", "text-anchor": "middle" }, label));
    }
  });
  const rows = data.map((d) => [d.label, format(d.value)]);
  return figure({ title, description, rows, columns: [xName, unit || t("Value")], svg });
}

/** A line over time, for figures the page samples itself (event-loop lag, request rate). */
export function lineChart({ title, description, points, format = String, unit = "", empty = t("Collecting…") }) {
  if (points.length < 2) return emptyFigure(title, empty);
  const [width, height] = [560, 200];
  const box = { left: 72, right: width - 12, top: 12, bottom: height - 30 };
  const { top, step } = niceScale(Math.max(...points.map((p) => p.value)));
  const svg = svgElement("svg", { viewBox: `0 0 ${width} ${height}`, class: "chart-svg line" });
  yAxis(svg, box, top, step, format);
  const [first, last] = [points[0].t, points[points.length - 1].t];
  const x = (t) => box.left + ((t - first) / Math.max(1, last - first)) * (box.right - box.left);
  const y = (v) => box.bottom - (v / top) * (box.bottom - box.top);
  const path = points.map((p, i) => `${i ? "L" : "M"}${x(p.t).toFixed(1)},${y(p.value).toFixed(1)}`).join(" ");
  svg.append(svgElement("path", { d: path, class: "line-path" }));
  svg.append(
    svgElement("text", { x: box.left, y: box.bottom + 20, class: "tick", "text-anchor": "start" }, formatTimeOfDay(first)),
    svgElement("text", { x: box.right, y: box.bottom + 20, class: "tick", "text-anchor": "end" }, formatTimeOfDay(last)),
  );
  const rows = points.map((p) => [formatTimeOfDay(p.t), format(p.value)]);
  return figure({ title, description, rows, columns: [t("Time"), unit || t("Value")], svg });
}
