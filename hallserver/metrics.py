"""How the hall is doing: request rates and latencies, save batches, event-loop lag, memory, disk.

One registry per app (no module globals), exported at /metrics in the Prometheus text format and
summarised as JSON for the admin pages. Recent save latencies are also kept in a ring, so the
admin page can show percentiles without a monitoring stack.
"""

from __future__ import annotations

import asyncio
import shutil
import time
from array import array
from pathlib import Path
from typing import Any

import psutil
from aiohttp import web
from aiohttp.typedefs import Handler
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, ProcessCollector

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
BATCH_BUCKETS = (1, 2, 5, 10, 25, 50, 100, 250, 500)
RECENT = 20_000
LAG_EVERY = 0.5
# Routes that hold their connection open for as long as a page is (the console's live feed, the
# candidates' long poll of notices): counted as requests, but their duration is no latency and
# would swamp every mean.
STREAMING_ROUTES = frozenset({"/staff/live", "/student/notices"})


class HallMetrics:
    """The hall's figures, kept as requests and batches happen."""

    def __init__(self, database: Path) -> None:
        self.registry = CollectorRegistry()
        ProcessCollector(registry=self.registry)
        self.requests = Counter("examhall_requests", "HTTP requests answered.",
                                ["route", "method", "status"], registry=self.registry)
        self.latency = Histogram("examhall_request_seconds", "Time to answer a request.",
                                 ["route"], buckets=LATENCY_BUCKETS, registry=self.registry)
        self.batch_size = Histogram("examhall_write_batch_jobs", "Writes per committed transaction.",
                                    buckets=BATCH_BUCKETS, registry=self.registry)
        self.batch_seconds = Histogram("examhall_write_batch_seconds", "Time to commit a batch.",
                                       buckets=LATENCY_BUCKETS, registry=self.registry)
        self.loop_lag = Gauge("examhall_event_loop_lag_seconds",
                              "How late the event loop ran a timer, last look.",
                              registry=self.registry)
        self._database = database
        Gauge("examhall_database_bytes", "Size of the database file.",
              registry=self.registry).set_function(lambda: _size(database))
        Gauge("examhall_wal_bytes", "Size of the write-ahead log.",
              registry=self.registry).set_function(lambda: _size(_wal(database)))
        Gauge("examhall_disk_free_bytes", "Free space where the database lives.",
              registry=self.registry).set_function(lambda: shutil.disk_usage(database.parent).free)
        # One flat array, not a deque of tuples: fewer objects for the garbage collector to walk.
        self.recent_saves = array("d", bytes(8 * RECENT))
        self._recent_count = 0
        self.failed_saves = 0
        self.last_lag = 0.0
        # The labelled children per (route, method, status): looking them up by label values on
        # every request cost three times what counting does.
        self._children: dict[tuple[str, str, int], tuple[Any, Any]] = {}

    def observe_batch(self, jobs: int, seconds: float) -> None:
        """A committed transaction of `jobs` writes."""
        self.batch_size.observe(jobs)
        self.batch_seconds.observe(seconds)

    def observe_request(self, route: str, method: str, status: int, seconds: float) -> None:
        """An answered request."""
        key = (route, method, status)
        children = self._children.get(key)
        if children is None:
            children = (self.requests.labels(route, method, str(status)), self.latency.labels(route))
            self._children[key] = children
        children[0].inc()
        if route not in STREAMING_ROUTES:
            children[1].observe(seconds)
        if route.endswith("/session/save"):
            if status == 200:
                self.recent_saves[self._recent_count % RECENT] = seconds
                self._recent_count += 1
            else:
                self.failed_saves += 1

    def summary(self) -> dict[str, Any]:
        """The figures for the admin page."""
        latencies = sorted(self.recent_saves[:min(self._recent_count, RECENT)])
        memory = psutil.Process().memory_info().rss
        return {"save_latency_ms": {f"p{p}": _percentile(latencies, p) for p in (50, 95, 99)},
                "saves_observed": len(latencies), "failed_saves": self.failed_saves,
                "event_loop_lag_ms": round(self.last_lag * 1000, 2),
                "memory_bytes": memory, "database_bytes": _size(self._database),
                "wal_bytes": _size(_wal(self._database)),
                "disk_free_bytes": shutil.disk_usage(self._database.parent).free,
                "requests": _request_totals(self.requests)}


def _wal(database: Path) -> Path:
    return database.with_name(database.name + "-wal")


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def _percentile(ordered: list[float], percent: int) -> float | None:
    if not ordered:
        return None
    index = min(len(ordered) - 1, int(len(ordered) * percent / 100))
    return round(ordered[index] * 1000, 2)


def _request_totals(counter: Counter) -> dict[str, int]:
    totals: dict[str, int] = {}
    for metric in counter.collect():
        for sample in metric.samples:
            if sample.name.endswith("_total"):
                route = sample.labels["route"]
                totals[route] = totals.get(route, 0) + int(sample.value)
    return totals


def metrics_middleware(metrics: HallMetrics):
    """Times every request, labelled by its route (not its URL: no unbounded labels)."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        started = time.perf_counter()
        status = 500
        try:
            response = await handler(request)
            status = response.status
            return response
        except web.HTTPException as exc:
            status = exc.status
            raise
        finally:
            route = request.match_info.route.resource
            name = route.canonical if route is not None else "unmatched"
            metrics.observe_request(name, request.method, status, time.perf_counter() - started)

    return middleware


async def measure_loop_lag(metrics: HallMetrics) -> None:
    """Measures, forever, how late the event loop wakes from a short sleep (a busy loop answers
    late); run it with `tasks.running`."""
    loop = asyncio.get_running_loop()
    while True:
        before = loop.time()
        await asyncio.sleep(LAG_EVERY)
        metrics.last_lag = max(0.0, loop.time() - before - LAG_EVERY)
        metrics.loop_lag.set(metrics.last_lag)
