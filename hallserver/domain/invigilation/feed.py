"""The live feed for invigilators: what changed in the hall, pushed as it is committed.

Items are numbered within one run of the server (`<boot>-<n>`), kept in a ring, and awaited by
the consoles' server-sent-event streams. A console that reconnects with the id of the last item it
saw gets what followed; one whose id is from another run or too old gets a fresh snapshot.
`NumberedRing` is that numbering and ring, shared with the candidates' notice board (notices.py).
"""

from __future__ import annotations

import asyncio
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

CAPACITY = 4_096  # a console further behind than this starts again from a snapshot


async def wait_for_wake(wake: asyncio.Event, timeout: float) -> None:
    """Returns when `wake` is set, or after `timeout` seconds, whichever comes first."""
    try:
        await asyncio.wait_for(wake.wait(), timeout)
    except TimeoutError:
        pass


class _Numbered(Protocol):
    number: int


N = TypeVar("N", bound=_Numbered)


class NumberedRing(Generic[N]):
    """The newest items of one run of the server, each numbered; ids are `<boot>-<number>`."""

    def __init__(self, capacity: int) -> None:
        self.boot = uuid.uuid4().hex[:8]
        self._items: deque[N] = deque(maxlen=capacity)
        self._next = 1

    @property
    def last_id(self) -> str:
        """The id of the newest item (or of none yet)."""
        return f"{self.boot}-{self._next - 1}"

    def add(self, make: Callable[[int], N]) -> N:
        """Numbers and keeps a new item, made by `make(number)`."""
        item = make(self._next)
        self._items.append(item)
        self._next += 1
        return item

    def after(self, last_id: str | None) -> list[N] | None:
        """Items after `last_id`; None when it is from another run or older than the ring."""
        boot, _, number = (last_id or "").partition("-")
        if boot != self.boot or not number.isdigit():
            return None
        seen = int(number)
        oldest = self._items[0].number if self._items else self._next
        if seen < oldest - 1 or seen >= self._next:
            return None
        return [item for item in self._items if item.number > seen]

    def item_id(self, item: N) -> str:
        """The id of an item."""
        return f"{self.boot}-{item.number}"


@dataclass(frozen=True)
class FeedItem:
    """One change: a candidate's row, an alert, or the hall's state."""

    number: int
    kind: str
    content: dict[str, Any] | Callable[[], dict[str, Any]]

    @property
    def data(self) -> dict[str, Any]:
        """The change as JSON-ready data (made now, if it was published as a callable)."""
        return self.content() if callable(self.content) else self.content


class LiveFeed:
    """A ring of recent changes and a way to wait for the next ones."""

    def __init__(self, capacity: int = CAPACITY) -> None:
        self._ring: NumberedRing[FeedItem] = NumberedRing(capacity)
        self._wake = asyncio.Event()
        self._waiting = 0

    @property
    def boot(self) -> str:
        """This run of the server."""
        return self._ring.boot

    @property
    def last_id(self) -> str:
        """The id of the newest item (or of none yet)."""
        return self._ring.last_id

    def publish(self, kind: str, data: dict[str, Any] | Callable[[], dict[str, Any]]) -> None:
        """Adds an item and wakes every waiting console."""
        self._ring.add(lambda number: FeedItem(number, kind, data))
        if self._waiting:  # a save with no console open costs no wake-up
            wake, self._wake = self._wake, asyncio.Event()
            wake.set()

    def after(self, last_id: str | None) -> list[FeedItem] | None:
        """Items after `last_id`; None when the console must start again from a snapshot."""
        return self._ring.after(last_id)

    def item_id(self, item: FeedItem) -> str:
        """The SSE id of an item."""
        return self._ring.item_id(item)

    async def wait(self, timeout: float) -> None:
        """Returns when something is published, or after `timeout` seconds."""
        self._waiting += 1
        try:
            await wait_for_wake(self._wake, timeout)
        finally:
            self._waiting -= 1
