"""The `hall` command: parses arguments, loads the config, calls the hall. No logic of its own."""

from __future__ import annotations

import asyncio
import csv
import json
import logging
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import click

from hallserver import __version__
from hallserver.config import HallConfig, load, locate, render_toml
from hallserver.db import engine as engines
from hallserver.db import migrate
from hallserver.domain import candidates as candidate_rules
from hallserver.domain import exams as exam_rules
from hallserver.domain.exam_file import parse_exam_file
from hallserver.domain.hall import DATA_KEY_FILE
from hallserver.domain.results import completed_results, inspect_candidate
from hallserver.crypto.sealing import DataKey
from hallserver.errors import ConfigError, HallError
from hallserver.serve import ServeError, serve
from hallserver.setup_hall import CONFIG_NAME, init_hall

DEMO_DIR = Path(__file__).parent / "demo"
config_option = click.option(
    "--config", "config_path", metavar="PATH",
    help="The hall's hall.toml (default: $HALL_CONFIG, else ./hall.toml).")


def _config(config_path: str | None) -> HallConfig:
    try:
        return load(locate(config_path))
    except ConfigError as err:
        raise click.ClickException(str(err)) from err


def _engine(config: HallConfig):
    engine = engines.sync_engine(config.database_path, config.storage.busy_timeout_ms)
    migrate.upgrade(engine)
    return engine


def _fail(err: HallError) -> click.ClickException:
    return click.ClickException(err.message)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="hall")
def main() -> None:
    """examhall: an offline-first exam-hall server.

    \b
    First time:   hall init hall-data && cd hall-data
    Content:      hall exam import exam.json
                  hall candidates import candidates.csv --exam EXAM_ID
    Exam day:     hall serve
    Just looking: hall demo
    """
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)


@main.command()
@click.argument("directory", default="hall-data", type=click.Path(file_okay=False, path_type=Path))
@click.option("--name", default="Exam Hall", show_default=True, help="The hall's name.")
@click.option("--no-tls", is_flag=True, help="Serve plain HTTP (only behind a TLS proxy, or tests).")
def init(directory: Path, name: str, no_tls: bool) -> None:
    """Make DIRECTORY a hall: hall.toml, secrets (0600), the hall CA and certificate, the database.

    Never overwrites what is already there.
    """
    try:
        made = init_hall(directory, name=name, tls=not no_tls)
    except (ConfigError, OSError) as err:
        raise click.ClickException(str(err)) from err
    for item in made:
        click.echo(f"made {item}")
    if not made:
        click.echo(f"{directory} is already a hall; nothing changed")
    click.echo(f"next: cd {directory} && hall exam import EXAM.json")


@main.command("serve")
@config_option
@click.option("--host", help="Address to listen on (default: [server] host).")
@click.option("--port", type=int, help="Port to listen on (default: [server] port; 0 picks one).")
def serve_command(config_path: str | None, host: str | None, port: int | None) -> None:
    """Serve the hall until SIGINT or SIGTERM. Prints the URL it serves on."""
    config = _config(config_path)
    changes = {k: v for k, v in (("host", host), ("port", port)) if v is not None}
    try:
        asyncio.run(serve(config.replace("server", **changes)))
    except ServeError as err:
        raise click.ClickException(str(err)) from err


@main.group()
def exam() -> None:
    """Exams: import."""


@exam.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@config_option
def exam_import(file: Path, config_path: str | None) -> None:
    """Import an exam from FILE (JSON, as CONTRACT.md shows). All or nothing."""
    config = _config(config_path)
    try:
        parsed = parse_exam_file(file)
        engine = _engine(config)
        with engine.begin() as connection:
            exam_rules.import_exam(connection, parsed, time.time())
    except HallError as err:
        raise _fail(err) from err
    click.echo(f"imported exam {parsed.id} ({parsed.title}): {len(parsed.questions)} questions, "
               f"{parsed.duration_minutes} minutes")


@main.group()
def candidates() -> None:
    """Candidates: import from a spreadsheet (CSV)."""


@candidates.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--exam", "exam_id", required=True, help="The exam these candidates sit.")
@config_option
def candidates_import(file: Path, exam_id: str, config_path: str | None) -> None:
    """Import candidates from FILE.csv (header: registration_number,name,pin). All or nothing."""
    config = _config(config_path)
    try:
        lines = candidate_rules.read_candidates_csv(file)
        with click.progressbar(length=len(lines), label="hashing PINs", file=sys.stderr) as bar:
            hashes = candidate_rules.hash_pins(lines, config.security.pin_hash_log2_cost, bar.update)
        engine = _engine(config)
        with engine.begin() as connection:
            added, updated = candidate_rules.import_candidates(connection, lines, hashes, exam_id,
                                                               time.time())
    except HallError as err:
        raise _fail(err) from err
    click.echo(f"candidates for {exam_id}: {added} added, {updated} updated")


@main.group()
def results() -> None:
    """Results of completed sessions."""


@results.command("export")
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file instead of standard output.")
@config_option
def results_export(fmt: str, output: Path | None, config_path: str | None) -> None:
    """Export the results of every completed session."""
    config = _config(config_path)
    key = DataKey.from_file(config.secrets_dir / DATA_KEY_FILE)
    with _engine(config).connect() as connection:
        rows = list(completed_results(connection, key))
    handle = output.open("w", newline="", encoding="utf-8") if output else sys.stdout
    try:
        _write_results(rows, fmt, handle)
    finally:
        if output:
            handle.close()
            click.echo(f"wrote {len(rows)} result(s) to {output}", err=True)


def _write_results(rows: list[dict[str, Any]], fmt: str, handle: Any) -> None:
    if fmt == "json":
        json.dump({"format": "examhall-results", "version": 1, "results": rows}, handle, indent=2)
        handle.write("\n")
        return
    columns = ["exam_id", "registration_number", "name", "score", "max_score", "reason",
               "started_at", "completed_at", "revision", "answers"]
    writer = csv.DictWriter(handle, fieldnames=columns)
    writer.writeheader()
    for row in rows:
        writer.writerow({**row, "answers": json.dumps(row["answers"], sort_keys=True)})


@main.group()
def sessions() -> None:
    """Exam sessions, for support."""


@sessions.command("inspect")
@click.argument("registration_number")
@config_option
def sessions_inspect(registration_number: str, config_path: str | None) -> None:
    """Show a candidate's sessions, decrypted, with their history from the log."""
    config = _config(config_path)
    key = DataKey.from_file(config.secrets_dir / DATA_KEY_FILE)
    engine = _engine(config)
    with engine.connect() as connection:
        hall_id, _ = migrate.read_identity(connection)
        found = inspect_candidate(connection, key, hall_id, registration_number)
    if found is None:
        raise click.ClickException(f"no candidate {registration_number} in this hall")
    click.echo(json.dumps({"registration_number": registration_number, "sessions": found},
                          indent=2, ensure_ascii=False))


@main.group()
def db() -> None:
    """The hall database."""


@db.command("upgrade")
@config_option
def db_upgrade(config_path: str | None) -> None:
    """Upgrade the database schema in place (hall serve also does this on start)."""
    config = _config(config_path)
    engine = engines.sync_engine(config.database_path, config.storage.busy_timeout_ms)
    before = migrate.current_revision(engine)
    migrate.upgrade(engine)
    click.echo(f"database schema: {before or 'empty'} -> {migrate.current_revision(engine)}")


@main.command("config-example")
def config_example() -> None:
    """Print a hall.toml with every setting, its default and what it does."""
    click.echo(render_toml(), nl=False)


@main.command()
@click.option("--port", default=8080, show_default=True, help="Port on 127.0.0.1.")
@click.option("--directory", type=click.Path(file_okay=False, path_type=Path),
              help="Keep the demo hall here (default: a new temporary directory).")
def demo(port: int, directory: Path | None) -> None:
    """A throwaway hall with a sample exam and five candidates, served on this machine."""
    where = directory or Path(tempfile.mkdtemp(prefix="examhall-demo-"))
    init_hall(where, name="Demo Hall", tls=False,
              extra={("mdns", "enabled"): False, ("server", "host"): "127.0.0.1",
                     ("server", "port"): port})
    config = load(where / CONFIG_NAME)
    parsed = parse_exam_file(DEMO_DIR / "exam.json")
    lines = candidate_rules.read_candidates_csv(DEMO_DIR / "candidates.csv")
    hashes = candidate_rules.hash_pins(lines, config.security.pin_hash_log2_cost)
    with _engine(config).begin() as connection:
        exam_rules.import_exam(connection, parsed, time.time())
        candidate_rules.import_candidates(connection, lines, hashes, parsed.id, time.time())
    click.echo(f"demo hall in {where}")
    click.echo(f"exam {parsed.id}: {parsed.title}")
    for line in lines:
        click.echo(f"  login: registration number {line.registration_number}, PIN {line.pin}")
    try:
        asyncio.run(serve(config))
    except ServeError as err:
        raise click.ClickException(str(err)) from err
