"""`hall service` and `syncd service`: the systemd units that bring a hall back after a power cut.

The units are written into a directory of the test's own (this machine may run no systemd, and a
test must not enable anything); they are parsed as systemd reads them, and checked by
`systemd-analyze verify` where it is installed.
"""

from __future__ import annotations

import configparser
import os
import pwd
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from hallserver.cli import main as hall_main
from hallserver.setup_hall import CONFIG_NAME, init_hall
from syncd.cli import main as syncd_main

BIN = Path(sys.executable).parent
AS_ROOT = os.geteuid() == 0
# The unprivileged owner of the test's hall: the user running the tests, or `nobody` for root.
OWNER = "nobody" if AS_ROOT else pwd.getpwuid(os.geteuid()).pw_name


def command(main, *args: str) -> Result:  # noqa: ANN001
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def install(main, hall_dir: Path, units: Path, *extra: str) -> Result:  # noqa: ANN001
    """`hall|syncd service install` of the hall in `hall_dir`, writing into `units`."""
    return command(main, "service", "install", "--config", str(hall_dir / CONFIG_NAME),
                   "--unit-dir", str(units), *extra)


@pytest.fixture
def hall_dir(tmp_path) -> Path:
    """A new hall directory owned by an unprivileged user."""
    directory = tmp_path / "hall-data"
    init_hall(directory, name="Hall A", tls=True)
    if AS_ROOT:
        shutil.chown(directory, OWNER)
    return directory


def read_unit(path: Path) -> configparser.ConfigParser:
    unit = configparser.ConfigParser(interpolation=None, strict=True)
    unit.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    unit.read_string(path.read_text(encoding="utf-8"))
    return unit


def verify(path: Path) -> None:
    """systemd's own check of a unit file, when this machine has it."""
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed here; the unit was checked key by key only")
    done = subprocess.run([analyze, "verify", str(path)], capture_output=True, text=True,
                          check=False, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr


def test_hall_service_install_writes_a_unit_that_restarts_after_the_network(hall_dir, tmp_path):
    config = hall_dir / CONFIG_NAME
    units = tmp_path / "units"
    result = install(hall_main, hall_dir, units)
    assert result.exit_code == 0, result.output
    path = units / "examhall.service"
    assert f"wrote {path}" in result.output
    # Not /etc/systemd/system: nothing is enabled, and it says what to run on the hall machine.
    assert "nothing was enabled" in result.output
    assert "systemctl enable --now examhall.service" in result.output

    unit = read_unit(path)
    assert unit["Unit"]["After"] == "network-online.target"
    assert unit["Unit"]["Wants"] == "network-online.target"
    service = unit["Service"]
    assert service["ExecStart"] == f"{BIN / 'hall'} serve --config {config}"
    assert service["Restart"] == "on-failure"
    assert unit["Unit"]["StartLimitIntervalSec"] == "0"  # keeps trying while the LAN comes up
    assert service["User"] == OWNER
    assert service["WorkingDirectory"] == str(hall_dir)
    assert service["ReadWritePaths"] == str(hall_dir)
    assert service["NoNewPrivileges"] == "yes" and service["ProtectSystem"] == "strict"
    assert service["CapabilityBoundingSet"] == ""  # port 8443 needs no capability
    assert unit["Install"]["WantedBy"] == "multi-user.target"
    verify(path)


def test_syncd_service_install_runs_the_daemon_of_the_same_hall(hall_dir, tmp_path):
    config = hall_dir / CONFIG_NAME
    units = tmp_path / "units"
    result = install(syncd_main, hall_dir, units)
    assert result.exit_code == 0, result.output
    unit = read_unit(units / "examhall-syncd.service")
    assert unit["Service"]["ExecStart"] == f"{BIN / 'syncd'} run --config {config}"
    assert unit["Service"]["Restart"] == "on-failure"
    assert unit["Service"]["User"] == OWNER
    assert unit["Unit"]["After"] == "network-online.target"
    verify(units / "examhall-syncd.service")


def test_print_shows_the_unit_and_writes_nothing(hall_dir, tmp_path):
    result = install(hall_main, hall_dir, tmp_path / "units", "--print")
    assert result.exit_code == 0, result.output
    assert "[Service]" in result.output and "Restart=on-failure" in result.output
    assert not (tmp_path / "units").exists()


def test_service_remove_deletes_the_unit(hall_dir, tmp_path):
    units = tmp_path / "units"
    install(hall_main, hall_dir, units)
    removed = command(hall_main, "service", "remove", "--unit-dir", str(units))
    assert removed.exit_code == 0, removed.output
    assert not (units / "examhall.service").exists()
    again = command(hall_main, "service", "remove", "--unit-dir", str(units))
    assert again.exit_code == 1 and "there is no" in again.output


def test_a_user_who_does_not_own_the_hall_is_refused(hall_dir, tmp_path):
    other = "root" if not AS_ROOT else "daemon"
    result = install(hall_main, hall_dir, tmp_path / "units", "--user", other)
    assert result.exit_code == 1
    assert f"belongs to {OWNER}" in result.output or "must not run as root" in result.output
    assert not (tmp_path / "units").exists()


@pytest.mark.skipif(not AS_ROOT, reason="only root can make a hall directory that root owns")
def test_a_hall_owned_by_root_is_refused_with_what_to_do(tmp_path):
    directory = tmp_path / "hall-data"
    init_hall(directory, name="Hall A", tls=True)
    result = install(hall_main, directory, tmp_path / "units")
    assert result.exit_code == 1
    assert "must not run as root" in result.output and "useradd --system" in result.output
    assert not (tmp_path / "units").exists()
