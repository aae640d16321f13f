"""`syncd central ...`: init, serve, enroll-hall, revoke-hall, halls, export. No logic of its own."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from hallserver.errors import ConfigError
from syncd.central import queries
from syncd.central.config import CONFIG_NAME, CentralConfig, load
from syncd.central.halls import enroll_hall, revoke_hall
from syncd.central.serve import ServeError, serve
from syncd.central.setup import certificate_fingerprint, init_central
from syncd.central.store import Store, open_store
from syncd.errors import SyncError

T = TypeVar("T")
ENV_VAR = "CENTRAL_CONFIG"
central_config_option = click.option(
    "--config", "config_path", metavar="PATH",
    help="The central's central.toml (default: $CENTRAL_CONFIG, else ./central.toml).")


def _config(config_path: str | None) -> CentralConfig:
    try:
        return load(Path(config_path or os.environ.get(ENV_VAR) or CONFIG_NAME))
    except ConfigError as err:
        raise click.ClickException(str(err)) from err


def _with_store(config: CentralConfig, fn: Callable[[Store], Awaitable[T]]) -> T:
    async def run() -> T:
        store = await open_store(config)
        try:
            return await fn(store)
        finally:
            await store.close()
    try:
        return asyncio.run(run())
    except SyncError as err:
        raise click.ClickException(err.message) from err


@click.group()
def central() -> None:
    """The central server that halls push to."""


@central.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--database", help="A PostgreSQL URL (default: a SQLite file in DIRECTORY).")
@click.option("--no-tls", is_flag=True, help="Serve plain HTTP (behind a TLS proxy, or tests).")
@click.option("--name", default="Central", show_default=True, help="The central's name.")
def init(directory: Path, database: str | None, no_tls: bool, name: str) -> None:
    """Make DIRECTORY a central: central.toml, keys (0600), TLS material, the database."""
    overrides: dict[tuple[str, str], Any] = {("central", "name"): name}
    if database:
        overrides[("storage", "url")] = database
    if no_tls:
        overrides[("server", "tls")] = False
    try:
        made = init_central(directory, overrides)
    except (ConfigError, OSError) as err:
        raise click.ClickException(str(err)) from err
    for item in made:
        click.echo(f"made {item}")
    config = load(directory / CONFIG_NAME)
    click.echo(f"certificate fingerprint (halls set it as [sync] central_fingerprint): "
               f"{certificate_fingerprint(config)}")


@central.command("serve")
@central_config_option
@click.option("--host", help="Address to listen on (default: [server] host).")
@click.option("--port", type=int, help="Port to listen on (default: [server] port; 0 picks one).")
def serve_command(config_path: str | None, host: str | None, port: int | None) -> None:
    """Serve halls and admins until SIGINT or SIGTERM. Prints the URL it serves on."""
    config = _config(config_path)
    changes = {k: v for k, v in (("server__host", host), ("server__port", port)) if v is not None}
    try:
        asyncio.run(serve(config.with_values(**changes)))
    except ServeError as err:
        raise click.ClickException(str(err)) from err


@central.command("enroll-hall")
@click.argument("hall_id")
@click.argument("public_key")
@central_config_option
def enroll_hall_command(hall_id: str, public_key: str, config_path: str | None) -> None:
    """Let HALL_ID push, signing with PUBLIC_KEY (from `syncd enroll` on the hall)."""
    new = _with_store(_config(config_path), lambda s: enroll_hall(s, hall_id, public_key))
    click.echo(f"{'enrolled' if new else 'enrolled again'}: hall {hall_id}")


@central.command("revoke-hall")
@click.argument("hall_id")
@central_config_option
def revoke_hall_command(hall_id: str, config_path: str | None) -> None:
    """Stop accepting HALL_ID's batches (what it sent is kept)."""
    if not _with_store(_config(config_path), lambda s: revoke_hall(s, hall_id)):
        raise click.ClickException(f"no hall {hall_id} is enrolled here")
    click.echo(f"revoked: hall {hall_id}")


@central.command("halls")
@central_config_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def halls_command(config_path: str | None, as_json: bool) -> None:
    """Every hall: state, epoch, high-water mark, last sync, backlog reported, alarm."""
    rows = _with_store(_config(config_path), lambda s: s.read(queries.list_halls))
    if as_json:
        click.echo(json.dumps({"version": 1, "halls": rows}, indent=2))
        return
    for row in rows:
        click.echo(f"{row['hall_id']}  {row['status']:<12} epoch {row['epoch']} up to "
                   f"{row['high_water_mark']}  backlog {row['backlog']['events']}  sessions "
                   f"{row['sessions']}" + (f"  ALARM: {row['alarm']}" if row["alarm"] else ""))


@central.command("export")
@central_config_option
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv",
              show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file instead of standard output.")
def export_command(config_path: str | None, fmt: str, output: Path | None) -> None:
    """Every session received: hall, exam, candidate, revision, answers, state, score."""
    rows = _with_store(_config(config_path), lambda s: s.read(queries.export_rows, s.key))
    text = queries.to_csv(rows) if fmt == "csv" else queries.to_json(rows)
    if output is None:
        sys.stdout.write(text)
        return
    output.write_text(text, encoding="utf-8")
    click.echo(f"wrote {len(rows)} session(s) to {output}", err=True)
