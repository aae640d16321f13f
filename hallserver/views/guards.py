"""Who may call a route: the route table wraps each handler by the access it declares.

A route that declares `candidate=True` gets the logged-in candidate's device as its second
argument; one that declares `staff="invigilator"`, `"marker"` or `"admin"` (or `"staff"`: any of
them) gets the member of staff.
Without the right cookie the request is refused (401), without the role too (403), before the
handler runs. Handlers never check access themselves, so a route's access is what the table says
(and what the OpenAPI document made from the table says).
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from hallserver.domain.access import login, staff_access
from hallserver.errors import Forbidden, NotLoggedIn
from hallserver.keys import LOGINS, STORAGE
from hallserver.web.cookies import cookie_value

CANDIDATE_COOKIE = "examhall_candidate"
STAFF_COOKIE = "examhall_staff"

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


async def _candidate(request: web.Request) -> Any:
    token = cookie_value(request, CANDIDATE_COOKIE)
    device = (await login.device_for(request.app[STORAGE], request.app[LOGINS], token)
              if token else None)
    if device is None:
        raise NotLoggedIn("You are not logged in (or your login has ended). Log in again "
                          "with your registration number and PIN.")
    return device


async def _staff(request: web.Request, role: str) -> Any:
    token = cookie_value(request, STAFF_COOKIE)
    member = (await staff_access.staff_for(request.app[STORAGE], request.app[LOGINS], token)
              if token else None)
    if member is None:
        raise NotLoggedIn("Staff only: log in on the staff page first.")
    if not member.may(role):
        raise Forbidden(f"This needs the {role} role; you are logged in as {member.role}.")
    return member


def guarded(handler: Callable[..., Awaitable[web.StreamResponse]], candidate: bool,
            staff: str | None) -> Handler:
    """`handler` behind the access it declares; an open route's handler as it is."""
    if candidate and staff:
        raise ValueError(f"{handler.__name__}: a route is for candidates or for staff, not both")
    if candidate:
        @functools.wraps(handler)
        async def for_candidate(request: web.Request) -> web.StreamResponse:
            return await handler(request, await _candidate(request))
        return for_candidate
    if staff:
        @functools.wraps(handler)
        async def for_staff(request: web.Request) -> web.StreamResponse:
            return await handler(request, await _staff(request, staff))
        return for_staff
    return handler
