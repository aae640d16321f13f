"""The hall's clock: the one place the server reads the time (the server owns the clock)."""

from __future__ import annotations

import time

from examkit.times import iso  # noqa: F401 - the hall's modules read times from here


class Clock:
    """Wall-clock seconds since the epoch; tests give the app a clock they can move."""

    def now(self) -> float:
        """Seconds since the epoch, UTC."""
        return time.time()


class SettableClock(Clock):
    """A clock that stands still until told to move: for tests of deadlines."""

    def __init__(self, start: float | None = None) -> None:
        self._now = time.time() if start is None else start

    def now(self) -> float:
        """The time it was set to."""
        return self._now

    def advance(self, seconds: float) -> None:
        """Moves the clock forward."""
        self._now += seconds
