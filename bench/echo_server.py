"""A bare aiohttp JSON echo server: this machine's ceiling for "an aiohttp JSON request".

It does what every save costs before storage: parse the HTTP request, `json.loads` the body and
answer with `web.json_response`. Served like the hall (an AppRunner on a pre-bound socket with the
same backlog, `access_log=None`), as its own process, on 127.0.0.1 only.

With `--durable DB` it is the floor of a durable save instead: each body is also stored in SQLite
the way the hall stores saves (aiosqlite, WAL, synchronous=FULL, one writer, group commit) and
answered only after the commit that holds it. Nothing else: no login, no checks, no merge, no
encryption, no log.

With `--tls-of HALL_DIR` it serves HTTPS with that hall's certificate and key, through the same
TLS context as `hall serve`. With `--processes N` it is N such processes on one port (each its own
listening socket, SO_REUSEPORT, the kernel spreading connections among them): what every core of
the machine can serve.

    python -m bench.echo_server [--port 0] [--durable DB] [--tls-of HALL_DIR] [--processes N]

prints `  http://127.0.0.1:PORT/` among its first lines and stops on SIGINT or SIGTERM.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import socket
import ssl
import subprocess
import sys
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


def tls_context(hall_dir: Path | None) -> ssl.SSLContext | None:
    """The TLS context `hall serve` would listen with in `hall_dir`."""
    if hall_dir is None:
        return None
    from examkit.certificates import TlsPaths, server_ssl_context  # noqa: PLC0415

    return server_ssl_context(TlsPaths(hall_dir / "tls", hall_dir / "secrets"))


def listening_socket(host: str, port: int, reuse_port: bool) -> socket.socket:
    """The listening socket; with `reuse_port`, one of several on the same port."""
    if not reuse_port:
        return socket.create_server((host, port), family=socket.AF_INET, backlog=BACKLOG)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(BACKLOG)
    return sock


async def until_signalled() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    await stop.wait()


async def serve(host: str, port: int, durable: Path | None, tls: ssl.SSLContext | None = None,
                reuse_port: bool = False) -> None:
    sock = listening_socket(host, port, reuse_port)
    runner = web.AppRunner(create_app(durable), handle_signals=False, access_log=None)
    await runner.setup()
    try:
        await web.SockSite(runner, sock, ssl_context=tls).start()
        print("echo: serving", flush=True)
        print(f"  {'https' if tls else 'http'}://{host}:{sock.getsockname()[1]}/", flush=True)
        await until_signalled()
    finally:
        await runner.cleanup()


def serve_on_every_core(args: argparse.Namespace) -> None:
    """`processes` echo servers on one port: the port is held (bound, not listening, so it takes
    no connection) until every child listens on it."""
    holder = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    holder.bind((args.host, args.port))
    port = holder.getsockname()[1]
    argv = [sys.executable, "-m", "bench.echo_server", "--host", args.host, "--port", str(port),
            "--reuse-port", *(["--tls-of", str(args.tls_of)] if args.tls_of else [])]
    children = [subprocess.Popen(argv, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
                for _ in range(args.processes)]
    try:
        for child in children:
            assert child.stdout is not None
            if "serving" not in child.stdout.readline():
                raise SystemExit("an echo process did not start")
        holder.close()
        print(f"echo: {args.processes} processes serving", flush=True)
        print(f"  {'https' if args.tls_of else 'http'}://{args.host}:{port}/", flush=True)
        asyncio.run(until_signalled())
    finally:
        for child in children:
            child.terminate()
        for child in children:
            child.wait(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--durable", type=Path, metavar="DB",
                        help="also store each body in this SQLite file before answering")
    parser.add_argument("--tls-of", type=Path, metavar="HALL_DIR",
                        help="serve HTTPS with this hall's certificate, as `hall serve` does")
    parser.add_argument("--processes", type=int, default=1,
                        help="this many processes on one port (SO_REUSEPORT)")
    parser.add_argument("--reuse-port", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.processes > 1:
        if args.durable:
            parser.error("--durable takes one process (one writer)")
        serve_on_every_core(args)
        return
    asyncio.run(serve(args.host, args.port, args.durable, tls_context(args.tls_of),
                      args.reuse_port))


if __name__ == "__main__":
    main()
