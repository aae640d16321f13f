"""A real `hall serve` for browser tests, on a fixed port so it can be stopped and started again.

The exam page's URL must stay valid across a server restart (that is the point of the test), so
the port is picked once per hall and reused. Built on `tests.serving.HallProcess`, which reads the
process's output as it comes.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from hallserver.config import HallConfig
from hallserver.db import engine as engines
from hallserver.domain.content import exams as exam_rules
from hallserver.setup_hall import CONFIG_NAME
from tests.serving import URL_PATTERN, HallProcess

HALL = Path(sys.executable).parent / "hall"
START_SECONDS = 30.0


def free_port() -> int:
    """A TCP port nobody listens on right now, on loopback."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class BrowserHall:
    """`hall serve` of one hall directory on one port; start, stop, kill and start again."""

    def __init__(self, config: HallConfig) -> None:
        self.config = config
        self.port = free_port()
        # "localhost" is a secure context for Chromium, so the service worker may run.
        self.url = f"http://localhost:{self.port}/"
        self.process: HallProcess | None = None

    def start(self) -> None:
        """Serves, and returns once /healthz answers ok."""
        assert self.process is None, "already serving"
        self.process = HallProcess("serve", "--config", str(self.config.base_dir / CONFIG_NAME),
                                   "--port", str(self.port), cwd=self.config.base_dir)
        try:
            self.process.wait_for_line(URL_PATTERN, START_SECONDS)
            self._wait_healthy()
        except BaseException:
            self.process.kill9()
            self.process = None
            raise

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + START_SECONDS
        while True:
            try:
                with urllib.request.urlopen(self.url + "healthz", timeout=5) as response:
                    if json.load(response).get("status") == "ok":
                        return
            except (urllib.error.URLError, OSError):
                pass
            assert self.process is not None and self.process.process.poll() is None, \
                self.process.output if self.process else "no process"
            assert time.monotonic() < deadline, "the hall never answered /healthz"
            time.sleep(0.05)

    def stop(self) -> None:
        """SIGTERM; the hall must stop cleanly."""
        if self.process is not None:
            process, self.process = self.process, None
            process.stop()

    def kill9(self) -> None:
        """SIGKILL: no cleanup runs in the hall."""
        if self.process is not None:
            process, self.process = self.process, None
            process.kill9()

    def cli(self, *args: str) -> str:
        """Runs `hall ARGS --config ...` to completion; returns its standard output."""
        done = subprocess.run([str(HALL), *args, "--config", str(self.config.base_dir / CONFIG_NAME)],
                              capture_output=True, text=True, timeout=60, check=False)
        assert done.returncode == 0, done.stderr
        return done.stdout

    def sessions(self, registration_number: str) -> list[dict[str, Any]]:
        """`hall sessions inspect`: the candidate's sessions, decrypted, with their history."""
        return json.loads(self.cli("sessions", "inspect", registration_number))["sessions"]


@contextmanager
def serving(config: HallConfig) -> Iterator[BrowserHall]:
    """`hall serve` of this hall for the length of the block; killed (-9) at its end."""
    served = BrowserHall(config)
    served.start()
    try:
        yield served
    finally:
        served.kill9()


@contextmanager
def serving_exam(config: HallConfig, content: Any) -> Iterator[BrowserHall]:
    """`serving` a hall that holds `content` (an ExamContent, as `read_exam` gives it) as its exam."""
    engine = engines.sync_engine(config.database_path)
    try:
        with engine.begin() as connection:
            exam_rules.import_exam(connection, content, 0.0)
    finally:
        engine.dispose()
    with serving(config) as served:
        yield served
