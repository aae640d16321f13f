"""`hall exam ...` and `hall candidates ...`: what the hall examines, and whom."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from hallserver.cli.common import config_option, failure, hall_config, open_database
from hallserver.domain import candidates as candidate_rules
from hallserver.domain import exams as exam_rules
from hallserver.domain.exam_file import parse_exam_file
from hallserver.errors import HallError


@click.group()
def exam() -> None:
    """Exams: import."""


@exam.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@config_option
def exam_import(file: Path, config_path: str | None) -> None:
    """Import an exam from FILE (JSON, as CONTRACT.md shows). All or nothing."""
    config = hall_config(config_path)
    try:
        parsed = parse_exam_file(file)
        with open_database(config).begin() as connection:
            exam_rules.import_exam(connection, parsed, time.time())
    except HallError as err:
        raise failure(err) from err
    click.echo(f"imported exam {parsed.id} ({parsed.title}): {len(parsed.questions)} questions, "
               f"{parsed.duration_minutes} minutes")


@click.group()
def candidates() -> None:
    """Candidates: import from a spreadsheet (CSV)."""


@candidates.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--exam", "exam_id", required=True, help="The exam these candidates sit.")
@config_option
def candidates_import(file: Path, exam_id: str, config_path: str | None) -> None:
    """Import candidates from FILE.csv (header: registration_number,name,pin). All or nothing.

    Candidates already in the hall are updated (name, PIN) and assigned to the exam too.
    """
    config = hall_config(config_path)
    try:
        lines = candidate_rules.read_candidates_csv(file)
        with click.progressbar(length=len(lines), label="hashing PINs", file=sys.stderr) as bar:
            hashes = candidate_rules.hash_pins(lines, config.security.pin_hash_log2_cost, bar.update)
        with open_database(config).begin() as connection:
            added, updated = candidate_rules.import_candidates(connection, lines, hashes, exam_id,
                                                               time.time())
    except HallError as err:
        raise failure(err) from err
    click.echo(f"candidates for {exam_id}: {added} added, {updated} updated")


COMMANDS = (exam, candidates)
