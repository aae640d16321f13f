"""The core's side of the workers: a local socket whose connections begin with the PC's address.

A worker opens one local connection per PC connection and sends, before the PC's bytes, one line:
`examhall-peer WORKER ADDRESS PORT`. The core reads that line, then hands the connection to the
hall app's HTTP protocol with a transport that reports the PC's address as its peer, so the app
(logins, seats, throttling, logs) sees the PC exactly as it would with one process.
"""

from __future__ import annotations

import asyncio
import ssl
from collections import Counter
from collections.abc import Callable
from typing import Any

MAGIC = b"examhall-peer"
MAX_LINE = 256


def peer_line(worker: int, address: str, port: int) -> bytes:
    """The first line a worker sends on each connection to the core."""
    return b"%s %d %s %d\n" % (MAGIC, worker, address.encode("ascii"), port)


class _PeerTransport:
    """The local connection's transport, reporting the PC's address and the worker's TLS."""

    def __init__(self, transport: asyncio.Transport, peer: tuple[str, int],
                 tls: ssl.SSLContext | None) -> None:
        self._transport = transport
        self._extra = {"peername": peer, "sslcontext": tls, "socket": None}

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        if name in self._extra:
            return self._extra[name]
        return self._transport.get_extra_info(name, default)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


class PeerProtocol(asyncio.Protocol):
    """Reads the peer line, then is the app's HTTP protocol for the rest of the connection."""

    def __init__(self, make_protocol: Callable[[], asyncio.Protocol],
                 tls: ssl.SSLContext | None, connections: Counter) -> None:
        self._make_protocol = make_protocol
        self._tls = tls
        self._connections = connections
        self._transport: asyncio.Transport | None = None
        self._inner: asyncio.Protocol | None = None
        self._head = b""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport

    def data_received(self, data: bytes) -> None:
        if self._inner is not None:
            self._inner.data_received(data)
            return
        self._head += data
        line, found, rest = self._head.partition(b"\n")
        if not found:
            if len(self._head) > MAX_LINE:
                self._refuse()
            return
        parts = line.split(b" ")
        if len(parts) != 4 or parts[0] != MAGIC:
            self._refuse()
            return
        try:
            worker, address, port = int(parts[1]), parts[2].decode("ascii"), int(parts[3])
        except (ValueError, UnicodeDecodeError):
            self._refuse()
            return
        assert self._transport is not None
        self._connections[worker] += 1
        self._inner = self._make_protocol()
        self._inner.connection_made(_PeerTransport(self._transport, (address, port), self._tls))
        self._head = b""
        if rest:
            self._inner.data_received(rest)

    def _refuse(self) -> None:
        assert self._transport is not None
        self._transport.abort()

    def eof_received(self) -> bool | None:
        return self._inner.eof_received() if self._inner is not None else None

    def connection_lost(self, exc: Exception | None) -> None:
        if self._inner is not None:
            self._inner.connection_lost(exc)

    def pause_writing(self) -> None:
        if self._inner is not None:
            self._inner.pause_writing()

    def resume_writing(self) -> None:
        if self._inner is not None:
            self._inner.resume_writing()


async def serve_peers(path: str, make_protocol: Callable[[], asyncio.Protocol],
                      tls: ssl.SSLContext | None, connections: Counter) -> asyncio.Server:
    """Listens on the local socket `path` for the workers' connections."""
    loop = asyncio.get_running_loop()
    return await loop.create_unix_server(
        lambda: PeerProtocol(make_protocol, tls, connections), path, backlog=4096)
