"""`hall storage ...` and `hall backup`: keeping the hall's disk healthy."""

from __future__ import annotations

import json
import time
from pathlib import Path

import click

from hallserver.cli.common import config_option, hall_config, open_database
from hallserver.domain import storage

DAY = 86_400


@click.group("storage")
def storage_group() -> None:
    """The hall's storage: report, purge what the central holds, vacuum."""


@storage_group.command("report")
@config_option
def storage_report(config_path: str | None) -> None:
    """Show database and WAL size, the log, and sessions by state and age."""
    config = hall_config(config_path)
    with open_database(config).connect() as connection:
        held = storage.report(connection, config.database_path, time.time())
    click.echo(json.dumps(held, indent=2))


@storage_group.command("purge")
@config_option
def storage_purge(config_path: str | None) -> None:
    """Remove log events older than [storage] retention_days that the central acknowledged.

    An event the central has not acknowledged (as syncd last heard) is never removed.
    """
    config = hall_config(config_path)
    acknowledged = storage.central_acknowledgement(config)
    if acknowledged is None:
        click.echo("the central has acknowledged nothing yet (no syncd notes): nothing removed")
        return
    cutoff = time.time() - config.storage.retention_days * DAY
    with open_database(config).begin() as connection:
        removed = storage.purge(connection, acknowledged, cutoff)
    click.echo(f"removed {removed} event(s) held by the central (up to its high-water mark "
               f"{acknowledged.high_water_mark}) and older than {config.storage.retention_days} days")


@storage_group.command("vacuum")
@config_option
def storage_vacuum(config_path: str | None) -> None:
    """Fold the WAL back and give free pages back to the disk (best while the hall is quiet)."""
    config = hall_config(config_path)
    open_database(config).dispose()
    before, after = storage.vacuum(config.database_path, config.storage.busy_timeout_ms)
    click.echo(f"database and WAL: {before:,} -> {after:,} bytes")


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@config_option
def backup(file: Path, config_path: str | None) -> None:
    """Write a consistent copy of the database to FILE, even while the hall serves."""
    config = hall_config(config_path)
    try:
        size = storage.backup(config.database_path, file, config.storage.busy_timeout_ms)
    except FileExistsError as err:
        raise click.ClickException(str(err)) from err
    click.echo(f"backed up {size:,} bytes to {file} (mode 0600; it holds sealed data and the "
               "key is not in it)")


COMMANDS = (storage_group, backup)
