"""`hall sitting ...`: make, list, show, start and end sittings, and print the register."""

from __future__ import annotations

import getpass
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from sqlalchemy.engine import Connection

from hallserver.cli.common import (
    config_option, data_key, failure, hall_config, open_database, staged_write,
)
from hallserver.cli.words import Refusal, words_for
from hallserver.clock import iso
from hallserver.config import HallConfig
from hallserver.domain.sittings import conduct, planning, register
from hallserver.domain.sittings.printout import register_csv, register_pdf
from hallserver.domain.sittings.store import all_sittings
from hallserver.errors import HallError
from examkit.sitting_rules import POLICIES

T = TypeVar("T")
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON.")


def _operator() -> str:
    return f"{getpass.getuser()} (hall command)"


def _read(config: HallConfig, step: Callable[[Connection], T]) -> T:
    try:
        with open_database(config).connect() as connection:
            return step(connection)
    except HallError as err:
        raise failure(err) from err


def _echo(value: Any) -> None:
    click.echo(json.dumps(value, indent=2, ensure_ascii=False))


@click.group()
def sitting() -> None:
    """Sittings: exams held at a set time for a list of candidates, started by the invigilator."""


@sitting.command("create")
@click.option("--exam", "exam_ids", multiple=True, required=True, help="An exam (repeatable).")
@click.option("--starts", required=True, help="Scheduled start, ISO 8601 (no offset: local time).")
@click.option("--name", default="", help="Its name (default: the exams' titles).")
@click.option("--policy", type=click.Choice(POLICIES), default="common_end", show_default=True,
              help="common_end: all end together; own_clock: full time from each one's start.")
@click.option("--late-entry-minutes", type=int, default=planning.DEFAULT_LATE_ENTRY_MINUTES,
              show_default=True, help="Late arrivals may start until this long after the start.")
@click.option("--check-in-minutes", type=int, default=planning.DEFAULT_CHECK_IN_MINUTES,
              show_default=True, help="Check-in opens this long before the scheduled start.")
@click.option("--instructions", default="", help="Shown to candidates while they wait.")
@click.option("--candidates", "candidates_csv", type=click.Path(dir_okay=False, path_type=Path),
              help="A CSV naming registration_number (default: every candidate of the exams).")
@json_option
@config_option
def sitting_create(exam_ids: tuple[str, ...], starts: str, name: str, policy: str,
                   late_entry_minutes: int, check_in_minutes: int, instructions: str,
                   candidates_csv: Path | None, as_json: bool, config_path: str | None) -> None:
    """Make a sitting; prints its id."""
    config = hall_config(config_path)
    try:
        plan = planning.Plan(
            exam_ids=exam_ids, starts_at=planning.parse_time(starts), name=name, policy=policy,
            late_entry_minutes=late_entry_minutes, check_in_minutes=check_in_minutes,
            instructions=instructions, registration_numbers=tuple(
                planning.read_registration_numbers(candidates_csv)) if candidates_csv else None)
    except HallError as err:
        raise failure(err) from err
    made = staged_write(config, lambda c, b, log, now: planning.create_sitting(
        c, b, log, plan, _operator(), now))
    if as_json:
        _echo({"id": made.id})
    else:
        click.echo(made.id)


@sitting.command("list")
@json_option
@config_option
def sitting_list(as_json: bool, config_path: str | None) -> None:
    """Every sitting: id, name, exams, scheduled start, state, counts."""
    now = time.time()

    def read(connection: Connection) -> list[dict[str, Any]]:
        return [{**s.to_json(now), "counts": register.sitting_counts(connection, s.id)}
                for s in all_sittings(connection)]

    config = hall_config(config_path)
    found = _read(config, read)
    if as_json:
        _echo(found)
        return
    say = words_for(config)
    for item in found:
        counts = item["counts"]
        checked_in = say._("{checked_in}/{expected} checked in", checked_in=counts["checked_in"],
                           expected=counts["expected"])
        click.echo(f"{item['id']}\t{item['state']}\t{item['starts_at']}\t"
                   f"{','.join(item['exams'])}\t{checked_in}\t{item['name']}")


@sitting.command("show")
@click.argument("sitting_id")
@json_option
@config_option
def sitting_show(sitting_id: str, as_json: bool, config_path: str | None) -> None:
    """One sitting: its settings, state, and each candidate's attendance."""
    config = hall_config(config_path)
    shown = _read(config, lambda c: register.sitting_view(c, sitting_id, time.time()))
    if as_json:
        _echo(shown)
        return
    for key in ("id", "name", "state", "exams", "starts_at", "policy", "late_entry_minutes",
                "check_in_minutes", "started_at", "ended_at", "counts", "sealed"):
        click.echo(f"{key}: {shown[key]}")
    for row in shown["candidates"]:
        click.echo(f"  {row['registration_number']}\t{row['attendance']}\t{row['name']}")
    say = words_for(config)
    for incident in shown["incidents"]:
        click.echo("  " + say._("incident {time} {category} {who}: {text}",
                                time=incident["occurred_at"], category=incident["category"],
                                who=incident["registration_number"] or say._("hall"),
                                text=incident["text"]))


@sitting.command("change")
@click.argument("sitting_id")
@click.option("--starts", help="A new scheduled start, ISO 8601 (no offset: local time).")
@click.option("--name", help="A new name.")
@click.option("--policy", type=click.Choice(POLICIES), help="A new timing policy.")
@click.option("--late-entry-minutes", type=int, help="A new late-entry window.")
@click.option("--check-in-minutes", type=int, help="When check-in opens, before the start.")
@click.option("--instructions", help="New instructions for the waiting candidates.")
@json_option
@config_option
def sitting_change(sitting_id: str, starts: str | None, name: str | None, policy: str | None,
                   late_entry_minutes: int | None, check_in_minutes: int | None,
                   instructions: str | None, as_json: bool, config_path: str | None) -> None:
    """Change a sitting's settings before its start (only those given)."""
    changes = {key: value for key, value in (
        ("name", name), ("policy", policy), ("late_entry_minutes", late_entry_minutes),
        ("check_in_minutes", check_in_minutes), ("instructions", instructions)) if value is not None}
    try:
        if starts is not None:
            changes["starts_at"] = planning.parse_time(starts)
    except HallError as err:
        raise failure(err) from err
    config = hall_config(config_path)
    changed = staged_write(config, lambda c, b, log, now: planning.change_sitting(
        c, b, log, sitting_id, changes, _operator(), now))
    if as_json:
        _echo(changed.to_json(time.time()))
    else:
        click.echo(words_for(config)._(
            "changed {name}: starts {starts}, {policy}, late entry {late} min, check-in {check_in} "
            "min before", name=changed.name, starts=iso(changed.starts_at), policy=changed.policy,
            late=changed.late_entry_minutes, check_in=changed.check_in_minutes))


@sitting.command("start")
@click.argument("sitting_id")
@config_option
def sitting_start(sitting_id: str, config_path: str | None) -> None:
    """Start the sitting now (what the console's start button does)."""
    config = hall_config(config_path)
    started, counts = staged_write(config, lambda c, b, log, now: conduct.start_sitting(
        c, b, log, sitting_id, _operator(), now))
    click.echo(words_for(config)._(
        "started {name} at {time}: {checked_in} checked in, {missing} missing", name=started.name,
        time=iso(started.started_at), checked_in=counts["checked_in"], missing=counts["missing"]))


@sitting.command("release")
@click.argument("sitting_id")
@click.option("--code", required=True, help="The sitting's release code, as the central gave it.")
@config_option
def sitting_release(sitting_id: str, code: str, config_path: str | None) -> None:
    """Open a sealed sitting's paper with its release code (no uplink needed)."""
    from hallserver.domain.content import sealed_papers
    config = hall_config(config_path)
    papers = _read(config, lambda c: sealed_papers.still_sealed(c, sitting_id))
    try:
        key = sealed_papers.key_from_code(papers, code)
    except HallError as err:
        reason = err.message
        staged_write(config, lambda c, b, log, now: sealed_papers.refuse(
            c, b, log, sitting_id, reason, _operator(), now))
        raise failure(err) from err
    released = staged_write(config, lambda c, b, log, now: sealed_papers.release(
        c, b, log, sitting_id, key, _operator(), "code", now))
    click.echo(words_for(config)._(
        "released the paper of {exams} for sitting {id}; it can be started",
        exams=", ".join(released), id=sitting_id))


@sitting.command("end")
@click.argument("sitting_id")
@config_option
def sitting_end(sitting_id: str, config_path: str | None) -> None:
    """End the sitting; the serving hall submits every open session with what was saved."""
    config = hall_config(config_path)
    ended = staged_write(config, lambda c, b, log, now: conduct.end_sitting(
        c, b, log, sitting_id, _operator(), now))
    click.echo(words_for(config)._(
        "ended {name} at {time}; the hall submits open sessions with what was saved",
        name=ended.name, time=iso(ended.ended_at)))


@sitting.command("report")
@click.argument("sitting_id")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="register.pdf (to print and sign) or register.csv.")
@click.option("--language", metavar="TAG",
              help="The PDF's language, such as fr or ar (default: [hall] staff_language).")
@config_option
def sitting_report(sitting_id: str, output: Path, language: str | None, config_path: str | None) -> None:
    """The attendance register: one row per candidate, and the log's head when made."""
    config = hall_config(config_path)
    say = words_for(config)
    if output.suffix.lower() not in (".pdf", ".csv"):
        raise Refusal(say._("the register is written as .pdf or .csv"), say)

    found, rows, facts = _read(config, lambda c: register.read_register(
        c, data_key(config), config.hall.name, sitting_id, time.time()))
    if output.suffix.lower() == ".pdf":
        output.write_bytes(register_pdf(found, rows, facts, language or config.hall.staff_language))
    else:
        output.write_text(register_csv(found, rows, facts), encoding="utf-8", newline="")
    click.echo(say.ngettext(
        "wrote the register of {name} ({count} candidate) to {output}; log head {seq} {hash}",
        "wrote the register of {name} ({count} candidates) to {output}; log head {seq} {hash}",
        len(rows), name=found.name, output=output, seq=facts.head_seq, hash=facts.head_hash))


COMMANDS = (sitting,)
