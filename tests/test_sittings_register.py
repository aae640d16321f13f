"""The attendance register of a sitting, as `hall sitting` writes it, checked against the log;
and the `hall sitting` commands as an operator uses them."""

from __future__ import annotations

import csv
import io
import json

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from hallserver.app import create_app
from hallserver.cli.common import data_key, open_database
from hallserver.clock import iso
from hallserver.db import migrate
from hallserver.db.models import events
from hallserver.domain.log.events import read_events, verify_chain
from tests.conftest import login
from tests.exams_fixtures import hall_cli, ok
from tests.halls import add_staff_member, make_hall

PAPER = "/student/exam/MTH101"


@pytest.fixture
def staffed_hall(tmp_path):
    config = make_hall(tmp_path / "hall")
    add_staff_member(config, "ivy", "invigilator", "ivy-password")
    return config


async def _exam_day(aiohttp_client, config, clock, sitting_id: str) -> None:
    """C0001 gets extra time and a pause; C0002 submits; C0003 only checks in; C0004 is marked
    absent; C0005 never comes. One incident of C0001, one of the hall; then the end."""
    staff = await aiohttp_client(create_app(config, clock))
    assert (await staff.post("/staff/login", json={"name": "ivy", "password": "ivy-password"})).ok
    base = f"/staff/sittings/{sitting_id}"
    pages = []
    for index in range(3):
        page = await aiohttp_client(staff.server)
        await login(page, index)
        pages.append(page)
    assert (await staff.post(f"{base}/candidates/C0004/absent")).ok
    assert (await staff.post(f"{base}/start")).ok
    for page in pages[:2]:
        assert (await page.get(PAPER)).status == 200
    one = "/staff/candidates/C0001/exams/MTH101"
    assert (await staff.post(f"{one}/extend", json={"minutes": 5, "reason": "reader"})).ok
    assert (await staff.post(f"{one}/pause")).ok
    assert (await staff.post(f"{one}/resume")).ok
    assert (await pages[1].post(PAPER + "/session/complete", json={})).ok
    for body in ({"category": "illness", "text": "Felt faint", "registration_number": "C0001"},
                 {"category": "power", "text": "Lights out for a minute"}):
        assert (await staff.post(f"{base}/incidents", json=body)).ok
    assert (await staff.post(f"{base}/end")).ok
    await staff.close()


async def test_the_register_has_a_row_per_candidate_and_the_head_of_the_log(
        aiohttp_client, staffed_hall, clock, tmp_path):
    made = ok(hall_cli(staffed_hall, "sitting", "create", "--exam", "MTH101", "--starts",
                       iso(clock.now() + 600) or "", "--name", "Maths June", "--json"))
    sitting_id = json.loads(made.output)["id"]
    await _exam_day(aiohttp_client, staffed_hall, clock, sitting_id)

    csv_path, pdf_path = tmp_path / "register.csv", tmp_path / "register.pdf"
    ok(hall_cli(staffed_hall, "sitting", "report", sitting_id, "-o", str(csv_path)))
    ok(hall_cli(staffed_hall, "sitting", "report", sitting_id, "-o", str(pdf_path)))
    lines = list(csv.reader(io.StringIO(csv_path.read_text(encoding="utf-8"))))
    header, rows = lines[0], {}
    for line in lines[1:]:
        if not line:
            break
        rows[line[0]] = dict(zip(header, line, strict=True))
    assert header[:8] == ["registration_number", "name", "attendance", "seat", "checked_in_at",
                          "started_at", "submitted_at", "admitted_late"]
    assert {r: rows[r]["attendance"] for r in rows} == {
        "C0001": "present", "C0002": "present", "C0003": "present", "C0004": "absent",
        "C0005": "absent"}
    assert rows["C0001"]["extensions"] == "1" and rows["C0001"]["pauses"] == "1"
    assert "illness: Felt faint (ivy)" in rows["C0001"]["incidents"]
    assert rows["C0001"]["submitted_at"] and rows["C0002"]["submitted_at"]
    assert rows["C0003"]["checked_in_at"] and not rows["C0003"]["started_at"]
    assert rows["C0001"]["seat"] == "127.0.0.1"
    facts = {line[0]: line[1] for line in lines if len(line) == 2}

    with open_database(staffed_hall).connect() as connection:
        head = connection.execute(select(events.c.seq, events.c.hash)
                                  .order_by(events.c.seq.desc()).limit(1)).one()
    assert facts["log_head_seq"] == str(head.seq) and facts["log_head_hash"] == head.hash.hex()
    assert any("power: Lights out" in line[1] for line in lines if line[:1] == ["hall_incident"])

    text = "".join(page.extract_text() for page in PdfReader(pdf_path).pages)
    assert "Attendance register: Maths June" in text
    for registration in rows:
        assert registration in text
    assert head.hash.hex() in "".join(text.split())


async def test_sitting_commands_make_list_show_start_and_end_a_sitting_in_the_log(
        staffed_hall, tmp_path):
    roster = tmp_path / "room-a.csv"
    roster.write_text("registration_number\nC0002\nC0003\n", encoding="utf-8")
    made = ok(hall_cli(staffed_hall, "sitting", "create", "--exam", "MTH101", "--starts",
                       "2030-06-01T09:00", "--policy", "own_clock", "--late-entry-minutes", "20",
                       "--candidates", str(roster), "--json"))
    sitting_id = json.loads(made.output)["id"]
    listed = json.loads(ok(hall_cli(staffed_hall, "sitting", "list", "--json")).output)
    assert [(s["id"], s["state"], s["policy"], s["counts"]["expected"]) for s in listed] == [
        (sitting_id, "scheduled", "own_clock", 2)]
    changed = json.loads(ok(hall_cli(staffed_hall, "sitting", "change", sitting_id, "--starts",
                                     "2030-06-01T10:00Z", "--late-entry-minutes", "15",
                                     "--json")).output)
    assert changed["starts_at"] == "2030-06-01T10:00:00.000Z"
    started = ok(hall_cli(staffed_hall, "sitting", "start", sitting_id)).output
    assert "0 checked in, 2 missing" in started
    again = hall_cli(staffed_hall, "sitting", "start", sitting_id)
    assert again.exit_code != 0 and "already started" in again.output
    too_late = hall_cli(staffed_hall, "sitting", "change", sitting_id, "--name", "x")
    assert too_late.exit_code != 0 and "no longer change" in too_late.output
    ok(hall_cli(staffed_hall, "sitting", "end", sitting_id))
    shown = json.loads(ok(hall_cli(staffed_hall, "sitting", "show", sitting_id, "--json")).output)
    assert shown["state"] == "ended" and shown["late_entry_minutes"] == 15
    assert [c["registration_number"] for c in shown["candidates"]] == ["C0002", "C0003"]
    bad = hall_cli(staffed_hall, "sitting", "create", "--exam", "MTH101", "--starts", "tomorrow")
    assert bad.exit_code != 0 and "ISO 8601" in bad.output

    with open_database(staffed_hall).connect() as connection:
        hall_id, _ = migrate.read_identity(connection)
        kinds = [e.kind for e in read_events(connection, data_key(staffed_hall), hall_id)]
        assert kinds == ["sitting_created", "sitting_changed", "sitting_started", "sitting_ended"]
        assert verify_chain(connection, data_key(staffed_hall), hall_id) == 4


def test_a_candidate_registered_after_the_sitting_was_made_joins_it(staffed_hall, tmp_path):
    made = ok(hall_cli(staffed_hall, "sitting", "create", "--exam", "MTH101", "--starts",
                       "2030-06-01T09:00", "--json"))
    sitting_id = json.loads(made.output)["id"]
    newcomers = tmp_path / "late-registrations.csv"
    newcomers.write_text("registration_number,name,pin\nC0100,Late Registrant,5100\n",
                         encoding="utf-8")
    ok(hall_cli(staffed_hall, "candidates", "import", str(newcomers), "--exam", "MTH101"))
    shown = json.loads(ok(hall_cli(staffed_hall, "sitting", "show", sitting_id, "--json")).output)
    assert "C0100" in [c["registration_number"] for c in shown["candidates"]]
    assert shown["counts"]["expected"] == 6
