"""A candidate reaches only their own session; the paper never carries an answer; cookies are strict."""

from __future__ import annotations

import json

from hallserver.app import create_app
from hallserver.views.routes import ALL_ROUTES
from tests.conftest import login
from tests.halls import EXAM, make_hall

BASE = "/student/exam/MTH101"


async def test_a_candidates_cookie_reaches_only_their_own_session(hall_client, new_client):
    await login(hall_client, 0)
    await hall_client.post(f"{BASE}/session/save", json={"answers": {"1": "A"}, "current_question": 1})
    other = await new_client()
    await login(other, 1)

    restored = await (await other.get(f"{BASE}/session/restore")).json()
    assert restored == {"has_session": False}
    await other.post(f"{BASE}/session/save", json={"answers": {"1": "D"}})
    await other.post(f"{BASE}/session/complete", json={"final_answers": {"2": "D"}})

    mine = await (await hall_client.get(f"{BASE}/session/restore")).json()
    assert mine["status"] == "in_progress"
    assert mine["session_data"]["answers"] == {"1": "A"}
    theirs = await (await other.get(f"{BASE}/session/restore")).json()
    assert theirs["status"] == "completed" and theirs["session_data"]["answers"] == {"1": "D", "2": "D"}


async def test_no_endpoint_takes_a_session_or_candidate_id(hall_client):
    candidate_paths = [r.path for r in ALL_ROUTES if r.candidate]
    assert candidate_paths
    for path in candidate_paths:
        assert "session_id" not in path and "candidate" not in path and "registration" not in path


async def test_the_paper_never_carries_an_answer(hall_client):
    await login(hall_client)
    response = await hall_client.get(BASE)
    paper = await response.json()
    for question in paper["questions"]:
        assert {"id", "text", "options"} <= set(question)
        assert not {"answer", "scoring", "correct", "key"} & set(question)
    assert "answer" not in json.dumps(paper)
    assert response.headers["Cache-Control"] == "no-store"


async def test_the_login_cookie_is_httponly_and_strict(hall_client):
    response = await hall_client.post("/student/login", json={"registration_number": "C0001",
                                                              "pin": "1001"})
    cookie = response.cookies["examhall_candidate"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Strict"
    assert len(cookie.value) >= 40


async def test_a_whole_hall_behind_one_address_is_never_locked_out(tmp_path, aiohttp_client):
    config = make_hall(tmp_path / "hall", candidates=60)
    client = await aiohttp_client(create_app(config))
    for n in range(1, 61):
        if n % 4 == 0:  # typos happen: a wrong PIN first
            wrong = await client.post("/student/login", json={"registration_number": f"C{n:04d}",
                                                              "pin": "9"})
            assert wrong.status == 401
        right = await client.post("/student/login", json={"registration_number": f"C{n:04d}",
                                                          "pin": str(1000 + n)})
        assert right.status == 200, await right.text()


async def test_guessing_from_one_address_is_slowed(tmp_path, aiohttp_client):
    config = make_hall(tmp_path / "hall", candidates=1, security__login_failures_per_address=10)
    client = await aiohttp_client(create_app(config))
    statuses = []
    for n in range(12):
        response = await client.post("/student/login", json={"registration_number": f"GUESS{n}",
                                                             "pin": "0000"})
        statuses.append(response.status)
    assert statuses[:10] == [401] * 10 and statuses[10:] == [429, 429]


async def test_security_headers_on_pages_and_errors(hall_client):
    for path in ("/", "/healthz", "/nowhere"):
        response = await hall_client.get(path)
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert "default-src 'self'" in response.headers["Content-Security-Policy"]


async def test_openapi_describes_every_route(hall_client):
    document = await (await hall_client.get("/api/openapi.json")).json()
    registered = {(r.method, r.resource.canonical) for r in hall_client.server.app.router.routes()
                  if r.method != "HEAD" and not r.resource.canonical.startswith("/ui")
                  and r.resource.canonical != "/"}
    described = {(m.upper(), p) for p, ops in document["paths"].items() for m in ops}
    assert registered == described
    save = document["components"]["schemas"]["SaveRequest"]
    assert {"answers", "device_seq", "base_revision"} <= set(save["properties"])
    assert "answer" not in json.dumps(EXAM["questions"][0]["options"])


async def test_a_page_folder_opens_its_index(hall_client):
    response = await hall_client.get("/ui/staff/", allow_redirects=False)
    assert response.status == 302 and response.headers["Location"] == "/ui/staff/index.html"
    assert (await hall_client.get("/ui/staff/")).status == 200
    assert (await hall_client.get("/ui/nothing/")).status == 404


async def test_the_hall_address_is_the_candidates_login(hall_client):
    """/join, its QR code and the mDNS advert send lab PCs to `/`: it opens the login itself."""
    response = await hall_client.get("/", allow_redirects=False)
    assert response.status == 302 and response.headers["Location"] == "/ui/student/index.html"
    assert "Log in to your exam" in await (await hall_client.get("/")).text()


async def test_openapi_says_what_each_answer_is(hall_client):
    document = await (await hall_client.get("/api/openapi.json")).json()
    paths = document["paths"]
    asset = paths["/exam-assets/{exam_id}/{name}"]["get"]
    assert [p["name"] for p in asset["parameters"]] == ["exam_id", "name"]
    for path, media in [("/ca.crt", "application/x-x509-ca-cert"), ("/join", "text/html"),
                        ("/join/qr.svg", "image/svg+xml"), ("/metrics", "text/plain")]:
        assert list(paths[path]["get"]["responses"]["200"]["content"]) == [media]
    for path, operations in paths.items():
        for method, operation in operations.items():
            ok = operation["responses"]["200"]["content"]
            if "application/json" in ok:
                schema = ok["application/json"]["schema"]
                if "$ref" in schema:
                    schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
                assert schema.get("properties"), (method, path)
