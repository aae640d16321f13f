"""Real `syncd` processes for tests: the central served, the daemon run, one-shot commands, and
a small admin client of the central's read API."""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp

from hallserver.config import HallConfig
from tests.serving import HallProcess

SYNCD = Path(sys.executable).parent / "syncd"
CENTRAL_URL = re.compile(r"syncd central: serving (https?)://127\.0\.0\.1:(\d+)/")
FINGERPRINT = re.compile(r"certificate fingerprint: ([0-9a-f]{64})")


def _env() -> dict[str, str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("HALL_CONFIG", None)
    env.pop("CENTRAL_CONFIG", None)
    return env


class SyncdProcess(HallProcess):
    """A `syncd ...` command running as a subprocess, its output collected as it comes."""

    def __init__(self, *args: str, cwd: Path | None = None) -> None:  # noqa: D107
        self.args = [str(SYNCD), *args]
        self.process = subprocess.Popen(
            self.args, cwd=cwd, env=_env(), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True, encoding="utf-8", errors="replace")
        self._lines: list[str] = []
        self._ended = False
        self._changed = threading.Condition()
        self._reader = threading.Thread(target=self._read, name="syncd-output", daemon=True)
        self._reader.start()


def syncd(*args: str, timeout: float = 120) -> tuple[int, str]:
    """Runs a `syncd` command to its end; (exit code, stdout and stderr)."""
    done = subprocess.run([str(SYNCD), *args], env=_env(), stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=timeout)
    return done.returncode, done.stdout + done.stderr


def syncd_ok(*args: str, timeout: float = 120) -> str:
    """Runs a `syncd` command; asserts it succeeded; its output."""
    code, output = syncd(*args, timeout=timeout)
    assert code == 0, f"syncd {' '.join(args)} failed ({code}):\n{output}"
    return output


class ServedCentral(SyncdProcess):
    """`syncd central serve` on a central directory, up once /healthz answers."""

    def __init__(self, directory: Path) -> None:  # noqa: D107
        self.directory = directory
        super().__init__("central", "serve", "--config", str(directory / "central.toml"),
                         "--host", "127.0.0.1", "--port", "0")
        try:
            found = self.wait_for_line(CENTRAL_URL)
            self.scheme, self.port = found.group(1), int(found.group(2))
            self.fingerprint = (self.wait_for_line(FINGERPRINT).group(1)
                                if self.scheme == "https" else "")
            self.url = f"{self.scheme}://127.0.0.1:{self.port}"
            self.token = (directory / "secrets" / "admin.token").read_text().strip()
            self._wait_healthy()
        except BaseException:
            self.kill9()
            raise

    def _wait_healthy(self) -> None:
        import ssl
        context = ssl.create_default_context()
        context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=5,
                                            context=context) as response:
                    if json.load(response)["status"] == "ok":
                        return
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise self._failure("the central never answered /healthz")
            time.sleep(0.05)

    def api(self) -> CentralAPI:
        """An admin client of this central."""
        return CentralAPI(self.url, self.fingerprint, self.token)


class CentralAPI:
    """The central's read API, as an admin uses it."""

    def __init__(self, url: str, fingerprint: str, token: str) -> None:  # noqa: D107
        self.url, self.token = url, token
        self.ssl: Any = aiohttp.Fingerprint(bytes.fromhex(fingerprint)) if fingerprint else False

    async def get(self, path: str) -> Any:
        """GET a JSON path with the admin token."""
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=self.ssl)) as client:
            async with client.get(self.url + path,
                                  headers={"Authorization": f"Bearer {self.token}"}) as response:
                assert response.status == 200, await response.text()
                return await response.json()

    async def post(self, path: str, raw: bytes) -> tuple[int, dict[str, Any]]:
        """POST raw bytes as a hall would; (status, JSON)."""
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=self.ssl)) as client:
            async with client.post(self.url + path, data=raw,
                                   headers={"Content-Type": "application/json"}) as response:
                return response.status, await response.json()

    async def post_json(self, path: str, body: Any) -> tuple[int, dict[str, Any]]:
        """POST JSON with the admin token; (status, JSON)."""
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=self.ssl)) as client:
            async with client.post(self.url + path, json=body,
                                   headers={"Authorization": f"Bearer {self.token}"}) as response:
                return response.status, await response.json()

    async def hall(self, hall_id: str) -> dict[str, Any]:
        """One hall's row of /api/halls."""
        halls = (await self.get("/api/halls"))["halls"]
        return next(h for h in halls if h["hall_id"] == hall_id)

    async def sessions(self, hall_id: str) -> dict[str, dict[str, Any]]:
        """The central's sessions of a hall, by id."""
        rows = (await self.get(f"/api/sessions?hall_id={hall_id}&limit=100000"))["sessions"]
        return {row["session_id"]: row for row in rows}

    async def line(self, hall_id: str) -> list[tuple[int, bytes]]:
        """(seq, hash) of the hall's line at the central."""
        data = await self.get(f"/api/halls/{hall_id}/events")
        return [(e["seq"], bytes.fromhex(e["hash"])) for e in data["events"]]


def hall_toml(config: HallConfig) -> str:
    """The --config argument of a hall."""
    return str(config.base_dir / "hall.toml")


async def eventually(condition: Callable[[], Awaitable[bool]], timeout: float = 30.0,
                     what: str = "the condition") -> None:
    """Awaits `condition` until it is true, or fails after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not await condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {timeout} s")
        await asyncio.sleep(0.05)
