"""The notice board: what the hall tells candidates' pages at once, pushed, not found by a poll.

A notice is for one candidate (an invigilator paused, resumed, extended, submitted or moved their
exam) or for the whole hall (the hall paused or resumed, a sitting started or ended). Notices are
published only once their change is on disk (`publish_on_commit`, or a caller's own
`batch.on_commit`), so a page never acts on a change the hall could still lose.

Notices are numbered within one run of the server (`<boot>-<n>`, the live feed's ring: see
feed.py) and kept in memory only. A page keeps a long poll open (GET /student/notices?after=V);
it is answered as soon as a notice for its candidate follows V, or at once with `reset` when V is
from another run of the server or older than the ring: the page then asks the hall for the state
itself, so a restart or a long disconnection loses nothing. Memory stays bounded for a hall of a
thousand: the ring holds CAPACITY notices, and a wake-up exists only for a candidate whose page
is waiting right now.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from hallserver.domain.invigilation.feed import NumberedRing, wait_for_wake

CAPACITY = 8_192     # a page further behind than this is told to reset
WAIT_SECONDS = 20.0  # a long poll's longest wait; the page asks again at once


class _Commits(Protocol):
    """A job's unit of work (or its batch): runs callbacks once its transaction is on disk."""

    def on_commit(self, callback: Callable[[], None]) -> None: ...


@dataclass(frozen=True)
class Notice:
    """One notice: for one candidate, or for the whole hall (candidate_id None)."""

    number: int
    candidate_id: int | None
    kind: str
    data: dict[str, Any]


class _Wake:
    """The waiting pages of one candidate (one login may have several tabs or PCs)."""

    __slots__ = ("event", "waiting")

    def __init__(self) -> None:
        self.event = asyncio.Event()
        self.waiting = 0


class NoticeBoard:
    """Recent notices, and the candidates' pages waiting for the next ones."""

    def __init__(self, capacity: int = CAPACITY) -> None:
        self._ring: NumberedRing[Notice] = NumberedRing(capacity)
        self._wakes: dict[int, _Wake] = {}
        self._closed = False

    @property
    def version(self) -> str:
        """The version of the newest notice (a page that has seen it is up to date)."""
        return self._ring.last_id

    def publish_hall(self, kind: str, data: dict[str, Any]) -> None:
        """A notice for every candidate's page ("hall_paused", "sitting_started", ...)."""
        self._ring.add(lambda number: Notice(number, None, kind, data))
        self._wake_everyone()

    def publish_candidate(self, candidate_id: int, kind: str, data: dict[str, Any]) -> None:
        """A notice for one candidate's pages ("paused", "force_submitted", ...)."""
        self._ring.add(lambda number: Notice(number, candidate_id, kind, data))
        wake = self._wakes.pop(candidate_id, None)
        if wake is not None:
            wake.event.set()

    def publish_on_commit(self, work: _Commits, candidate_id: int | None, kind: str,
                          data: dict[str, Any]) -> None:
        """Publishes once the job's `work` is on disk (nothing, if the job fails); for the whole
        hall when `candidate_id` is None."""
        if candidate_id is None:
            work.on_commit(lambda: self.publish_hall(kind, data))
        else:
            work.on_commit(lambda: self.publish_candidate(candidate_id, kind, data))

    def close(self) -> None:
        """The hall is stopping: every waiting page is answered now, and none waits again."""
        self._closed = True
        self._wake_everyone()

    def _wake_everyone(self) -> None:
        wakes, self._wakes = self._wakes, {}
        for wake in wakes.values():
            wake.event.set()

    def waiting(self) -> int:
        """How many candidates have a page waiting now."""
        return len(self._wakes)

    def since(self, candidate_id: int, after: str | None) -> dict[str, Any]:
        """What a page that has seen `after` must learn now: {version, reset, notices}."""
        version = self.version
        found = self._ring.after(after)
        if found is None:
            return {"version": version, "reset": True, "notices": []}
        notices = [{"version": self._ring.item_id(notice), "kind": notice.kind,
                    "data": notice.data}
                   for notice in found if notice.candidate_id in (None, candidate_id)]
        return {"version": version, "reset": False, "notices": notices}

    async def next_for(self, candidate_id: int, after: str | None,
                       wait_seconds: float = WAIT_SECONDS) -> dict[str, Any]:
        """The notices after `after`, waiting up to `wait_seconds` for one when none is there."""
        answer = self.since(candidate_id, after)
        if answer["reset"] or answer["notices"] or wait_seconds <= 0 or self._closed:
            return answer
        await self._wait(candidate_id, wait_seconds)
        return self.since(candidate_id, answer["version"])

    async def _wait(self, candidate_id: int, timeout: float) -> None:
        wake = self._wakes.get(candidate_id)
        if wake is None:
            wake = self._wakes[candidate_id] = _Wake()
        wake.waiting += 1
        try:
            await wait_for_wake(wake.event, timeout)
        finally:
            wake.waiting -= 1
            if wake.waiting == 0 and self._wakes.get(candidate_id) is wake:
                del self._wakes[candidate_id]
