"""Real `hall` processes for tests: started through the console script, output read as it comes.

`HallProcess` runs any `hall ...` command with its output (stdout and stderr together) drained by
a thread, so a test can wait for a line instead of sleeping. `ServedHall` runs `hall serve` on a
hall directory, waits for the URL it prints, and stops it with SIGTERM (asserting a clean exit)
or kills it with SIGKILL.
"""

from __future__ import annotations

import json
import os
import re
import signal
import ssl
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType

import aiohttp

from hallserver.config import HallConfig
from examkit.certificates import CA_CERT
from hallserver.setup_hall import CONFIG_NAME

HALL = Path(sys.executable).parent / "hall"
URL_PATTERN = re.compile(r"(https?)://127\.0\.0\.1:(\d+)/")
START_SECONDS = 30.0
STOP_SECONDS = 30.0


class HallProcess:
    """A `hall` command running as a subprocess; its output lines are collected as they come."""

    def __init__(self, *args: str, cwd: Path | None = None, program: Path = HALL) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        env.pop("HALL_CONFIG", None)
        self.args = [str(program), *args]
        self.process = subprocess.Popen(
            self.args, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True, encoding="utf-8", errors="replace")
        self._lines: list[str] = []
        self._ended = False
        self._changed = threading.Condition()
        self._reader = threading.Thread(target=self._read, name="hall-output", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            with self._changed:
                self._lines.append(line.rstrip("\n"))
                self._changed.notify_all()
        with self._changed:
            self._ended = True
            self._changed.notify_all()

    @property
    def output(self) -> str:
        """Everything the command printed so far."""
        with self._changed:
            return "\n".join(self._lines)

    def _failure(self, why: str) -> AssertionError:
        return AssertionError(f"{why}\ncommand: {' '.join(self.args)}\n"
                              f"exit code: {self.process.poll()}\noutput so far:\n{self.output}")

    def wait_for_line(self, pattern: re.Pattern[str] | str,
                      timeout: float = START_SECONDS) -> re.Match[str]:
        """The first output line matching `pattern`; fails with the output if it never comes."""
        regex = re.compile(pattern) if isinstance(pattern, str) else pattern
        deadline = time.monotonic() + timeout
        seen = 0
        with self._changed:
            while True:
                for line in self._lines[seen:]:
                    found = regex.search(line)
                    if found:
                        return found
                seen = len(self._lines)
                if self._ended:
                    raise self._failure(f"the command ended without printing {regex.pattern!r}")
                left = deadline - time.monotonic()
                if left <= 0:
                    raise self._failure(f"no line matching {regex.pattern!r} within {timeout} s")
                self._changed.wait(left)

    def wait(self, timeout: float = STOP_SECONDS) -> int:
        """Waits for the command to end and its output to be read; returns the exit code."""
        try:
            code = self.process.wait(timeout)
        except subprocess.TimeoutExpired as err:
            self.kill9()
            raise self._failure(f"the command did not end within {timeout} s") from err
        self._reader.join(timeout)
        assert self.process.stdout is not None
        self.process.stdout.close()
        return code

    def terminate(self, timeout: float = STOP_SECONDS) -> int:
        """SIGTERM, then waits; returns the exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.wait(timeout)

    def kill9(self) -> int:
        """SIGKILL (`kill -9`): no cleanup of any kind runs in the process. Returns the exit code."""
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
        code = self.process.wait(STOP_SECONDS)
        self._reader.join(STOP_SECONDS)
        assert self.process.stdout is not None
        self.process.stdout.close()
        return code

    def stop(self) -> None:
        """SIGTERM; asserts the command stopped cleanly (exit code 0)."""
        code = self.terminate()
        if code != 0:
            raise self._failure(f"the command stopped with exit code {code}, not 0")

    def __enter__(self) -> HallProcess:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        if self.process.poll() is None or not self.process.stdout.closed:  # type: ignore[union-attr]
            self.kill9()


def client_ssl_context(config: HallConfig) -> ssl.SSLContext:
    """A client context that trusts only the hall's own CA (as a lab PC does once set up)."""
    return ssl.create_default_context(cafile=config.tls_dir / CA_CERT)


class ServedHall(HallProcess):
    """`hall serve --config DIR/hall.toml --port 0`, up once it has printed its URL."""

    def __init__(self, config: HallConfig, *args: str) -> None:
        self.config = config
        super().__init__("serve", "--config", str(config.base_dir / CONFIG_NAME), "--port", "0",
                         *args, cwd=config.base_dir)
        try:
            found = self.wait_for_line(URL_PATTERN)
            self.scheme, self.port = found.group(1), int(found.group(2))
            self.url = f"{self.scheme}://127.0.0.1:{self.port}/"
            self.ssl_context = client_ssl_context(config) if self.scheme == "https" else None
            self._wait_healthy()
        except BaseException:
            self.kill9()
            raise

    def _wait_healthy(self, timeout: float = START_SECONDS) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(self.url + "healthz", timeout=5,
                                            context=self.ssl_context) as response:
                    if json.load(response).get("status") == "ok":
                        return
            except (urllib.error.URLError, OSError):
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise self._failure("the hall printed its URL but /healthz never answered ok")
            with self._changed:  # wait for a line or a short while, whichever comes first
                self._changed.wait(0.05)

    def client(self, **kwargs: object) -> aiohttp.ClientSession:
        """A browser of its own (own cookie jar) on this hall; trusts the hall CA under TLS."""
        connector = aiohttp.TCPConnector(ssl=self.ssl_context or True)
        return aiohttp.ClientSession(
            base_url=self.url, connector=connector, cookie_jar=aiohttp.CookieJar(unsafe=True),
            timeout=aiohttp.ClientTimeout(total=60), **kwargs)  # type: ignore[arg-type]


async def log_in(client: aiohttp.ClientSession, registration_number: str, pin: str) -> dict:
    """Logs a candidate in on this client; asserts it worked."""
    async with client.post("/student/login", json={"registration_number": registration_number,
                                                   "pin": pin}) as response:
        assert response.status == 200, await response.text()
        return await response.json()
