"""`hall serve`: bind first (a busy port fails at once), start the app, wait for SIGINT/SIGTERM."""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
import socket
import ssl
import sys

import segno
from aiohttp import web

from hallserver import network
from hallserver.app import create_app
from hallserver.config import HallConfig
from hallserver.crypto.certificates import TlsPaths, server_ssl_context
from hallserver.keys import LISTEN_PORT

_LOGGER = logging.getLogger(__name__)
BACKLOG = 4096
# The cyclic garbage collector's thresholds while serving (Python's defaults: 700, 10, 10).
# A save allocates a few hundred objects that die by reference counting within milliseconds;
# at the default a young collection ran every ~2 ms under load, promoting whatever was in flight
# into the older generations and so bringing on full collections of every cached session
# (15 % of the CPU of a closed loop, pauses of 30-60 ms). Counted net of frees, 50,000 young
# objects are reached only as the hall really grows (sessions loaded, connections opened).
GC_THRESHOLDS = (50_000, 20, 10)


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


async def serve(config: HallConfig) -> None:
    """Serves until SIGINT or SIGTERM, then stops cleanly (queued saves are committed)."""
    sock = bind(config.server.host, config.server.port)
    port = sock.getsockname()[1]
    app = create_app(config)
    app[LISTEN_PORT] = port  # the socket already listens, so mDNS may announce it at setup
    runner = web.AppRunner(app, handle_signals=False, access_log=None)
    await runner.setup()
    # Everything made so far lives as long as the process: keep it out of the garbage
    # collector's full passes, which otherwise pause every request for longer as halls grow.
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
    try:
        await web.SockSite(runner, sock, ssl_context=_ssl_context(config)).start()
        print(f"examhall: hall \"{config.hall.name}\" is serving", flush=True)
        urls = network.hall_urls(config.server.host, port, config.server.tls)
        for url in urls:
            print(f"  {url}", flush=True)
        if sys.stdout.isatty():
            segno.make(urls[0], error="m").terminal(compact=True)
        print(f"Lab PCs without mDNS: print {urls[0]}join and pin it up.", flush=True)
        print("Press Ctrl+C to stop.", flush=True)
        await _until_signalled()
        print("examhall: stopping; finishing saves in progress", file=sys.stderr, flush=True)
    finally:
        await runner.cleanup()


async def _until_signalled() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    await stop.wait()
