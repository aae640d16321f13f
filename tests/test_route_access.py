"""Every route's declared access is what the hall enforces, for every route of the table.

The route table says, route by route, who may call it: anyone, a logged-in candidate, or staff of
a role. These tests walk the whole table with no cookie, a candidate's, an invigilator's, a marker's
and an admin's, and check that each route refuses and admits exactly as it declares. A route added to
the table is covered without touching this file; the last test shows that removing one route's
declaration is caught.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from aiohttp.test_utils import TestClient

from hallserver.app import create_app
from hallserver.views.routes import ALL_ROUTES, Route
from tests.conftest import login
from tests.halls import add_staff_member, make_hall

# Open to anyone on the hall's LAN: what a PC needs before anyone logs in.
PUBLIC = {
    ("GET", "/healthz"), ("GET", "/ca.crt"), ("GET", "/metrics"), ("GET", "/api/openapi.json"),
    ("GET", "/join"), ("GET", "/join.json"), ("GET", "/join/qr.svg"),
    ("POST", "/student/login"), ("GET", "/student/settings"), ("POST", "/staff/login"),
}
PATH_VALUES = {"{exam_id}": "MTH101", "{question_id}": "1", "{registration_number}": "C0001", "{alert_id}": "none",
               "{name}": "figure.png", "{kind}": "silent", "{sitting_id}": "none"}


def _path(route: Route) -> str:
    path = route.path
    for name, value in PATH_VALUES.items():
        path = path.replace(name, value)
    assert "{" not in path, f"give PATH_VALUES a value for the parameter in {route.path}"
    return path


@pytest.fixture
def staffed(tmp_path):
    config = make_hall(tmp_path / "hall")
    add_staff_member(config, "ivy", "invigilator", "ivy-password")
    add_staff_member(config, "ada", "admin", "ada-password")
    add_staff_member(config, "mo", "marker", "mo-password")
    return config


async def _as(aiohttp_client, server, who: str) -> TestClient:
    client = await aiohttp_client(server)
    if who == "candidate":
        await login(client)
    elif who in ("ivy", "ada", "mo"):
        response = await client.post("/staff/login", json={"name": who, "password": f"{who}-password"})
        assert response.status == 200, await response.text()
    return client


async def _status(client: TestClient, route: Route) -> tuple[int, str]:
    async with client.request(route.method, _path(route), json={}) as response:
        code = ""
        if response.content_type == "application/json" and response.status >= 400:
            code = (await response.json())["error"]["code"]
        return response.status, code


def _expected(route: Route, who: str) -> tuple[int, str] | None:
    """The refusal `who` must get from `route`, or None when `who` may call it."""
    if (route.method, route.path) in PUBLIC:
        return None
    if route.candidate:
        return None if who == "candidate" else (401, "not_logged_in")
    staff = {"staff": ("ivy", "ada", "mo"), "invigilator": ("ivy", "ada"), "marker": ("mo", "ada"),
             "admin": ("ada",)}
    if route.staff in staff:
        if who in staff[route.staff]:
            return None
        return (403, "forbidden") if who in ("ivy", "ada", "mo") else (401, "not_logged_in")
    return (401, "not_logged_in")  # a route that declares nothing and is not public: refused


async def access_problems(aiohttp_client, server, routes: tuple[Route, ...]) -> list[str]:
    """Every route and caller whose answer does not match the route's declaration."""
    problems = []
    for route in routes:
        if (route.method, route.path) not in PUBLIC and not (route.candidate or route.staff):
            problems.append(f"{route.method} {route.path}: declares no access and is not public")
        for who in ("nobody", "candidate", "ivy", "ada", "mo"):
            # Each caller logs in afresh: a logout route must not end the next check's login.
            client = await _as(aiohttp_client, server, who)
            status, code = await _status(client, route)
            wanted = _expected(route, who)
            if wanted is None and status in (401, 403):
                problems.append(f"{route.method} {route.path}: {who} was refused ({status})")
            elif wanted is not None and (status, code) != wanted:
                problems.append(f"{route.method} {route.path}: {who} got {status} {code}, "
                                f"not {wanted}")
    return problems


async def test_every_route_admits_and_refuses_as_it_declares(aiohttp_client, staffed, clock):
    app = await aiohttp_client(create_app(staffed, clock))
    assert await access_problems(aiohttp_client, app.server, ALL_ROUTES) == []


async def test_a_route_whose_declaration_is_removed_is_caught(aiohttp_client, staffed, clock):
    stripped = next(r for r in ALL_ROUTES if r.staff == "admin" and r.method == "GET")
    routes = tuple(replace(r, staff=None) if r is stripped else r for r in ALL_ROUTES)
    app = await aiohttp_client(create_app(staffed, clock, routes=routes))
    problems = await access_problems(aiohttp_client, app.server, routes)
    assert problems and all(stripped.path in problem for problem in problems), problems


def test_a_route_cannot_be_both_for_candidates_and_for_staff():
    from hallserver.views.guards import guarded
    with pytest.raises(ValueError):
        guarded(ALL_ROUTES[0].handler, candidate=True, staff="admin")


