"""A hypothesis stateful test: exam writes, completions and sync steps, with faults chosen from the
list (uplink refused, cut mid-body, cut mid-response, a replayed batch, a changed byte, a gap, a
revoked key, syncd stopped mid-step) in any order. After every step the central holds an exact
prefix of the hall's log; after healing, the central equals the hall.

Real parts: a hall app and a central app on loopback sockets in this process, the fault proxy in
its thread, the real pusher and its state files, SQLite or PostgreSQL under the central.
"""

from __future__ import annotations

import asyncio
import random
import shutil
import tempfile
from pathlib import Path

import pytest
from aiohttp import web
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine, invariant, rule, run_state_machine_as_test,
)

from syncd.central.app import create_central_app
from syncd.central.config import load as load_central
from syncd.central.halls import enroll_hall, revoke_hall
from syncd.central.keys import STORE
from syncd.central.setup import init_central
from syncd.client import CentralClient
from syncd.daemon import state_dir_of
from syncd.protocol import public_key_hex
from syncd.push import Pusher
from syncd.signing import ensure_signing_key
from tests.halls import make_hall
from tests.sync.conftest import BACKENDS, assert_same_sessions, fresh_database
from tests.sync.crafting import events_of, first_base, hall_log, signed
from tests.sync.processes import CentralAPI
from tests.sync.proxy import FaultProxy
from tests.sync.traffic import Candidate, hall_chain, hall_in_process, hall_sessions

pytestmark = pytest.mark.slow
FAULTS = ["none", "refused", "cut mid-body", "cut mid-response", "stopped mid-step"]


class Convergence(RuleBasedStateMachine):
    """One hall, one central, a fault proxy between them."""

    database: str | None = None

    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.tmp = Path(tempfile.mkdtemp(prefix="convergence-"))
        overrides = {("server", "tls"): False}
        if self.database:
            overrides[("storage", "url")] = self.database
        init_central(self.tmp / "central", overrides)
        self.central_app = create_central_app(load_central(self.tmp / "central" / "central.toml"))
        self.runner = web.AppRunner(self.central_app, handle_signals=False, access_log=None)
        self.run(self.runner.setup())
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        self.run(site.start())
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.proxy = FaultProxy(port)
        self.config = make_hall(self.tmp / "hall", candidates=3,
                                sync__central_url=f"http://{self.proxy.url_host}",
                                sync__batch_max_events=4)
        self.key, _ = ensure_signing_key(self.config.secrets_dir)
        self.log = hall_log(self.config)
        self.enroll()
        self.hall = self.run(self._open_hall())
        self.people = self.run(self._people())
        self.rng = random.Random(0)
        for person in self.people:  # every example starts with a log worth sending
            for _ in range(2):
                self.run(person.save(self.rng))
        self.api = CentralAPI(f"http://127.0.0.1:{port}", "", self._token())

    def _token(self) -> str:
        return (self.tmp / "central" / "secrets" / "admin.token").read_text().strip()

    async def _open_hall(self):
        context = hall_in_process(self.config)
        self.hall_url = await context.__aenter__()
        return context

    async def _people(self) -> list[Candidate]:
        return [Candidate(self.hall_url, i) for i in range(3)]

    def run(self, coroutine):
        return self.loop.run_until_complete(coroutine)

    def enroll(self) -> None:
        self.run(enroll_hall(self.central_app[STORE], self.log.hall_id, public_key_hex(self.key)))

    async def _push(self, timeout: float) -> None:
        async with CentralClient(self.config.sync.central_url, timeout_seconds=2) as client:
            pusher = Pusher(self.log, client, self.key, state_dir_of(self.config), 4, 1 << 20)
            await asyncio.wait_for(pusher.drain(), timeout)

    @rule(who=st.integers(0, 2), saves=st.integers(1, 4))
    def write(self, who: int, saves: int) -> None:
        for _ in range(saves):
            self.run(self.people[who].save(self.rng))

    @rule(who=st.integers(0, 2))
    def complete(self, who: int) -> None:
        self.run(self.people[who].complete(self.rng))

    @rule(fault=st.sampled_from(FAULTS))
    def sync_step(self, fault: str) -> None:
        self.proxy.set(**{"none": {}, "refused": {"refuse": True},
                          "cut mid-body": {"cut_upload_after": 1500, "big_upload": 0},
                          "cut mid-response": {"cut_answer_after": 5, "big_upload": 1500},
                          "stopped mid-step": {"delay": 0.05}}[fault])
        try:
            self.run(self._push(0.12 if fault == "stopped mid-step" else 5))
        except Exception:  # noqa: BLE001 - a failed step under a fault is the point
            pass
        finally:
            self.proxy.heal()

    @rule(first=st.integers(1, 6), count=st.integers(1, 4), flip=st.booleans(),
          skip=st.booleans())
    def crafted_batch(self, first: int, count: int, flip: bool, skip: bool) -> None:
        """A replayed, changed or gapped batch posted straight to the central."""
        chain = hall_chain(self.config)
        if not chain:
            return
        first = min(first + (2 if skip else 0), len(chain))
        events = events_of(self.config, first, min(len(chain), first + count - 1))
        central_id = self.central_app[STORE].central_id
        raw = signed(self.config, central_id, events, base=first_base() if first == 1 else None)
        if flip:
            at = raw.index(b'"body":"') + 12
            raw = raw[:at] + bytes([raw[at] ^ 1]) + raw[at + 1:]
        status, _ = self.run(self.api.post("/v1/sync/batch", raw))
        assert status in (200, 400, 401, 409), status
        if flip:
            assert status != 200

    @rule()
    def revoke_and_enroll_again(self) -> None:
        self.run(revoke_hall(self.central_app[STORE], self.log.hall_id))
        self.sync_step("none")
        self.enroll()

    @invariant()
    def the_central_holds_a_prefix_of_the_hall_log(self) -> None:
        line = self.run(self.api.line(self.log.hall_id))
        assert line == hall_chain(self.config)[:len(line)]

    def teardown(self) -> None:
        try:
            self.proxy.heal()
            self.run(self._push(30))
            line = self.run(self.api.line(self.log.hall_id))
            assert line == hall_chain(self.config)
            hall = self.run(self.api.hall(self.log.hall_id))
            assert hall["events_stored"] == len(line)
            assert_same_sessions(hall_sessions(self.config),
                                 self.run(self.api.sessions(self.log.hall_id)))
        finally:
            for person in self.people:
                self.run(person.close())
            self.run(self.hall.__aexit__(None, None, None))
            self.log.close()
            self.proxy.close()
            self.run(self.runner.cleanup())
            self.loop.close()
            shutil.rmtree(self.tmp, ignore_errors=True)


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_central_converges_on_the_hall_whatever_the_faults(backend):
    urls = fresh_database() if backend == "postgresql" else iter([None])
    url = next(urls)
    try:
        machine = type("ConvergenceOn", (Convergence,), {"database": url})
        run_state_machine_as_test(machine, settings=settings(
            max_examples=15, stateful_step_count=15, deadline=None,
            suppress_health_check=list(HealthCheck)))
    finally:
        for _ in urls:
            pass
