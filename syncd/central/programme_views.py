"""The handlers behind the central's pages for an exam programme: sittings with their progress,
results per exam, a candidate's record, the bank's exams, and exports. Read-only: a reader's."""

from __future__ import annotations

from aiohttp import web

from syncd.central import bank_rows, exports, results
from syncd.central.keys import STORE
from syncd.errors import NotFound


async def get_exams(request: web.Request) -> web.Response:
    """GET /api/exams: the exams in the central's bank (what a sitting may be published of)."""
    return web.json_response({"version": 1,
                              "exams": await request.app[STORE].read(bank_rows.list_exams)})


async def get_sitting_progress(request: web.Request) -> web.Response:
    """GET /api/sittings/progress: every sitting, when its hall received it, and its counts."""
    store = request.app[STORE]
    return web.json_response({"version": 1,
                              "sittings": await store.read(results.sitting_progress, store.key)})


async def get_results(request: web.Request) -> web.Response:
    """GET /api/results?exam_id=: per exam across halls: count, mean, distribution, per hall."""
    store = request.app[STORE]
    found = await store.read(results.exam_results, store.key, request.query.get("exam_id"))
    return web.json_response({"version": 1, "exams": found})


async def get_candidate(request: web.Request) -> web.Response:
    """GET /api/candidates/{registration_number}: their sessions at every hall and incidents."""
    store, number = request.app[STORE], request.match_info["registration_number"]
    record = await store.read(results.candidate_record, store.key, number)
    if record is None:
        raise NotFound(f"The central knows no candidate {number}: no session, incident or bank "
                       "entry names them.")
    return web.json_response({"version": 1, **record})


async def get_export(request: web.Request) -> web.Response:
    """GET /api/exports/{name}.{format}: sessions, halls, sittings, results or incidents, as CSV
    or JSON."""
    name, form = request.match_info["name"], request.match_info["format"]
    if name not in exports.EXPORTS or form not in exports.FORMATS:
        raise NotFound(f"There is no export {name}.{form}; exports are "
                       f"{', '.join(exports.EXPORTS)}, each as {' or '.join(exports.FORMATS)}.")
    store = request.app[STORE]
    rows = await store.read(exports.export_rows, store.key, name)
    kind = "text/csv" if form == "csv" else "application/json"
    return web.Response(text=exports.render(name, form, rows), content_type=kind, headers={
        "Content-Disposition": f'attachment; filename="{name}.{form}"'})
