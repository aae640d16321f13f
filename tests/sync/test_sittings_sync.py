"""A sitting's events and its incidents verify in the hall's chain and reach the central with
`syncd once`, byte for byte (the central holds the same line of hashes)."""

from __future__ import annotations

import json
import time

import pytest

from hallserver.cli.common import data_key, open_database
from hallserver.clock import iso
from hallserver.db import migrate
from hallserver.domain.log.events import read_events, verify_chain
from tests.halls import add_staff_member
from tests.serving import ServedHall, log_in
from tests.sync.conftest import sync_hall
from tests.sync.processes import hall_toml, syncd_ok
from tests.sync.traffic import hall_chain

pytestmark = pytest.mark.slow

SITTING_KINDS = {"sitting_created", "sitting_checked_in", "sitting_started", "incident_recorded",
                 "sitting_ended"}


async def _run_a_sitting(hall: ServedHall) -> None:
    staff = hall.client()
    async with staff.post("/staff/login", json={"name": "ivy", "password": "ivy-password"}) as r:
        assert r.status == 200
    async with staff.post("/staff/sittings", json={
            "exams": ["MTH101"], "starts_at": iso(time.time() + 600)}) as r:
        sitting_id = (await r.json())["id"]
    candidate = hall.client()
    await log_in(candidate, "C0001", "1001")
    for path, body in ((f"/staff/sittings/{sitting_id}/start", None),
                       (f"/staff/sittings/{sitting_id}/incidents",
                        {"category": "technical", "text": "PC 14 froze; moved to PC 30",
                         "registration_number": "C0001"}),
                       (f"/staff/sittings/{sitting_id}/end", None)):
        async with staff.post(path, json=body) as r:
            assert r.status == 200, await r.text()
    await staff.close()
    await candidate.close()


async def test_sitting_events_and_incidents_reach_the_central(tmp_path, central):
    config = sync_hall(tmp_path / "hall", central, candidates=2)
    add_staff_member(config, "ivy", "invigilator", "ivy-password")
    with ServedHall(config) as hall:
        await _run_a_sitting(hall)
        hall.stop()
    with open_database(config).connect() as connection:
        hall_id, _ = migrate.read_identity(connection)
        found = list(read_events(connection, data_key(config), hall_id))
        assert verify_chain(connection, data_key(config), hall_id) == len(found)
    assert SITTING_KINDS <= {e.kind for e in found}
    incident = next(e for e in found if e.kind == "incident_recorded")
    assert incident.body["by"] == "ivy" and incident.body["category"] == "technical"

    syncd_ok("once", "--config", hall_toml(config))
    report = json.loads(syncd_ok("status", "--config", hall_toml(config), "--json"))
    assert report["backlog"]["events"] == 0
    line = await central.api().line(hall_id)
    assert line == hall_chain(config)
    assert (incident.seq, incident.hash) in line
