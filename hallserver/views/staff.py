"""Staff endpoints: login, the live roster and its stream, and the invigilators' actions."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable

from aiohttp import web
from aiohttp_sse import sse_response

from hallserver.domain.invigilation import actions as invigilation
from hallserver.domain.invigilation.desk_naming import name_desk
from hallserver.domain.access import staff_access
from hallserver.domain.invigilation.roster import as_seen, roster, sees_scores
from hallserver.domain.access.staff import StaffMember
from hallserver.clock import iso
from hallserver.keys import CONFIG, EXAMS, LOGINS, ROOM, STORAGE
from hallserver.views.guards import STAFF_COOKIE
from hallserver.views.schemas import DeskRequest, ExtendRequest, StaffLoginRequest
from examkit.responses import json_response
from hallserver.web.cookies import cookie_value
from hallserver.web.parsing import read_json

COOKIE = STAFF_COOKIE
COOKIE_SECONDS = 14 * 3600
WAIT_SECONDS = 15.0  # aiohttp-sse pings meanwhile, so a dead console is noticed

async def log_in(request: web.Request) -> web.Response:
    """POST /staff/login."""
    body = await read_json(request, StaffLoginRequest)
    token, member = await staff_access.log_in_staff(request.app[STORAGE], request.app[LOGINS],
                                                    body.name, body.password, request.remote or "")
    response = json_response({"name": member.name, "role": member.role})
    response.set_cookie(COOKIE, token, max_age=COOKIE_SECONDS, path="/", httponly=True,
                        secure=request.app[CONFIG].server.tls, samesite="Strict")
    return response


async def log_out(request: web.Request, member: StaffMember) -> web.Response:
    """POST /staff/logout."""
    await staff_access.log_out_staff(request.app[STORAGE], request.app[LOGINS],
                                    cookie_value(request, COOKIE) or "", member)
    response = json_response({"logged_out": True})
    response.del_cookie(COOKIE, path="/")
    return response


async def whoami(request: web.Request, member: StaffMember) -> web.Response:
    """GET /staff/me."""
    return json_response({"name": member.name, "role": member.role})


def _scores(request: web.Request, member: StaffMember) -> bool:
    return sees_scores(member.role, request.app[CONFIG].invigilation.show_scores)


async def _snapshot(request: web.Request, member: StaffMember) -> dict:
    storage, room = request.app[STORAGE], request.app[ROOM]
    await room.reload_desks(storage)
    now = storage.clock.now()
    candidates = await storage.read(roster, storage.key, room.book, now, room.seat)
    scores = _scores(request, member)
    return {"hall": invigilation.hall_status(room), "server_time": iso(now),
            "candidates": [as_seen(row, scores) for row in candidates],
            "desks": room.desks.to_json(),
            "alerts": [a.to_json() for a in sorted(room.alerts.open.values(),
                                                    key=lambda a: a.raised_at)]}


async def snapshot(request: web.Request, member: StaffMember) -> web.Response:
    """GET /staff/roster: every candidate, open alerts, the hall's state."""
    return json_response({**await _snapshot(request, member),
                          "feed_id": request.app[ROOM].feed.last_id})


async def live(request: web.Request, member: StaffMember) -> web.StreamResponse:
    """GET /staff/live: server-sent events of every change; resumes from Last-Event-ID."""
    feed = request.app[ROOM].feed
    scores = _scores(request, member)
    async with sse_response(request) as stream:
        last_id = request.headers.get("Last-Event-ID")
        items = feed.after(last_id)
        while stream.is_connected():
            if items is None:  # new, from another run, or fallen behind: start from a snapshot
                last_id = feed.last_id
                await stream.send(json.dumps(await _snapshot(request, member)), event="snapshot",
                                  id=last_id)
                items = []
            for item in items:
                last_id = feed.item_id(item)
                data = as_seen(item.data, scores) if item.kind == "candidate" else item.data
                await stream.send(json.dumps(data), event=item.kind, id=last_id)
            await feed.wait(WAIT_SECONDS)
            items = feed.after(last_id)
    return stream


def _target(request: web.Request) -> tuple[str, str]:
    return request.match_info["registration_number"], request.match_info["exam_id"]


async def extend(request: web.Request, member: StaffMember) -> web.Response:
    """POST /staff/candidates/{registration_number}/exams/{exam_id}/extend."""
    body = await read_json(request, ExtendRequest)
    done = await invigilation.extend_time(request.app[STORAGE], request.app[ROOM], member,
                                          *_target(request), body.minutes, body.reason)
    return json_response(done)


async def desk(request: web.Request, member: StaffMember) -> web.Response:
    """POST /staff/candidates/{registration_number}/exams/{exam_id}/desk."""
    body = await read_json(request, DeskRequest)
    return json_response(await name_desk(request.app[STORAGE], request.app[ROOM], member,
                                       *_target(request), body.desk))


def _action(action: Callable[..., Awaitable[dict]]) -> Callable[..., Awaitable[web.Response]]:
    async def handler(request: web.Request, member: StaffMember) -> web.Response:
        app = request.app
        return json_response(await action(app[STORAGE], app[ROOM], member, *_target(request)))
    handler.__doc__ = action.__doc__
    return handler


pause = _action(invigilation.pause_candidate)
resume = _action(invigilation.resume_candidate)
approve_move = _action(invigilation.approve_move)


async def force_submit(request: web.Request, member: StaffMember) -> web.Response:
    """POST /staff/candidates/{registration_number}/exams/{exam_id}/force-submit."""
    app = request.app
    return json_response(await invigilation.force_submit(app[STORAGE], app[EXAMS], app[ROOM],
                                                         member, *_target(request)))


async def pause_hall(request: web.Request, member: StaffMember) -> web.Response:
    """POST /staff/hall/pause."""
    return json_response(await invigilation.pause_hall(request.app[STORAGE], request.app[ROOM],
                                                       member))


async def resume_hall(request: web.Request, member: StaffMember) -> web.Response:
    """POST /staff/hall/resume."""
    return json_response(await invigilation.resume_hall(request.app[STORAGE], request.app[ROOM],
                                                        member))


async def acknowledge(request: web.Request, member: StaffMember) -> web.Response:
    """POST /staff/alerts/{alert_id}/acknowledge."""
    alert_id = request.match_info["alert_id"]
    return json_response(await invigilation.acknowledge_alert(request.app[STORAGE], member,
                                                              alert_id))


async def acknowledge_kind(request: web.Request, member: StaffMember) -> web.Response:
    """POST /staff/alerts/kinds/{kind}/acknowledge."""
    return json_response(await invigilation.acknowledge_alerts_of_kind(
        request.app[STORAGE], member, request.match_info["kind"]))
