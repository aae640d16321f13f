"""`hall results ...` and `hall sessions ...`: what came out of the exam."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Any, TextIO

import click

from hallserver.cli.common import config_option, data_key, hall_config, open_database
from hallserver.db import migrate
from hallserver.domain.results import completed_results, inspect_candidate

RESULT_COLUMNS = ["exam_id", "registration_number", "name", "score", "max_score", "reason",
                  "started_at", "completed_at", "revision", "answers"]


@click.group()
def results() -> None:
    """Results of completed sessions."""


@results.command("export")
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file instead of standard output.")
@config_option
def results_export(fmt: str, output: Path | None, config_path: str | None) -> None:
    """Export the results of every completed session."""
    config = hall_config(config_path)
    with open_database(config).connect() as connection:
        rows = list(completed_results(connection, data_key(config)))
    handle = output.open("w", newline="", encoding="utf-8") if output else sys.stdout
    try:
        _write_results(rows, fmt, handle)
    finally:
        if output:
            handle.close()
            click.echo(f"wrote {len(rows)} result(s) to {output}", err=True)


def _write_results(rows: list[dict[str, Any]], fmt: str, handle: TextIO) -> None:
    if fmt == "json":
        json.dump({"format": "examhall-results", "version": 1, "results": rows}, handle, indent=2)
        handle.write("\n")
        return
    writer = csv.DictWriter(handle, fieldnames=RESULT_COLUMNS)
    writer.writeheader()
    for row in rows:
        writer.writerow({**row, "answers": json.dumps(row["answers"], sort_keys=True)})


@click.group()
def sessions() -> None:
    """Exam sessions, for support."""


@sessions.command("inspect")
@click.argument("registration_number")
@config_option
def sessions_inspect(registration_number: str, config_path: str | None) -> None:
    """Show a candidate's sessions, decrypted, with their history from the log."""
    config = hall_config(config_path)
    with open_database(config).connect() as connection:
        hall_id, _ = migrate.read_identity(connection)
        found = inspect_candidate(connection, data_key(config), hall_id, registration_number)
    if found is None:
        raise click.ClickException(f"no candidate {registration_number} in this hall")
    click.echo(json.dumps({"registration_number": registration_number, "sessions": found},
                          indent=2, ensure_ascii=False))


COMMANDS = (results, sessions)
