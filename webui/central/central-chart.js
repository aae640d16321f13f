// The distribution of an exam's scores as a bar chart, drawn here as inline SVG (no library):
// one bar per tenth of the maximum score, its count above it.

import { formatNumber, t } from "../shared/i18n.js";

const SVG = "http://www.w3.org/2000/svg";
const WIDTH = 520;
const HEIGHT = 220;
const TOP = 22;
const BOTTOM = 40;
const SIDE = 12;

function svg(tag, attrs = {}, text = null) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  if (text !== null) node.textContent = text;
  return node;
}

/** An <svg> of `distribution` ([{from, to, count}]), named for screen readers by `label`. */
export function distributionChart(distribution, label) {
  const chart = svg("svg", { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: "img", class: "score-chart",
                             "aria-label": label });
  chart.append(svg("title", {}, label));
  const most = Math.max(1, ...distribution.map((bin) => bin.count));
  const slot = (WIDTH - 2 * SIDE) / distribution.length;
  const tall = HEIGHT - TOP - BOTTOM;
  chart.append(svg("line", { x1: SIDE, x2: WIDTH - SIDE, y1: HEIGHT - BOTTOM, y2: HEIGHT - BOTTOM, class: "axis" }));
  distribution.forEach((bin, index) => {
    const height = Math.round((bin.count / most) * tall);
    const x = SIDE + index * slot;
    const bar = svg("rect", { x: x + 4, y: HEIGHT - BOTTOM - height, width: slot - 8, height, class: "bar" });
    bar.append(svg("title", {}, t("{from}–{to} %: {count}", { from: bin.from, to: bin.to, count: bin.count })));
    chart.append(bar);
    chart.append(svg("text", { x: x + slot / 2, y: HEIGHT - BOTTOM - height - 6, class: "count" },
                     formatNumber(bin.count)));
    chart.append(svg("text", { x: x + slot / 2, y: HEIGHT - BOTTOM + 16, class: "bin" },
                     `${formatNumber(bin.from)}–${formatNumber(bin.to)}`));
  });
  chart.append(svg("text", { x: WIDTH / 2, y: HEIGHT - 6, class: "axis-title" }, t("Score, % of the maximum")));
  return chart;
}
