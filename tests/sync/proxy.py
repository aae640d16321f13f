"""A TCP proxy that injects real faults between syncd and the central: resets, blackholes, delays,
throttles, cuts mid-request and mid-response, and holds answers back.

It runs its own event loop in a thread, so a test can steer it while processes talk through it.
Faults act on raw bytes (TLS passes through untouched); a reset is a real RST (SO_LINGER 0).
"""

from __future__ import annotations

import asyncio
import socket
import struct
import threading
import time
from dataclasses import dataclass, field


@dataclass
class Faults:
    """What the proxy does to the traffic now. Every field off means a clean link."""

    refuse: bool = False                  # reset every new connection at once
    blackhole: bool = False               # accept, swallow, never answer
    delay: float = 0.0                    # seconds added before each chunk, both ways
    throttle: int = 0                     # bytes per second, both ways (0: unlimited)
    cut_upload_after: int | None = None   # reset once a connection sent this many bytes up
    big_upload: int = 8192                # a connection past this many bytes up carries a batch
    cut_answer_after: int | None = None   # ...then reset after this many bytes of its answer
    hold_answers: bool = False            # ...or hold its answer back, forwarding nothing
    cut_download_after: int | None = None  # reset once a connection received this many bytes


@dataclass
class Counters:
    """What went through."""

    connections: int = 0
    upload: int = 0
    download: int = 0
    resets: int = 0
    held: int = 0


@dataclass(eq=False)
class _Link:
    client: asyncio.StreamWriter
    server: asyncio.StreamWriter
    uploaded: int = 0
    downloaded: int = 0
    tasks: list[asyncio.Task] = field(default_factory=list)
    open_pumps: int = 2


def _reset(writer: asyncio.StreamWriter) -> None:
    sock = writer.get_extra_info("socket")
    if sock is not None:
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
    writer.transport.abort()


class FaultProxy:
    """127.0.0.1:<port> → 127.0.0.1:<target_port>, with faults switched on and off by the test."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.faults = Faults()
        self.counters = Counters()
        self._links: set[_Link] = set()
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="fault-proxy", daemon=True)
        self._thread.start()
        self._ready.wait(10)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._server = self._loop.run_until_complete(
            asyncio.start_server(self._accept, "127.0.0.1", 0))
        self.port = self._server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()

    @property
    def url_host(self) -> str:
        """host:port to give syncd."""
        return f"127.0.0.1:{self.port}"

    def set(self, **faults: object) -> None:
        """Switches faults on (and every other one off)."""
        self.faults = Faults(**faults)  # type: ignore[arg-type]

    def heal(self) -> None:
        """A clean link from now on."""
        self.faults = Faults()

    def reset_all(self) -> None:
        """Resets every open connection (a link that drops)."""
        self._loop.call_soon_threadsafe(self._reset_all)

    def _reset_all(self) -> None:
        for link in list(self._links):
            self._drop(link)

    def close(self) -> None:
        """Stops the proxy and its thread."""
        async def stop() -> None:
            self._server.close()
            self._reset_all()
            others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in others:
                task.cancel()
            await asyncio.gather(*others, return_exceptions=True)
            await self._server.wait_closed()
        asyncio.run_coroutine_threadsafe(stop(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()

    def _drop(self, link: _Link) -> None:
        self.counters.resets += 1
        self._links.discard(link)
        _reset(link.client)
        _reset(link.server)
        for task in link.tasks:
            if task is not asyncio.current_task():
                task.cancel()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.counters.connections += 1
        if self.faults.refuse:
            self.counters.resets += 1
            _reset(writer)
            return
        if self.faults.blackhole:
            try:
                while await reader.read(65536):
                    pass
            except (ConnectionError, OSError):
                pass
            writer.close()
            return
        if self.faults.hold_answers and self.faults.big_upload == 0:
            self.counters.held += 1  # hold even the handshake: the link hangs from the start
            try:
                await reader.read()
            except (ConnectionError, OSError):
                pass
            _reset(writer)
            return
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            _reset(writer)
            return
        link = _Link(writer, up_writer)
        self._links.add(link)
        link.tasks = [asyncio.ensure_future(self._pump(link, reader, up_writer, True)),
                      asyncio.ensure_future(self._pump(link, up_reader, writer, False))]

    async def _pace(self, size: int) -> None:
        faults = self.faults
        if faults.delay:
            await asyncio.sleep(faults.delay)
        if faults.throttle:
            await asyncio.sleep(size / faults.throttle)

    async def _pump(self, link: _Link, source: asyncio.StreamReader,
                    sink: asyncio.StreamWriter, upward: bool) -> None:
        sent_down = 0
        try:
            while True:
                chunk = await source.read(4096 if self.faults.throttle else 65536)
                if not chunk:
                    break
                await self._pace(len(chunk))
                faults = self.faults
                if upward:
                    limit = faults.cut_upload_after
                    if limit is not None and link.uploaded + len(chunk) > limit:
                        sink.write(chunk[:max(0, limit - link.uploaded)])
                        self._drop(link)
                        return
                    link.uploaded += len(chunk)
                    self.counters.upload += len(chunk)
                elif link.uploaded >= faults.big_upload:
                    if faults.hold_answers:
                        self.counters.held += len(chunk)
                        await _forever_until_dropped()
                    if faults.cut_answer_after is not None:
                        sink.write(chunk[:faults.cut_answer_after])
                        await sink.drain()
                        self._drop(link)
                        return
                if not upward and faults.cut_download_after is not None and (
                        link.downloaded + len(chunk) > faults.cut_download_after):
                    sink.write(chunk[:max(0, faults.cut_download_after - link.downloaded)])
                    await sink.drain()
                    self._drop(link)
                    return
                if not upward:
                    link.downloaded += len(chunk)
                    sent_down += len(chunk)
                    self.counters.download += len(chunk)
                sink.write(chunk)
                await sink.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            self._pump_ended(link, sink)

    def _pump_ended(self, link: _Link, sink: asyncio.StreamWriter) -> None:
        """Half-closes the other side; closes both once both directions ended."""
        if link not in self._links:
            return
        link.open_pumps -= 1
        try:
            if sink.can_write_eof():
                sink.write_eof()
        except (OSError, RuntimeError):
            pass
        if link.open_pumps == 0:
            link.client.close()
            link.server.close()
            self._links.discard(link)


async def _forever_until_dropped() -> None:
    await asyncio.Event().wait()


def wait_until(condition, timeout: float = 30.0, what: str = "the condition") -> None:
    """Polls `condition` until it is true, or fails after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {timeout} s")
        time.sleep(0.02)
