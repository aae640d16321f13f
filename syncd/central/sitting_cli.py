"""`syncd central sitting ...`: publish a sitting to a hall, change it before it starts, end it
once started, list them.

No logic here: `syncd.central.sittings` does it, as it does for the central's API.
"""

from __future__ import annotations

import getpass
import json
import time
from pathlib import Path
from typing import Any

import click

from examkit.sitting_rules import POLICIES, read_registration_numbers
from examkit.times import iso
from syncd.central.cli_common import central_config_option, central_words, config, with_store
from syncd.errors import SyncError



def _operator() -> str:
    return f"{getpass.getuser()} (central command)"


def _registration_numbers(path: Path | None) -> list[str] | None:
    if path is None:
        return None
    try:
        return read_registration_numbers(path)
    except ValueError as err:
        raise click.ClickException(str(err)) from err


@click.group("sitting")
def sitting_group() -> None:
    """Sittings planned here and sent down to their hall at its next contact."""


@sitting_group.command("create")
@click.option("--hall", "hall_id", required=True, help="The hall that holds it (its hall id).")
@click.option("--exam", "exam_id", required=True, help="An exam of the bank.")
@click.option("--starts", required=True, help="Scheduled start, ISO 8601 (no offset: local time).")
@click.option("--name", help="Its name (default: the exam's title).")
@click.option("--policy", type=click.Choice(POLICIES), help="common_end (default) or own_clock.")
@click.option("--late-entry-minutes", type=int, help="Late arrivals may start until then.")
@click.option("--check-in-minutes", type=int, help="Check-in opens this long before the start.")
@click.option("--instructions", help="Shown to candidates while they wait.")
@click.option("--candidates", "candidates_csv", type=click.Path(dir_okay=False, path_type=Path),
              help="A CSV naming registration_number (default: every candidate of the exam).")
@click.option("--sealed", is_flag=True,
              help="Send the paper encrypted; the hall opens it on release (see `sitting code`).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@central_config_option
def sitting_create(hall_id: str, exam_id: str, starts: str, name: str | None,
                   policy: str | None, late_entry_minutes: int | None,
                   check_in_minutes: int | None, instructions: str | None,
                   candidates_csv: Path | None, sealed: bool, as_json: bool,
                   config_path: str | None) -> None:
    """Publish a sitting to a hall: the exam, its candidates (PIN hashes only), the sitting."""
    from syncd.central import sittings  # the hall's sitting rules: see its docstring
    values: dict[str, Any] = {
        "hall_id": hall_id, "exam_id": exam_id, "starts": starts, "name": name,
        "policy": policy, "late_entry_minutes": late_entry_minutes,
        "check_in_minutes": check_in_minutes, "instructions": instructions,
        "registration_numbers": _registration_numbers(candidates_csv), "sealed": sealed}
    try:
        plan = sittings.plan_of(values)
    except SyncError as err:
        raise click.ClickException(err.message) from err
    central = config(config_path)
    made = with_store(central, lambda s: sittings.publish_sitting(
        s, plan, _operator(), time.time()))
    if as_json:
        click.echo(json.dumps(made))
        return
    click.echo(central_words(central)._(
        "published sitting {id} to hall {hall_id}: exam {exam}, {count} candidate(s); the hall "
        "receives it at its next contact", id=made["id"], hall_id=hall_id, exam=exam_id,
        count=made["candidates"]))
    if sealed:
        click.echo(central_words(central)._(
            "the paper is sealed: `syncd central sitting code {id}` prints its release code, "
            "`syncd central sitting release {id}` releases it", id=made["id"]))


@sitting_group.command("change")
@click.argument("sitting_id")
@click.option("--starts", help="A new scheduled start, ISO 8601.")
@click.option("--name", help="A new name.")
@click.option("--policy", type=click.Choice(POLICIES), help="A new timing policy.")
@click.option("--late-entry-minutes", type=int, help="A new late-entry window.")
@click.option("--check-in-minutes", type=int, help="When check-in opens, before the start.")
@click.option("--instructions", help="New instructions for the waiting candidates.")
@central_config_option
def sitting_change(sitting_id: str, starts: str | None, name: str | None, policy: str | None,
                   late_entry_minutes: int | None, check_in_minutes: int | None,
                   instructions: str | None, config_path: str | None) -> None:
    """Change a sitting before its hall starts it (refused once the hall reported its start)."""
    from syncd.central import sittings  # the hall's sitting rules: see its docstring
    changes: dict[str, Any] = {k: v for k, v in (
        ("name", name), ("policy", policy), ("late_entry_minutes", late_entry_minutes),
        ("check_in_minutes", check_in_minutes), ("instructions", instructions))
        if v is not None}
    try:
        if starts is not None:
            changes["starts_at"] = sittings.parse_starts(starts)
    except SyncError as err:
        raise click.ClickException(err.message) from err
    central = config(config_path)
    with_store(central, lambda s: sittings.change_sitting(
        s, sitting_id, changes, _operator(), time.time()))
    click.echo(central_words(central)._("published the change of sitting {id}", id=sitting_id))


@sitting_group.command("end")
@click.argument("sitting_id")
@central_config_option
def sitting_end(sitting_id: str, config_path: str | None) -> None:
    """End a sitting its hall started: the hall ends it at its next contact, as its invigilator's
    end would (open sessions submitted with what was saved)."""
    from syncd.central import sittings  # the hall's sitting rules: see its docstring
    central = config(config_path)
    ended = with_store(central, lambda s: sittings.end_sitting(
        s, sitting_id, _operator(), time.time()))
    say = central_words(central)
    if ended["already"] == "ended":
        click.echo(say._("hall {hall_id} reported sitting {id} ended at {time}; nothing was sent",
                         hall_id=ended["hall_id"], id=sitting_id, time=iso(ended["ended_at"])))
    elif ended["already"] == "end_sent":
        click.echo(say._("the end of sitting {id} was sent at {time} by {by}; the hall ends it at "
                         "its next contact", id=sitting_id, time=iso(ended["end_sent_at"]),
                         by=ended["end_sent_by"]))
    else:
        click.echo(say._("sent the end of sitting {id}; the hall ends it at its next contact",
                         id=sitting_id))


@sitting_group.command("list")
@click.option("--hall", "hall_id", help="Only this hall's sittings.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@central_config_option
def sitting_list(hall_id: str | None, as_json: bool, config_path: str | None) -> None:
    """Every sitting published: hall, exam, start, state, and whether the hall received it."""
    from syncd.central import sittings  # the hall's sitting rules: see its docstring
    central = config(config_path)
    rows = with_store(central, lambda s: s.read(sittings.list_sittings, hall_id))
    if as_json:
        click.echo(json.dumps({"version": 1, "sittings": rows}, indent=2))
        return
    say = central_words(central)
    for row in rows:
        received = say._("received") if row["received"] else say._("not received yet")
        sealed = ("" if not row["sealed"] else "\t" + say._("released") if row["released_at"]
                  else "\t" + say._("sealed"))
        ending = ("\t" + say._("end sent") if row["end_sent_at"] and row["state"] != "ended"
                  else "")
        click.echo(f"{row['id']}\t{row['state']}\t{iso(row['starts_at'])}\t{row['exam_id']}\t"
                   f"{row['hall_name'] or row['hall_id']}\t{received}\t{row['name']}{sealed}"
                   f"{ending}")


@sitting_group.command("code")
@click.argument("sitting_id")
@central_config_option
def sitting_code(sitting_id: str, config_path: str | None) -> None:
    """Print a sealed sitting's release code, to read to the hall's chief invigilator."""
    from syncd.central import sealed_papers
    click.echo(with_store(config(config_path), lambda s: s.read(
        sealed_papers.release_code, s.key, sitting_id)))


@sitting_group.command("release")
@click.argument("sitting_id")
@central_config_option
def sitting_release(sitting_id: str, config_path: str | None) -> None:
    """Release a sealed sitting's paper: its hall opens it at its next contact."""
    from syncd.central import sealed_papers
    central = config(config_path)
    with_store(central, lambda s: sealed_papers.release(s, sitting_id, _operator(), time.time()))
    click.echo(central_words(central)._(
        "released the paper of sitting {id}; the hall opens it at its next contact", id=sitting_id))
