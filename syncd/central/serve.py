"""`syncd central serve`: bind first, start the app, print the URL, stop cleanly on a signal."""

from __future__ import annotations

import asyncio
import signal
import socket

from aiohttp import web

from examkit.certificates import server_ssl_context
from syncd.central.app import create_central_app
from syncd.central.config import CentralConfig
from syncd.central.setup import certificate_fingerprint, tls_paths


class ServeError(Exception):
    """The central could not start serving; the message says why."""


def bind(host: str, port: int) -> socket.socket:
    """The listening socket, before anything else starts (a busy port fails at once)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        return socket.create_server((host, port), family=family, backlog=4096)
    except OSError as err:
        raise ServeError(f"cannot listen on {host}:{port}: {err.strerror}; choose another "
                         "port with --port") from err


async def serve(config: CentralConfig) -> None:
    """Serves until SIGINT or SIGTERM."""
    sock = bind(config["server.host"], config["server.port"])
    port = sock.getsockname()[1]
    tls = config["server.tls"]
    runner = web.AppRunner(create_central_app(config), handle_signals=False, access_log=None)
    await runner.setup()
    try:
        context = server_ssl_context(tls_paths(config)) if tls else None
        await web.SockSite(runner, sock, ssl_context=context, backlog=4096).start()
        host = "127.0.0.1" if config["server.host"] in ("0.0.0.0", "127.0.0.1") else config["server.host"]
        print(f"syncd central: serving {'https' if tls else 'http'}://{host}:{port}/", flush=True)
        if tls:
            print(f"  certificate fingerprint: {certificate_fingerprint(config)}", flush=True)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        await stop.wait()
        print("syncd central: stopping", flush=True)
    finally:
        await runner.cleanup()
