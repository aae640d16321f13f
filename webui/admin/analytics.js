// Session analytics: how the day went, drawn from GET /admin/analytics.

import { getJson } from "../shared/api.js";
import { formatCount, formatHourMinute, formatMs, formatSpan, statusLabel } from "../shared/format.js";
import { t, tn } from "../shared/i18n.js";
import { barChart, columnChart } from "./charts.js";
import { fill, startAdminPage, statCard } from "./admin-page.js";

const MINUTE = 60000;

const STATE_TONES = { assigned: "neutral", in_progress: "ok", completed: "primary" };

const SHORTEST_WINDOW = 60; // minutes: an hour at least, so one busy minute is not one wide block

/**
 * Minutes with no save are zero, not missing; a long day is binned so columns stay visible. The
 * series starts an hour back at most, and never before the hall's first activity (`sinceIso`).
 */
export function savesSeries(perMinute, nowMs, sinceIso = null) {
  if (!perMinute.length) return { bins: [], size: 1 };
  const thisMinute = Math.floor(nowMs / MINUTE) * MINUTE;
  const firstSave = Date.parse(perMinute[0].minute);
  const since = sinceIso ? Math.floor(Date.parse(sinceIso) / MINUTE) * MINUTE : -Infinity;
  const first = Math.min(firstSave, Math.max(since, thisMinute - (SHORTEST_WINDOW - 1) * MINUTE));
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
  const { bins, size } = savesSeries(figures.saves_per_minute, Date.now(), figures.activity_since);
  return columnChart({
    title: size === 1 ? t("Saves per minute") : t("Saves per {minutes} minutes", { minutes: size }),
    description: t("Saves the hall stored, {count} in all, from {time} until now.",
                   { count: formatCount(bins.reduce((n, b) => n + b.value, 0)),
                     time: bins.length ? formatHourMinute(bins[0].t) : "—" }),
    data: bins.map((b) => ({ label: formatHourMinute(b.t), value: b.value, t: b.t })),
    tickLabel: roundTimeLabel(bins, size),
    format: formatCount, unit: t("Saves"), xName: t("From"), empty: t("No saves in the last 24 hours."), width: 1000,
  });
}

function statesChart(figures) {
  const order = Object.keys(STATE_TONES);
  const data = Object.entries(figures.sessions_by_state)
    .sort(([a], [b]) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99))
    .map(([state, count]) => ({ label: statusLabel(state), value: count, tone: STATE_TONES[state] }));
  return barChart({ title: t("Sessions by state"), description: data.map((d) => `${d.label}: ${d.value}`).join(", "),
                    data, format: formatCount, unit: t("Sessions"), empty: t("No candidates in this hall.") });
}

function latencyChart(figures) {
  const data = Object.entries(figures.save_latency_ms)
    .filter(([, value]) => typeof value === "number")
    .map(([name, value]) => ({ label: t("{rank}th percentile", { rank: name.slice(1) }), value }));
  return barChart({ title: t("Save latency percentiles"),
                    description: data.map((d) => `${d.label}: ${formatMs(d.value)}`).join(", "),
                    data, format: formatMs, unit: t("Milliseconds"),
                    empty: t("No saves answered since the hall started.") });
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
    title: t("Completion times (minutes)"),
    description: tn("{count} session completed, counted by how many minutes it took.",
                    "{count} sessions completed, counted by how many minutes they took.", figures.completion_minutes.length),
    data: bins, format: formatCount, unit: t("Sessions"), xName: t("Minutes"),
    empty: t("No session is completed yet."),
  });
}

function offlineChart(figures) {
  const data = Object.entries(figures.offline_periods)
    .map(([candidate, periods]) => ({ label: candidate, value: periods.reduce((s, p) => s + p.seconds, 0),
                                      tone: "warn" }))
    .sort((a, b) => b.value - a.value)
    .slice(0, 20);
  return barChart({
    title: t("Time offline per candidate (the 20 longest)"),
    description: data.length ? data.map((d) => `${d.label}: ${formatSpan(d.value)}`).join(", ") : t("None."),
    data, format: formatSpan, unit: t("Offline"), empty: t("No candidate's page reported time offline."),
  });
}

function stats(figures) {
  const states = figures.sessions_by_state;
  const total = Object.values(states).reduce((a, b) => a + b, 0);
  const saves = figures.saves_per_minute.reduce((n, m) => n + m.saves, 0);
  return [
    statCard(t("Candidates' sessions"), formatCount(total)),
    statCard(t("Completed"), formatCount(states.completed ?? 0)),
    statCard(t("Saves, last 24 hours"), formatCount(saves)),
    statCard(t("Failed saves answered"), formatCount(figures.failed_saves_answered),
             t("Saves the hall refused or could not take")),
    statCard(t("Failed saves reported"), formatCount(figures.failed_saves_reported),
             t("Saves candidates' pages could not send")),
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
