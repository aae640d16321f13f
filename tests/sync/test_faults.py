"""Faults injected for real between a hall and its central, each followed by healing and the check
that the central equals the hall with nothing duplicated: a TCP proxy that resets, blackholes,
delays, throttles and cuts mid-request and mid-response; the central killed (kill -9) between its
commit and its answer; syncd killed (kill -9) at each step of an exchange."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from tests.sync.conftest import assert_converged, sync_hall
from tests.sync.processes import ServedCentral, SyncdProcess, eventually, hall_toml, syncd, syncd_ok
from tests.sync.proxy import FaultProxy
from tests.sync.traffic import exam_traffic, hall_chain, hall_in_process

pytestmark = pytest.mark.slow


@pytest.fixture
def proxy(central) -> Iterator[FaultProxy]:
    """A fault proxy in front of the central."""
    link = FaultProxy(central.port)
    yield link
    link.close()


def _hall(tmp_path, central, proxy, **settings):
    url = f"{central.scheme}://{proxy.url_host}"
    config = sync_hall(tmp_path / "hall", central, url=url, candidates=6, **settings)
    hall_id = json.loads(syncd_ok("status", "--config", hall_toml(config), "--json"))["hall_id"]
    return config, hall_id


async def _more_traffic(config, seed: int) -> None:
    async with hall_in_process(config) as url:
        await exam_traffic(url, count=6, saves=4, complete_share=0.2 * (seed % 3), seed=seed)


async def _heal_and_check(proxy, config, api, hall_id) -> None:
    proxy.heal()
    syncd_ok("once", "--config", hall_toml(config), "--timeout", "60")
    await assert_converged(api, config, hall_id)
    assert (await api.hall(hall_id))["events_stored"] == len(hall_chain(config)), "a duplicate"


FAULTS = [
    ("reset", {"refuse": True}, False),
    ("blackhole", {"blackhole": True}, False),
    ("cut mid-body", {"cut_upload_after": 6000}, False),
    # The answer is lost, but the retry's hello finds the batch committed: once succeeds.
    ("cut mid-response", {"cut_answer_after": 10}, True),
    ("delay", {"delay": 0.05}, True),
    ("throttle", {"throttle": 200_000}, True),
]


async def test_every_uplink_fault_heals_without_loss_or_duplicate(tmp_path, central, proxy):
    config, hall_id = _hall(tmp_path, central, proxy)
    api = central.api()
    for round_number, (name, faults, gets_through) in enumerate(FAULTS, start=1):
        await _more_traffic(config, round_number)
        proxy.set(**faults)
        stored_before = (await api.hall(hall_id))["events_stored"]
        code, output = syncd("once", "--config", hall_toml(config), "--timeout", "3", timeout=60)
        assert (code == 0) == gets_through, f"{name}: {output}"
        stored = (await api.hall(hall_id))["events_stored"]
        if name == "cut mid-response":  # committed at the central; the hall never heard
            assert stored == len(hall_chain(config)) > stored_before, output
            assert "Connection reset" in output and "(0 sent" in output, output
        elif not gets_through:
            assert stored == stored_before, f"{name} changed the central"
        await _heal_and_check(proxy, config, api, hall_id)


async def test_the_central_killed_between_its_commit_and_its_answer(tmp_path, central, proxy):
    config, hall_id = _hall(tmp_path, central, proxy)
    api = central.api()
    await _more_traffic(config, 1)
    proxy.set(hold_answers=True, big_upload=8192)
    with SyncdProcess("once", "--config", hall_toml(config), "--timeout", "60") as pushing:

        async def committed() -> bool:
            return (await api.hall(hall_id))["events_stored"] == len(hall_chain(config))
        await eventually(committed, what="the central committing the held batch")
        assert proxy.counters.held > 0
        central.kill9()  # after the commit, before the hall hears the answer
        proxy.reset_all()
        restarted = ServedCentral(central.directory)
        try:
            proxy.target_port = restarted.port
            proxy.heal()
            assert pushing.wait(90) == 0, pushing.output  # it retries and finds it all held
            await _heal_and_check(proxy, config, restarted.api(), hall_id)
        finally:
            restarted.kill9()


async def test_syncd_killed_at_each_step_of_an_exchange(tmp_path, central, proxy):
    config, hall_id = _hall(tmp_path, central, proxy, sync__batch_max_events=7)
    api = central.api()
    state_file = config.base_dir / "sync" / "state.json"

    def acknowledged() -> int:
        try:
            return json.loads(state_file.read_text())["central"]["high_water_mark"]
        except (FileNotFoundError, KeyError, TypeError, ValueError):
            return 0

    steps = {
        "waiting for the hello's answer": {"hold_answers": True, "big_upload": 0},
        "mid-upload of a batch": {"throttle": 3000},
        "after the central's commit": {"hold_answers": True, "big_upload": 2500},
        "between batches": {},
    }
    for seed, (step, faults) in enumerate(steps.items(), start=1):
        await _more_traffic(config, seed)
        proxy.set(**faults)
        mark, stored = acknowledged(), (await api.hall(hall_id))["events_stored"]
        with SyncdProcess("run", "--config", hall_toml(config)) as daemon:
            if step == "waiting for the hello's answer":
                await eventually(_async(lambda: proxy.counters.held > 0), what=step)
            elif step == "mid-upload of a batch":
                start = proxy.counters.upload
                await eventually(_async(lambda: proxy.counters.upload > start + 2500), what=step)
            elif step == "after the central's commit":
                await eventually(_stored_more(api, hall_id, stored), what=step)
            else:
                await eventually(_async(lambda: acknowledged() >= mark + 14), what=step)
            daemon.kill9()
        proxy.reset_all()
        await _heal_and_check(proxy, config, api, hall_id)


def _async(check):
    async def condition() -> bool:
        return check()
    return condition


def _stored_more(api, hall_id, before):
    async def condition() -> bool:
        return (await api.hall(hall_id))["events_stored"] > before
    return condition
