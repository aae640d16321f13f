"""The core's workers: started, watched, started again when one dies, stopped with the hall."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
import time
from collections import Counter
from pathlib import Path

_LOGGER = logging.getLogger(__name__)
START_SECONDS = 30.0
STOP_SECONDS = 10.0
QUICK_DEATHS = 3          # a worker that dies this many times in a row right after starting ...
QUICK_SECONDS = 10.0      # ... (within this long) stops the hall: something is wrong, not bad luck


class WorkersFailed(Exception):
    """The workers cannot run; the message says why."""


class Workers:
    """`count` worker processes sharing the hall's port, each piping to the core's socket."""

    def __init__(self, count: int, host: str, tls_dir: Path, secrets_dir: Path,
                 handshake_seconds: float = 10.0) -> None:
        self.count = count
        self._where = ["--host", host, "--tls-dir", str(tls_dir), "--secrets-dir", str(secrets_dir),
                       "--handshake-seconds", str(handshake_seconds)]
        self._core_path = ""
        self._port = 0
        self.connections: Counter[int] = Counter()   # PC connections each worker has carried
        self._processes: dict[int, asyncio.subprocess.Process] = {}
        self._watchers: list[asyncio.Task] = []
        self._stopping = False
        self.restarts = 0
        self.failed = asyncio.Event()
        self.failure = ""

    async def start(self, core_path: str, port: int) -> None:
        """Starts every worker on `port`, piping to the core's socket `core_path`; returns once
        each is listening."""
        self._core_path, self._port = core_path, port
        for worker in range(1, self.count + 1):
            await self._spawn(worker)
            self._watchers.append(asyncio.create_task(self._watch(worker),
                                                      name=f"examhall-worker-{worker}"))

    async def _spawn(self, worker: int) -> None:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "hallserver.processes.relay", "--worker", str(worker),
            "--core", self._core_path, "--port", str(self._port), *self._where,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE)
        assert process.stdout is not None
        try:
            line = await asyncio.wait_for(process.stdout.readline(), START_SECONDS)
        except TimeoutError:
            line = b""
        if line.strip() != b"ready":
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()
            raise WorkersFailed(f"worker {worker} did not start (exit code {process.returncode}); "
                                "its messages are above")
        self._processes[worker] = process

    async def _watch(self, worker: int) -> None:
        quick_deaths = 0
        while True:
            process = self._processes[worker]
            started = time.monotonic()
            code = await process.wait()
            if self._stopping:
                return
            quick_deaths = quick_deaths + 1 if time.monotonic() - started < QUICK_SECONDS else 1
            print(f"examhall: worker {worker} stopped (exit code {code}); starting it again",
                  file=sys.stderr, flush=True)
            if quick_deaths >= QUICK_DEATHS:
                self._fail(f"worker {worker} keeps dying right after it starts")
                return
            try:
                await self._spawn(worker)
            except WorkersFailed as err:
                self._fail(str(err))
                return
            self.restarts += 1

    def _fail(self, why: str) -> None:
        self.failure = why
        self.failed.set()

    async def stop(self) -> None:
        """Stops every worker (SIGTERM, then SIGKILL after a while)."""
        self._stopping = True
        for watcher in self._watchers:
            watcher.cancel()
        for process in self._processes.values():
            if process.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    process.terminate()
        for process in self._processes.values():
            try:
                await asyncio.wait_for(process.wait(), STOP_SECONDS)
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
                await process.wait()

    def figures(self) -> dict[str, object]:
        """For the admin's performance page: how many workers, their connections, restarts."""
        return {"count": self.count, "restarts": self.restarts,
                "connections": {str(w): n for w, n in sorted(self.connections.items())},
                "pids": {str(w): p.pid for w, p in sorted(self._processes.items())}}
