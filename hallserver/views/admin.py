"""Hall admin endpoints: analytics, storage, backups, performance, the session inspector, /metrics."""

from __future__ import annotations

import asyncio
import datetime
import sqlite3

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from hallserver.domain import analytics, storage
from hallserver.domain.events import ChainBroken, verify_chain
from hallserver.domain.results import inspect_candidate
from hallserver.domain.staff import StaffMember
from hallserver.errors import NotFound
from hallserver.keys import CONFIG, HALL, METRICS
from hallserver.views.staff import staff_required
from hallserver.web.answers import json_answer

DAY = 86_400


@staff_required("admin")
async def analytics_view(request: web.Request, member: StaffMember) -> web.Response:
    """GET /admin/analytics: how the day went."""
    hall = request.app[HALL]
    since = hall.clock.now() - DAY
    figures = await hall.read(analytics.analytics, hall.key, hall.hall_id, since)
    summary = request.app[METRICS].summary()
    return json_answer({**figures, "save_latency_ms": summary["save_latency_ms"],
                        "failed_saves_answered": summary["failed_saves"]})


@staff_required("admin")
async def storage_view(request: web.Request, member: StaffMember) -> web.Response:
    """GET /admin/storage: sizes, the log, sessions by age, the retention policy."""
    hall, config = request.app[HALL], request.app[CONFIG]
    held = await hall.read(storage.report, config.database_path, hall.clock.now())
    acknowledged = storage.central_acknowledgement(config)
    return json_answer({**held, "retention_days": config.storage.retention_days,
                        "central_high_water_mark": acknowledged.high_water_mark
                        if acknowledged else None})


def _backup_and_check(database, target, busy_timeout_ms) -> dict:
    size = storage.backup(database, target, busy_timeout_ms)
    copy = sqlite3.connect(target)
    try:
        integrity = copy.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        copy.close()
    return {"file": str(target), "bytes": size, "integrity_check": integrity}


@staff_required("admin")
async def backup_view(request: web.Request, member: StaffMember) -> web.Response:
    """POST /admin/backup: a consistent copy of the live database, checked."""
    config = request.app[CONFIG]
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%d-%H%M%S-%f")
    target = config.base_dir / config.storage.backup_dir / f"hall-{stamp}.db"
    done = await asyncio.to_thread(_backup_and_check, config.database_path, target,
                                   config.storage.busy_timeout_ms)
    return json_answer({**done, "by": member.name})


@staff_required("admin")
async def performance_view(request: web.Request, member: StaffMember) -> web.Response:
    """GET /admin/performance: latencies, batch sizes, loop lag, memory, disk."""
    metrics = request.app[METRICS]
    hall = request.app[HALL]
    return json_answer({**metrics.summary(), "write_batches": hall.writer.batches,
                        "write_jobs": hall.writer.jobs})


def _inspect(connection, hall, registration_number):
    found = inspect_candidate(connection, hall.key, hall.hall_id, registration_number)
    try:
        checked = verify_chain(connection, hall.key, hall.hall_id)
        chain = {"verified": True, "events_checked": checked}
    except ChainBroken as err:
        chain = {"verified": False, "problem": str(err)}
    return found, chain


@staff_required("admin")
async def inspector_view(request: web.Request, member: StaffMember) -> web.Response:
    """GET /admin/candidates/{registration_number}: a candidate's whole history, decrypted."""
    hall = request.app[HALL]
    registration_number = request.match_info["registration_number"]
    found, chain = await hall.read(_inspect, hall, registration_number)
    if found is None:
        raise NotFound(f"There is no candidate {registration_number} in this hall.")
    return json_answer({"registration_number": registration_number, "sessions": found,
                        "chain": chain})


async def metrics_view(request: web.Request) -> web.Response:
    """GET /metrics: the same figures in the Prometheus text format (numbers only, no names)."""
    body = generate_latest(request.app[METRICS].registry)
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})
