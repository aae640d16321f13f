"""One unit of work: everything a job on the write path may read and touch, in one object.

The save path, top to bottom:

1. `views/student.py` checks the cookie and the body and calls `sessions.lifecycle.save`.
2. `sessions.lifecycle.save` checks the answers against the exam, then hands a *job* to the hall's
   write path (`runtime.Storage.write`).
3. The write path (`db/writer.py`) gathers every job waiting into one transaction, and gives each
   job a `Work` (this module): the transaction's connection, the batch of staged writes, the
   time of the job, and the books it may touch (the session book, the log, the alerts).
4. The job reads the session through its `Work` (which sees what earlier jobs of the same batch
   staged), merges the save (`sessions.merge`), appends its event to the log and stages the new
   session; all through its `Work`.
5. The writer writes what the batch staged, commits once, and only then answers every request of
   the batch, and updates the books in memory (`Batch.on_commit`).

A job that refuses raises a `HallError` and nothing it staged is kept; a job that refuses but
must keep what it wrote (a save from a PC that lost its lease, kept for review) returns
`Kept(error)` instead.

Reads through a `Work` include what the batch has staged: two jobs of one batch, such as a
session start and a pause of the whole hall, see each other exactly as if they had run in two
transactions one after the other.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from hallserver.db.models import exam_records, hall_meta
from hallserver.db.writer import Batch
from hallserver.domain.invigilation import alerts as alert_rules
from hallserver.domain.invigilation.alerts import Alert, AlertBook
from hallserver.domain.invigilation.pauses import HALL_PAUSED_AT
from hallserver.domain.log.events import EventLog
from hallserver.domain.sessions.live import LiveSession, SessionBook
from hallserver.errors import DamagedRecord

_HALL_PAUSE = "hall_paused_at"   # the batch's staged pause of the whole hall, as (value,)


class Work:
    """A job's view of one transaction of the write path."""

    __slots__ = ("connection", "batch", "now", "_log", "_book", "_alerts", "_publish_alert",
                 "_hall_paused_at")

    def __init__(self, connection: Connection, batch: Batch, now: float, log: EventLog,
                 book: SessionBook, alerts: AlertBook, publish_alert: Callable[[Alert], None],
                 hall_paused_at: float | None) -> None:
        self.connection = connection
        self.batch = batch
        self.now = now
        self._log = log
        self._book = book
        self._alerts = alerts
        self._publish_alert = publish_alert
        self._hall_paused_at = hall_paused_at

    # Reads: each includes what earlier jobs of this batch staged.

    def session(self, candidate_id: int, exam_id: str) -> LiveSession | None:
        """The newest state of one session."""
        return self._book.get(self.connection, self.batch, candidate_id, exam_id)

    def sessions_in_progress(self, candidate_id: int | None = None) -> list[LiveSession]:
        """Every session in progress (of one candidate, if given); a damaged one is left out."""
        query = select(exam_records.c.candidate_id, exam_records.c.exam_id).where(
            exam_records.c.status == "in_progress")
        if candidate_id is not None:
            query = query.where(exam_records.c.candidate_id == candidate_id)
        keys = {(row.candidate_id, row.exam_id) for row in self.connection.execute(query)}
        keys.update(self._book.staged_keys(self.batch))
        found = []
        for key in sorted(keys):
            if candidate_id is not None and key[0] != candidate_id:
                continue
            try:
                live = self.session(*key)
            except DamagedRecord:
                continue  # logged where found; the other sessions go on
            if live is not None and live.status == "in_progress":
                found.append(live)
        return found

    @property
    def hall_paused_at(self) -> float | None:
        """Since when the whole hall is paused, or None."""
        staged = self.batch.scratch.get(_HALL_PAUSE)
        return self._hall_paused_at if staged is None else staged[0]

    def open_alert(self, kind: str, registration_number: str) -> Alert | None:
        """The alert of this kind still open for a candidate, if any."""
        return self._alerts.open_for(kind, registration_number)

    # Writes: staged on the batch, committed together, in memory only once committed.

    def record(self, kind: str, session_id: str | None, body: dict[str, Any]) -> None:
        """Appends an event to the hash-chained log."""
        self._log.append(self.connection, self.batch, kind, session_id, body, self.now)

    def stage(self, before: LiveSession, after: LiveSession) -> None:
        """Stages a session's new state."""
        self._book.stage(self.batch, before, after, self.now)

    def raise_alert(self, kind: str, live: LiveSession, detail: dict[str, Any]) -> Alert | None:
        """Raises an alert for the consoles (None if one of its kind is already open)."""
        return alert_rules.raise_alert(self._alerts, self._log, self.connection, self.batch, kind,
                                       live, detail, self.now, self._publish_alert)

    def acknowledge_alert(self, alert_id: str, by: str) -> Alert:
        """Marks an alert as seen and acted on."""
        return alert_rules.acknowledge(self._alerts, self._log, self.connection, self.batch,
                                       alert_id, by, self.now, self._publish_alert)

    def acknowledge_alerts_of_kind(self, kind: str, by: str) -> list[Alert]:
        """Marks every open alert of one kind as seen and acted on."""
        return alert_rules.acknowledge_kind(self._alerts, self._log, self.connection, self.batch,
                                            kind, by, self.now, self._publish_alert)

    def resolve_alerts(self, registration_number: str, kinds: Iterable[str],
                       reason: str) -> list[Alert]:
        """Closes a candidate's open alerts of these kinds: their cause has passed."""
        return alert_rules.resolve(self._alerts, self._log, self.connection, self.batch,
                                   registration_number, kinds, reason, self.now,
                                   self._publish_alert)

    def pause_hall(self, since: float | None) -> None:
        """Stages the whole hall's pause (`since`), or its end (None)."""
        if since is None:
            self.batch.statement(delete(hall_meta).where(hall_meta.c.key == HALL_PAUSED_AT))
        else:
            self.batch.statement(sqlite_insert(hall_meta).values(key=HALL_PAUSED_AT, value=repr(since))
                                 .on_conflict_do_update(index_elements=["key"],
                                                        set_={"value": repr(since)}))
        self.batch.remember(_HALL_PAUSE, (since,))

    def on_commit(self, callback: Callable[[], None]) -> None:
        """Runs `callback` once the transaction is on disk."""
        self.batch.on_commit(callback)
