"""The `syncd` command: hall side (enroll, once, run, status) and `syncd central ...`. No logic."""

from __future__ import annotations

import asyncio
import json
import logging
import sys
import time
from typing import Any

import click

from hallserver.cli.common import config_option, data_key, hall_config
from syncd import daemon
from syncd.central.cli import central
from syncd.hall_log import HallLog, HallLogError
from syncd.protocol import key_fingerprint, public_key_hex
from syncd.signing import ensure_signing_key, key_path
from syncd.state import AlreadyRunning


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """syncd: sends this hall's sessions to the central, and runs the central.

    \b
    Once:        syncd enroll     (give its output to the central's admin)
    Exam day:    syncd run        (beside `hall serve`)
    Catch up:    syncd once --timeout 600
    Look:        syncd status
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


@main.command()
@config_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def enroll(config_path: str | None, as_json: bool) -> None:
    """Print what the central needs to enroll this hall (makes the hall's key once)."""
    config = hall_config(config_path)
    hall_id = _hall_id(config)
    key, made = ensure_signing_key(config.secrets_dir)
    public = public_key_hex(key)
    info = {"hall_id": hall_id, "public_key": public, "fingerprint": key_fingerprint(public)}
    if as_json:
        click.echo(json.dumps(info))
        return
    if made:
        click.echo(f"made {key_path(config.secrets_dir)} (0600)", err=True)
    click.echo(f"hall id:     {hall_id}\npublic key:  {public}\nfingerprint: {info['fingerprint']}")
    click.echo(f"\nOn the central: syncd central enroll-hall {hall_id} {public}")


class _Bar:
    """A progress bar on a terminal; nothing otherwise."""

    def __init__(self) -> None:
        self._bar: Any = None
        self._done = 0

    def __call__(self, acknowledged: int, head: int) -> None:
        if not sys.stdout.isatty():
            return
        if self._bar is None:
            self._bar = click.progressbar(length=max(head, 1), label="sending events")
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
    """Send everything the central does not hold yet, then exit (0: it holds it all)."""
    config = hall_config(config_path)
    bar = _Bar()
    started = time.monotonic()
    try:
        sent = asyncio.run(daemon.once(config, timeout, bar))
    except (daemon.SyncFailed, AlreadyRunning) as err:
        raise click.ClickException(str(err)) from err
    finally:
        bar.close()
    click.echo(f"syncd: the central holds every event ({sent} sent in "
               f"{time.monotonic() - started:.1f} s)")


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
        "waiting_for_epoch": state.waiting_for_epoch}
    try:
        log = HallLog(config.database_path, data_key(config), config.storage.busy_timeout_ms)
        try:
            events, sessions = log.backlog(int(central.get("high_water_mark") or 0))
            report.update(hall_id=log.hall_id, epoch=log.epoch,
                          backlog={"events": events, "sessions": sessions})
        finally:
            log.close()
    except (HallLogError, FileNotFoundError) as err:
        report["backlog"] = None
        report["hall_error"] = str(err)
    report["daemon_running"] = report["daemon_pid"] is not None
    return report


def _when(stamp: float | None) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(stamp)) if stamp else "never"


@main.command()
@config_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def status(config_path: str | None, as_json: bool) -> None:
    """Backlog, the central's last acknowledged mark, last success and error, the daemon."""
    report = _status(hall_config(config_path))
    if as_json:
        click.echo(json.dumps(report, indent=2))
        return
    backlog = report.get("backlog") or {}
    mark = report["acknowledged"] or {}
    click.echo(f"hall:          {report['hall_id']} (epoch {report.get('epoch', '?')})")
    click.echo(f"central:       {report['central_url'] or '(not set)'}")
    click.echo(f"acknowledged:  up to event {mark.get('high_water_mark', 0)} of epoch "
               f"{mark.get('epoch', 0)}")
    click.echo(f"backlog:       {backlog.get('events', '?')} events of "
               f"{backlog.get('sessions', '?')} sessions")
    click.echo(f"last success:  {_when(report['last_success_at'])}")
    click.echo(f"last error:    {report['last_error'] or 'none'}"
               + (f" ({_when(report['last_error_at'])})" if report["last_error_at"] else ""))
    pid = report["daemon_pid"]
    click.echo(f"daemon:        {'running (pid %s)' % pid if pid else 'not running'}")


main.add_command(central)
