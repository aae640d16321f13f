"""syncd's own files beside the hall: its note of the central, the daemon lock, the epoch signal.

syncd writes the hall database only to apply what the central sent down (`syncd.apply`, the
mark in the same commit). What it must remember of the exchange lives in `[sync] state_dir`:
- `state.json`: the central's last acknowledged high-water mark (a cache: the central is the
  truth), the batch in flight (so a retry is byte-identical), the newest hall event seen, last
  success and last error. Written atomically (write, fsync, rename).
- `syncd.lock`: held (flock) by the one syncd that pushes for this hall, with its pid inside.
- `epoch-request.json`: written when the hall's log disagrees with the central (a restored
  database); `hall serve` reads it at start and begins a new epoch (hallserver/domain/log/epochs.py).
"""

from __future__ import annotations

import fcntl
import json
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from hallserver.domain.log.epochs import EPOCH_REQUEST_FILE, STATE_FILE

STATE_VERSION = 1
LOCK_FILE = "syncd.lock"


@dataclass
class SyncState:
    """What syncd remembers between runs."""

    hall_id: str | None = None
    central_id: str | None = None
    central: dict[str, Any] | None = None     # {"epoch", "high_water_mark", "head_hash"}
    hall_head: dict[str, Any] | None = None   # {"epoch", "seq", "hash"}: newest hall event read
    pending: dict[str, Any] | None = None     # {"epoch", "first_seq", "last_seq", "base"}
    last_success_at: float | None = None
    last_error: str | None = None
    last_error_at: float | None = None
    backlog: dict[str, int] = field(default_factory=lambda: {"events": 0, "sessions": 0})
    waiting_for_epoch: int | None = None      # the hall epoch that must end before pushing on
    down: dict[str, Any] | None = None        # {"mark", "applied_at", "refused", "refused_at"}

    def to_json(self) -> dict[str, Any]:
        """The file's content."""
        return {"version": STATE_VERSION, **asdict(self)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SyncState:
        """Reads the file's content; unknown keys are ignored."""
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in data.items() if k in known})

    def succeeded(self) -> None:
        """Notes a successful exchange with the central."""
        self.last_success_at = time.time()

    def failed(self, message: str) -> None:
        """Notes the last error."""
        self.last_error, self.last_error_at = message, time.time()


def _write_atomically(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


class StateDir:
    """The directory of syncd's files for one hall."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def ensure(self) -> None:
        """Makes the directory (0700: it names the central and the hall's progress)."""
        self.path.mkdir(mode=0o700, parents=True, exist_ok=True)

    def load(self) -> SyncState:
        """The saved state, or a fresh one."""
        try:
            data = json.loads((self.path / STATE_FILE).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return SyncState()
        except ValueError:
            return SyncState(last_error="state.json was unreadable and was started afresh")
        return SyncState.from_json(data)

    def save(self, state: SyncState) -> None:
        """Writes the state atomically."""
        self.ensure()
        _write_atomically(self.path / STATE_FILE,
                          json.dumps(state.to_json(), indent=2, sort_keys=True).encode())

    def request_epoch(self, hall_id: str, hall_epoch: int, central_epoch: int, reason: str) -> None:
        """Asks `hall serve` to begin a new epoch at its next start."""
        self.ensure()
        request = {"version": STATE_VERSION, "hall_id": hall_id, "hall_epoch": hall_epoch,
                   "central_epoch": central_epoch, "reason": reason, "requested_at": time.time()}
        _write_atomically(self.path / EPOCH_REQUEST_FILE, json.dumps(request, indent=2).encode())

    def epoch_request(self) -> dict[str, Any] | None:
        """The pending epoch request, if any."""
        try:
            return json.loads((self.path / EPOCH_REQUEST_FILE).read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            return None

    def clear_epoch_request(self) -> None:
        """Removes a request the hall has acted on."""
        (self.path / EPOCH_REQUEST_FILE).unlink(missing_ok=True)


class AlreadyRunning(Exception):
    """Another syncd holds this hall's lock."""


class DaemonLock:
    """One syncd per hall: an exclusive flock on `syncd.lock`, released when the process ends."""

    def __init__(self, state_dir: StateDir) -> None:
        self._path = state_dir.path / LOCK_FILE
        self._state_dir = state_dir
        self._fd: int | None = None

    def acquire(self) -> None:
        """Takes the lock or raises AlreadyRunning naming the holder."""
        self._state_dir.ensure()
        fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as err:
            holder = os.read(fd, 32).decode(errors="replace").strip() or "?"
            os.close(fd)
            raise AlreadyRunning(f"another syncd (pid {holder}) is already pushing this hall; "
                                 "stop it first") from err
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        self._fd = fd

    def release(self) -> None:
        """Lets go of the lock."""
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def holder(self) -> int | None:
        """The pid of the syncd holding the lock, or None when none runs."""
        try:
            fd = os.open(self._path, os.O_RDONLY)
        except FileNotFoundError:
            return None
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            text = os.read(fd, 32).decode(errors="replace").strip()
            return int(text) if text.isdigit() else -1
        finally:
            os.close(fd)
        return None
