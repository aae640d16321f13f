"""`hall staff ...`: the invigilators' and admins' accounts."""

from __future__ import annotations

import time

import click

from hallserver.cli.common import config_option, failure, hall_config, open_database
from hallserver.cli.words import words_for
from examkit.passwords import hash_secret
from hallserver.domain.access.staff import ROLES, add_staff, check_new_account, list_staff
from hallserver.errors import HallError


@click.group()
def staff() -> None:
    """Staff accounts: invigilators watch and act; admins also manage the hall."""


@staff.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), required=True, help="What they may do.")
@click.password_option(help="Their password (asked twice at the prompt when not given).")
@config_option
def staff_add(name: str, role: str, password: str, config_path: str | None) -> None:
    """Add a member of staff called NAME; the password is asked at the prompt."""
    config = hall_config(config_path)
    try:
        check_new_account(name, role, password)
        password_hash = hash_secret(password, config.security.pin_hash_log2_cost)
        with open_database(config).begin() as connection:
            add_staff(connection, name, role, password_hash, time.time())
    except HallError as err:
        raise failure(err) from err
    click.echo(words_for(config)._("added {name} ({role}); they log in at /ui/staff/", name=name,
                                   role=role))


@staff.command("list")
@config_option
def staff_list(config_path: str | None) -> None:
    """List the members of staff and their roles."""
    with open_database(hall_config(config_path)).connect() as connection:
        for name, role in list_staff(connection):
            click.echo(f"{name}\t{role}")


COMMANDS = (staff,)
