"""HTTPS to the central: the certificate pinned by fingerprint, or checked against a CA.

Two kinds of failure come out of here: `UplinkDown` (no answer: the link, a reset, a timeout, a
5xx; worth retrying after a back-off) and `Refused` (the central answered no, with its error code).
"""

from __future__ import annotations

import asyncio
import json
import ssl
from pathlib import Path
from typing import Any

import aiohttp

from syncd.protocol import VERSION

HELLO_PATH = "/v1/sync/hello"
BATCH_PATH = "/v1/sync/batch"
DOWN_PATH = "/v1/sync/down"


class UplinkDown(Exception):
    """The central could not be reached, or did not answer in time, or answered 5xx."""


class Refused(Exception):
    """The central answered with an error: its status, code word, sentence and details."""

    def __init__(self, status: int, code: str, message: str, details: dict[str, Any]) -> None:
        super().__init__(f"the central refused ({status} {code}): {message}")
        self.status, self.code, self.message, self.details = status, code, message, details


def ssl_for(url: str, fingerprint: str, ca_file: Path | None) -> ssl.SSLContext | aiohttp.Fingerprint | bool:
    """How to trust the central: pinned by fingerprint, a CA file, or the system's CAs."""
    if not url.startswith("https://"):
        return False
    if fingerprint:
        try:
            return aiohttp.Fingerprint(bytes.fromhex(fingerprint.replace(":", "")))
        except ValueError as err:
            raise ValueError("[sync] central_fingerprint must be the SHA-256 of the central's "
                             "certificate, 64 hex digits") from err
    if ca_file is not None:
        return ssl.create_default_context(cafile=ca_file)
    return ssl.create_default_context()


class CentralClient:
    """One keep-alive HTTP session to the central."""

    def __init__(self, url: str, fingerprint: str = "", ca_file: Path | None = None,
                 timeout_seconds: float = 30) -> None:
        self._url = url.rstrip("/")
        self._ssl = ssl_for(url, fingerprint, ca_file)
        self._timeout = aiohttp.ClientTimeout(total=timeout_seconds)
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> CentralClient:
        self._session = aiohttp.ClientSession(timeout=self._timeout,
                                              connector=aiohttp.TCPConnector(ssl=self._ssl))
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def close(self) -> None:
        """Closes the connections."""
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def hello(self, raw: bytes) -> dict[str, Any]:
        """Sends a signed hello; the central's view of this hall."""
        return await self._post(HELLO_PATH, raw)

    async def batch(self, raw: bytes) -> dict[str, Any]:
        """Sends a signed batch; the central's answer after its commit."""
        return await self._post(BATCH_PATH, raw)

    async def down(self, raw: bytes) -> bytes | None:
        """Sends a signed request for what follows the mark; the package's exact bytes (checked
        by the caller with the central's key), or None when nothing follows."""
        status, body = await self._send(DOWN_PATH, raw)
        answer = _answer(status, body.decode("utf-8", errors="replace"))
        return None if answer.get("type") == "nothing" else body

    async def _post(self, path: str, raw: bytes) -> dict[str, Any]:
        status, body = await self._send(path, raw)
        return _answer(status, body.decode("utf-8", errors="replace"))

    async def _send(self, path: str, raw: bytes) -> tuple[int, bytes]:
        assert self._session is not None, "use CentralClient as an async context manager"
        try:
            async with self._session.post(self._url + path, data=raw,
                                          headers={"Content-Type": "application/json"}) as response:
                return response.status, await response.read()
        except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as err:
            raise UplinkDown(f"no answer from the central at {self._url}: "
                             f"{type(err).__name__} {err}".strip()) from err


def _answer(status: int, text: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if status >= 500 or not isinstance(data, dict):
        raise UplinkDown(f"the central answered {status}: {text[:200]}")
    if status != 200:
        error = data.get("error") or {}
        details = {k: v for k, v in error.items() if k not in ("code", "message")}
        raise Refused(status, str(error.get("code")), str(error.get("message")), details)
    if data.get("version") != VERSION:
        raise Refused(status, "unsupported_version",
                      f"the central answered in version {data.get('version')!r}", {})
    return data
