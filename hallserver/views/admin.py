"""Hall admin endpoints: analytics, storage, backups, performance, the session inspector, /metrics."""

from __future__ import annotations

import asyncio
import datetime

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from hallserver.domain.log import analytics
from hallserver.domain.log import storage as disk
from hallserver.domain.content.results import inspect_with_chain
from hallserver.domain.access.staff import StaffMember
from hallserver.errors import NotFound
from hallserver.keys import CONFIG, METRICS, STORAGE, WORKERS
from examkit.responses import json_response

DAY = 86_400


async def analytics_view(request: web.Request, member: StaffMember) -> web.Response:
    """GET /admin/analytics: how the day went."""
    storage = request.app[STORAGE]
    since = storage.clock.now() - DAY
    figures = await storage.read(analytics.analytics, storage.key, storage.hall_id, since)
    summary = request.app[METRICS].summary()
    return json_response({**figures, "save_latency_ms": summary["save_latency_ms"],
                        "failed_saves_answered": summary["failed_saves"]})


async def storage_view(request: web.Request, member: StaffMember) -> web.Response:
    """GET /admin/storage: sizes, the log, sessions by age, the retention policy."""
    storage, config = request.app[STORAGE], request.app[CONFIG]
    held = await storage.read(disk.report, config.database_path, storage.clock.now())
    acknowledged = disk.central_acknowledgement(config)
    return json_response({**held, "retention_days": config.storage.retention_days,
                        "central_high_water_mark": acknowledged.high_water_mark
                        if acknowledged else None})


async def backup_view(request: web.Request, member: StaffMember) -> web.Response:
    """POST /admin/backup: a consistent copy of the live database, checked."""
    config = request.app[CONFIG]
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%d-%H%M%S-%f")
    target = config.base_dir / config.storage.backup_dir / f"hall-{stamp}.db"
    done = await asyncio.to_thread(disk.checked_backup, config.database_path, target,
                                   config.storage.busy_timeout_ms)
    return json_response({**done, "by": member.name})


async def performance_view(request: web.Request, member: StaffMember) -> web.Response:
    """GET /admin/performance: latencies, batch sizes, loop lag, memory, disk."""
    metrics = request.app[METRICS]
    storage = request.app[STORAGE]
    workers = request.app.get(WORKERS)
    return json_response({**metrics.summary(), "write_batches": storage.writer.batches,
                        "write_jobs": storage.writer.jobs,
                        "workers": workers.figures() if workers else {"count": 1}})


async def inspector_view(request: web.Request, member: StaffMember) -> web.Response:
    """GET /admin/candidates/{registration_number}: a candidate's whole history, decrypted."""
    storage = request.app[STORAGE]
    registration_number = request.match_info["registration_number"]
    found, chain = await storage.read(inspect_with_chain, storage.key, storage.hall_id,
                                   registration_number)
    if found is None:
        raise NotFound(f"There is no candidate {registration_number} in this hall.")
    return json_response({"registration_number": registration_number, "sessions": found,
                        "chain": chain})


async def metrics_view(request: web.Request) -> web.Response:
    """GET /metrics: the same figures in the Prometheus text format (numbers only, no names)."""
    body = generate_latest(request.app[METRICS].registry)
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})
