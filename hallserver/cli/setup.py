"""`hall init`, `hall demo`, `hall db upgrade`, `hall config-example`: making and keeping a hall."""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path

import click

from hallserver.cli.common import (
    config_option, hall_config, open_database, require_pages, staged_write,
)
from hallserver.cli.words import words_for, words_here
from examkit.passwords import hash_secret
from hallserver.config import load, render_toml
from hallserver.db import engine as engines
from hallserver.db import migrate
from hallserver.domain.access import candidates as candidate_rules
from hallserver.domain.content import exams as exam_rules
from hallserver.domain.access.staff import add_staff
from hallserver.domain.content.exam_file import parse_exam_file
from hallserver.domain.sittings.planning import Plan, create_sitting
from hallserver.errors import ConfigError
from hallserver.serve import ServeError, serve
from hallserver.setup_hall import CONFIG_NAME, init_hall

DEMO_DIR = Path(__file__).resolve().parent.parent / "demo"
DEMO_STAFF = ("invigilator", "invigilate")   # name, password: the demo's console login
DEMO_START_MINUTES = 10                       # the demo's sitting is scheduled this far ahead
DEMO_INSTRUCTIONS = ("Switch off your phone and put it in your bag. Put your student card on "
                     "the desk. The invigilator starts the exam for everyone at once.")


@click.command()
@click.argument("directory", default="hall-data", type=click.Path(file_okay=False, path_type=Path))
@click.option("--name", default="Exam Hall", show_default=True, help="The hall's name.")
@click.option("--no-tls", is_flag=True, help="Serve plain HTTP (only behind a TLS proxy, or tests).")
def init(directory: Path, name: str, no_tls: bool) -> None:
    """Make DIRECTORY a hall: hall.toml, secrets (0600), the hall CA and certificate, the database.

    Never overwrites what is already there.
    """
    say = words_here()
    try:
        made = init_hall(directory, name=name, tls=not no_tls)
    except (ConfigError, OSError) as err:
        raise click.ClickException(str(err)) from err
    for item in made:
        click.echo(say._("made {item}", item=item))
    if not made:
        click.echo(say._("{directory} is already a hall; nothing changed", directory=directory))
    click.echo(say._("next: cd {directory} && hall exam import EXAM.json", directory=directory))


@click.group()
def db() -> None:
    """The hall database."""


@db.command("upgrade")
@config_option
def db_upgrade(config_path: str | None) -> None:
    """Upgrade the database schema in place (hall serve also does this on start)."""
    config = hall_config(config_path)
    engine = engines.sync_engine(config.database_path, config.storage.busy_timeout_ms)
    before = migrate.current_revision(engine)
    migrate.upgrade(engine)
    say = words_for(config)
    click.echo(say._("database schema: {before} -> {after}", before=before or say._("empty"),
                     after=migrate.current_revision(engine)))


@click.command("config-example")
def config_example() -> None:
    """Print a hall.toml with every setting, its default and what it does."""
    click.echo(render_toml(), nl=False)


@click.command()
@click.option("--port", default=8080, show_default=True, help="Port on 127.0.0.1 (0 picks one).")
@click.option("--directory", type=click.Path(file_okay=False, path_type=Path),
              help="Keep the demo hall here (default: a new temporary directory).")
def demo(port: int, directory: Path | None) -> None:
    """A throwaway hall with a sample exam, five candidates and a sitting that waits for its
    invigilator (whose console login is printed beside the candidates'), served on this machine."""
    require_pages()
    where = directory or Path(tempfile.mkdtemp(prefix="examhall-demo-"))
    init_hall(where, name="Demo Hall", tls=False,
              extra={("mdns", "enabled"): False, ("server", "host"): "127.0.0.1",
                     ("server", "port"): port})
    config = load(where / CONFIG_NAME)
    parsed = parse_exam_file(DEMO_DIR / "exam.json")
    lines = candidate_rules.read_candidates_csv(DEMO_DIR / "candidates.csv")
    hashes = candidate_rules.hash_pins(lines, config.security.pin_hash_log2_cost)
    name, password = DEMO_STAFF
    with open_database(config).begin() as connection:
        exam_rules.import_exam(connection, parsed, time.time())
        candidate_rules.import_candidates(connection, lines, hashes, parsed.id, time.time())
        add_staff(connection, name, "invigilator",
                  hash_secret(password, config.security.pin_hash_log2_cost), time.time())
    plan = Plan(exam_ids=(parsed.id,), starts_at=time.time() + DEMO_START_MINUTES * 60,
                name=f"{parsed.title} (demo sitting)", instructions=DEMO_INSTRUCTIONS)
    sitting = staged_write(config, lambda c, b, log, now: create_sitting(
        c, b, log, plan, "hall demo", now))
    say = words_for(config)
    click.echo(say._("demo hall in {directory}", directory=where))
    click.echo(say._("exam {id}: {title}", id=parsed.id, title=parsed.title))
    click.echo(say._("sitting {id} waits for its invigilator (scheduled in {minutes} minutes): "
                     "candidates log in and wait; start it from the console", id=sitting.id,
                     minutes=DEMO_START_MINUTES))
    click.echo("  " + say._("staff login at /ui/staff/: name {name}, password {password}",
                            name=name, password=password))
    for line in lines:
        click.echo("  " + say._("login: registration number {registration_number}, PIN {pin}",
                                registration_number=line.registration_number, pin=line.pin))
    try:
        asyncio.run(serve(config, say))
    except ServeError as err:
        raise click.ClickException(str(err)) from err


COMMANDS = (init, db, config_example, demo)
