"""`hall storage ...` and `hall backup`: keeping the hall's disk healthy."""

from __future__ import annotations

import json
import time
from pathlib import Path

import click

from hallserver.cli.common import config_option, hall_config, open_database
from hallserver.cli.words import Refusal, words_for
from hallserver.domain.log import storage

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
    say = words_for(config)
    acknowledged = storage.central_acknowledgement(config)
    if acknowledged is None:
        click.echo(say._("the central has acknowledged nothing yet (no syncd notes): nothing "
                         "removed"))
        return
    cutoff = time.time() - config.storage.retention_days * DAY
    with open_database(config).begin() as connection:
        removed = storage.purge(connection, acknowledged, cutoff)
    click.echo(say._("removed {count} event(s) held by the central (up to its high-water mark "
                     "{mark}) and older than {days} days", count=removed,
                     mark=acknowledged.high_water_mark, days=config.storage.retention_days))


@storage_group.command("vacuum")
@config_option
def storage_vacuum(config_path: str | None) -> None:
    """Fold the WAL back and give free pages back to the disk (best while the hall is quiet)."""
    config = hall_config(config_path)
    open_database(config).dispose()
    before, after = storage.vacuum(config.database_path, config.storage.busy_timeout_ms)
    click.echo(words_for(config)._("database and WAL: {before} -> {after} bytes",
                                   before=format(before, ","), after=format(after, ",")))


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@config_option
def backup(file: Path, config_path: str | None) -> None:
    """Write a consistent copy of the database to FILE, even while the hall serves."""
    config = hall_config(config_path)
    say = words_for(config)
    try:
        size = storage.backup(config.database_path, file, config.storage.busy_timeout_ms)
    except FileExistsError as err:
        raise Refusal(str(err), say) from err
    click.echo(say._("backed up {size} bytes to {file} (mode 0600; it holds sealed data and the "
                     "key is not in it)", size=format(size, ","), file=file))


COMMANDS = (storage_group, backup)
