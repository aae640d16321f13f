"""The central's pages follow a real hall: a sitting published at the central reaches the hall by
`syncd once`, is sat there (a candidate checks in with the central's PIN and submits; another has
an incident recorded), ended, and synced up; the central's API then shows when the hall received
it, who was present, submitted and synced up, the result per exam, and the candidate's incident.

A real central and a real `hall serve`, through their CLIs, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import pytest

from tests.halls import add_staff_member
from tests.serving import ServedHall, log_in
from tests.sync.processes import hall_toml, syncd_ok
from tests.sync.test_downward import BANK_EXAM, _bank, _csv, _down_hall, _publish

pytestmark = pytest.mark.slow


async def test_a_sitting_sat_at_a_hall_shows_at_the_central_per_sitting_exam_and_candidate(
        tmp_path, central):
    pins = _bank(tmp_path, central)
    config, hall_id = _down_hall(tmp_path, central)
    sitting_id = _publish(central, hall_id, "--candidates", str(_csv(tmp_path, "P-001", "P-002")))
    syncd_ok("once", "--config", hall_toml(config), "--timeout", "60")

    add_staff_member(config, "ivy", "invigilator", "ivy-password")
    with ServedHall(config) as hall:
        staff, candidate = hall.client(), hall.client()
        async with staff.post("/staff/login", json={"name": "ivy", "password": "ivy-password"}) as r:
            assert r.status == 200
        async with staff.post(f"/staff/sittings/{sitting_id}/incidents", json={
                "category": "illness", "text": "Taken ill before the start; did not sit.",
                "registration_number": "P-002"}) as r:
            assert r.status == 200, await r.text()
        await log_in(candidate, "P-001", pins["P-001"])   # checks P-001 in
        async with staff.post(f"/staff/sittings/{sitting_id}/start") as r:
            assert r.status == 200, await r.text()
        async with candidate.post(f"/student/exam/{BANK_EXAM['id']}/session/complete",
                                  json={"final_answers": {"1": "B", "2": "B", "3": "A"},
                                        "time_spent": 60}) as r:
            assert r.status == 200, await r.text()
        async with staff.post(f"/staff/sittings/{sitting_id}/end") as r:
            assert r.status == 200, await r.text()
        await staff.close()
        await candidate.close()
        hall.stop()
    syncd_ok("once", "--config", hall_toml(config), "--timeout", "60")

    api = central.api()
    (sitting,) = (await api.get("/api/sittings/progress"))["sittings"]
    assert (sitting["id"], sitting["state"], sitting["received"]) == (sitting_id, "ended", True)
    assert sitting["published_at"] <= sitting["received_at"] <= sitting["started_at"] \
        <= sitting["ended_at"]
    assert (sitting["candidates"], sitting["present"], sitting["submitted"], sitting["synced"]) \
        == (2, 1, 1, 1)

    (exam,) = (await api.get("/api/results"))["exams"]
    assert (exam["exam_id"], exam["count"], exam["mean_score"]) == (BANK_EXAM["id"], 1, 2.0)
    assert [h["hall_id"] for h in exam["halls"]] == [hall_id]
    assert sum(b["count"] for b in exam["distribution"]) == 1

    record = await api.get("/api/candidates/P-002")
    assert record["sessions"] == []
    assert [(i["kind"], i["category"], i["sitting_id"], i["by"]) for i in record["incidents"]] \
        == [("incident_recorded", "illness", sitting_id, "ivy")]
    assert [s["score"] for s in (await api.get("/api/candidates/P-001"))["sessions"]] == [2]
