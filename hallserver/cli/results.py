"""`hall results ...` and `hall sessions ...`: what came out of the exam."""

from __future__ import annotations

import csv
import json
import sys
import time
from pathlib import Path
from typing import Any, TextIO

import click

from hallserver.cli.common import config_option, data_key, failure, hall_config, open_database
from hallserver.db import migrate
from hallserver.cli.progress import progress
from hallserver.cli.words import Refusal, words_for
from hallserver.domain.content.results import (
    completed_results, count_completed, inspect_candidate, rescore, summarise,
)
from hallserver.domain.content.results_export import write_qti_results
from hallserver.errors import HallError

RESULT_COLUMNS = ["exam_id", "registration_number", "name", "score", "max_score", "reason",
                  "started_at", "completed_at", "revision", "answers", "unmarked"]
QUESTION_PARTS = ("response", "outcome", "marks")  # then "<question id> <part>" per question


@click.group()
def results() -> None:
    """Results of completed sessions: export, summary, rescore."""


@results.command("export")
@click.option("--format", "fmt", type=click.Choice(["csv", "json", "qti"]), default="csv", show_default=True,
              help="qti: a zip of QTI 2.1 assessmentResults, one per candidate (needs -o).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file instead of standard output.")
@click.option("--exam", "exam_id", help="Only this exam's results.")
@config_option
def results_export(fmt: str, output: Path | None, exam_id: str | None, config_path: str | None) -> None:
    """Export the results of every completed session: one row per candidate and exam, with each
    question's response, outcome and marks (CSV), or all of it with a summary per exam (JSON)."""
    config = hall_config(config_path)
    say = words_for(config)
    if fmt == "qti" and output is None:
        raise click.UsageError("--format qti writes a zip: give it with -o FILE.zip")
    try:
        with open_database(config).connect() as connection, \
                progress(count_completed(connection, exam_id), say._("reading results")) as bar:
            rows = []
            for row in completed_results(connection, data_key(config), exam_id):
                rows.append(row)
                bar.update(1)
            if fmt == "qti":
                assert output is not None
                written = write_qti_results(connection, output, rows)
                click.echo(say._("wrote {count} QTI assessmentResult(s) to {output}",
                                 count=written, output=output), err=True)
                return
    except HallError as err:
        raise failure(err) from err
    handle = output.open("w", newline="", encoding="utf-8") if output else sys.stdout
    try:
        _write_results(rows, fmt, handle)
    finally:
        if output:
            handle.close()
            click.echo(say._("wrote {count} result(s) to {output}", count=len(rows), output=output),
                       err=True)


def _cell(response: Any) -> str:
    """A response in a CSV cell: a key or text as it is, a list of keys as JSON, nothing as empty."""
    if response is None:
        return ""
    return response if isinstance(response, str) else json.dumps(response, ensure_ascii=False)


def _question_columns(rows: list[dict[str, Any]]) -> list[str]:
    ids: list[str] = []
    for row in rows:
        ids += [q["id"] for q in row["questions"] if q["id"] not in ids]
    return [f"{qid} {part}" for qid in ids for part in QUESTION_PARTS]


def _write_results(rows: list[dict[str, Any]], fmt: str, handle: TextIO) -> None:
    if fmt == "json":
        json.dump({"format": "examhall-results", "version": 1, "results": rows,
                   "summaries": summarise(rows)}, handle, indent=2, ensure_ascii=False)
        handle.write("\n")
        return
    writer = csv.DictWriter(handle, fieldnames=RESULT_COLUMNS + _question_columns(rows))
    writer.writeheader()
    for row in rows:
        cells = {f"{q['id']} {part}": (_cell(q["response"]) if part == "response" else q[part])
                 for q in row["questions"] for part in QUESTION_PARTS}
        writer.writerow({**{c: row[c] for c in RESULT_COLUMNS}, **cells,
                         "answers": json.dumps(row["answers"], sort_keys=True, ensure_ascii=False)})


@results.command("summary")
@click.argument("exam_id", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@config_option
def results_summary(exam_id: str | None, as_json: bool, config_path: str | None) -> None:
    """Per exam: how many sat it, mean, min and max score, and each question's facility
    (the share of its marks candidates earned: low is hard)."""
    config = hall_config(config_path)
    try:
        with open_database(config).connect() as connection:
            summaries = summarise(completed_results(connection, data_key(config), exam_id))
    except HallError as err:
        raise failure(err) from err
    if as_json:
        click.echo(json.dumps({"format": "examhall-summary", "version": 1, "summaries": summaries},
                              indent=2, ensure_ascii=False))
        return
    say = words_for(config)
    if not summaries:
        click.echo(say._("no completed sessions of {exam}", exam=exam_id) if exam_id
                   else say._("no completed sessions"))
    for summary in summaries:
        click.echo(say._("{exam}: {count} completed, mean {mean} of {max_score}, min {min}, max "
                         "{max}", exam=summary["exam_id"], count=summary["count"],
                         mean=summary["mean"], max_score=summary["max_score"], min=summary["min"],
                         max=summary["max"]))
        for question in summary["questions"]:
            click.echo("  " + say._("{id}: facility {facility}, correct {correct}, answered "
                                    "{answered}", id=question["id"],
                                    facility=question["facility"], correct=question["correct"],
                                    answered=question["answered"]))


@results.command("rescore")
@click.argument("exam_id")
@config_option
def results_rescore(exam_id: str, config_path: str | None) -> None:
    """Score EXAM_ID's completed sessions again with its current answer key (after
    `hall exam import --correct-key`). Answers stay as submitted; each change is logged."""
    config = hall_config(config_path)
    say = words_for(config)
    try:
        with open_database(config).begin() as connection, \
                progress(count_completed(connection, exam_id), say._("rescoring")) as bar:
            done = rescore(connection, data_key(config), exam_id, time.time(), bar.update)
    except HallError as err:
        raise failure(err) from err
    for change in done.changed:
        click.echo("  " + say._("{registration_number}: {old} -> {new} of {max_score}",
                                registration_number=change["registration_number"],
                                old=change["old_score"], new=change["score"],
                                max_score=change["max_score"]))
    click.echo(say._("rescored {count} completed session(s) of {exam} with answer key version "
                     "{version}: {changed} changed", count=done.sessions, exam=exam_id,
                     version=done.key_version, changed=len(done.changed)))


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
        say = words_for(config)
        raise Refusal(say._("no candidate {registration_number} in this hall",
                            registration_number=registration_number), say)
    click.echo(json.dumps({"registration_number": registration_number, "sessions": found},
                          indent=2, ensure_ascii=False))


COMMANDS = (results, sessions)
