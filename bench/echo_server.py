"""A bare aiohttp JSON echo server: this machine's ceiling for "an aiohttp JSON request".

It does what every save costs before storage: parse the HTTP request, `json.loads` the body and
answer with `web.json_response`. Served like the hall (an AppRunner on a pre-bound socket with the
same backlog, `access_log=None`), as its own process, on 127.0.0.1 only.

With `--durable DB` it is the floor of a durable save instead: each body is also stored in SQLite
the way the hall stores saves (aiosqlite, WAL, synchronous=FULL, one writer, group commit) and
answered only after the commit that holds it. Nothing else: no login, no checks, no merge, no
encryption, no log.

    python -m bench.echo_server [--port 0] [--durable DB]

prints `  http://127.0.0.1:PORT/` among its first lines and stops on SIGINT or SIGTERM.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import aiosqlite
from aiohttp import web

BACKLOG = 4096  # as hallserver.serve
MAX_BATCH = 256  # as the hall's [storage] max_batch
STORE = web.AppKey("store", "DurableStore")


class DurableStore:
    """Bodies appended to SQLite by one writer task, many to a transaction."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._db: aiosqlite.Connection | None = None
        self._queue: asyncio.Queue[tuple[bytes, asyncio.Future]] = asyncio.Queue()
        self._task: asyncio.Task | None = None

    async def open(self) -> None:
        self._db = await aiosqlite.connect(self.path, isolation_level=None)
        for pragma in ("journal_mode = WAL", "synchronous = FULL"):
            await self._db.execute(f"PRAGMA {pragma}")
        await self._db.execute("CREATE TABLE IF NOT EXISTS bodies "
                               "(id INTEGER PRIMARY KEY, body BLOB NOT NULL)")
        self._task = asyncio.create_task(self._write())

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
        if self._db is not None:
            await self._db.close()

    async def store(self, body: bytes) -> None:
        """Returns once `body` is committed."""
        done = asyncio.get_running_loop().create_future()
        self._queue.put_nowait((body, done))
        await done

    async def _write(self) -> None:
        while True:
            items = [await self._queue.get()]
            while len(items) < MAX_BATCH and not self._queue.empty():
                items.append(self._queue.get_nowait())
            try:
                await self._db.execute("BEGIN IMMEDIATE")
                await self._db.executemany("INSERT INTO bodies (body) VALUES (?)",
                                           [(body,) for body, _ in items])
                await self._db.execute("COMMIT")
            except aiosqlite.Error as err:  # every request of the batch learns of it
                if self._db.in_transaction:
                    await self._db.execute("ROLLBACK")
                for _, done in items:
                    done.set_exception(err)
                continue
            for _, done in items:
                done.set_result(None)


async def echo(request: web.Request) -> web.Response:
    """POST any path: the JSON body, parsed and sent back (once stored, when durable)."""
    raw = await request.read() or b"{}"
    data = json.loads(raw)
    store = request.app.get(STORE)
    if store is not None:
        await store.store(raw)
    return web.json_response(data)


async def healthz(request: web.Request) -> web.Response:
    """GET /healthz."""
    return web.json_response({"status": "ok"})


def create_app(durable: Path | None = None) -> web.Application:
    app = web.Application()
    app.router.add_get("/healthz", healthz)
    app.router.add_post("/{tail:.*}", echo)
    if durable is not None:
        store = app[STORE] = DurableStore(durable)

        async def storage(_app: web.Application) -> AsyncIterator[None]:
            await store.open()
            yield
            await store.close()
        app.cleanup_ctx.append(storage)
    return app


async def serve(host: str, port: int, durable: Path | None) -> None:
    sock = socket.create_server((host, port), family=socket.AF_INET, backlog=BACKLOG)
    runner = web.AppRunner(create_app(durable), handle_signals=False, access_log=None)
    await runner.setup()
    try:
        await web.SockSite(runner, sock).start()
        print("echo: serving", flush=True)
        print(f"  http://{host}:{sock.getsockname()[1]}/", flush=True)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        await stop.wait()
    finally:
        await runner.cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--durable", type=Path, metavar="DB",
                        help="also store each body in this SQLite file before answering")
    args = parser.parse_args()
    asyncio.run(serve(args.host, args.port, args.durable))


if __name__ == "__main__":
    main()
