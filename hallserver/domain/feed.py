"""The live feed for invigilators: what changed in the hall, pushed as it is committed.

Items are numbered within one run of the server (`<boot>-<n>`), kept in a ring, and awaited by
the consoles' server-sent-event streams. A console that reconnects with the id of the last item it
saw gets what followed; one whose id is from another run or too old gets a fresh snapshot.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

CAPACITY = 4_096  # a console further behind than this starts again from a snapshot


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
        self.boot = uuid.uuid4().hex[:8]
        self._items: deque[FeedItem] = deque(maxlen=capacity)
        self._next = 1
        self._wake = asyncio.Event()
        self._waiting = 0

    @property
    def last_id(self) -> str:
        """The id of the newest item (or of none yet)."""
        return f"{self.boot}-{self._next - 1}"

    def publish(self, kind: str, data: dict[str, Any] | Callable[[], dict[str, Any]]) -> None:
        """Adds an item and wakes every waiting console."""
        self._items.append(FeedItem(self._next, kind, data))
        self._next += 1
        if self._waiting:  # a save with no console open costs no wake-up
            wake, self._wake = self._wake, asyncio.Event()
            wake.set()

    def after(self, last_id: str | None) -> list[FeedItem] | None:
        """Items after `last_id`; None when the console must start again from a snapshot."""
        boot, _, number = (last_id or "").partition("-")
        if boot != self.boot or not number.isdigit():
            return None
        seen = int(number)
        oldest = self._items[0].number if self._items else self._next
        if seen < oldest - 1 or seen >= self._next:
            return None
        return [item for item in self._items if item.number > seen]

    def item_id(self, item: FeedItem) -> str:
        """The SSE id of an item."""
        return f"{self.boot}-{item.number}"

    async def wait(self, timeout: float) -> None:
        """Returns when something is published, or after `timeout` seconds."""
        self._waiting += 1
        try:
            await asyncio.wait_for(self._wake.wait(), timeout)
        except TimeoutError:
            pass
        finally:
            self._waiting -= 1
