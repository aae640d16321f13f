"""`hall serve`."""

from __future__ import annotations

import asyncio

import click

from hallserver.cli.common import config_option, hall_config, require_pages
from hallserver.cli.words import words_for
from hallserver.serve import ServeError, serve


@click.command("serve")
@config_option
@click.option("--host", help="Address to listen on (default: [server] host).")
@click.option("--port", type=int, help="Port to listen on (default: [server] port; 0 picks one).")
def serve_command(config_path: str | None, host: str | None, port: int | None) -> None:
    """Serve the hall until SIGINT or SIGTERM. Prints the URL it serves on.

    On stop, saves already received are committed before the process exits.
    """
    require_pages()
    config = hall_config(config_path)
    changes = {k: v for k, v in (("host", host), ("port", port)) if v is not None}
    try:
        asyncio.run(serve(config.replace("server", **changes), words_for(config)))
    except ServeError as err:
        raise click.ClickException(str(err)) from err


COMMANDS = (serve_command,)
