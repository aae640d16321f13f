"""`hall exam ...` and `hall candidates ...`: what the hall examines, and whom."""

from __future__ import annotations

import logging
import time
from collections import Counter
from pathlib import Path

import click

from hallserver.cli.common import config_option, data_key, failure, hall_config, open_database
from hallserver.cli.progress import progress
from hallserver.config import HallConfig
from hallserver.domain import candidates as candidate_rules
from hallserver.domain import exams as exam_rules
from hallserver.domain import slips as slip_rules
from hallserver.domain.exam_content import ExamImport
from hallserver.domain.exam_file import Overrides, read_exam
from hallserver.domain.results import log_admin_event
from hallserver.domain.scoring import number
from hallserver.errors import HallError
from hallserver.network import lan_addresses

_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


@click.group()
def exam() -> None:
    """Exams: check and import (our JSON, QTI 2.1/2.2 items, tests and content packages)."""


def _exam_options(command):
    """The options `exam import` and `exam check` share."""
    options = [
        click.option("--id", "exam_id", help="The exam's id (default: the file's identifier)."),
        click.option("--title", help="The exam's title (default: the file's)."),
        click.option("--duration", type=click.IntRange(1, 24 * 60), metavar="MINUTES",
                     help="Time allowed (needed when a QTI file sets no timeLimits)."),
        click.option("--shuffle-questions/--keep-question-order", default=None,
                     help="Shuffle questions per candidate (default: as the file says)."),
        click.option("--skip-unsupported", is_flag=True,
                     help="Import the items the hall supports and leave out the others "
                          "(without it, an exam with any unsupported item is not imported)."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _read(file: Path, exam_id: str | None, title: str | None, duration: int | None,
          shuffle: bool | None) -> ExamImport:
    try:
        return read_exam(file, Overrides(exam_id, title, duration, shuffle))
    except HallError as err:
        raise failure(err) from err


def _report(found: ExamImport) -> list[str]:
    content = found.content
    kinds = Counter(q.kind for q in content.questions)
    full = number(sum(q.max_score for q in content.questions))
    lines = [f"{found.source}: exam {content.id} ({content.title})",
             f"  time: {content.duration_minutes} minutes" if content.duration_minutes else
             "  time: not set in the file (give --duration MINUTES when importing)",
             f"  questions: {len(content.questions)}"
             + "".join(f", {n} {kind}" for kind, n in sorted(kinds.items())) + f"; full marks {full}",
             f"  questions shuffled per candidate: {'yes' if content.shuffle_questions else 'no'}; "
             f"images: {len(content.assets)}"]
    for q in content.questions:
        detail = f"{len(q.options)} options" if q.options else ("number" if q.numeric else "text")
        shuffled = q.shuffle if q.shuffle is not None else content.shuffle_options
        extra = (", options shuffled" if shuffled and q.options else "") + (
            f", fixed: {' '.join(q.fixed_options)}" if q.fixed_options else "")
        lines.append(f"    {q.id}: {q.kind}, {detail}, {number(q.max_score)} mark(s){extra}")
    lines += [f"  cannot import {refusal}" for refusal in found.refused]
    lines += [f"  warning: {warning}" for warning in found.warnings]
    return lines


def _refusal(found: ExamImport, skip_unsupported: bool, shown: bool = False) -> click.ClickException | None:
    listed = " (listed above)" if shown else ":\n" + "\n".join(f"  {r}" for r in found.refused)
    if not found.content.questions:
        return click.ClickException(f"no item of the file can be imported, so nothing is{listed}")
    if found.refused and not skip_unsupported:
        return click.ClickException(
            f"{len(found.refused)} item(s) cannot be imported, so nothing is{listed}\n"
            "Import the other items alone with --skip-unsupported.")
    return None


@exam.command("check")
@click.argument("file", type=_FILE)
@_exam_options
def exam_check(file: Path, exam_id: str | None, title: str | None, duration: int | None,
               shuffle_questions: bool | None, skip_unsupported: bool) -> None:
    """Check FILE without importing it, and show what would be imported."""
    found = _read(file, exam_id, title, duration, shuffle_questions)
    click.echo("\n".join(_report(found)))
    problem = _refusal(found, skip_unsupported, shown=True)
    if problem:
        raise problem
    click.echo(f"would import {len(found.content.questions)} question(s)"
               + (f" and leave out {len(found.refused)} item(s)" if found.refused else ""))


@exam.command("import")
@click.argument("file", type=_FILE)
@_exam_options
@click.option("--correct-key", is_flag=True,
              help="Only correct the answer key of an exam already sat (the questions must be "
                   "the same); then `hall results rescore EXAM_ID` scores it again.")
@config_option
def exam_import(file: Path, exam_id: str | None, title: str | None, duration: int | None,
                shuffle_questions: bool | None, skip_unsupported: bool, correct_key: bool,
                config_path: str | None) -> None:
    """Import an exam from FILE: JSON (as CONTRACT.md shows), a QTI 2.1/2.2 item or assessmentTest
    (items beside it), or a QTI content package (.zip). All or nothing."""
    config = hall_config(config_path)
    found = _read(file, exam_id, title, duration, shuffle_questions)
    for warning in found.warnings:
        click.echo(f"warning: {warning}", err=True)
    problem = _refusal(found, skip_unsupported)
    if problem:
        raise problem
    content = found.content
    try:
        with open_database(config).begin() as connection:
            if correct_key:
                version, changed = exam_rules.correct_key(connection, content)
                log_admin_event(connection, data_key(config), "answer_key_corrected", None, {
                    "exam_id": content.id, "key_version": version, "questions": changed},
                    time.time())
            else:
                exam_rules.import_exam(connection, content, time.time())
    except HallError as err:
        raise failure(err) from err
    if correct_key:
        click.echo(f"answer key of exam {content.id} corrected: {len(changed)} question(s) "
                   f"changed (key version {version}); now run `hall results rescore {content.id}`")
        return
    left_out = f"; left out {len(found.refused)} unsupported item(s)" if found.refused else ""
    click.echo(f"imported exam {content.id} ({content.title}): {len(content.questions)} questions, "
               f"{content.duration_minutes} minutes{left_out}")


@click.group()
def candidates() -> None:
    """Candidates: import from a spreadsheet (CSV), give PINs, print login slips."""


@candidates.command("import")
@click.argument("file", type=_FILE)
@click.option("--exam", "exam_id", required=True, help="The exam these candidates sit.")
@config_option
def candidates_import(file: Path, exam_id: str, config_path: str | None) -> None:
    """Import candidates from FILE.csv (header: registration_number,name,pin; comma or semicolon;
    UTF-8). Every line is checked first: all or nothing.

    Candidates already in the hall are updated and assigned to the exam too. A line with no PIN
    leaves the candidate without one (`hall candidates pins` gives them one).
    """
    config = hall_config(config_path)
    try:
        lines = candidate_rules.read_candidates_csv(file)
        with progress(len(lines), "hashing PINs") as bar:
            hashes = candidate_rules.hash_pins(lines, config.security.pin_hash_log2_cost, bar.update)
        with open_database(config).begin() as connection:
            added, updated = candidate_rules.import_candidates(
                connection, lines, hashes, exam_id, time.time(), data_key(config))
    except HallError as err:
        raise failure(err) from err
    click.echo(f"candidates for {exam_id}: {added} added, {updated} updated")
    missing = sum(1 for line in lines if not line.pin)
    if missing:
        click.echo(f"{missing} candidate(s) have no PIN in the file: `hall candidates pins {exam_id}`")


@candidates.command("pins")
@click.argument("exam_id")
@click.option("--digits", type=click.IntRange(4, 12), default=candidate_rules.PIN_DIGITS,
              show_default=True, help="Length of each PIN.")
@config_option
def candidates_pins(exam_id: str, digits: int, config_path: str | None) -> None:
    """Give a new random PIN to every candidate of EXAM_ID who has none (others keep theirs)."""
    config = hall_config(config_path)
    engine = open_database(config)
    try:
        with engine.connect() as connection:
            waiting = candidate_rules.without_pin(connection, exam_id)
        pins = {registration: candidate_rules.new_pin(digits) for registration in waiting}
        lines = [candidate_rules.CandidateLine(0, r, "", pin) for r, pin in pins.items()]
        with progress(len(lines), "hashing PINs") as bar:
            hashes = candidate_rules.hash_pins(lines, config.security.pin_hash_log2_cost, bar.update)
        with engine.begin() as connection:
            given = candidate_rules.store_pins(connection, data_key(config), {
                line.registration_number: (line.pin or "", pin_hash)
                for line, pin_hash in zip(lines, hashes, strict=True)})
    except HallError as err:
        raise failure(err) from err
    click.echo(f"gave {given} candidate(s) of {exam_id} a PIN; print their login slips with "
               f"`hall candidates slips {exam_id} -o slips.pdf`")


def _hall_address(config: HallConfig) -> str:
    scheme = "https" if config.server.tls else "http"
    host = config.server.host
    if host in ("0.0.0.0", "::", ""):
        host = next(iter(lan_addresses()), "127.0.0.1")
    host = f"[{host}]" if ":" in host else host
    return f"{scheme}://{host}:{config.server.port}/"


@candidates.command("slips")
@click.argument("exam_id")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The file to write: .pdf, or .html for a page to print from a browser.")
@click.option("--format", "fmt", type=click.Choice(["pdf", "html"]),
              help="pdf or html (default: from the file's extension).")
@click.option("--address", metavar="URL",
              help="The hall's address printed on each slip (default: this machine's LAN address).")
@config_option
def candidates_slips(exam_id: str, output: Path, fmt: str | None, address: str | None,
                     config_path: str | None) -> None:
    """Write printable login slips for EXAM_ID: name, registration number, PIN, the hall's address."""
    config = hall_config(config_path)
    fmt = fmt or ("html" if output.suffix.lower() in (".html", ".htm") else "pdf")
    try:
        with open_database(config).connect() as connection:
            exam = exam_rules.load_exam(connection, exam_id)
            sitting = candidate_rules.sitting(connection, data_key(config), exam_id)
    except HallError as err:
        raise failure(err) from err
    no_pin = [s.registration_number for s in sitting if not s.has_pin]
    if no_pin:
        raise click.ClickException(f"{len(no_pin)} candidate(s) of {exam_id} have no PIN yet "
                                   f"(e.g. {no_pin[0]}); run `hall candidates pins {exam_id}` first.")
    sheet = slip_rules.SlipSheet(config.hall.name, address or _hall_address(config), exam.id, exam.title)
    slips = [slip_rules.Slip(s.name, s.registration_number, s.pin) for s in sitting]
    logging.getLogger("fontTools").setLevel(logging.WARNING)  # fpdf2's font subsetting chatters
    with progress(len(slips), "writing slips") as bar:
        if fmt == "html":
            output.write_text(slip_rules.render_html(slips, sheet, bar.update), encoding="utf-8")
            warnings: list[str] = []
        else:
            data, warnings = slip_rules.render_pdf(slips, sheet, bar.update)
            output.write_bytes(data)
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)
    unreadable = sum(1 for s in sitting if s.pin is None)
    if unreadable:
        click.echo(f"warning: the hall does not keep the PIN of {unreadable} candidate(s) (imported "
                   "before it did); their slips say it is given separately", err=True)
    click.echo(f"wrote {len(slips)} login slip(s) for {exam_id} to {output}")


COMMANDS = (exam, candidates)
