"""Ending a sitting from the central: `syncd central sitting end` (and the central's page, admins
only) sends `sitting_ended` to the hall, whose syncd applies it once, logged, and the hall ends the
sitting as its invigilator's end would: the serving hall submits open sessions with what was
saved, and the central shows the sitting ended once the hall's log comes up. An end that finds
the sitting ended at the hall already is logged as not applied; that end stands.

A real central and a real `hall serve` with `syncd once` beside it, through their CLIs.
"""

from __future__ import annotations

import pytest

from tests.halls import add_staff_member
from tests.serving import ServedHall
from tests.sync.processes import eventually, hall_toml, syncd, syncd_ok
from tests.sync.test_central_accounts import Browser, user_add
from tests.sync.test_downward import (
    BANK_EXAM, _applied_events, _bank, _central_toml, _csv, _down_hall, _hall_cli,
    _hall_sittings, _publish, _sittings_at_central, started_with_an_answer,
)

pytestmark = pytest.mark.slow
ADMIN, READER = ("ada", "plans-the-exams"), ("rex", "reads-the-results")


def _accounts(central) -> None:
    for (name, password), role in ((ADMIN, "admin"), (READER, "reader")):
        code, output = user_add(central, name, role, password)
        assert code == 0, output


async def test_a_started_sitting_ended_from_the_central_ends_at_the_hall(tmp_path, central):
    pins = _bank(tmp_path, central)
    _accounts(central)
    config, hall_id = _down_hall(tmp_path, central)
    sitting_id = _publish(central, hall_id, "--candidates", str(_csv(tmp_path, "P-001", "P-002")))
    syncd_ok("once", "--config", hall_toml(config), "--timeout", "60")
    # Not started at the hall: the central changes it, it does not end it.
    code, output = syncd("central", "sitting", "end", sitting_id, "--config",
                         _central_toml(central))
    assert code != 0 and "has not reported sitting" in output and "change" in output, output

    add_staff_member(config, "ivy", "invigilator", "ivy-password")
    reader, admin = Browser(central), Browser(central)
    with ServedHall(config) as hall:
        staff, candidate = await started_with_an_answer(hall, sitting_id, pins["P-001"])
        paper = f"/student/exam/{BANK_EXAM['id']}"
        try:
            syncd_ok("once", "--config", hall_toml(config), "--timeout", "60")
            assert _sittings_at_central(central, hall_id)[0]["state"] == "started"

            assert (await reader.log_in(*READER))[0] == 200
            assert (await admin.log_in(*ADMIN))[0] == 200
            status, error, _ = await reader.request("POST", f"/api/sittings/{sitting_id}/end", {})
            assert status == 403 and error["error"]["code"] == "not_admin"
            assert _sittings_at_central(central, hall_id)[0]["end_sent_at"] is None
            status, ended, _ = await admin.request("POST", f"/api/sittings/{sitting_id}/end", {})
            assert status == 200 and ended["already"] is None, ended
            # Asked again (a double click, a second admin, the CLI): nothing more is sent.
            again = syncd_ok("central", "sitting", "end", sitting_id, "--config",
                             _central_toml(central))
            assert "was sent" in again and "ada" in again, again
            status, error, _ = await admin.request("POST", f"/api/sittings/{sitting_id}/change",
                                                   {"name": "Renamed"})
            assert status == 409 and error["error"]["code"] == "sitting_started"
            assert "only ended" in error["error"]["message"]

            # The candidate still works until the hall hears of the end.
            async with candidate.post(paper + "/session/save", json={
                    "answers": {"1": "B", "2": "B"}, "current_question": 2,
                    "device_seq": 2}) as r:
                assert r.status == 200, await r.text()
            output = syncd_ok("once", "--config", hall_toml(config), "--timeout", "60")
            assert "1 item(s) applied" in output, output
            applied = _applied_events(config)[-1]
            assert (applied["item_kind"], applied["outcome"]) == ("sitting_ended", "ended")

            async def submitted() -> bool:
                async with staff.get(f"/staff/sittings/{sitting_id}") as r:
                    shown = await r.json()
                return shown["counts"]["submitted"] == 1

            await eventually(submitted, what="the hall submitting P-001's open session")
            async with staff.get(f"/staff/sittings/{sitting_id}") as r:
                shown = await r.json()
            assert (shown["state"], shown["ended_by"]) == ("ended", "ada (central)")
            (p1,) = [c for c in shown["candidates"] if c["registration_number"] == "P-001"]
            assert p1["submitted_at"] and p1["exams"][0]["status"] == "completed"
            async with candidate.post(paper + "/session/save", json={
                    "answers": {"1": "A"}, "current_question": 1, "device_seq": 3}) as r:
                assert r.status == 409, await r.text()
            # Nothing twice: the next run applies nothing; the log goes up.
            assert "0 item(s) applied" in syncd_ok("once", "--config", hall_toml(config))
        finally:
            for client in (staff, candidate, reader, admin):
                await client.close()
            hall.stop()

    (sitting,) = _sittings_at_central(central, hall_id)
    assert sitting["state"] == "ended" and sitting["ended_at"] >= sitting["end_sent_at"]
    sessions = await central.api().sessions(hall_id)
    (done,) = [s for s in sessions.values() if s["registration_number"] == "P-001"]
    assert done["state"] == "completed" and done["score"] == 2   # what was saved: 1 B, 2 B
    # Ended already: nothing is sent, and the answer says so.
    again = syncd_ok("central", "sitting", "end", sitting_id, "--config", _central_toml(central))
    assert "reported sitting" in again and "ended" in again and "nothing was sent" in again


async def test_an_end_that_reaches_a_hall_which_ended_the_sitting_itself_is_logged_not_applied(
        tmp_path, central):
    _bank(tmp_path, central)
    config, hall_id = _down_hall(tmp_path, central)
    sitting_id = _publish(central, hall_id, "--candidates", str(_csv(tmp_path, "P-001")))
    syncd_ok("once", "--config", hall_toml(config), "--timeout", "60")
    _hall_cli("sitting", "start", sitting_id, "--config", hall_toml(config))
    syncd_ok("once", "--config", hall_toml(config), "--timeout", "60")
    # The invigilator ends it while the hall is cut off; the central, not knowing, ends it too.
    _hall_cli("sitting", "end", sitting_id, "--config", hall_toml(config))
    assert "sent the end" in syncd_ok("central", "sitting", "end", sitting_id, "--config",
                                      _central_toml(central))
    assert "1 item(s) applied" in syncd_ok("once", "--config", hall_toml(config))
    applied = _applied_events(config)[-1]
    assert applied["item_kind"] == "sitting_ended"
    assert applied["outcome"].startswith("not applied") and "already ended" in applied["outcome"]
    (shown,) = [s for s in _hall_sittings(config) if s["id"] == sitting_id]
    assert shown["state"] == "ended" and "hall command" in shown["ended_by"]
    assert _sittings_at_central(central, hall_id)[0]["state"] == "ended"
