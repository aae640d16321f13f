"""Candidate login and logout: throttled PIN checks, a device per login, and lease handover.

Logging in on another PC moves the lease of every session in progress to the new device, in the
log, so the old PC's next save is refused (and kept) rather than silently overwriting.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Connection

from hallserver.db.models import devices
from hallserver.db.writer import Batch
from hallserver.domain import alerts as alert_rules
from hallserver.domain.candidates import exams_of, find_candidate
from hallserver.domain.devices import Device, new_token, read_device, stage_device, token_hash
from hallserver.domain.hall import Hall
from hallserver.domain.live import LiveSession, open_exam_ids
from hallserver.errors import DamagedRecord, WrongCredentials


@dataclass(frozen=True)
class LoggedIn:
    """A successful login: the cookie token, the device, and what to show."""

    token: str
    device: Device
    exams: list[dict[str, Any]]


async def log_in(hall: Hall, registration_number: str, pin: str, address: str,
                 user_agent: str) -> LoggedIn:
    """Checks the PIN (slowly, off the loop) and opens a device; WrongCredentials or SlowDown."""
    hall.throttle.check(address, registration_number, hall.clock.now())
    candidate = await hall.read(find_candidate, registration_number)
    matches = await hall.check_pin(pin, candidate.pin_hash if candidate else hall.dummy_pin_hash)
    if candidate is None or not matches:
        hall.throttle.failed(address, registration_number, hall.clock.now())
        raise WrongCredentials("That registration number and PIN do not match. Check your "
                               "login slip and try again.")
    device_id, token = new_token()
    device = Device(device_id, candidate.id, candidate.registration_number, candidate.name)
    hall.names[candidate.id] = candidate.name
    hall.seats[device_id] = address

    def job(connection: Connection, batch: Batch) -> None:
        now = hall.clock.now()
        stage_device(batch, device, token, address, user_agent, now)
        for live in _open_sessions(hall, connection, batch, candidate.id):
            if live.lease_device != device.id:
                _hand_over(hall, connection, batch, live, device, now)

    await hall.write(job)
    hall.devices.remember(token_hash(token), device)
    return LoggedIn(token, device, await hall.read(exams_of, candidate.id))


def _open_sessions(hall: Hall, connection: Connection, batch: Batch,
                   candidate_id: int) -> list[LiveSession]:
    sessions = []
    for exam_id in open_exam_ids(connection, candidate_id):
        try:
            live = hall.book.get(connection, batch, candidate_id, exam_id)
        except DamagedRecord:
            continue  # logged where found; the candidate's other exams still open
        if live is not None and live.status == "in_progress":
            sessions.append(live)
    return sessions


def _hand_over(hall: Hall, connection: Connection, batch: Batch, live: LiveSession,
               device: Device, now: float) -> None:
    """Moves the lease to the new device, or asks an invigilator to, as the hall wants."""
    facts = {"exam_id": live.exam_id, "registration_number": live.registration_number,
             "from_device": live.lease_device, "to_device": device.id}
    seats = {"from_seat": hall.seats.get(live.lease_device or ""),
             "to_seat": hall.seats.get(device.id)}
    same_seat = seats["from_seat"] is not None and seats["from_seat"] == seats["to_seat"]
    if hall.config.invigilation.moves_need_approval and not same_seat:
        hall.log.append(connection, batch, "lease_requested", live.session_id, facts, now)
        alert_rules.raise_alert(hall.alerts, hall.log, connection, batch, "move_requested", live,
                                seats, now, hall.publish_alert)
        hall.book.stage(batch, live, live.evolve(lease_requested=device.id), now)
        return
    moved = live.evolve()
    moved.data.stamps.clear()  # the new device's device_seq is its own sequence
    moved = moved.evolve(data=moved.data, lease_device=device.id, lease_requested=None)
    hall.log.append(connection, batch, "lease_moved", live.session_id, facts, now)
    if not same_seat:  # a login again on the same PC (a browser restarted) is no news
        alert_rules.raise_alert(hall.alerts, hall.log, connection, batch, "lease_moved", live,
                                seats, now, hall.publish_alert)
    hall.book.stage(batch, live, moved, now)


async def device_for(hall: Hall, token: str) -> Device | None:
    """The logged-in device of a cookie token, if any."""
    return await hall.devices.find(token_hash(token),
                                   lambda hashed: hall.read(read_device, hashed))


async def log_out(hall: Hall, token: str, device: Device) -> None:
    """Ends the device: its cookie opens nothing from now on. Its lease stays until another login."""

    def job(connection: Connection, batch: Batch) -> None:
        batch.update(devices, device.id, {"ended_at": hall.clock.now()})

    hall.devices.forget(token_hash(token))
    await hall.write(job)
