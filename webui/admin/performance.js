// Performance: the hall's figures (GET /admin/performance) and its Prometheus histograms
// (GET /metrics), sampled every five seconds while the page is open. Rates are worked out here
// from the difference between two samples; the hall only counts.

import { getJson, getRaw } from "../shared/api.js";
import { formatBytes, formatCount, formatMs } from "../shared/format.js";
import { N_, t } from "../shared/i18n.js";
import { barChart, columnChart, lineChart } from "./charts.js";
import { dataTable } from "./data-table.js";
import { fill, startAdminPage, statCard } from "./admin-page.js";
import { bucketCounts, histograms, parseMetrics, quantileBound } from "./prometheus.js";

const EVERY_MS = 5000;
const KEEP = 120; // ten minutes of samples
const history = [];

async function metricsText() {
  return (await getRaw("/metrics")).text();
}

/** Requests per second per route, between the last two samples. */
function rates() {
  if (history.length < 2) return new Map();
  const [before, after] = history.slice(-2);
  const seconds = (after.t - before.t) / 1000;
  const found = new Map();
  for (const [route, total] of Object.entries(after.requests)) {
    found.set(route, Math.max(0, total - (before.requests[route] ?? 0)) / seconds);
  }
  return found;
}

function stats(figures) {
  const average = figures.write_batches ? figures.write_jobs / figures.write_batches : 0;
  return [
    statCard(t("Memory in use"), formatBytes(figures.memory_bytes)),
    statCard(t("Disk free"), formatBytes(figures.disk_free_bytes)),
    statCard(t("Database + WAL"), formatBytes(figures.database_bytes + figures.wal_bytes)),
    statCard(t("Event-loop lag"), formatMs(figures.event_loop_lag_ms), t("How late the server ran a timer")),
    statCard(t("Writes per batch"), average.toFixed(1), t("{writes} writes in {commits} commits",
                                                          { writes: formatCount(figures.write_jobs), commits: formatCount(figures.write_batches) })),
    statCard(t("Failed saves"), formatCount(figures.failed_saves),
             t("of {count} answered", { count: formatCount(figures.saves_observed + figures.failed_saves) })),
  ];
}

const ROUTE_COLUMNS = [N_("Route"), ...[N_("Requests"), N_("Per second"), N_("Mean"), N_("95% under")]
  .map((name) => ({ name, numeric: true }))];

function routesTable(figures, latency) {
  const perSecond = rates();
  const routes = Object.entries(figures.requests).sort((a, b) => b[1] - a[1]);
  const rows = routes.map(([route, total]) => {
    const histogram = latency.get(route);
    const mean = histogram && histogram.count ? (histogram.sum / histogram.count) * 1000 : null;
    const bound = histogram ? quantileBound(histogram, 0.95) : null;
    return [route, formatCount(total), perSecond.has(route) ? perSecond.get(route).toFixed(2) : "—",
            formatMs(mean), bound === null ? "—" : bound === Infinity ? t("over 10 s") : formatMs(bound * 1000)];
  });
  const columns = ROUTE_COLUMNS.map((c) => (typeof c === "string" ? t(c) : { ...c, name: t(c.name) }));
  return dataTable(t("Requests by route: how many, how often, how fast"), columns, rows, { rowHeadings: true });
}

function charts(figures, samples) {
  const points = history.slice(1).map((sample, i) => {
    const before = history[i];
    const total = (s) => Object.values(s.requests).reduce((a, b) => a + b, 0);
    return { t: sample.t, value: Math.max(0, total(sample) - total(before)) / ((sample.t - before.t) / 1000) };
  });
  fill("rate-chart", lineChart({ title: t("Requests per second, every route"),
                                 description: t("Sampled every {seconds} seconds while this page is open.", { seconds: EVERY_MS / 1000 }),
                                 points, format: (v) => v.toFixed(v < 10 ? 1 : 0), unit: t("Requests/s") }));
  fill("lag-chart", lineChart({ title: t("Event-loop lag (ms)"), description: t("How late the server's event loop ran a half-second timer; high means the server is busy."),
                                points: history.map((s) => ({ t: s.t, value: s.lag })), format: formatMs, unit: t("Lag") }));
  const batches = histograms(samples, "examhall_write_batch_jobs").get("");
  const counts = batches ? bucketCounts(batches).filter((b, i, all) => b.value > 0 || i < all.length - 1) : [];
  fill("batch-chart", columnChart({ title: t("Writes per committed batch"), description: t("How many writes (mostly saves) each commit carried: larger batches under load are group commit at work."),
                                    data: counts.some((b) => b.value > 0) ? counts : [], format: formatCount, unit: t("Batches"),
                                    xName: t("Writes in the batch"), empty: t("No write yet.") }));
  const latency = Object.entries(figures.save_latency_ms).filter(([, v]) => typeof v === "number")
    .map(([name, value]) => ({ label: t("{rank}th percentile", { rank: name.slice(1) }), value }));
  fill("save-latency-chart", barChart({ title: t("Save latency percentiles (recent saves)"), description: latency.map((d) => `${d.label}: ${formatMs(d.value)}`).join(", "),
                                        data: latency, format: formatMs, unit: t("Milliseconds"), empty: t("No save answered yet.") }));
}

async function load() {
  const [figures, text] = await Promise.all([getJson("/admin/performance"), metricsText()]);
  history.push({ t: Date.now(), requests: figures.requests, lag: figures.event_loop_lag_ms });
  if (history.length > KEEP) history.shift();
  const samples = parseMetrics(text);
  fill("performance-stats", ...stats(figures));
  charts(figures, samples);
  fill("routes-table", routesTable(figures, histograms(samples, "examhall_request_seconds", "route")));
}

startAdminPage(load, { everyMs: EVERY_MS });
