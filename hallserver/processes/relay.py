"""A worker of the hall: TLS for the PCs, plain bytes to the core (see hallserver/processes).

Started by the core as `python -m hallserver.processes.relay`, never by hand. It listens on the
hall's port beside the other workers (SO_REUSEPORT), and for each PC's connection opens one local
connection to the core, sends the PC's address first (`peers.peer_line`), then pipes both ways
with back-pressure. It prints `ready` once listening, and stops when told to (SIGTERM) or when
its standard input closes: that is the core gone, and a worker alone must not go on.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import socket
import sys
from pathlib import Path

from examkit.certificates import TlsPaths, server_ssl_context
from hallserver.processes.peers import peer_line

BACKLOG = 4096
HANDSHAKE_SECONDS = 10.0
PENDING_LIMIT = 1 << 20   # bytes held for the core while its connection opens
_CORE_DOWN_BODY = (b'{"error": {"code": "storage_unavailable", "message": '
                   b'"The hall is restarting; your page will try again."}}')
CORE_DOWN = (b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
             b"Connection: close\r\nRetry-After: 2\r\nContent-Length: %d\r\n\r\n%s"
             % (len(_CORE_DOWN_BODY), _CORE_DOWN_BODY))


class _CoreSide(asyncio.Protocol):
    """The local connection to the core: what it answers goes back to the PC."""

    def __init__(self, pc: PcSide) -> None:
        self._pc = pc

    def data_received(self, data: bytes) -> None:
        self._pc.transport.write(data)

    def connection_lost(self, exc: Exception | None) -> None:
        self._pc.transport.close()

    def pause_writing(self) -> None:
        self._pc.transport.pause_reading()

    def resume_writing(self) -> None:
        self._pc.transport.resume_reading()


class PcSide(asyncio.Protocol):
    """One PC's connection (TLS already undone by the event loop)."""

    def __init__(self, worker: int, core_path: str) -> None:
        self._worker = worker
        self._core_path = core_path
        self.transport: asyncio.Transport
        self._core: asyncio.Transport | None = None
        self._pending: list[bytes] | None = []
        self._pending_bytes = 0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        peer = transport.get_extra_info("peername") or ("0.0.0.0", 0)
        self._pending = [peer_line(self._worker, str(peer[0]), int(peer[1]))]
        asyncio.get_running_loop().create_task(self._open_core())

    async def _open_core(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            core, _ = await loop.create_unix_connection(lambda: _CoreSide(self), self._core_path)
        except OSError:
            if not self.transport.is_closing():
                self.transport.write(CORE_DOWN)
                self.transport.close()
            return
        if self.transport.is_closing():
            core.close()
            return
        assert self._pending is not None
        core.writelines(self._pending)
        self._pending = None
        self._core = core
        self.transport.resume_reading()

    def data_received(self, data: bytes) -> None:
        if self._core is not None:
            self._core.write(data)
            return
        assert self._pending is not None
        self._pending.append(data)
        self._pending_bytes += len(data)
        if self._pending_bytes > PENDING_LIMIT:
            self.transport.pause_reading()

    def connection_lost(self, exc: Exception | None) -> None:
        if self._core is not None:
            self._core.close()

    def pause_writing(self) -> None:
        if self._core is not None:
            self._core.pause_reading()

    def resume_writing(self) -> None:
        if self._core is not None:
            self._core.resume_reading()


def listening_socket(host: str, port: int) -> socket.socket:
    """The hall's port, shared with the other workers."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(BACKLOG)
    return sock


async def _core_gone() -> None:
    """Returns when standard input closes: the core that started this worker has gone."""
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while await reader.read(4096):
        pass


async def run(args: argparse.Namespace) -> str:
    """Serves until stopped; returns why it stopped."""
    tls = server_ssl_context(TlsPaths(Path(args.tls_dir), Path(args.secrets_dir)))
    loop = asyncio.get_running_loop()
    worker, core_path = args.worker, args.core
    server = await loop.create_server(lambda: PcSide(worker, core_path),
                                      sock=listening_socket(args.host, args.port), ssl=tls,
                                      ssl_handshake_timeout=args.handshake_seconds)
    print("ready", flush=True)
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, lambda: None)  # Ctrl+C reaches the core, which stops us
    gone = loop.create_task(_core_gone())
    told = loop.create_task(stop.wait())
    done, _ = await asyncio.wait({gone, told}, return_when=asyncio.FIRST_COMPLETED)
    server.close()
    return "stopped" if told in done else "core_gone"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--worker", type=int, required=True)
    parser.add_argument("--core", required=True, help="the core's local socket")
    parser.add_argument("--host", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--tls-dir", required=True)
    parser.add_argument("--secrets-dir", required=True)
    parser.add_argument("--handshake-seconds", type=float, default=HANDSHAKE_SECONDS,
                        help="a PC that has not finished its TLS handshake by then is dropped")
    args = parser.parse_args()
    why = asyncio.run(run(args))
    if why == "core_gone":
        print(f"examhall: worker {args.worker}: the hall's core process has gone; stopping "
              "(the hall stops whole, and starts again with it)", file=sys.stderr, flush=True)
        sys.exit(3)


if __name__ == "__main__":
    main()
