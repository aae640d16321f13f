"""Marking endpoints: the exams with responses to mark, one exam's responses, and a mark given."""

from __future__ import annotations

from aiohttp import web

from examkit.responses import json_response
from hallserver.domain.access.staff import StaffMember
from hallserver.domain.content import marking
from hallserver.keys import EXAMS, STORAGE
from hallserver.views.schemas import MarkRequest
from hallserver.web.parsing import read_json


async def overview(request: web.Request, member: StaffMember) -> web.Response:
    """GET /staff/marking."""
    storage = request.app[STORAGE]
    return json_response({"exams": await storage.read(marking.marking_overview, storage.key)})


async def exam_responses(request: web.Request, member: StaffMember) -> web.Response:
    """GET /staff/marking/{exam_id}."""
    storage = request.app[STORAGE]
    return json_response(await storage.read(marking.responses_to_mark, storage.key,
                                         request.match_info["exam_id"]))


async def give_mark(request: web.Request, member: StaffMember) -> web.Response:
    """POST /staff/marking/{exam_id}/candidates/{registration_number}/questions/{question_id}."""
    body = await read_json(request, MarkRequest)
    found = request.match_info
    return json_response(await marking.give_mark(
        request.app[STORAGE], request.app[EXAMS], member, found["exam_id"],
        found["registration_number"],
        found["question_id"], body.marks, body.comment))
