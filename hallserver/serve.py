"""`hall serve`: bind first (a busy port fails at once), start the app, wait for SIGINT/SIGTERM."""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import resource
import shutil
import signal
import socket
import ssl
import sys
import tempfile
from pathlib import Path

import segno
from aiohttp import web

from examkit import network
from hallserver.app import create_app
from hallserver.config import HallConfig
from examkit.words import Words, words
from examkit.certificates import TlsPaths, server_ssl_context
from hallserver.keys import LISTEN_PORT, WORKERS
from hallserver.processes.peers import serve_peers
from hallserver.processes.supervisor import Workers, WorkersFailed
from hallserver.web.connections import ConnectionLimits, HallSite, connections

_LOGGER = logging.getLogger(__name__)
PREFIX = "examhall: "   # what the operator's lines start with, in every language
BACKLOG = 4096
# The cyclic garbage collector's thresholds while serving (Python's defaults: 700, 10, 10).
# A save allocates a few hundred objects that die by reference counting within milliseconds;
# at the default a young collection ran every ~2 ms under load, promoting whatever was in flight
# into the older generations and so bringing on full collections of every cached session
# (15 % of the CPU of a closed loop, pauses of 30-60 ms). Counted net of frees, 50,000 young
# objects are reached only as the hall really grows (sessions loaded, connections opened).
GC_THRESHOLDS = (50_000, 20, 10)
# An idle connection is closed after this long (aiohttp's default is an hour); the exam page
# saves every half minute or so, so its connection stays open.
KEEPALIVE_SECONDS = 75


class ServeError(Exception):
    """The hall could not start serving; the message says why and what to do."""


def bind(host: str, port: int) -> socket.socket:
    """The listening socket, before anything else starts."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        return socket.create_server((host, port), family=family, backlog=BACKLOG)
    except OSError as err:
        raise ServeError(f"cannot listen on {host}:{port}: {err.strerror}. Is another hall "
                         "running? Choose another port with --port.") from err


def _ssl_context(config: HallConfig) -> ssl.SSLContext | None:
    if not config.server.tls:
        return None
    paths = TlsPaths(config.tls_dir, config.secrets_dir)
    if not paths.server_cert.exists():
        raise ServeError(f"no certificate in {config.tls_dir}; run `hall init` in "
                         f"{config.base_dir} first (or set [server] tls = false)")
    return server_ssl_context(paths)


def worker_count(config: HallConfig) -> int:
    """How many worker processes: [server] workers (0, the default: one per core this process may
    run on); 1 over plain HTTP, where workers would have no TLS to take off the core."""
    if not config.server.tls:
        return 1
    if config.server.workers:
        return config.server.workers
    usable = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
    return len(usable) if usable else os.cpu_count() or 1


def _hold_port(host: str, port: int) -> socket.socket:
    """The hall's port, bound but not listening, shared with the workers (SO_REUSEPORT): a busy
    port fails at once, and no other program takes it while a worker restarts."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        sock.bind((host, port))
    except OSError as err:
        sock.close()
        raise ServeError(f"cannot listen on {host}:{port}: {err.strerror}. Is another hall "
                         "running? Choose another port with --port.") from err
    return sock


# A hall of 1,000 PCs holds two or three connections per PC (a long poll, saves, the pages):
# more than the 1,024 open files a shell gives a process by default.
OPEN_FILES_WANTED = 16_384


def raise_open_files(wanted: int = OPEN_FILES_WANTED) -> int:
    """Raises this process's open-file limit towards `wanted` (as far as the hard limit allows;
    worker processes inherit it); warns when the hall cannot have that many. The new limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        soft = target
    if soft != resource.RLIM_INFINITY and soft < wanted:
        _LOGGER.warning("this hall may open only %d files (and so connections) at once; a full "
                        "hall needs about %d: raise the limit (ulimit -Hn, or LimitNOFILE= of "
                        "the service)", soft, wanted)
    return soft


async def serve(config: HallConfig, say: Words | None = None) -> None:
    """Serves until SIGINT or SIGTERM, then stops cleanly (queued saves are committed); what it
    prints for the operator is in `say`'s language (English when not given)."""
    say = say or words("en")
    raise_open_files()
    count = worker_count(config)
    sock = bind(config.server.host, config.server.port) if count == 1 else \
        _hold_port(config.server.host, config.server.port)
    port = sock.getsockname()[1]
    tls = _ssl_context(config)
    app = create_app(config)
    app[LISTEN_PORT] = port  # the socket already listens, so mDNS may announce it at setup
    workers = None
    if count > 1:
        workers = app[WORKERS] = Workers(count, config.server.host, config.tls_dir,
                                         config.secrets_dir,
                                         handshake_seconds=config.server.header_timeout_seconds)
    runner = web.AppRunner(app, handle_signals=False, access_log=None,
                           keepalive_timeout=KEEPALIVE_SECONDS)
    limits = ConnectionLimits(config.server.header_timeout_seconds,
                              config.server.connections_per_address)
    await runner.setup()
    # Everything made so far lives as long as the process: keep it out of the garbage
    # collector's full passes, which otherwise pause every request for longer as halls grow.
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
    private = Path(tempfile.mkdtemp(prefix="examhall-"))  # 0700: only this user reaches the core
    try:
        if workers is None:
            await HallSite(runner, sock, limits, ssl_context=tls).start()
            stopped = _until_signalled()
        else:
            core_path = str(private / "core.sock")
            await serve_peers(core_path, connections(runner, limits), tls, workers.connections)
            try:
                await workers.start(core_path, port)
            except WorkersFailed as err:
                raise ServeError(str(err)) from err
            stopped = _until_signalled(workers.failed)
        _announce(config, port, count, say)
        await stopped
        if workers is not None and workers.failed.is_set():
            print(PREFIX + say._("stopping the hall: {failure}", failure=workers.failure),
                  file=sys.stderr, flush=True)
        print(PREFIX + say._("stopping; finishing saves in progress"), file=sys.stderr, flush=True)
    finally:
        if workers is not None:
            await workers.stop()
        await runner.cleanup()
        sock.close()
        shutil.rmtree(private, ignore_errors=True)
    if workers is not None and workers.failed.is_set():
        raise ServeError(f"the hall stopped: {workers.failure}")


def _announce(config: HallConfig, port: int, workers: int, say: Words) -> None:
    print(PREFIX + say._("hall \"{name}\" is serving", name=config.hall.name)
          + (say.ngettext(" ({count} worker process)", " ({count} worker processes)", workers)
             if workers > 1 else ""), flush=True)
    urls = network.hall_urls(config.server.host, port, config.server.tls)
    for url in urls:
        print(f"  {url}", flush=True)
    if sys.stdout.isatty():
        segno.make(urls[0], error="m").terminal(compact=True)
    join_page = urls[0] + "join"
    print(say._("Lab PCs without mDNS: print {url} and pin it up.", url=join_page), flush=True)
    print(say._("Press Ctrl+C to stop."), flush=True)


async def _until_signalled(failed: asyncio.Event | None = None) -> None:
    """Returns on SIGINT or SIGTERM, or when `failed` is set."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    waits = {asyncio.ensure_future(stop.wait())}
    if failed is not None:
        waits.add(asyncio.ensure_future(failed.wait()))
    _, pending = await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
    for wait in pending:
        wait.cancel()
