// Performance: the hall's figures (GET /admin/performance) and its Prometheus histograms
// (GET /metrics), sampled every five seconds while the page is open. Rates are worked out here
// from the difference between two samples; the hall only counts.

import { getJson, getRaw } from "../shared/api.js";
import { formatBytes, formatCount, formatMs } from "../shared/format.js";
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
    statCard("Memory in use", formatBytes(figures.memory_bytes)),
    statCard("Disk free", formatBytes(figures.disk_free_bytes)),
    statCard("Database + WAL", formatBytes(figures.database_bytes + figures.wal_bytes)),
    statCard("Event-loop lag", formatMs(figures.event_loop_lag_ms), "How late the server ran a timer"),
    statCard("Writes per batch", average.toFixed(1), `${formatCount(figures.write_jobs)} writes in ${formatCount(figures.write_batches)} commits`),
    statCard("Failed saves", formatCount(figures.failed_saves), `of ${formatCount(figures.saves_observed + figures.failed_saves)} answered`),
  ];
}

const ROUTE_COLUMNS = ["Route", ...["Requests", "Per second", "Mean", "95% under"]
  .map((name) => ({ name, numeric: true }))];

function routesTable(figures, latency) {
  const perSecond = rates();
  const routes = Object.entries(figures.requests).sort((a, b) => b[1] - a[1]);
  const rows = routes.map(([route, total]) => {
    const histogram = latency.get(route);
    const mean = histogram && histogram.count ? (histogram.sum / histogram.count) * 1000 : null;
    const bound = histogram ? quantileBound(histogram, 0.95) : null;
    return [route, formatCount(total), perSecond.has(route) ? perSecond.get(route).toFixed(2) : "—",
            formatMs(mean), bound === null ? "—" : bound === Infinity ? "over 10 s" : formatMs(bound * 1000)];
  });
  return dataTable("Requests by route: how many, how often, how fast", ROUTE_COLUMNS, rows, { rowHeadings: true });
}

function charts(figures, samples) {
  const points = history.slice(1).map((sample, i) => {
    const before = history[i];
    const total = (s) => Object.values(s.requests).reduce((a, b) => a + b, 0);
    return { t: sample.t, value: Math.max(0, total(sample) - total(before)) / ((sample.t - before.t) / 1000) };
  });
  fill("rate-chart", lineChart({ title: "Requests per second, every route", description: `Sampled every ${EVERY_MS / 1000} seconds while this page is open.`,
                                 points, format: (v) => v.toFixed(v < 10 ? 1 : 0), unit: "Requests/s" }));
  fill("lag-chart", lineChart({ title: "Event-loop lag (ms)", description: "How late the server's event loop ran a half-second timer; high means the server is busy.",
                                points: history.map((s) => ({ t: s.t, value: s.lag })), format: formatMs, unit: "Lag" }));
  const batches = histograms(samples, "examhall_write_batch_jobs").get("");
  const counts = batches ? bucketCounts(batches).filter((b, i, all) => b.value > 0 || i < all.length - 1) : [];
  fill("batch-chart", columnChart({ title: "Writes per committed batch", description: "How many writes (mostly saves) each commit carried: larger batches under load are group commit at work.",
                                    data: counts.some((b) => b.value > 0) ? counts : [], format: formatCount, unit: "Batches", xName: "Writes in the batch", empty: "No write yet." }));
  const latency = Object.entries(figures.save_latency_ms).filter(([, v]) => typeof v === "number")
    .map(([name, value]) => ({ label: `${name.slice(1)}th percentile`, value }));
  fill("save-latency-chart", barChart({ title: "Save latency percentiles (recent saves)", description: latency.map((d) => `${d.label}: ${formatMs(d.value)}`).join(", "),
                                        data: latency, format: formatMs, unit: "Milliseconds", empty: "No save answered yet." }));
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
