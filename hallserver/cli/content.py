"""`hall exam ...` and `hall candidates ...`: what the hall examines, and whom."""

from __future__ import annotations

import logging
import time
from collections import Counter
from pathlib import Path

import click

from hallserver.cli.common import config_option, data_key, failure, hall_config, open_database
from hallserver.cli.progress import progress, progress_of
from hallserver.cli.words import Refusal, words_for, words_here
from hallserver.config import HallConfig
from hallserver.domain.access import candidates as candidate_rules
from hallserver.domain.content import exams as exam_rules
from hallserver.domain.content import slips as slip_rules
from hallserver.domain.content.exam_content import ExamImport, Question
from hallserver.domain.content.exam_file import Overrides, read_exam
from hallserver.domain.content.results import log_admin_event
from hallserver.domain.content.scoring import number
from hallserver.errors import HallError
from examkit.words import Words
from examkit.network import lan_addresses

_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


@click.group()
def exam() -> None:
    """Exams: check, import (our JSON; QTI 2.1/2.2 items, tests, packages; Moodle XML, GIFT,
    .xlsx, .csv), list, and export as QTI 2.1."""


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
          shuffle: bool | None, say: Words) -> ExamImport:
    try:
        with progress_of(say._("reading questions")) as report:
            return read_exam(file, Overrides(exam_id, title, duration, shuffle), report)
    except HallError as err:
        raise failure(err) from err


def _question_line(q: Question, shuffle_options: bool, say: Words) -> str:
    detail = say.ngettext("{count} option", "{count} options", len(q.options)) if q.options else (
        say._("points on an image") if q.kind == "point" else
        say._("number") if q.numeric else say._("text"))
    detail += say._(", marked by a person") if q.manual else ""
    shuffled = q.shuffle if q.shuffle is not None else shuffle_options
    extra = (say._(", options shuffled") if shuffled and q.options else "") + (
        say._(", fixed: {options}", options=" ".join(q.fixed_options)) if q.fixed_options else "")
    return "    " + say._("{id}: {kind}, {detail}, {marks} mark(s){extra}", id=q.id, kind=q.kind,
                          detail=detail, marks=number(q.max_score), extra=extra)


def _report(found: ExamImport, say: Words) -> list[str]:
    content = found.content
    kinds = Counter(q.kind for q in content.questions)
    full = number(sum(q.max_score for q in content.questions))
    lines = [say._("{source}: exam {id} ({title})", source=found.source, id=content.id,
                   title=content.title),
             "  " + (say._("time: {minutes} minutes", minutes=content.duration_minutes)
                     if content.duration_minutes else
                     say._("time: not set in the file (give --duration MINUTES when importing)")),
             "  " + say._("questions: {count}", count=len(content.questions))
             + "".join(f", {n} {kind}" for kind, n in sorted(kinds.items()))
             + say._("; full marks {marks}", marks=full),
             "  " + say._("questions shuffled per candidate: {shuffled}; images: {images}",
                          shuffled=say._("yes") if content.shuffle_questions else say._("no"),
                          images=len(content.assets))]
    lines += [_question_line(q, content.shuffle_options, say) for q in content.questions]
    lines += ["  " + say._("cannot import {item}", item=refusal) for refusal in found.refused]
    lines += ["  " + say._("warning: {warning}", warning=warning) for warning in found.warnings]
    return lines


def _refusal(found: ExamImport, skip_unsupported: bool, say: Words,
             shown: bool = False) -> click.ClickException | None:
    listed = (say._(" (listed above)") if shown
              else ":\n" + "\n".join(f"  {r}" for r in found.refused))
    if not found.content.questions:
        return Refusal(say._("no item of the file can be imported, so nothing is") + listed, say)
    if found.refused and not skip_unsupported:
        return Refusal(
            say._("{count} item(s) cannot be imported, so nothing is", count=len(found.refused))
            + listed + "\n" + say._("Import the other items alone with --skip-unsupported."), say)
    return None


@exam.command("check")
@click.argument("file", type=_FILE)
@_exam_options
def exam_check(file: Path, exam_id: str | None, title: str | None, duration: int | None,
               shuffle_questions: bool | None, skip_unsupported: bool) -> None:
    """Check FILE without importing it, and show what would be imported."""
    say = words_here()
    found = _read(file, exam_id, title, duration, shuffle_questions, say)
    click.echo("\n".join(_report(found, say)))
    problem = _refusal(found, skip_unsupported, say, shown=True)
    if problem:
        raise problem
    click.echo(say._("would import {count} question(s)", count=len(found.content.questions))
               + (say._(" and leave out {count} item(s)", count=len(found.refused))
                  if found.refused else ""))


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
    (items beside it), a QTI content package (.zip), or a question bank (Moodle XML, GIFT, .xlsx,
    .csv), told apart by content. All or nothing."""
    config = hall_config(config_path)
    say = words_for(config)
    found = _read(file, exam_id, title, duration, shuffle_questions, say)
    for warning in found.warnings:
        click.echo(say._("warning: {warning}", warning=warning), err=True)
    problem = _refusal(found, skip_unsupported, say)
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
        click.echo(say._("answer key of exam {id} corrected: {count} question(s) changed (key "
                         "version {version}); now run `hall results rescore {id}`",
                         id=content.id, count=len(changed), version=version))
        return
    left_out = (say._("; left out {count} unsupported item(s)", count=len(found.refused))
                if found.refused else "")
    click.echo(say._("imported exam {id} ({title}): {questions} questions, {minutes} minutes",
                     id=content.id, title=content.title, questions=len(content.questions),
                     minutes=content.duration_minutes) + left_out)


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
    say = words_for(config)
    try:
        lines = candidate_rules.read_candidates_csv(file)
        with progress(len(lines), say._("hashing PINs")) as bar:
            hashes = candidate_rules.hash_pins(lines, config.security.pin_hash_log2_cost, bar.update)
        with open_database(config).begin() as connection:
            added, updated = candidate_rules.import_candidates(
                connection, lines, hashes, exam_id, time.time(), data_key(config))
    except HallError as err:
        raise failure(err) from err
    click.echo(say._("candidates for {exam}: {added} added, {updated} updated", exam=exam_id,
                     added=added, updated=updated))
    missing = sum(1 for line in lines if not line.pin)
    if missing:
        click.echo(say._("{count} candidate(s) have no PIN in the file: `hall candidates pins "
                         "{exam}`", count=missing, exam=exam_id))


@candidates.command("pins")
@click.argument("exam_id")
@click.option("--digits", type=click.IntRange(4, 12), default=candidate_rules.PIN_DIGITS,
              show_default=True, help="Length of each PIN.")
@config_option
def candidates_pins(exam_id: str, digits: int, config_path: str | None) -> None:
    """Give a new random PIN to every candidate of EXAM_ID who has none (others keep theirs)."""
    config = hall_config(config_path)
    say = words_for(config)
    engine = open_database(config)
    try:
        with engine.connect() as connection:
            waiting = candidate_rules.without_pin(connection, exam_id)
        pins = {registration: candidate_rules.new_pin(digits) for registration in waiting}
        lines = [candidate_rules.CandidateLine(0, r, "", pin) for r, pin in pins.items()]
        with progress(len(lines), say._("hashing PINs")) as bar:
            hashes = candidate_rules.hash_pins(lines, config.security.pin_hash_log2_cost, bar.update)
        with engine.begin() as connection:
            given = candidate_rules.store_pins(connection, data_key(config), {
                line.registration_number: (line.pin or "", pin_hash)
                for line, pin_hash in zip(lines, hashes, strict=True)})
    except HallError as err:
        raise failure(err) from err
    click.echo(say._("gave {count} candidate(s) of {exam} a PIN; print their login slips with "
                     "`hall candidates slips {exam} -o slips.pdf`", count=given, exam=exam_id))


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
@click.option("--language", metavar="TAG",
              help="The slips' language, such as fr or ar (default: [hall] language).")
@config_option
def candidates_slips(exam_id: str, output: Path, fmt: str | None, address: str | None,
                     language: str | None, config_path: str | None) -> None:
    """Write printable login slips for EXAM_ID: name, registration number, PIN, the hall's address."""
    config = hall_config(config_path)
    say = words_for(config)
    language = language or config.hall.language
    fmt = fmt or ("html" if output.suffix.lower() in (".html", ".htm") else "pdf")
    try:
        with open_database(config).connect() as connection:
            exam = exam_rules.load_exam(connection, exam_id)
            sitting = candidate_rules.sitting(connection, data_key(config), exam_id)
    except HallError as err:
        raise failure(err) from err
    no_pin = [s.registration_number for s in sitting if not s.has_pin]
    if no_pin:
        raise Refusal(say._("{count} candidate(s) of {exam} have no PIN yet (e.g. {first}); run "
                            "`hall candidates pins {exam}` first.", count=len(no_pin),
                            exam=exam_id, first=no_pin[0]), say)
    sheet = slip_rules.SlipSheet(config.hall.name, address or _hall_address(config), exam.id, exam.title)
    slips = [slip_rules.Slip(s.name, s.registration_number, s.pin) for s in sitting]
    logging.getLogger("fontTools").setLevel(logging.WARNING)  # fpdf2's font subsetting chatters
    with progress(len(slips), say._("writing slips")) as bar:
        if fmt == "html":
            output.write_text(slip_rules.render_html(slips, sheet, bar.update, language), encoding="utf-8")
            warnings: list[str] = []
        else:
            data, warnings = slip_rules.render_pdf(slips, sheet, bar.update, language)
            output.write_bytes(data)
    for warning in warnings:
        click.echo(say._("warning: {warning}", warning=warning), err=True)
    unreadable = sum(1 for s in sitting if s.pin is None)
    if unreadable:
        click.echo(say._("warning: the hall does not keep the PIN of {count} candidate(s) (imported "
                         "before it did); their slips say it is given separately",
                         count=unreadable), err=True)
    click.echo(say._("wrote {count} login slip(s) for {exam} to {output}", count=len(slips),
                     exam=exam_id, output=output))


COMMANDS = (exam, candidates)
