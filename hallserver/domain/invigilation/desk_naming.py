"""Naming a candidate's desk from the console: the PC the candidate sits at gets a desk name in
the seat plan (by its address and the login on it), in the log."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from hallserver.db.models import desks
from hallserver.domain.access.staff import StaffMember
from hallserver.domain.invigilation.actions import target_session
from hallserver.domain.invigilation.desks import Desk, Seat, desk_for, desk_statements
from hallserver.domain.work import Work
from hallserver.errors import Conflict
from hallserver.runtime.room import Room
from hallserver.runtime.storage import Storage


def _placed(connection: Connection, desk: Desk) -> Desk:
    """The desk keeps its place on the map when it is already in the plan."""
    known = connection.execute(select(desks.c.room_row, desks.c.room_column)
                               .where(desks.c.name == desk.name)).first()
    if known is None or known.room_row is None:
        return desk
    return Desk(desk.name, desk.pc_address, desk.pc_id, known.room_row, known.room_column)


async def name_desk(storage: Storage, room: Room, member: StaffMember, registration_number: str,
                    exam_id: str, name: str) -> dict[str, Any]:
    """Gives the PC this candidate's exam is on the desk name `name`; answers the new seat."""

    def job(work: Work) -> dict[str, Any]:
        connection, batch, now = work.connection, work.batch, work.now
        live = target_session(work, registration_number, exam_id)
        if live.lease_device is None:
            raise Conflict(f"{live.registration_number} has not started on a PC yet; name the "
                           "desk once their exam is open.")
        address = room.seats.get(live.lease_device) or ""
        # By the PC's address (it outlives a login), and by this login too, so that a desk the
        # plan gave this login by its id lets go of it.
        named = desk_for(name, address or live.lease_device)
        desk = _placed(connection, Desk(named.name, named.pc_address, live.lease_device,
                                        named.room_row, named.room_column))
        for statement in desk_statements(desk, now):
            batch.statement(statement)
        work.record("desk_named", live.session_id, {
            "exam_id": exam_id, "registration_number": live.registration_number, "by": member.name,
            **desk.to_json()})

        def committed() -> None:
            room.desks.place(desk)
            room.feed.publish("desks", {"desks": room.desks.to_json()})
            room.publish_candidate(live.key)

        batch.on_commit(committed)
        return {"registration_number": live.registration_number, "exam_id": exam_id,
                **Seat(desk, address or None).to_json()}

    return await storage.write(job)
