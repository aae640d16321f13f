"""`hall desks ...`: the seat plan, so that invigilators walk to desk names, not addresses."""

from __future__ import annotations

import time
from pathlib import Path

import click

from hallserver.cli.common import config_option, failure, hall_config, open_database
from hallserver.cli.words import words_for
from hallserver.domain.invigilation.desks import import_desks, load_desks, read_desks_csv
from hallserver.errors import HallError

_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


@click.group()
def desks() -> None:
    """The seat plan: desk names for the hall's PCs, and where each stands in the room."""


@desks.command("import")
@click.argument("file", type=_FILE)
@config_option
def desks_import(file: Path, config_path: str | None) -> None:
    """Import a seat plan from FILE.csv (header: desk,pc and optionally row,column; comma or
    semicolon; UTF-8). `pc` is the PC's LAN address or a PC id from the console. Every line is
    checked first: all or nothing. Desks already in the plan are changed; others are kept.

    A desk named like B4 is placed at row B, column 4 of the seat map unless row and column are
    given. A console open while the hall serves shows the new plan when it next loads.
    """
    config = hall_config(config_path)
    try:
        found = read_desks_csv(file)
        with open_database(config).begin() as connection:
            added, changed = import_desks(connection, found, time.time())
    except HallError as err:
        raise failure(err) from err
    say = words_for(config)
    click.echo(say._("desks: {added} added, {changed} changed", added=added, changed=changed))
    unplaced = [desk.name for desk in found if desk.room_row is None]
    if unplaced:
        click.echo(say._("{count} desk(s) have no place on the seat map (give row and column): "
                         "{desks}", count=len(unplaced), desks=", ".join(unplaced[:10])))


@desks.command("list")
@config_option
def desks_list(config_path: str | None) -> None:
    """List the seat plan: desk, PC, row, column."""
    with open_database(hall_config(config_path)).connect() as connection:
        for desk in load_desks(connection):
            place = f"{desk.room_row}\t{desk.room_column}" if desk.room_row else "-\t-"
            click.echo(f"{desk.name}\t{desk.pc_address or desk.pc_id or '-'}\t{place}")


COMMANDS = (desks,)
