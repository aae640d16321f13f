"""The `syncd` command: hall side (enroll, once, run, status) and `syncd central ...`. No logic."""

from __future__ import annotations

import asyncio
import json
import shlex
import logging
import sys
import time
from typing import Any

import click

from hallserver.cli.common import config_option, data_key, hall_config
from hallserver.cli.service import syncd_service
from hallserver.cli.words import N_, Refusal, words_for
from examkit.words import Words
from syncd import daemon
from syncd.central.cli import central
from syncd.hall_log import HallLog, HallLogError
from examkit.settings import write_value
from hallserver.config import locate
from syncd.errors import SyncError
from syncd.protocol import key_fingerprint, load_public_key, public_key_hex
from syncd.signing import ensure_signing_key, key_path
from syncd.state import AlreadyRunning

PREFIX = "syncd: "   # what the operator's lines start with, in every language


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """syncd: sends this hall's sessions to the central, and runs the central.

    \b
    Once:        syncd enroll     (give its output to the central's admin)
    Exam day:    syncd run        (beside `hall serve`)
    Catch up:    syncd once --timeout 600
    Look:        syncd status
    At boot:     syncd service install   (a systemd unit)
    Central:     syncd central --help
    """
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)


def _hall_id(config: Any) -> str:
    try:
        log = HallLog(config.database_path, data_key(config), config.storage.busy_timeout_ms)
    except (HallLogError, FileNotFoundError) as err:
        raise click.ClickException(str(err)) from err
    log.close()
    return log.hall_id


def _learn_central_key(config_path: str | None, central_key: str) -> None:
    """Writes the central's public key to [sync] central_public_key, checked first."""
    try:
        load_public_key(central_key.strip().lower())
    except SyncError as err:
        raise click.ClickException(f"--central-key: {err.message}") from err
    write_value(locate(config_path), "sync", "central_public_key", central_key.strip().lower())


@main.command()
@config_option
@click.option("--central-key", metavar="HEX",
              help="The central's public key (printed by `syncd central init` and `enroll-hall`):"
                   " written to [sync] central_public_key, so packages from it are trusted.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def enroll(config_path: str | None, central_key: str | None, as_json: bool) -> None:
    """Print what the central needs to enroll this hall (makes the hall's key once)."""
    if central_key is not None:
        _learn_central_key(config_path, central_key)
    config = hall_config(config_path)
    hall_id = _hall_id(config)
    key, made = ensure_signing_key(config.secrets_dir)
    public = public_key_hex(key)
    info = {"hall_id": hall_id, "public_key": public, "fingerprint": key_fingerprint(public),
            "name": config.hall.name}
    if as_json:
        click.echo(json.dumps(info))
        return
    say = words_for(config)
    if made:
        made_key = str(key_path(config.secrets_dir)) + " (0600)"
        click.echo(say._("made {item}", item=made_key), err=True)
    central_key = (say._("{key} (packages signed by it apply)", key=config.sync.central_public_key)
                   if config.sync.central_public_key else
                   say._("not learned yet; run `syncd enroll --central-key HEX` with the key the "
                         "central prints, or nothing comes down"))
    _table(say, [(N_("hall id"), hall_id), (N_("public key"), public),
                 (N_("fingerprint"), info["fingerprint"])])
    command = f"syncd central enroll-hall {hall_id} {public} --name {shlex.quote(config.hall.name)}"
    click.echo("\n" + say._("On the central: {command}", command=command))
    _table(say, [(N_("central key"), central_key)])


def _table(say: Words, rows: list[tuple[str, Any]]) -> None:
    """Label: value lines, the values lined up, the labels in the operator's words."""
    labels = [say._(label) + ":" for label, _ in rows]
    width = max(len(label) for label in labels) + 1
    for label, (_, value) in zip(labels, rows, strict=True):
        click.echo(f"{label.ljust(width)}{value}")


class _Bar:
    """A progress bar on a terminal; nothing otherwise."""

    def __init__(self, label: str) -> None:
        self._bar: Any = None
        self._done = 0
        self._label = label

    def __call__(self, acknowledged: int, head: int) -> None:
        if not sys.stdout.isatty():
            return
        if self._bar is None:
            self._bar = click.progressbar(length=max(head, 1), label=self._label)
            self._bar.__enter__()
        self._bar.length = max(head, 1)
        self._bar.update(acknowledged - self._done)
        self._done = acknowledged

    def close(self) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)


@main.command()
@config_option
@click.option("--timeout", type=float, default=600, show_default=True,
              help="Give up (exit 1) when the central does not hold everything after this long.")
def once(config_path: str | None, timeout: float) -> None:
    """Send everything the central does not hold yet, then apply what it published for this hall,
    then exit (0: both are done)."""
    config = hall_config(config_path)
    say = words_for(config)
    bar = _Bar(say._("sending events"))
    started = time.monotonic()
    try:
        sent, applied = asyncio.run(daemon.once(config, timeout, bar))
    except (daemon.SyncFailed, AlreadyRunning) as err:
        raise Refusal(str(err), say) from err
    finally:
        bar.close()
    seconds = format(time.monotonic() - started, ".1f")
    click.echo(PREFIX + say._("the central holds every event ({count} sent in {seconds} s)",
                              count=sent, seconds=seconds))
    if config.sync.central_public_key:
        click.echo(PREFIX + say._("this hall holds everything the central published for it "
                                  "({count} item(s) applied)", count=applied))
    else:
        click.echo(PREFIX + say._("nothing fetched from the central: [sync] central_public_key is "
                                  "not set (`syncd enroll --central-key HEX`)"))


@main.command()
@config_option
def run(config_path: str | None) -> None:
    """Run the daemon: send new events as they come; back off while the uplink is down."""
    config = hall_config(config_path)
    try:
        asyncio.run(daemon.run(config))
    except (daemon.SyncFailed, AlreadyRunning) as err:
        raise click.ClickException(str(err)) from err


def _status(config: Any) -> dict[str, Any]:
    state = daemon.state_dir_of(config).load()
    central = state.central or {}
    report: dict[str, Any] = {
        "hall_id": state.hall_id, "central_url": config.sync.central_url,
        "central_id": state.central_id, "acknowledged": central or None,
        "last_success_at": state.last_success_at, "last_error": state.last_error,
        "last_error_at": state.last_error_at, "daemon_pid": daemon.lock_holder(config),
        "waiting_for_epoch": state.waiting_for_epoch, "down": state.down}
    try:
        log = HallLog(config.database_path, data_key(config), config.storage.busy_timeout_ms)
        try:
            events, sessions = log.backlog(int(central.get("high_water_mark") or 0))
            report.update(hall_id=log.hall_id, epoch=log.epoch,
                          backlog={"events": events, "sessions": sessions},
                          down_mark=log.down_mark())
        finally:
            log.close()
    except (HallLogError, FileNotFoundError) as err:
        report["backlog"] = None
        report["hall_error"] = str(err)
    report["daemon_running"] = report["daemon_pid"] is not None
    return report


def _when(stamp: float | None, say: Words) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(stamp)) if stamp else say._("never")


@main.command()
@config_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def status(config_path: str | None, as_json: bool) -> None:
    """Backlog, the central's last acknowledged mark, last success and error, the daemon."""
    config = hall_config(config_path)
    report = _status(config)
    if as_json:
        click.echo(json.dumps(report, indent=2))
        return
    say = words_for(config)
    backlog = report.get("backlog") or {}
    mark = report["acknowledged"] or {}
    down = report.get("down") or {}
    refused = say._("; REFUSED: {reason} ({when})", reason=down.get("refused"),
                    when=_when(down.get("refused_at"), say)) if down.get("refused") else ""
    failed_at = f" ({_when(report['last_error_at'], say)})" if report["last_error_at"] else ""
    pid = report["daemon_pid"]
    _table(say, [
        (N_("hall"), say._("{hall_id} (epoch {epoch})", hall_id=report["hall_id"],
                           epoch=report.get("epoch", "?"))),
        (N_("central"), report["central_url"] or say._("(not set)")),
        (N_("acknowledged"), say._("up to event {mark} of epoch {epoch}",
                                   mark=mark.get("high_water_mark", 0), epoch=mark.get("epoch", 0))),
        (N_("backlog"), say._("{events} events of {sessions} sessions",
                              events=backlog.get("events", "?"),
                              sessions=backlog.get("sessions", "?"))),
        (N_("from central"), say._("applied up to item {mark}", mark=report.get("down_mark", "?"))
         + refused),
        (N_("last success"), _when(report["last_success_at"], say)),
        (N_("last error"), (report["last_error"] or say._("none")) + failed_at),
        (N_("daemon"), say._("running (pid {pid})", pid=pid) if pid else say._("not running"))])


main.add_command(central)
main.add_command(syncd_service)
