"""A real hall under exam traffic, a real `syncd run` beside it, a real central: they end equal.

Also: one syncd per hall (the lock), `syncd status` and `syncd enroll` as operators read them.
"""

from __future__ import annotations

import json
import os
import signal

import pytest

from tests.exams_fixtures import hall_cli, ok
from tests.halls import EXAM
from tests.serving import ServedHall
from tests.sync.conftest import assert_converged, sync_hall
from tests.sync.processes import SyncdProcess, eventually, hall_toml, syncd, syncd_ok
from tests.sync.traffic import exam_traffic, hall_chain

pytestmark = pytest.mark.slow


async def test_a_stream_of_saves_and_completions_ends_identical_at_the_central(tmp_path, central):
    config = sync_hall(tmp_path / "hall", central, candidates=12, sync__batch_max_events=40)
    api = central.api()
    with ServedHall(config) as hall, SyncdProcess("run", "--config", hall_toml(config)) as daemon:
        daemon.wait_for_line("syncd: pushing hall")
        await exam_traffic(hall.url, count=12, saves=15, complete_share=0.5, seed=1)
        hall_id = json.loads(syncd_ok("status", "--config", hall_toml(config), "--json"))["hall_id"]

        async def caught_up() -> bool:
            return len(await api.line(hall_id)) == len(hall_chain(config))
        try:
            await eventually(caught_up, what="the central catching up with the hall")
        except AssertionError as err:
            raise AssertionError(f"{err}\nsyncd said:\n{daemon.output}") from None
        await assert_converged(api, config, hall_id)
        daemon.stop()  # SIGTERM: a clean stop, exit 0
        hall.stop()
    sessions = await api.sessions(hall_id)
    assert len(sessions) == 12
    assert {s["state"] for s in sessions.values()} == {"active", "completed"}
    completed = [s for s in sessions.values() if s["state"] == "completed"]
    assert all(s["score"] is not None for s in completed)


def test_a_second_syncd_for_the_same_hall_refuses_to_run(tmp_path, central):
    config = sync_hall(tmp_path / "hall", central)
    with SyncdProcess("run", "--config", hall_toml(config)) as first:
        first.wait_for_line("syncd: pushing hall")
        code, output = syncd("run", "--config", hall_toml(config), timeout=30)
        assert code != 0 and "already pushing this hall" in output, output
        code, output = syncd("once", "--config", hall_toml(config), timeout=30)
        assert code != 0 and f"pid {first.process.pid}" in output, output
        report = json.loads(syncd_ok("status", "--config", hall_toml(config), "--json"))
        assert report["daemon_running"] and report["daemon_pid"] == first.process.pid
        first.stop()
    report = json.loads(syncd_ok("status", "--config", hall_toml(config), "--json"))
    assert not report["daemon_running"]


async def test_status_reports_backlog_acknowledged_mark_and_last_error(tmp_path, central):
    config = sync_hall(tmp_path / "hall", central, candidates=3)
    with ServedHall(config) as hall:
        await exam_traffic(hall.url, count=3, saves=4, complete_share=1.0)
        hall.stop()
    events = len(hall_chain(config))
    report = json.loads(syncd_ok("status", "--config", hall_toml(config), "--json"))
    assert report["backlog"] == {"events": events, "sessions": 3}
    assert report["last_success_at"] is None and report["acknowledged"] is None
    syncd_ok("once", "--config", hall_toml(config))
    report = json.loads(syncd_ok("status", "--config", hall_toml(config), "--json"))
    assert report["backlog"] == {"events": 0, "sessions": 0}
    assert report["acknowledged"]["high_water_mark"] == events
    assert report["last_success_at"] is not None and report["last_error"] is None
    text = syncd_ok("status", "--config", hall_toml(config))
    assert f"up to event {events} of epoch 1" in text and "not running" in text
    await assert_converged(central.api(), config, report["hall_id"])
    hall = await central.api().hall(report["hall_id"])
    assert hall["status"] == "up_to_date" and hall["events_stored"] == events
    key_file = config.secrets_dir / "sync.key"  # made by `syncd enroll`, 0600, never replaced
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    before = key_file.read_bytes()
    again = json.loads(syncd_ok("enroll", "--config", hall_toml(config), "--json"))
    assert set(again) == {"hall_id", "public_key", "fingerprint", "name"}
    assert again["name"] == config.hall.name
    assert again["hall_id"] == report["hall_id"] and key_file.read_bytes() == before


def test_the_daemon_stops_cleanly_on_sigterm_while_the_central_is_down(tmp_path, central):
    config = sync_hall(tmp_path / "hall", central)
    central.kill9()
    with SyncdProcess("run", "--config", hall_toml(config)) as daemon:
        daemon.wait_for_line("no answer from the central")
        daemon.process.send_signal(signal.SIGTERM)
        assert daemon.wait() == 0
        assert "syncd: stopped" in daemon.output
    state = json.loads((config.base_dir / "sync" / "state.json").read_text())
    assert "no answer from the central" in state["last_error"]
    assert not os.path.exists(config.base_dir / "sync" / "epoch-request.json")


async def test_a_corrected_key_rescores_results_at_the_central_too(tmp_path, central):
    """After the exam (and its sync), the answer key is corrected and the results rescored at
    the hall: the next push moves the central's scores to the new ones, answers untouched."""
    config = sync_hall(tmp_path / "hall", central, candidates=4)
    with ServedHall(config) as hall:
        await exam_traffic(hall.url, count=4, saves=6, complete_share=1.0, seed=3)
        hall.stop()
    syncd_ok("once", "--config", hall_toml(config))
    hall_id = json.loads(syncd_ok("status", "--config", hall_toml(config), "--json"))["hall_id"]
    before = await central.api().sessions(hall_id)

    corrected = tmp_path / "corrected.json"  # every question's key moves from B to A
    corrected.write_text(json.dumps({**EXAM, "questions": [
        {**question, "answer": "A"} for question in EXAM["questions"]]}), encoding="utf-8")
    ok(hall_cli(config, "exam", "import", str(corrected), "--correct-key"))
    rescored = ok(hall_cli(config, "results", "rescore", "MTH101")).output
    assert "4 changed" in rescored, rescored
    syncd_ok("once", "--config", hall_toml(config))

    await assert_converged(central.api(), config, hall_id)  # the same scores as the hall's
    after = await central.api().sessions(hall_id)
    assert {s: row["answers"] for s, row in after.items()} == {
        s: row["answers"] for s, row in before.items()}
    assert [row["score"] for row in after.values()] != [row["score"] for row in before.values()]
