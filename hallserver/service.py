"""systemd units for the hall and for syncd: back by themselves after a power cut.

One place writes, enables and removes the unit of either program (`hall service ...`, `syncd
service ...`): started after the network is up, restarted on failure, as an unprivileged user that
owns the hall directory, with the file system read-only but for the hall's own directories.
"""

from __future__ import annotations

import grp
import pwd
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

UNIT_DIR = Path("/etc/systemd/system")
SYSTEMD_RUNNING = Path("/run/systemd/system")  # sd_booted(): present only when systemd is PID 1
PRIVILEGED_PORTS = 1024
# The hall and syncd hold thousands of connections at the start of a sitting.
OPEN_FILES = 65536
HARDENING = (
    ("NoNewPrivileges", "yes"),
    ("ProtectSystem", "strict"),
    ("ProtectHome", "read-only"),
    ("PrivateDevices", "yes"),
    ("ProtectKernelTunables", "yes"),
    ("ProtectKernelModules", "yes"),
    ("ProtectKernelLogs", "yes"),
    ("ProtectControlGroups", "yes"),
    ("ProtectClock", "yes"),
    ("ProtectHostname", "yes"),
    ("RestrictSUIDSGID", "yes"),
    ("RestrictRealtime", "yes"),
    ("RestrictNamespaces", "yes"),
    ("LockPersonality", "yes"),
    ("SystemCallArchitectures", "native"),
    # Local sockets (between the hall's processes), IP, and netlink to list the LAN's addresses.
    ("RestrictAddressFamilies", "AF_UNIX AF_INET AF_INET6 AF_NETLINK"),
    ("UMask", "0077"),
)


class ServiceError(Exception):
    """The unit cannot be written or removed as asked; the message says what to do."""


@dataclass(frozen=True)
class Unit:
    """One program's unit: what it runs, as whom, where it may write."""

    name: str  # e.g. examhall.service
    description: str
    exec_start: tuple[str, ...]
    user: str
    working_directory: Path
    writable: tuple[Path, ...]
    privileged_port: bool = False

    def render(self) -> str:
        """The unit file's text."""
        service = [
            ("Type", "simple"),
            ("User", self.user),
            ("Group", _group_of(self.user)),
            ("WorkingDirectory", str(self.working_directory)),
            ("Environment", "PYTHONUNBUFFERED=1"),
            ("ExecStart", " ".join(_quoted(word) for word in self.exec_start)),
            ("Restart", "on-failure"),
            ("RestartSec", "3"),
            # SIGTERM lets the program finish the saves in progress before it exits.
            ("KillSignal", "SIGTERM"),
            ("TimeoutStopSec", "60"),
            ("LimitNOFILE", str(OPEN_FILES)),
            *HARDENING,
            *self._private_tmp(),
            ("ReadWritePaths", " ".join(_quoted(str(path)) for path in self.writable)),
            *self._capabilities(),
        ]
        return "\n".join([
            "# Written by examhall (`hall service install` / `syncd service install`).",
            "[Unit]", f"Description={self.description}",
            "After=network-online.target", "Wants=network-online.target",
            # Never give up restarting (a start limit would leave the hall down for good if the
            # LAN came up slowly after a power cut); RestartSec keeps it from a tight loop.
            "StartLimitIntervalSec=0", "",
            "[Service]", *(f"{key}={value}" for key, value in service), "",
            "[Install]", "WantedBy=multi-user.target", ""])

    def _private_tmp(self) -> list[tuple[str, str]]:
        # A private /tmp would hide a hall kept in /tmp (a trial; it will not survive a reboot).
        if any(Path(tmp) in (self.working_directory, *self.working_directory.parents)
               for tmp in ("/tmp", "/var/tmp")):
            return []
        return [("PrivateTmp", "yes")]

    def _capabilities(self) -> list[tuple[str, str]]:
        if not self.privileged_port:
            return [("CapabilityBoundingSet", "")]
        return [("CapabilityBoundingSet", "CAP_NET_BIND_SERVICE"),
                ("AmbientCapabilities", "CAP_NET_BIND_SERVICE")]


def _quoted(word: str) -> str:
    """One word of a systemd command line or path list (systemd's quoting, not a shell's)."""
    if word and not any(c in word for c in ' \t"\'\\$%;'):
        return word
    return '"' + word.replace("\\", "\\\\").replace('"', '\\"').replace("%", "%%") \
        .replace("$", "$$") + '"'


def _group_of(user: str) -> str:
    return grp.getgrgid(pwd.getpwnam(user).pw_gid).gr_name


def program_path(name: str) -> Path:
    """This installation's console script `name` (the venv's, not whichever is first on PATH)."""
    beside = Path(sys.executable).parent / name
    found = beside if beside.is_file() else shutil.which(name)
    if not found:
        raise ServiceError(f"cannot find the `{name}` program of this installation")
    return Path(found).absolute()


def service_user(directory: Path, user: str | None) -> str:
    """The unprivileged user the unit runs as: `user`, else the owner of the hall directory."""
    owner = pwd.getpwuid(directory.stat().st_uid).pw_name
    chosen = user or owner
    try:
        uid = pwd.getpwnam(chosen).pw_uid
    except KeyError as err:
        raise ServiceError(f"no user {chosen!r} on this machine; make one first: "
                           f"useradd --system --home-dir {directory} {chosen}") from err
    if uid == 0:
        raise ServiceError(
            f"{directory} belongs to root, and the hall must not run as root. Make an "
            f"unprivileged user and give it the directory: useradd --system examhall && "
            f"chown -R examhall: {directory}; then add --user examhall")
    if chosen != owner:
        raise ServiceError(f"{directory} belongs to {owner}, not {chosen}: the service could not "
                           f"write to it. Run chown -R {chosen}: {directory} first.")
    return chosen


@dataclass(frozen=True)
class Outcome:
    """What installing or removing did, for the command to say."""

    unit_path: Path
    enabled: bool
    next_steps: tuple[str, ...] = ()


def systemd_running() -> bool:
    """Whether this machine was booted with systemd (not so in most containers)."""
    return SYSTEMD_RUNNING.is_dir() and shutil.which("systemctl") is not None


def install(unit: Unit, unit_dir: Path = UNIT_DIR) -> Outcome:
    """Writes the unit; enables and starts it when systemd runs here."""
    path = unit_dir / unit.name
    try:
        unit_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(unit.render(), encoding="utf-8")
        path.chmod(0o644)
    except PermissionError as err:
        raise ServiceError(f"cannot write {path}: {err.strerror}; run it as root "
                           "(sudo, with the same arguments)") from err
    steps = ("systemctl daemon-reload", f"systemctl enable --now {unit.name}")
    return _systemctl(path, steps)


def remove(name: str, unit_dir: Path = UNIT_DIR) -> Outcome:
    """Stops and disables the unit when systemd runs here, then deletes its file."""
    path = unit_dir / name
    if not path.exists():
        raise ServiceError(f"there is no {path} to remove")
    outcome = _systemctl(path, (f"systemctl disable --now {name}",))
    try:
        path.unlink()
    except PermissionError as err:
        raise ServiceError(f"cannot remove {path}: {err.strerror}; run it as root") from err
    if outcome.enabled:
        subprocess.run(["systemctl", "daemon-reload"], check=False, capture_output=True)
        return outcome
    return Outcome(path, False, (*outcome.next_steps, "systemctl daemon-reload"))


def _systemctl(path: Path, steps: tuple[str, ...]) -> Outcome:
    """Runs `steps` when systemd runs here and reads `path`; else says them for later."""
    if not systemd_running() or path.parent != UNIT_DIR:
        return Outcome(path, False, steps)
    for step in steps:
        done = subprocess.run(step.split(), capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise ServiceError(f"`{step}` failed: {done.stderr.strip() or done.stdout.strip()}")
    return Outcome(path, True)
