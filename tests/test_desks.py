"""The seat plan: desks imported from a spreadsheet or named from the console, shown as the
candidate's seat (and place on the room's map) instead of a PC's address."""

from __future__ import annotations

import pytest

from hallserver.app import create_app
from hallserver.domain.log.events import read_events
from hallserver.keys import STORAGE
from tests.conftest import login
from tests.exams_fixtures import count, hall_cli, ok
from tests.halls import add_staff_member, make_hall
from tests.test_staff import spare_pc, staff_login

PAPER = "/student/exam/MTH101"
DESK = "/staff/candidates/C0001/exams/MTH101/desk"


@pytest.fixture
def config(tmp_path):
    made = make_hall(tmp_path / "hall")
    add_staff_member(made, "ivy", "invigilator", "ivy-password")
    return made


def _plan(tmp_path, text: str):
    path = tmp_path / "desks.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


async def _row(staff, registration_number: str = "C0001") -> dict:
    roster = await (await staff.get("/staff/roster")).json()
    return next(r for r in roster["candidates"] if r["registration_number"] == registration_number)


async def test_an_imported_plan_names_the_seat_of_a_pc(config, tmp_path, aiohttp_client, clock):
    made = ok(hall_cli(config, "desks", "import", _plan(
        tmp_path, "desk;pc;row;column\nA1;127.0.0.1;;\nA2;10.0.0.9;;\nLab door;pc-7f3a;5;9\n")))
    assert "desks: 3 added, 0 changed" in made.output
    listed = ok(hall_cli(config, "desks", "list")).output.splitlines()
    assert listed == ["A1\t127.0.0.1\t1\t1", "A2\t10.0.0.9\t1\t2", "Lab door\tpc-7f3a\t5\t9"]

    app = await aiohttp_client(create_app(config, clock))
    candidate = await aiohttp_client(app.server)
    await login(candidate)
    await candidate.get(PAPER)
    await staff_login(app, "ivy")
    row = await _row(app)
    assert row["seat"] == "A1" and row["address"] == "127.0.0.1"
    assert row["place"] == {"row": 1, "column": 1}
    roster = await (await app.get("/staff/roster")).json()
    assert [d["desk"] for d in roster["desks"]] == ["A1", "A2", "Lab door"]


@pytest.mark.parametrize(("text", "expected"), [
    ("desk,pc\nA1,10.0.0.1\nA2,10.0.0.1\n", "desks.csv line 3: PC 10.0.0.1 is also on line 2"),
    ("desk,pc\nA1,10.0.0.1\nA1,10.0.0.2\n", "desks.csv line 3: desk A1 is also on line 2"),
    ("desk,pc\nA1,\n", "desks.csv line 2: pc is empty"),
    ("desk,pc,row,column\nA1,10.0.0.1,first,1\n", "row must be a whole number"),
    ("name,address\nA1,10.0.0.1\n", "the header must name desk, pc"),
])
def test_a_bad_plan_is_refused_naming_the_line_and_nothing_is_imported(config, tmp_path, text,
                                                                       expected):
    refused = hall_cli(config, "desks", "import", _plan(tmp_path, text))
    assert refused.exit_code != 0 and expected in refused.output, refused.output
    assert count(config, "desks") == 0


async def test_the_console_names_a_candidates_desk_in_the_log(config, aiohttp_client, clock):
    app = await aiohttp_client(create_app(config, clock))
    await staff_login(app, "ivy")
    async with spare_pc(app.server, "127.0.0.2") as candidate:
        not_started = await app.post(DESK, json={"desk": "C7"})
        assert not_started.status == 409  # on no PC yet
        assert "has not started on a PC yet" in (await not_started.json())["error"]["message"]
        await candidate.post("/student/login", json={"registration_number": "C0001", "pin": "1001"})
        await candidate.get(PAPER)
        assert (await _row(app))["seat"] == "127.0.0.2"

        empty = await app.post(DESK, json={"desk": "  "})
        assert empty.status == 422 and "error" in await empty.json()
        named = await app.post(DESK, json={"desk": "C7"})
        assert named.status == 200, await named.text()
        assert (await named.json())["seat"] == "C7"
    row = await _row(app)
    assert row["seat"] == "C7" and row["place"] == {"row": 3, "column": 7}
    storage = app.server.app[STORAGE]
    logged = await storage.read(lambda c: [e for e in read_events(c, storage.key, storage.hall_id)
                                           if e.kind == "desk_named"])
    assert [(e.body["desk"], e.body["pc_address"], e.body["by"]) for e in logged] == [
        ("C7", "127.0.0.2", "ivy")]
    await app.close()

    again = await aiohttp_client(create_app(config, clock))  # the plan outlives a restart
    await staff_login(again, "ivy")
    assert (await _row(again))["seat"] == "C7"
