"""`syncd central ...`: init, serve, halls, export, user, exam, candidates (sitting: its own
module). No logic here."""

from __future__ import annotations

import asyncio
import getpass
import json
import sys
import time
from pathlib import Path
from typing import Any

import click

from examkit.errors import ConfigError
from examkit.pages import CENTRAL_PAGES, require_pages
from examkit.times import iso
from syncd.central import exports, queries
from syncd.central.accounts import ROLES, add_account
from syncd.central.config import CONFIG_NAME, CentralConfig, load
from syncd.central.sitting_cli import sitting_group
from syncd.central.halls import enroll_hall, revoke_hall
from syncd.central.serve import ServeError, serve
from syncd.central.setup import central_public_key, certificate_fingerprint, init_central
from examkit.words import Refusal
from examkit.words import Words
from syncd.central.cli_common import central_config_option, central_words
from syncd.central.cli_common import config as _config
from syncd.central.cli_common import with_store as _with_store
from syncd.errors import SyncError


@click.group()
def central() -> None:
    """The central server that halls push to."""


@central.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--database", help="A PostgreSQL URL (default: a SQLite file in DIRECTORY).")
@click.option("--no-tls", is_flag=True, help="Serve plain HTTP (behind a TLS proxy, or tests).")
@click.option("--name", default="Central", show_default=True, help="The central's name.")
def init(directory: Path, database: str | None, no_tls: bool, name: str) -> None:
    """Make DIRECTORY a central: central.toml, keys (0600), TLS material, the database."""
    overrides: dict[tuple[str, str], Any] = {("central", "name"): name}
    if database:
        overrides[("storage", "url")] = database
    if no_tls:
        overrides[("server", "tls")] = False
    try:
        made = init_central(directory, overrides)
    except (ConfigError, OSError) as err:
        raise click.ClickException(str(err)) from err
    config = load(directory / CONFIG_NAME)
    say = central_words(config)
    for item in made:
        click.echo(say._("made {item}", item=item))
    click.echo(say._("certificate fingerprint (halls set it as [sync] central_fingerprint): "
                     "{fingerprint}", fingerprint=certificate_fingerprint(config)))
    click.echo(_central_key_line(config, say))


def _central_key_line(config: CentralConfig, say: Words) -> str:
    try:
        public = central_public_key(config)
    except FileNotFoundError:
        return say._("central key: none yet (run `syncd central init` on this directory again)")
    return say._("central key (halls learn it with `syncd enroll --central-key`): {key}",
                 key=public)


@central.command("serve")
@central_config_option
@click.option("--host", help="Address to listen on (default: [server] host).")
@click.option("--port", type=int, help="Port to listen on (default: [server] port; 0 picks one).")
def serve_command(config_path: str | None, host: str | None, port: int | None) -> None:
    """Serve halls and admins until SIGINT or SIGTERM. Prints the URL it serves on."""
    require_pages(CENTRAL_PAGES)
    config = _config(config_path)
    changes = {k: v for k, v in (("server__host", host), ("server__port", port)) if v is not None}
    try:
        asyncio.run(serve(config.with_values(**changes)))
    except ServeError as err:
        raise click.ClickException(str(err)) from err


@central.command("enroll-hall")
@click.argument("hall_id")
@click.argument("public_key")
@click.option("--name", default="", help="The hall's name (`syncd enroll` prints it).")
@central_config_option
def enroll_hall_command(hall_id: str, public_key: str, name: str, config_path: str | None) -> None:
    """Let HALL_ID push, signing with PUBLIC_KEY (from `syncd enroll` on the hall)."""
    config = _config(config_path)
    say = central_words(config)
    new = _with_store(config, lambda s: enroll_hall(s, hall_id, public_key, name))
    click.echo(say._("enrolled: hall {hall_id}", hall_id=hall_id) if new
               else say._("enrolled again: hall {hall_id}", hall_id=hall_id))
    click.echo(_central_key_line(config, say))


@central.command("revoke-hall")
@click.argument("hall_id")
@central_config_option
def revoke_hall_command(hall_id: str, config_path: str | None) -> None:
    """Stop accepting HALL_ID's batches (what it sent is kept)."""
    config = _config(config_path)
    say = central_words(config)
    if not _with_store(config, lambda s: revoke_hall(s, hall_id)):
        raise Refusal(say._("no hall {hall_id} is enrolled here", hall_id=hall_id), say)
    click.echo(say._("revoked: hall {hall_id}", hall_id=hall_id))


@central.command("halls")
@central_config_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def halls_command(config_path: str | None, as_json: bool) -> None:
    """Every hall: state, epoch, high-water mark, last sync, backlog reported, alarm."""
    config = _config(config_path)
    rows = _with_store(config, lambda s: s.read(queries.list_halls))
    if as_json:
        click.echo(json.dumps({"version": 1, "halls": rows}, indent=2))
        return
    say = central_words(config)
    for row in rows:
        status = format(row["status"], "<12")
        click.echo(f"{row['name'] or say._('(no name yet)')}  {row['hall_id']}  {status} " + say._(
            "last sync {when}  epoch {epoch} up to {mark}  backlog {events}  sessions {sessions}  "
            "received {received}/{published} item(s)", when=iso(row["last_sync_at"]) or
            say._("never"), epoch=row["epoch"], mark=row["high_water_mark"],
            events=row["backlog"]["events"], sessions=row["sessions"], received=row["down_mark"],
            published=row["published"])
            + (say._("  ALARM: {alarm}", alarm=row["alarm"]) if row["alarm"] else ""))


@central.command("export")
@central_config_option
@click.option("--what", type=click.Choice(list(exports.EXPORTS)), default="sessions",
              show_default=True, help="What to export: as the central's Exports tab offers.")
@click.option("--format", "fmt", type=click.Choice(list(exports.FORMATS)), default="csv",
              show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file instead of standard output.")
def export_command(config_path: str | None, what: str, fmt: str, output: Path | None) -> None:
    """Sessions received (hall, exam, candidate, revision, answers, state, score), or the halls,
    sittings, results or incidents; times in ISO 8601 (UTC)."""
    config = _config(config_path)
    rows = _with_store(config, lambda s: s.read(exports.export_rows, s.key, what))
    text = exports.render(what, fmt, rows)
    if output is None:
        sys.stdout.write(text)
        return
    output.write_text(text, encoding="utf-8")
    click.echo(central_words(config)._("wrote {count} row(s) of {what} to {output}",
                                       count=len(rows), what=what, output=output), err=True)


@central.group()
def user() -> None:
    """Accounts of the central's pages: admins plan and publish, readers see results."""


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@user.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), required=True,
              help="admin: plans and publishes; reader: sees results and exports.")
@click.option("--password-stdin", is_flag=True,
              help="Read the password from the first line of standard input (scripts).")
@central_config_option
def user_add(name: str, role: str, password_stdin: bool, config_path: str | None) -> None:
    """Add the account NAME; asks for its password (twice) unless --password-stdin."""
    config = _config(config_path)
    password = _password(password_stdin)
    _with_store(config, lambda s: add_account(s, name, role, password, time.time()))
    click.echo(central_words(config)._("added: {role} {name}", role=role, name=name))


@central.group("exam")
def exam_group() -> None:
    """The exam bank: exams the central plans sittings of."""


@exam_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--id", "exam_id", help="The exam's id (default: the file's identifier).")
@click.option("--title", help="The exam's title (default: the file's).")
@click.option("--duration", type=click.IntRange(1, 24 * 60), metavar="MINUTES",
              help="Time allowed (needed when a QTI file sets no timeLimits).")
@click.option("--shuffle-questions/--keep-question-order", default=None,
              help="Shuffle questions per candidate (default: as the file says).")
@click.option("--skip-unsupported", is_flag=True,
              help="Import the items a hall supports and leave out the others.")
@central_config_option
def exam_import(file: Path, exam_id: str | None, title: str | None, duration: int | None,
                shuffle_questions: bool | None, skip_unsupported: bool,
                config_path: str | None) -> None:
    """Import an exam from FILE: every format `hall exam import` takes, with its checks."""
    from syncd.central import bank  # the hall's content reader: see bank's docstring
    config = _config(config_path)
    say = central_words(config)
    overrides = bank.Overrides(exam_id, title, duration, shuffle_questions)
    try:
        found = bank.read_exam_file(file, overrides)
    except SyncError as err:
        raise click.ClickException(err.message) from err
    for warning in found.warnings:
        click.echo(say._("warning: {warning}", warning=warning), err=True)
    refused = ":\n" + "\n".join(f"  {r}" for r in found.refused)
    if not found.content.questions:
        raise Refusal(say._("no item of the file can be imported, so nothing is") + refused, say)
    if found.refused and not skip_unsupported:
        raise Refusal(say._("{count} item(s) cannot be imported, so nothing is",
                            count=len(found.refused)) + refused + "\n"
                      + say._("Import the other items alone with --skip-unsupported."), say)
    content = found.content
    new = _with_store(config, lambda s: bank.import_exam(s, file, found, overrides))
    facts = {"id": content.id, "title": content.title, "questions": len(content.questions),
             "minutes": content.duration_minutes}
    click.echo(say._("imported exam {id} ({title}): {questions} questions, {minutes} minutes",
                     **facts) if new else
               say._("replaced exam {id} ({title}): {questions} questions, {minutes} minutes",
                     **facts))


@exam_group.command("correct-key")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--id", "exam_id", help="The exam's id (default: the file's identifier).")
@central_config_option
def exam_correct_key(file: Path, exam_id: str | None, config_path: str | None) -> None:
    """Correct only the answer key of a bank exam, and send the correction to every hall that
    was sent it: each corrects its key and rescores its completed sessions."""
    from syncd.central import bank, corrections  # the hall's content reader
    try:
        found = bank.read_exam_file(file, bank.Overrides(exam_id, None, None, None))
    except SyncError as err:
        raise click.ClickException(err.message) from err
    correction = corrections.Correction(file.name, file.read_bytes(), found.content)
    config = _config(config_path)
    done = _with_store(config, lambda s: corrections.correct_key(
        s, correction, f"{getpass.getuser()} (central command)", time.time()))
    click.echo(central_words(config)._(
        "answer key of {exam} corrected ({count} question(s)); sent to {halls} hall(s)",
        exam=done["exam_id"], count=len(done["questions"]), halls=len(done["halls"])))


@exam_group.command("list")
@central_config_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def exam_list(config_path: str | None, as_json: bool) -> None:
    """The exams in the central's bank."""
    from syncd.central import bank  # the hall's content reader: see bank's docstring
    config = _config(config_path)
    rows = _with_store(config, lambda s: s.read(bank.list_exams))
    if as_json:
        click.echo(json.dumps({"version": 1, "exams": rows}, indent=2))
        return
    say = central_words(config)
    for row in rows:
        click.echo(f"{row['id']}\t{row['title']}\t" + say._(
            "{questions} questions, {minutes} minutes", questions=row["questions"],
            minutes=row["duration_minutes"]))


@central.group("candidates")
def candidates_group() -> None:
    """Candidates of the bank's exams: import, give PINs, print login slips."""


@candidates_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--exam", "exam_id", required=True, help="The exam these candidates sit.")
@central_config_option
def candidates_import(file: Path, exam_id: str, config_path: str | None) -> None:
    """Import candidates from FILE.csv as `hall candidates import` takes it; all or nothing."""
    from syncd.central import bank  # the hall's content reader: see bank's docstring
    try:
        lines = bank.read_candidates(file)
    except SyncError as err:
        raise click.ClickException(err.message) from err
    config = _config(config_path)
    say = central_words(config)
    added, updated = _with_store(config, lambda s: bank.import_candidates(
        s, exam_id, lines, time.time()))
    click.echo(say._("candidates for {exam}: {added} added, {updated} updated", exam=exam_id,
                     added=added, updated=updated))
    missing = sum(1 for line in lines if not line.pin)
    if missing:
        click.echo(say._("{count} candidate(s) have no PIN in the file: `syncd central candidates "
                         "pins --exam {exam}`", count=missing, exam=exam_id))


@candidates_group.command("pins")
@click.option("--exam", "exam_id", required=True, help="The exam whose candidates get PINs.")
@click.option("--digits", type=click.IntRange(4, 12), default=6, show_default=True,
              help="Length of each PIN.")
@central_config_option
def candidates_pins(exam_id: str, digits: int, config_path: str | None) -> None:
    """Give a new random PIN to every candidate of the exam who has none (others keep theirs)."""
    from syncd.central import bank  # the hall's content reader: see bank's docstring
    config = _config(config_path)
    given = _with_store(config, lambda s: bank.give_pins(s, exam_id, digits))
    click.echo(central_words(config)._(
        "gave {count} candidate(s) of {exam} a PIN; print their login slips with `syncd central "
        "candidates slips --exam {exam} -o slips.pdf`", count=given, exam=exam_id))


@candidates_group.command("slips")
@click.option("--exam", "exam_id", required=True, help="The exam whose slips to print.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The file to write: .pdf, or .html for a page to print from a browser.")
@click.option("--hall", "hall_name", default="", help="The hall's name printed on each slip.")
@click.option("--address", default="", metavar="URL", help="The hall's address on each slip.")
@central_config_option
def candidates_slips(exam_id: str, output: Path, hall_name: str, address: str,
                     config_path: str | None) -> None:
    """Write printable login slips: name, registration number, PIN (as the hall prints them)."""
    from syncd.central import bank  # the hall's content reader: see bank's docstring
    config = _config(config_path)
    say = central_words(config)
    found = _with_store(config, lambda s: bank.slips_of(s, exam_id))
    if found.without_pin:
        raise Refusal(say._(
            "{count} candidate(s) of {exam} have no PIN yet (e.g. {first}); run `syncd central "
            "candidates pins --exam {exam}` first.", count=len(found.without_pin), exam=exam_id,
            first=found.without_pin[0]), say)
    sheet = bank.SlipSheet(hall_name, address, exam_id, found.title)
    if output.suffix.lower() in (".html", ".htm"):
        output.write_text(bank.render_html(found.slips, sheet), encoding="utf-8")
    else:
        data, warnings = bank.render_pdf(found.slips, sheet)
        output.write_bytes(data)
        for warning in warnings:
            click.echo(say._("warning: {warning}", warning=warning), err=True)
    click.echo(say._("wrote {count} login slip(s) for {exam} to {output}", count=len(found.slips),
                     exam=exam_id, output=output))


central.add_command(sitting_group)
