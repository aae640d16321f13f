// Session analytics: how the day went, drawn from GET /admin/analytics.

import { getJson } from "../shared/api.js";
import { formatCount, formatHourMinute, formatMs, formatSpan, statusLabel } from "../shared/format.js";
import { barChart, columnChart } from "./charts.js";
import { fill, startAdminPage, statCard } from "./admin-page.js";

const MINUTE = 60000;

/** "1 session", "2 sessions". */
function plural(count, noun) {
  return `${formatCount(count)} ${noun}${count === 1 ? "" : "s"}`;
}
const STATE_TONES = { assigned: "neutral", in_progress: "ok", completed: "primary" };

const SHORTEST_WINDOW = 60; // minutes: an hour at least, so one busy minute is not one wide block

/** Minutes with no save are zero, not missing; a long day is binned so columns stay visible. */
export function savesSeries(perMinute, nowMs) {
  if (!perMinute.length) return { bins: [], size: 1 };
  const thisMinute = Math.floor(nowMs / MINUTE) * MINUTE;
  const first = Math.min(Date.parse(perMinute[0].minute), thisMinute - (SHORTEST_WINDOW - 1) * MINUTE);
  // This PC's clock may be behind the hall's: the series reaches at least the last save.
  const last = Math.max(nowMs, Date.parse(perMinute[perMinute.length - 1].minute));
  const span = Math.floor((last - first) / MINUTE) + 1;
  const size = span <= 120 ? 1 : span <= 600 ? 5 : 15;
  const bins = Array.from({ length: Math.ceil(span / size) }, (_, i) => ({ t: first + i * size * MINUTE, value: 0 }));
  for (const { minute, saves } of perMinute) {
    const index = Math.floor((Date.parse(minute) - first) / MINUTE / size);
    if (bins[index]) bins[index].value += saves;
  }
  return { bins, size };
}

/** Axis labels on round times (every 10 minutes, every hour…), about eight at most. */
function roundTimeLabel(bins, size) {
  const spanMinutes = bins.length * size;
  const step = [5, 10, 15, 30, 60, 120, 180, 360].find((m) => spanMinutes / m <= 8) * MINUTE;
  return (item) => {
    const boundary = Math.ceil(item.t / step) * step; // the first round time in this bin
    return boundary < item.t + size * MINUTE ? formatHourMinute(boundary) : "";
  };
}

function savesChart(figures) {
  const { bins, size } = savesSeries(figures.saves_per_minute, Date.now());
  return columnChart({
    title: size === 1 ? "Saves per minute" : `Saves per ${size} minutes`,
    description: `Saves the hall stored, ${bins.reduce((n, b) => n + b.value, 0)} in all, ` +
      `from ${bins.length ? formatHourMinute(bins[0].t) : "—"} until now.`,
    data: bins.map((b) => ({ label: formatHourMinute(b.t), value: b.value, t: b.t })),
    tickLabel: roundTimeLabel(bins, size),
    format: formatCount, unit: "Saves", xName: "From", empty: "No saves in the last 24 hours.", width: 1000,
  });
}

function statesChart(figures) {
  const order = Object.keys(STATE_TONES);
  const data = Object.entries(figures.sessions_by_state)
    .sort(([a], [b]) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99))
    .map(([state, count]) => ({ label: statusLabel(state), value: count, tone: STATE_TONES[state] }));
  return barChart({ title: "Sessions by state", description: data.map((d) => `${d.label}: ${d.value}`).join(", "),
                    data, format: formatCount, unit: "Sessions", empty: "No candidates in this hall." });
}

function latencyChart(figures) {
  const data = Object.entries(figures.save_latency_ms)
    .filter(([, value]) => typeof value === "number")
    .map(([name, value]) => ({ label: `${name.slice(1)}th percentile`, value }));
  return barChart({ title: "Save latency percentiles",
                    description: data.map((d) => `${d.label}: ${formatMs(d.value)}`).join(", "),
                    data, format: formatMs, unit: "Milliseconds",
                    empty: "No saves answered since the hall started." });
}

const FEWEST_COMPLETION_BINS = 6; // half an hour at least, so one quick finish is not one wide block

/** Completion times in five-minute bins, from zero to the slowest. */
export function completionBins(completions, width = 5) {
  if (!completions.length) return [];
  const slowest = Math.max(...completions.map((c) => c.minutes));
  const count = Math.max(FEWEST_COMPLETION_BINS, Math.floor(slowest / width) + 1);
  const bins = Array.from({ length: count }, (_, i) => ({
    label: `${i * width}–${(i + 1) * width}`, value: 0 }));
  for (const { minutes } of completions) bins[Math.floor(minutes / width)].value += 1;
  return bins;
}

function completionChart(figures) {
  const bins = completionBins(figures.completion_minutes);
  return columnChart({
    title: "Completion times (minutes)",
    description: `${plural(figures.completion_minutes.length, "session")} completed, counted by how many minutes they took.`,
    data: bins, format: formatCount, unit: "Sessions", xName: "Minutes",
    empty: "No session is completed yet.",
  });
}

function offlineChart(figures) {
  const data = Object.entries(figures.offline_periods)
    .map(([candidate, periods]) => ({ label: candidate, value: periods.reduce((s, p) => s + p.seconds, 0),
                                      tone: "warn" }))
    .sort((a, b) => b.value - a.value)
    .slice(0, 20);
  return barChart({
    title: "Time offline per candidate (the 20 longest)",
    description: data.length ? data.map((d) => `${d.label}: ${formatSpan(d.value)}`).join(", ") : "None.",
    data, format: formatSpan, unit: "Offline", empty: "No candidate's page reported time offline.",
  });
}

function stats(figures) {
  const states = figures.sessions_by_state;
  const total = Object.values(states).reduce((a, b) => a + b, 0);
  const saves = figures.saves_per_minute.reduce((n, m) => n + m.saves, 0);
  return [
    statCard("Candidates' sessions", formatCount(total)),
    statCard("Completed", formatCount(states.completed ?? 0)),
    statCard("Saves, last 24 hours", formatCount(saves)),
    statCard("Failed saves answered", formatCount(figures.failed_saves_answered),
             "Saves the hall refused or could not take"),
    statCard("Failed saves reported", formatCount(figures.failed_saves_reported),
             "Saves candidates' pages could not send"),
  ];
}

async function load() {
  const figures = await getJson("/admin/analytics");
  fill("analytics-stats", ...stats(figures));
  fill("saves-chart", savesChart(figures));
  fill("states-chart", statesChart(figures));
  fill("latency-chart", latencyChart(figures));
  fill("completion-chart", completionChart(figures));
  fill("offline-chart", offlineChart(figures));
}

startAdminPage(load, { everyMs: 30000 });
