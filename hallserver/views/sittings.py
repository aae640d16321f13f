"""Sitting endpoints: the invigilators plan, start, end and keep the register of a sitting; a
candidate's waiting page asks where its sitting stands."""

from __future__ import annotations

import asyncio
import re

from aiohttp import web

from hallserver.domain.access.devices import Device
from hallserver.domain.access.staff import StaffMember
from hallserver.domain.content.exam_content import LANGUAGE_TAG
from hallserver.domain.sittings import conduct, entry, planning, release
from hallserver.domain.sittings.entry import sitting_for_candidate
from hallserver.domain.sittings.printout import register_csv, register_pdf
from hallserver.domain.sittings.register import read_register, sitting_view
from hallserver.domain.sittings.store import all_sittings
from hallserver.errors import Invalid
from hallserver.keys import CONFIG, EXAMS, LOGINS, ROOM, STORAGE
from hallserver.views.schemas import (
    AdmitRequest, IncidentRequest, ReleaseRequest, SittingChange, SittingRequest,
)
from examkit.responses import json_response
from hallserver.web.parsing import read_json


REGISTER_TYPES = {"pdf": "application/pdf", "csv": "text/csv"}


def _sitting_id(request: web.Request) -> str:
    return request.match_info["sitting_id"]


async def list_sittings(request: web.Request, member: StaffMember) -> web.Response:
    """GET /staff/sittings."""
    storage = request.app[STORAGE]
    now = storage.clock.now()
    found = await storage.read(all_sittings)
    return json_response({"sittings": [s.to_json(now) for s in found]})


async def create_sitting(request: web.Request, member: StaffMember) -> web.Response:
    """POST /staff/sittings."""
    body = await read_json(request, SittingRequest)
    plan = planning.Plan(
        exam_ids=tuple(body.exams), starts_at=planning.parse_time(body.starts_at), name=body.name,
        policy=body.policy, late_entry_minutes=body.late_entry_minutes,
        check_in_minutes=body.check_in_minutes, instructions=body.instructions,
        registration_numbers=tuple(body.candidates) if body.candidates is not None else None)
    return json_response(await planning.plan_sitting(request.app[STORAGE], member.name, plan))


async def show_sitting(request: web.Request, member: StaffMember) -> web.Response:
    """GET /staff/sittings/{sitting_id}."""
    storage = request.app[STORAGE]
    return json_response(await storage.read(sitting_view, _sitting_id(request),
                                            storage.clock.now()))


async def change_sitting(request: web.Request, member: StaffMember) -> web.Response:
    """PATCH /staff/sittings/{sitting_id}."""
    body = await read_json(request, SittingChange)
    changes = body.model_dump(exclude_none=True)
    if "starts_at" in changes:
        changes["starts_at"] = planning.parse_time(changes["starts_at"])
    return json_response(await planning.replan_sitting(request.app[STORAGE], member.name,
                                                     _sitting_id(request), changes))


async def start_sitting(request: web.Request, member: StaffMember) -> web.Response:
    """POST /staff/sittings/{sitting_id}/start."""
    return json_response(await conduct.start(request.app[STORAGE], request.app[ROOM],
                                             member.name, _sitting_id(request)))


async def release_paper(request: web.Request, member: StaffMember) -> web.Response:
    """POST /staff/sittings/{sitting_id}/release {"code"}."""
    body = await read_json(request, ReleaseRequest)
    storage = request.app[STORAGE]
    await release.release_with_code(storage, request.app[LOGINS], member.name, _sitting_id(request),
                                    body.code)
    return json_response(await storage.read(sitting_view, _sitting_id(request),
                                            storage.clock.now()))


async def end_sitting(request: web.Request, member: StaffMember) -> web.Response:
    """POST /staff/sittings/{sitting_id}/end."""
    return json_response(await conduct.end(request.app[STORAGE], request.app[EXAMS],
                                           request.app[ROOM], member.name, _sitting_id(request)))


async def admit(request: web.Request, member: StaffMember) -> web.Response:
    """POST /staff/sittings/{sitting_id}/candidates/{registration_number}/admit."""
    body = await read_json(request, AdmitRequest)
    return json_response(await conduct.admit(
        request.app[STORAGE], request.app[ROOM], member.name, _sitting_id(request),
        request.match_info["registration_number"], body.minutes, body.reason))


async def mark_absent(request: web.Request, member: StaffMember) -> web.Response:
    """POST /staff/sittings/{sitting_id}/candidates/{registration_number}/absent."""
    return json_response(await conduct.mark_absent(
        request.app[STORAGE], member.name, _sitting_id(request),
        request.match_info["registration_number"]))


async def record_incident(request: web.Request, member: StaffMember) -> web.Response:
    """POST /staff/sittings/{sitting_id}/incidents."""
    body = await read_json(request, IncidentRequest)
    occurred_at = planning.parse_time(body.occurred_at) if body.occurred_at else None
    return json_response(await conduct.record_incident(
        request.app[STORAGE], member.name, _sitting_id(request), body.category, body.text,
        body.registration_number, occurred_at))


async def register_file(request: web.Request, member: StaffMember) -> web.Response:
    """GET /staff/sittings/{sitting_id}/register?format=pdf|csv[&language=fr]: the PDF in the
    console's language (the hall's staff language when not given)."""
    storage, config = request.app[STORAGE], request.app[CONFIG]
    kind = request.query.get("format", "pdf")
    if kind not in REGISTER_TYPES:
        raise Invalid("format is pdf or csv.", field="format")
    language = request.query.get("language") or config.hall.staff_language
    if not re.fullmatch(LANGUAGE_TAG, language) or len(language) > 35:
        raise Invalid("language is a language tag such as en, fr or ar.", field="language")
    sitting, rows, facts = await storage.read(read_register, storage.key, config.hall.name,
                                           _sitting_id(request), storage.clock.now())
    if kind == "pdf":   # a PDF's fonts take a while
        made: str | bytes = await asyncio.to_thread(register_pdf, sitting, rows, facts, language)
    else:
        made = register_csv(sitting, rows, facts)
    return web.Response(body=made.encode() if isinstance(made, str) else made,
                        content_type=REGISTER_TYPES[kind], headers={
                            "Content-Disposition": f'attachment; filename="register-{sitting.id}.{kind}"'})


async def candidate_sitting(request: web.Request, device: Device) -> web.Response:
    """GET /student/sitting/{sitting_id}."""
    storage = request.app[STORAGE]
    return json_response(await storage.read(sitting_for_candidate, device.candidate_id,
                                       _sitting_id(request), storage.clock.now()))


async def candidate_check_in(request: web.Request, device: Device) -> web.Response:
    """POST /student/sitting/{sitting_id}/check-in."""
    storage = request.app[STORAGE]
    await entry.check_in_now(storage, request.app[ROOM], device, _sitting_id(request))
    return json_response(await storage.read(sitting_for_candidate, device.candidate_id,
                                       _sitting_id(request), storage.clock.now()))
