"""Session rows at the central: sealed with the central's key, read and written in bulk."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import and_, bindparam, select, update
from sqlalchemy.engine import Connection

from examkit.sealing import DataKey
from syncd.central.models import sessions
from syncd.central.projection import COMPLETED, SessionView


def session_aad(hall_id: str, session_id: str) -> bytes:
    """A session row's identity, bound to its sealed data."""
    return f"central-session|{hall_id}|{session_id}".encode()


def from_row(key: DataKey, row: Any) -> SessionView:
    """A row, opened."""
    data = json.loads(key.open(row.data, session_aad(row.hall_id, row.session_id)))
    return SessionView(
        hall_id=row.hall_id, session_id=row.session_id, exam_id=row.exam_id,
        registration_number=row.registration_number, state=row.state, revision=row.revision,
        epoch=row.epoch, last_seq=row.last_seq, answers=data["answers"],
        current_question=data["current_question"], marked_questions=data["marked_questions"],
        time_remaining=data["time_remaining"], lease_device=data["lease_device"],
        result=data["result"], started_at=row.started_at, completed_at=row.completed_at,
        updated_at=row.updated_at, ignored_after_final=row.ignored_after_final)


def _values(key: DataKey, view: SessionView) -> dict[str, Any]:
    sealed = key.seal(json.dumps(view.sealed_part(), separators=(",", ":")).encode(),
                      session_aad(view.hall_id, view.session_id))
    return {"exam_id": view.exam_id, "registration_number": view.registration_number,
            "state": view.state, "revision": view.revision, "epoch": view.epoch,
            "last_seq": view.last_seq, "data": sealed, "started_at": view.started_at,
            "completed_at": view.completed_at, "updated_at": view.updated_at,
            "ignored_after_final": view.ignored_after_final}


def load(connection: Connection, key: DataKey, hall_id: str,
         session_ids: Iterable[str]) -> dict[str, SessionView]:
    """These sessions of a hall, where the central has them."""
    wanted = sorted(set(session_ids))
    found: dict[str, SessionView] = {}
    for start in range(0, len(wanted), 500):
        rows = connection.execute(select(sessions).where(
            sessions.c.hall_id == hall_id, sessions.c.session_id.in_(wanted[start:start + 500])))
        found.update({row.session_id: from_row(key, row) for row in rows})
    return found


def load_open(connection: Connection, key: DataKey, hall_id: str) -> dict[str, SessionView]:
    """Every session of a hall that is not completed."""
    rows = connection.execute(select(sessions).where(sessions.c.hall_id == hall_id,
                                                     sessions.c.state != COMPLETED))
    return {row.session_id: from_row(key, row) for row in rows}


def store(connection: Connection, key: DataKey, new: list[SessionView],
          changed: list[SessionView]) -> None:
    """Inserts the new sessions and updates the changed ones."""
    if new:
        connection.execute(sessions.insert(), [
            {"hall_id": v.hall_id, "session_id": v.session_id, **_values(key, v)} for v in new])
    if changed:
        columns = list(_values(key, changed[0]))
        statement = (update(sessions)
                     .where(and_(sessions.c.hall_id == bindparam("_hall"),
                                 sessions.c.session_id == bindparam("_session")))
                     .values({c: bindparam(c) for c in columns}))
        connection.execute(statement, [
            {"_hall": v.hall_id, "_session": v.session_id, **_values(key, v)} for v in changed])
