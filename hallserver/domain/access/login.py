"""Candidate login and logout: throttled PIN checks, a device per login, and lease handover.

Logging in on another PC moves the lease of every session in progress to the new device, in the
log, so the old PC's next save is refused (and kept) rather than silently overwriting.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hallserver.db.models import devices
from hallserver.domain.access.candidates import find_candidate, folded
from hallserver.domain.access.devices import (
    Device,
    new_token,
    read_device,
    stage_device,
    token_hash,
)
from hallserver.domain.sessions.live import LiveSession
from hallserver.domain.sittings.entry import check_in_and_tell, exams_with_sittings
from hallserver.domain.work import Work
from hallserver.errors import WrongCredentials
from hallserver.config import HallConfig
from hallserver.runtime.logins import Logins
from hallserver.runtime.room import Room
from hallserver.runtime.storage import Storage


@dataclass(frozen=True)
class LoggedIn:
    """A successful login: the cookie token, the device, and what to show."""

    token: str
    device: Device
    exams: list[dict[str, Any]]


async def log_in(storage: Storage, logins: Logins, room: Room, config: HallConfig,
                 registration_number: str, pin: str, address: str, user_agent: str) -> LoggedIn:
    """Checks the PIN (slowly, off the loop) and opens a device; WrongCredentials or SlowDown."""
    candidate = await storage.read(find_candidate, registration_number)
    pin_hash = candidate.pin_hash if candidate else logins.dummy_pin_hash
    matches = await logins.check_pin(pin, pin_hash)
    if candidate is None or not matches:
        # One allowance per registration number, whatever the case it is typed in.
        logins.throttle.failed(address, folded(registration_number), storage.clock.now())
        raise WrongCredentials("That registration number and PIN do not match. Check your "
                               "login slip and try again.")
    device_id, token = new_token()
    device = Device(device_id, candidate.id, candidate.registration_number, candidate.name)
    room.names[candidate.id] = candidate.name
    room.seats[device_id] = address

    def job(work: Work) -> None:
        stage_device(work.batch, device, token, address, user_agent, work.now)
        check_in_and_tell(storage, room, work, candidate.id, candidate.registration_number)
        for live in work.sessions_in_progress(candidate.id):
            if live.lease_device != device.id:
                _hand_over(room, config, work, live, device)

    await storage.write(job)
    logins.devices.remember(token_hash(token), device)
    return LoggedIn(token, device, await storage.read(exams_with_sittings, candidate.id,
                                                   storage.clock.now()))


def _hand_over(room: Room, config: HallConfig, work: Work, live: LiveSession,
               device: Device) -> None:
    """Moves the lease to the new device, or asks an invigilator to, as the hall wants."""
    facts = {"exam_id": live.exam_id, "registration_number": live.registration_number,
             "from_device": live.lease_device, "to_device": device.id}
    before, after = room.seat(live.lease_device), room.seat(device.id)
    seats = {"from_seat": before.label, "to_seat": after.label}
    same_seat = before.address is not None and before.address == after.address
    if config.invigilation.moves_need_approval and not same_seat:
        work.record("lease_requested", live.session_id, facts)
        work.raise_alert("move_requested", live, seats)
        work.stage(live, live.evolve(lease_requested=device.id))
        return
    moved = live.evolve()
    moved.data.stamps.clear()  # the new device's device_seq is its own sequence
    moved = moved.evolve(data=moved.data, lease_device=device.id, lease_requested=None)
    work.record("lease_moved", live.session_id, facts)
    if not same_seat:  # a login again on the same PC (a browser restarted) is no news
        work.raise_alert("lease_moved", live, seats)
    work.stage(live, moved)
    # The page on the old PC stops at once, not at its next save.
    room.notices.publish_on_commit(work, live.candidate_id, "lease_moved",
                                   {"exam_id": live.exam_id})


async def device_for(storage: Storage, logins: Logins, token: str) -> Device | None:
    """The logged-in device of a cookie token, if any."""
    return await logins.devices.find(token_hash(token),
                                   lambda hashed: storage.read(read_device, hashed))


async def log_out(storage: Storage, logins: Logins, token: str, device: Device) -> None:
    """Ends the device: its cookie opens nothing from now on. Its lease stays until another login."""

    def job(work: Work) -> None:
        work.batch.update(devices, device.id, {"ended_at": work.now})

    logins.devices.forget(token_hash(token))
    await storage.write(job)
