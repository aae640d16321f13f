"""The bench's reconnect and sitting scenarios, at a tiny scale, against a real `hall serve` over
its own HTTPS: they run, every candidate's save comes back, and every waiting candidate gets the
paper once the invigilator starts the sitting (not before). (The bench itself is never part of
the test run; figures come from `python -m bench.run`.)"""

from __future__ import annotations

import pytest

from bench import clients, halls, load, sitting, waves
from bench.clients import Candidate
from examkit.certificates import CA_CERT
from hallserver.setup_hall import CONFIG_NAME
from tests.halls import make_hall
from tests.serving import ServedHall

pytestmark = pytest.mark.slow
CANDIDATES = 12


async def test_reconnect_and_sitting_start_at_a_tiny_scale(tmp_path):
    config = make_hall(tmp_path / "hall", candidates=CANDIDATES, tls=True, exam=load.EXAM)
    halls.tls_trust().load_verify_locations(config.tls_dir / CA_CERT)
    everyone = [Candidate.numbered(n) for n in range(1, CANDIDATES + 1)]
    reconnecting, waiting = everyone[:CANDIDATES // 2], everyone[CANDIDATES // 2:]
    sitting_id = sitting.plan(tmp_path / "hall" / CONFIG_NAME, tmp_path / "setup.log",
                              only=[c.registration_number for c in waiting])
    with ServedHall(config) as hall:
        assert hall.scheme == "https"
        base_url = hall.url.rstrip("/")
        await clients.login_many(base_url, reconnecting, open_paper=True)
        await clients.login_many(base_url, waiting)
        async with waves.lab_pc() as pc:  # no paper before the start
            paper = await pc.get(base_url + load.PAPER_PATH,
                                 headers={"Cookie": f"{load.COOKIE}={waiting[0].token}"})
            assert paper.status == 409 and "sitting_not_started" in await paper.text()

        storm = await waves.reconnect_storm(base_url, reconnecting, within=0.3)
        assert storm["errors"] == 0, storm["error_samples"]
        assert storm["ok"] == len(reconnecting) and storm["all_done_seconds"] is not None

        async with sitting.console(base_url, sitting_id) as start:
            wave = await waves.sitting_start(base_url, waiting, start)
        assert wave["errors"] == 0 and wave["opening"]["errors"] == 0, wave["error_samples"]
        assert wave["ok"] == wave["opening"]["ok"] == wave["notified"]["ok"] == len(waiting)
        hall.stop()
