"""A bare aiohttp JSON echo server: this machine's ceiling for "an aiohttp JSON request".

It does what every save costs before storage: parse the HTTP request, `json.loads` the body and
answer with `web.json_response`. Served like the hall (an AppRunner on a pre-bound socket with the
same backlog, `access_log=None`), as its own process, on 127.0.0.1 only.

    python -m bench.echo_server [--port 0]

prints `  http://127.0.0.1:PORT/` among its first lines and stops on SIGINT or SIGTERM.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import socket

from aiohttp import web

BACKLOG = 4096  # as hallserver.serve


async def echo(request: web.Request) -> web.Response:
    """POST any path: the JSON body, parsed and sent back."""
    data = json.loads(await request.read() or b"{}")
    return web.json_response(data)


async def healthz(request: web.Request) -> web.Response:
    """GET /healthz."""
    return web.json_response({"status": "ok"})


def create_app() -> web.Application:
    app = web.Application()
    app.router.add_get("/healthz", healthz)
    app.router.add_post("/{tail:.*}", echo)
    return app


async def serve(host: str, port: int) -> None:
    sock = socket.create_server((host, port), family=socket.AF_INET, backlog=BACKLOG)
    runner = web.AppRunner(create_app(), handle_signals=False, access_log=None)
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
    args = parser.parse_args()
    asyncio.run(serve(args.host, args.port))


if __name__ == "__main__":
    main()
