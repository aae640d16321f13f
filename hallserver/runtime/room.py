"""The room as the invigilators see it: who sits where, the sessions and alerts in memory, the
pause of the whole hall, and the live feed to the consoles and the notices to the candidates."""

from __future__ import annotations

from functools import partial
from typing import Any

from sqlalchemy.engine import Connection

from examkit.sealing import DataKey
from hallserver.clock import Clock
from hallserver.db.writer import Batch
from hallserver.domain.invigilation.alerts import Alert, AlertBook
from hallserver.domain.invigilation.desks import Seat, SeatPlan, load_desks
from hallserver.domain.invigilation.feed import LiveFeed
from hallserver.domain.invigilation.notices import NoticeBoard
from hallserver.domain.invigilation.pauses import hall_pause
from hallserver.domain.invigilation.roster import device_addresses, names, roster_row
from hallserver.domain.log.events import EventLog
from hallserver.domain.sessions.live import LiveSession, SessionBook, SessionKey
from hallserver.domain.work import Work
from hallserver.runtime.storage import Storage


class Room:
    """What the hall holds in memory of the room while it serves."""

    def __init__(self, clock: Clock, key: DataKey, hall_id: str, name: str) -> None:
        self.clock = clock
        self.hall_id = hall_id
        self.name = name                           # the hall's, as the consoles show it
        self.book = SessionBook(key, self._publish_session)
        self.alerts = AlertBook()
        self.feed = LiveFeed()                     # to the consoles
        self.notices = NoticeBoard()               # pushed to candidates' pages
        self.names: dict[int, str] = {}            # candidate id -> name, for the roster
        self.seats: dict[str, str] = {}            # device id -> address it logged in from
        self.desks = SeatPlan()                    # the seat plan: desk names of PCs
        self.paused_at: float | None = None        # the whole hall is paused since
        self.sitting_states: dict[str, str] = {}   # sitting id -> state announced

    def load(self, connection: Connection) -> None:
        """What the room held before a restart: the consoles' rows need it at once."""
        self.alerts.load(connection)
        self.names.update(names(connection))
        self.seats.update(device_addresses(connection))
        self.desks = SeatPlan.of(load_desks(connection))
        self.paused_at = hall_pause(connection)

    def unit_of_work(self, connection: Connection, batch: Batch, now: float, log: EventLog) -> Work:
        """A job's unit of work: its transaction, and the room's books it may touch."""
        return Work(connection, batch, now, log, self.book, self.alerts, self.publish_alert,
                    self.paused_at)

    def _publish_session(self, live: LiveSession) -> None:
        # The row is made when a console reads it, from the newest committed state: with no
        # console open a save costs nothing, and the feed's ring holds keys, not every version
        # of every session (objects the garbage collector would walk).
        self.publish_candidate(live.key)

    def publish_candidate(self, key: SessionKey) -> None:
        """Sends a candidate's row, as committed, to the consoles."""
        self.feed.publish("candidate", partial(self._candidate_row, key))

    def _candidate_row(self, key: SessionKey) -> dict[str, Any]:
        live = self.book.committed(key)
        assert live is not None, "published only once the book holds it"
        return roster_row(live, self.names.get(live.candidate_id, ""),
                          self.seat(live.lease_device), self.clock.now())

    def seat(self, device_id: str | None) -> Seat:
        """Where a login's PC is: its desk by the seat plan, and the address it logged in from."""
        return self.desks.seat(device_id, self.seats.get(device_id or ""))

    def publish_alert(self, alert: Alert) -> None:
        """Sends a raised or acknowledged alert to the consoles."""
        self.feed.publish("alert", alert.to_json())

    async def reload_desks(self, storage: Storage) -> None:
        """Reads the seat plan again (`hall desks import` may have changed it meanwhile)."""
        self.desks = SeatPlan.of(await storage.read(load_desks))
