"""`hall service install|remove` and `syncd service install|remove`: one command group for both."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

from hallserver.cli.common import config_option, hall_config
from hallserver.cli.words import N_, words_here
from hallserver.config import HallConfig, locate
from hallserver.service import (PRIVILEGED_PORTS, UNIT_DIR, Outcome, ServiceError, Unit, install,
                                program_path, remove, service_user)

# What each program's service runs, and where it writes besides the hall directory.
Writable = Callable[[HallConfig], tuple[Path, ...]]


def _hall_writes(config: HallConfig) -> tuple[Path, ...]:
    return (config.base_dir, config.database_path.parent)


def _syncd_writes(config: HallConfig) -> tuple[Path, ...]:
    return (config.base_dir, config.database_path.parent, config.base_dir / config.sync.state_dir)


def _outermost(paths: tuple[Path, ...]) -> tuple[Path, ...]:
    """The paths, without those inside another one of them."""
    unique = sorted({path.resolve() for path in paths})
    return tuple(p for p in unique if not any(o != p and o in p.parents for o in unique))


def _unit(program: str, subcommand: str, config_path: str | None, user: str | None,
          name: str, writes: Writable) -> Unit:
    path = locate(config_path).resolve()
    config = hall_config(str(path))
    directory = config.base_dir.resolve()
    return Unit(
        name=name,
        description=f'examhall: {program} {subcommand} for hall "{config.hall.name}" ({directory})',
        exec_start=(str(program_path(program)), subcommand, "--config", str(path)),
        user=service_user(directory, user),
        working_directory=directory,
        writable=_outermost(writes(config)),
        privileged_port=program == "hall" and 0 < config.server.port < PRIVILEGED_PORTS)


def _say(outcome: Outcome, did: str, then: str) -> None:
    say = words_here()
    click.echo(say._(did, path=outcome.unit_path))
    if outcome.enabled:
        click.echo(say._(then))
        return
    click.echo(say._("NOTE: systemd is not running here (a container?), or the unit directory is "
                     "not {unit_dir}: nothing was enabled, started or stopped. On the hall "
                     "machine, as root, run:", unit_dir=UNIT_DIR), err=True)
    for step in outcome.next_steps:
        click.echo(f"  {step}", err=True)


def service_group(program: str, subcommand: str, default_name: str, writes: Writable) -> click.Group:
    """The `service` command group of `program`, whose service runs `program subcommand`."""

    @click.group("service")
    def group() -> None:
        """Run it as a systemd service: started at boot after the network, restarted on failure."""

    unit_dir = click.option("--unit-dir", type=click.Path(file_okay=False, path_type=Path),
                            default=UNIT_DIR, show_default=True, help="Where systemd reads units.")
    unit_name = click.option("--name", default=default_name, show_default=True,
                             help="The unit's file name.")

    @group.command("install")
    @config_option
    @click.option("--user", help="The unprivileged user to run as (default: the owner of the "
                                 "hall directory, which it must own).")
    @unit_name
    @unit_dir
    @click.option("--print", "--dry-run", "dry_run", is_flag=True,
                  help="Print the unit and change nothing.")
    def install_command(config_path: str | None, user: str | None, name: str, unit_dir: Path,
                        dry_run: bool) -> None:
        """Write the unit and enable it (needs root), so it starts again after a power cut."""
        try:
            unit = _unit(program, subcommand, config_path, user, name, writes)
            if dry_run:
                click.echo(unit.render(), nl=False)
                return
            _say(install(unit, unit_dir), N_("wrote {path}"),
                 N_("enabled and started: it starts at every boot"))
        except ServiceError as err:
            raise click.ClickException(str(err)) from err

    @group.command("remove")
    @unit_name
    @unit_dir
    def remove_command(name: str, unit_dir: Path) -> None:
        """Stop and disable the service and delete its unit."""
        try:
            _say(remove(name, unit_dir), N_("removed {path}"), N_("stopped and disabled"))
        except ServiceError as err:
            raise click.ClickException(str(err)) from err

    group.help = (f"Run `{program} {subcommand}` as a systemd service: started at boot after the "
                  "network, restarted on failure, as the unprivileged owner of the hall directory.")
    return group


hall_service = service_group("hall", "serve", "examhall.service", _hall_writes)
syncd_service = service_group("syncd", "run", "examhall-syncd.service", _syncd_writes)
COMMANDS = (hall_service,)
