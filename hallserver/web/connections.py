"""The connection layer under the app: what aiohttp answers before any middleware runs.

aiohttp parses a request line and headers in its protocol, before the app: a header over 8,190
bytes, more than 128 headers or a URL too long got its own text/plain 400, echoing the request
back (cookie included). `HallConnection` answers those in the one JSON shape, echoing nothing.
It also closes a connection that has not sent its headers within `header_timeout_seconds` (a
PC dripping bytes would otherwise hold a file descriptor for ever), and `ConnectionLimits`
bounds the connections one address may hold (generously: a whole hall may share one NAT
address). `HallSite` serves with these, and bounds the TLS handshake by the same timeout; with
worker processes (which do the TLS, its handshake bounded there), the core makes the same
connections for what they relay.

aiohttp offers no public hook for any of this, so these subclass its RequestHandler and SockSite
and read some of their private state (the request count, the message queue, the site's socket);
`tests/test_hostile_wire.py` fails if a new aiohttp moves them.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Callable
from typing import Any

import orjson
from aiohttp import web
from aiohttp.web_protocol import RequestHandler

from hallserver.web.errors import http_error

_LOGGER = logging.getLogger(__name__)


def _raw_error(status: int, reason: str, code: str, message: str) -> bytes:
    """A whole HTTP error answer, for a connection the app never sees a request on."""
    body = orjson.dumps({"error": {"code": code, "message": message}})
    head = (f"HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nX-Content-Type-Options: nosniff\r\n"
            "Connection: close\r\n\r\n")
    return head.encode() + body


_TOO_SLOW = _raw_error(408, "Request Timeout", "request_timeout",
                       "The request's headers did not arrive in time; send them again.")
_TOO_MANY = _raw_error(503, "Service Unavailable", "too_many_connections",
                       "This computer has too many connections open to the hall; close some "
                       "pages and try again.")


class ConnectionLimits:
    """The settings of the connection layer, and the count of connections per address."""

    def __init__(self, header_timeout: float, per_address: int) -> None:
        self.header_timeout = header_timeout
        self.per_address = per_address
        self._open: Counter[str] = Counter()

    def admit(self, address: str) -> bool:
        """Counts a new connection from `address`; False (not counted) when it has too many."""
        if self._open[address] >= self.per_address:
            return False
        self._open[address] += 1
        return True

    def release(self, address: str) -> None:
        """A counted connection closed."""
        self._open[address] -= 1
        if self._open[address] <= 0:
            del self._open[address]


class HallConnection(RequestHandler):
    """aiohttp's request handler, with our error answers, a header timeout and a per-address bound."""

    def __init__(self, manager: Any, *, limits: ConnectionLimits, **kwargs: Any) -> None:
        super().__init__(manager, **kwargs)
        self._limits = limits
        self._address: str | None = None
        self._header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        peer = transport.get_extra_info("peername")
        address = str(peer[0]) if peer else ""
        if not self._limits.admit(address):
            _LOGGER.warning("refused a connection from %s: too many open", address)
            transport.write(_TOO_MANY)  # type: ignore[attr-defined]
            transport.close()
            return
        self._address = address
        self._wait_for_headers()

    def connection_lost(self, exc: BaseException | None) -> None:
        self._stop_waiting()
        if self._address is not None:
            self._limits.release(self._address)
            self._address = None
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        before = self._request_count
        super().data_received(data)
        if self._request_count != before or self._request_in_progress or self._messages:
            self._stop_waiting()  # headers in: a slow body is the handler's to judge
        elif self._header_timer is None and self.transport is not None:
            self._wait_for_headers()  # part of the next request's head

    def _wait_for_headers(self) -> None:
        self._header_timer = self._loop.call_later(self._limits.header_timeout, self._too_slow)

    def _stop_waiting(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _too_slow(self) -> None:
        self._header_timer = None
        if self.transport is not None and not self._request_in_progress:
            self.transport.write(_TOO_SLOW)
            self.force_close()

    def handle_error(self, request: Any, status: int = 500, exc: BaseException | None = None,
                     message: str | None = None) -> web.StreamResponse:
        """The one JSON shape for what aiohttp refuses itself; nothing of the request in it."""
        if status >= 500:
            _LOGGER.error("error handling a request from %s", request.remote, exc_info=exc)
        else:
            _LOGGER.debug("refused a request from %s: %s", request.remote, exc)
        if request.writer.output_size > 0:
            raise ConnectionError("the answer had begun; the error cannot be sent")
        response = http_error(status)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.force_close()
        return response


def connections(runner: web.AppRunner, limits: ConnectionLimits) -> Callable[[], HallConnection]:
    """Makes the protocol of each connection (for a site, or for the workers' relayed ones)."""
    server = runner.server
    assert server is not None
    loop = asyncio.get_running_loop()

    def connection() -> HallConnection:
        return HallConnection(server, loop=loop, limits=limits, **server._kwargs)

    return connection


class HallSite(web.SockSite):
    """A SockSite whose connections are `HallConnection`s, with the TLS handshake bounded too."""

    def __init__(self, runner: web.AppRunner, sock: Any, limits: ConnectionLimits,
                 **kwargs: Any) -> None:
        super().__init__(runner, sock, **kwargs)
        self._limits = limits

    async def start(self) -> None:
        """Listens (what SockSite.start does, with our protocol and handshake timeout)."""
        self._runner._reg_site(self)
        assert isinstance(self._runner, web.AppRunner)
        handshake = self._limits.header_timeout if self._ssl_context is not None else None
        self._server = await asyncio.get_running_loop().create_server(
            connections(self._runner, self._limits), sock=self._sock, ssl=self._ssl_context,
            backlog=self._backlog, ssl_handshake_timeout=handshake)
