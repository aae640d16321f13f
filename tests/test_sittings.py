"""Sittings on a real hall server with a settable clock: the paper waits for the invigilator's
start, late arrivals get the time the policy gives, the late-entry window closes, the end submits
every open session, and every step is in the hash-chained log."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from hallserver.app import create_app
from hallserver.clock import iso
from hallserver.domain.log.events import read_events, verify_chain
from hallserver.domain.sessions.lifecycle import complete_overdue
from hallserver.domain.sittings.conduct import close_finished_sittings
from hallserver.keys import CONFIG, EXAMS, ROOM, STORAGE
from tests.conftest import CANDIDATES, login
from tests.halls import EXAM, add_staff_member, make_hall

PAPER = "/student/exam/MTH101"
SAVE = PAPER + "/session/save"
RESTORE = PAPER + "/session/restore"
QUESTION_TEXTS = [q["text"] for q in EXAM["questions"]]


@pytest.fixture
def staffed_hall(tmp_path):
    config = make_hall(tmp_path / "hall")
    add_staff_member(config, "ivy", "invigilator", "ivy-password")
    return config


@pytest.fixture
async def invigilator(aiohttp_client, staffed_hall, clock):
    client = await aiohttp_client(create_app(staffed_hall, clock))
    response = await client.post("/staff/login", json={"name": "ivy", "password": "ivy-password"})
    assert response.status == 200
    return client


@pytest.fixture
def browser(aiohttp_client, invigilator):
    async def make():
        return await aiohttp_client(invigilator.server)
    return make


async def make_sitting(invigilator, clock, **settings) -> dict:
    body = {"exams": ["MTH101"], "starts_at": iso(clock.now() + 15 * 60), **settings}
    response = await invigilator.post("/staff/sittings", json=body)
    assert response.status == 200, await response.text()
    return await response.json()


async def start(invigilator, sitting_id: str) -> dict:
    response = await invigilator.post(f"/staff/sittings/{sitting_id}/start")
    assert response.status == 200, await response.text()
    return await response.json()


async def paper(client) -> tuple[int, dict]:
    response = await client.get(PAPER)
    return response.status, await response.json()


async def test_the_paper_waits_for_the_invigilator_and_no_question_leaves_the_hall(
        invigilator, browser, clock):
    sitting = await make_sitting(invigilator, clock, instructions="Phones off.")
    assert sitting["state"] == "checking_in"  # 15 minutes before, check-in is open
    feed = invigilator.app[ROOM].feed
    before_logins = feed.last_id
    pages, seen = [], []
    for index in range(3):
        page = await browser()
        answer = await login(page, index)
        assert answer["exams"][0]["sitting"] == {
            "id": sitting["id"], "state": "checking_in", "starts_at": sitting["starts_at"],
            "policy": "common_end"}
        status, refused = await paper(page)
        assert status == 409 and refused["error"]["code"] == "sitting_not_started"
        early_save = await page.post(SAVE, json={"answers": {"1": "B"}})
        assert early_save.status == 409
        waiting = await (await page.get(f"/student/sitting/{sitting['id']}")).json()
        assert waiting["instructions"] == "Phones off." and waiting["attendance"]["checked_in_at"]
        seen += [str(answer), str(refused), await early_save.text(), str(waiting),
                 await (await page.get(RESTORE)).text()]
        pages.append(page)
    assert not [text for text in QUESTION_TEXTS if any(text in body for body in seen)]

    shown = await (await invigilator.get(f"/staff/sittings/{sitting['id']}")).json()
    assert shown["counts"]["checked_in"] == 3 and shown["counts"]["missing"] == 2
    arrivals = [item.data for item in feed.after(before_logins) or []
                if item.kind == "sitting_checked_in"]  # the console's counts move as they come
    assert arrivals == [{"sitting_id": sitting["id"], "registration_number": f"C000{n}"}
                        for n in (1, 2, 3)]

    before = feed.last_id
    started = await start(invigilator, sitting["id"])
    assert started["state"] == "started"
    assert started["counts"]["checked_in"] == 3 and started["counts"]["missing"] == 2
    told = [item.data for item in feed.after(before) or [] if item.kind == "sitting"]
    assert [t["id"] for t in told if t["state"] == "started"] == [sitting["id"]]  # told once
    deadlines = set()
    for page in pages:
        clock.advance(20)  # each page opens the paper a little later; the end is common
        status, opened = await paper(page)
        assert status == 200 and opened["questions"][0]["text"] in QUESTION_TEXTS
        deadlines.add(opened["session"]["deadline"])
    assert deadlines == {iso(clock.now() - 60 + 60 * 60)}


@pytest.mark.parametrize(("policy", "minutes_left"), [("common_end", 50), ("own_clock", 60)])
async def test_a_candidate_ten_minutes_late_gets_the_time_the_policy_gives(
        invigilator, browser, clock, policy, minutes_left):
    sitting = await make_sitting(invigilator, clock, policy=policy)
    await start(invigilator, sitting["id"])
    clock.advance(10 * 60)
    page = await browser()
    answer = await login(page)
    assert answer["exams"][0]["sitting"]["state"] == "started"
    status, opened = await paper(page)
    assert status == 200
    assert opened["session"]["time_remaining"] == minutes_left * 60


async def test_after_the_late_entry_window_the_invigilator_must_admit(invigilator, browser, clock):
    sitting = await make_sitting(invigilator, clock, late_entry_minutes=30)
    await start(invigilator, sitting["id"])
    clock.advance(31 * 60)
    page = await browser()
    await login(page, 1)
    feed = invigilator.app[ROOM].feed
    before = feed.last_id
    status, refused = await paper(page)
    assert status == 403 and refused["error"]["code"] == "late_entry_closed"
    told = [item.data for item in feed.after(before) or [] if item.kind == "sitting_refused"]
    assert [t["registration_number"] for t in told] == ["C0002"]  # the console hears of it
    assert "invigilator" in refused["error"]["message"]
    shown = await (await invigilator.get(f"/staff/sittings/{sitting['id']}")).json()
    late = next(c for c in shown["candidates"] if c["registration_number"] == "C0002")
    assert late["refusals"] == 1 and late["refused_at"] == iso(clock.now())
    assert shown["counts"]["refused"] == 1

    admitted = await invigilator.post(
        f"/staff/sittings/{sitting['id']}/candidates/C0002/admit",
        json={"minutes": 40, "reason": "bus broke down"})
    assert admitted.status == 200, await admitted.text()
    status, opened = await paper(page)
    assert status == 200 and opened["session"]["time_remaining"] == 40 * 60

    storage = invigilator.app[STORAGE]
    kinds = await storage.read(lambda c: [e.kind for e in read_events(c, storage.key,
                                                                      storage.hall_id)])
    assert {"sitting_created", "sitting_checked_in", "sitting_started", "sitting_entry_refused",
            "sitting_late_admitted"} <= set(kinds)


async def test_ending_the_sitting_submits_every_open_session_with_what_was_saved(
        invigilator, browser, clock):
    sitting = await make_sitting(invigilator, clock)
    await start(invigilator, sitting["id"])
    pages = []
    for index, letter in enumerate("BC"):
        page = await browser()
        await login(page, index)
        assert (await paper(page))[0] == 200
        saved = await page.post(SAVE, json={"answers": {"1": letter}, "device_seq": 1})
        assert saved.status == 200
        pages.append(page)
    absent = await browser()
    await login(absent, 2)

    ended = await invigilator.post(f"/staff/sittings/{sitting['id']}/end")
    assert ended.status == 200, await ended.text()
    assert (await ended.json())["submitted"] == 2
    for page, letter in zip(pages, "BC", strict=True):
        restored = await (await page.get(RESTORE)).json()
        assert restored["status"] == "completed"
        assert restored["session_data"]["answers"] == {"1": letter}
        late_save = await page.post(SAVE, json={"answers": {"2": "B"}, "device_seq": 2})
        assert late_save.status == 409
    status, refused = await paper(absent)
    assert status == 409 and refused["error"]["code"] == "sitting_ended"
    again = await invigilator.post(f"/staff/sittings/{sitting['id']}/end")
    assert again.status == 409


async def test_the_sitting_ends_itself_after_the_last_deadline(invigilator, browser, clock):
    sitting = await make_sitting(invigilator, clock)
    await start(invigilator, sitting["id"])
    page = await browser()
    await login(page)
    assert (await paper(page))[0] == 200
    app = invigilator.app
    services = app[STORAGE], app[EXAMS], app[ROOM], app[CONFIG]
    clock.advance(30 * 60)
    assert await close_finished_sittings(*services) == 0
    clock.advance(31 * 60)
    await complete_overdue(*services)   # as the watches do each second (they may get there first)
    await close_finished_sittings(*services)
    shown = await (await invigilator.get(f"/staff/sittings/{sitting['id']}")).json()
    assert shown["state"] == "ended" and shown["ended_by"].startswith("the hall")
    assert shown["counts"]["submitted"] == 1


async def test_an_exam_in_no_sitting_works_as_before(invigilator, browser, clock):
    await make_sitting(invigilator, clock, candidates=["C0001", "C0002"])
    outside = await browser()
    answer = await login(outside, 4)
    assert "sitting" not in answer["exams"][0]
    status, opened = await paper(outside)
    assert status == 200 and opened["session"]["time_remaining"] == 60 * 60


async def test_incidents_absence_and_every_sitting_event_are_in_a_chain_that_verifies(
        invigilator, browser, clock):
    sitting = await make_sitting(invigilator, clock)
    base = f"/staff/sittings/{sitting['id']}"
    changed = await invigilator.patch(base, json={"name": "Maths, June", "late_entry_minutes": 20})
    assert changed.status == 200 and (await changed.json())["late_entry_minutes"] == 20
    absent = await invigilator.post(f"{base}/candidates/C0005/absent")
    assert absent.status == 200
    await start(invigilator, sitting["id"])
    assert (await invigilator.patch(base, json={"name": "too late"})).status == 409
    for body in ({"category": "power", "text": "Lights flickered at the back."},
                 {"category": "illness", "text": "Felt faint, given water.",
                  "registration_number": "C0003"}):
        response = await invigilator.post(f"{base}/incidents", json=body)
        assert response.status == 200, await response.text()
    bad = await invigilator.post(f"{base}/incidents", json={"category": "gossip", "text": "x"})
    assert bad.status == 422 and set(await bad.json()) == {"error"}

    shown = await (await invigilator.get(base)).json()
    assert [i["category"] for i in shown["incidents"]] == ["power", "illness"]
    assert shown["incidents"][1]["registration_number"] == "C0003"
    assert shown["incidents"][0]["recorded_by"] == "ivy"
    assert next(c for c in shown["candidates"]
                if c["registration_number"] == "C0005")["attendance"] == "absent"

    storage = invigilator.app[STORAGE]
    found = await storage.read(lambda c: [e.body for e in read_events(c, storage.key,
                                                                      storage.hall_id)])
    by_kind = {body["kind"]: body for body in found}
    assert by_kind["incident_recorded"]["by"] == "ivy"
    assert by_kind["sitting_changed"]["after"]["name"] == "Maths, June"
    assert by_kind["sitting_absent"]["registration_number"] == "C0005"
    assert await storage.read(verify_chain, storage.key, storage.hall_id) == len(found)


async def test_sitting_requests_that_cannot_be_are_refused_and_change_nothing(
        invigilator, browser, clock):
    bad_policy = await invigilator.post("/staff/sittings", json={
        "exams": ["MTH101"], "starts_at": iso(clock.now()), "policy": "whenever"})
    assert bad_policy.status == 422
    unknown = await invigilator.post("/staff/sittings", json={
        "exams": ["NOPE"], "starts_at": iso(clock.now())})
    assert unknown.status == 404
    stranger = await invigilator.post("/staff/sittings", json={
        "exams": ["MTH101"], "starts_at": iso(clock.now()), "candidates": ["X-999"]})
    assert stranger.status == 422 and "X-999" in (await stranger.json())["error"]["message"]
    assert (await (await invigilator.get("/staff/sittings")).json())["sittings"] == []

    sitting = await make_sitting(invigilator, clock)
    twice = await invigilator.post("/staff/sittings", json={
        "exams": ["MTH101"], "starts_at": iso(clock.now())})
    assert twice.status == 409
    await start(invigilator, sitting["id"])
    assert (await invigilator.post(f"/staff/sittings/{sitting['id']}/start")).status == 409
    page = await browser()
    await login(page)
    assert (await page.get("/student/sitting/elsewhere")).status == 404
    assert (await page.get(f"/staff/sittings/{sitting['id']}")).status == 401
    assert len(CANDIDATES) == 5


async def test_a_hall_pause_after_the_start_moves_the_common_end_for_late_arrivals_too(
        invigilator, browser, clock):
    sitting = await make_sitting(invigilator, clock)
    await start(invigilator, sitting["id"])
    early = await browser()
    await login(early, 0)
    assert (await paper(early))[0] == 200
    clock.advance(5 * 60)
    assert (await invigilator.post("/staff/hall/pause")).status == 200
    clock.advance(4 * 60)
    during = await browser()  # arrives while the hall is paused: starts paused
    await login(during, 1)
    assert (await paper(during))[0] == 200
    clock.advance(6 * 60)
    assert (await invigilator.post("/staff/hall/resume")).status == 200
    clock.advance(60)
    late = await browser()  # 16 minutes after the start, 10 of them paused
    await login(late, 2)
    status, opened = await paper(late)
    assert status == 200 and opened["session"]["time_remaining"] == (60 - 16 + 10) * 60
    ends = set()
    for page in (early, during, late):
        clock_answer = await (await page.get(PAPER + "/session/clock")).json()
        ends.add(clock_answer["deadline"])
    assert len(ends) == 1


async def test_a_candidate_early_for_check_in_is_checked_in_by_the_waiting_page(
        invigilator, browser, clock):
    sitting = await make_sitting(invigilator, clock, starts_at=iso(clock.now() + 90 * 60))
    feed = invigilator.app[ROOM].feed
    before = feed.last_id
    page = await browser()
    answer = await login(page)
    assert answer["exams"][0]["sitting"]["state"] == "scheduled"
    base = f"/student/sitting/{sitting['id']}"
    too_early = await (await page.post(f"{base}/check-in")).json()
    assert too_early["state"] == "scheduled" and too_early["attendance"]["checked_in_at"] is None
    clock.advance(31 * 60)
    checked = await (await page.post(f"{base}/check-in")).json()
    assert checked["state"] == "checking_in"
    assert checked["attendance"]["checked_in_at"] == iso(clock.now())
    shown = await (await invigilator.get(f"/staff/sittings/{sitting['id']}")).json()
    assert shown["counts"]["checked_in"] == 1
    told = [item.data["registration_number"] for item in feed.after(before) or []
            if item.kind == "sitting_checked_in"]
    assert told == ["C0001"]  # once, when check-in opened; not at the login before it


async def test_the_console_downloads_the_register_as_csv_or_pdf(invigilator, browser, clock):
    sitting = await make_sitting(invigilator, clock)
    page = await browser()
    await login(page, 2)
    base = f"/staff/sittings/{sitting['id']}/register"
    as_csv = await invigilator.get(base, params={"format": "csv"})
    assert as_csv.status == 200 and as_csv.content_type == "text/csv"
    lines = (await as_csv.text()).splitlines()
    assert lines[0].startswith("registration_number,name,attendance,seat,checked_in_at")
    assert lines[3].startswith("C0003,Candidate 3,present,127.0.0.1,")
    as_pdf = await invigilator.get(base)
    assert as_pdf.status == 200 and (await as_pdf.read()).startswith(b"%PDF")
    assert (await invigilator.get(base, params={"format": "xml"})).status == 422


async def test_the_register_pdf_comes_in_the_consoles_language(invigilator, browser, clock):
    """?language=fr or ar (the console passes its own): the register's words in that language,
    Arabic shaped right to left with the candidates' Latin numbers intact; a tag that is not a
    language is refused in the one error shape."""
    sitting = await make_sitting(invigilator, clock)
    page = await browser()
    await login(page, 2)
    base = f"/staff/sittings/{sitting['id']}/register"
    texts = {}
    for language in ("fr", "ar"):
        answer = await invigilator.get(base, params={"format": "pdf", "language": language})
        assert answer.status == 200
        reader = PdfReader(io.BytesIO(await answer.read()))
        texts[language] = "".join(p.extract_text() for p in reader.pages)
    assert "Registre de présence" in texts["fr"] and "Attendance register" not in texts["fr"]
    assert "سجل الحضور" in texts["ar"] and "C0003" in texts["ar"] and "Attendance" not in texts["ar"]
    refused = await invigilator.get(base, params={"format": "pdf", "language": "<script>"})
    assert refused.status == 422 and (await refused.json())["error"]["code"] == "invalid"


async def test_a_candidate_checked_in_in_time_is_not_late_when_the_paper_opens_after_the_window(
        invigilator, browser, clock):
    """A PC that was off, or a page that opened the paper late: checked in before the window
    closed is on time, and gets the common end, not a refusal."""
    sitting = await make_sitting(invigilator, clock, late_entry_minutes=30)
    page = await browser()
    await login(page, 1)  # checks in while waiting
    await start(invigilator, sitting["id"])
    clock.advance(45 * 60)
    status, opened = await paper(page)
    assert status == 200, opened
    assert opened["session"]["time_remaining"] == 60 * 60 - 45 * 60  # the common end
