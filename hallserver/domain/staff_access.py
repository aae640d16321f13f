"""Staff login and logout: throttled, slow password checks, a device per login."""

from __future__ import annotations

from sqlalchemy.engine import Connection

from hallserver.db.models import staff_devices
from hallserver.db.writer import Batch
from hallserver.domain.devices import token_hash
from hallserver.domain.hall import Hall
from hallserver.domain.staff import StaffMember, find_staff, read_staff_login, stage_staff_login
from hallserver.errors import WrongCredentials


async def log_in_staff(hall: Hall, name: str, password: str,
                       address: str) -> tuple[str, StaffMember]:
    """Checks the password off the loop; returns the cookie token and the member."""
    hall.throttle.check(address, f"staff:{name}", hall.clock.now())
    found = await hall.read(find_staff, name)
    matches = await hall.check_pin(password, found[1] if found else hall.dummy_pin_hash)
    if found is None or not matches:
        hall.throttle.failed(address, f"staff:{name}", hall.clock.now())
        raise WrongCredentials("That staff name and password do not match.")

    def job(connection: Connection, batch: Batch) -> tuple[StaffMember, str]:
        return stage_staff_login(batch, found[0], address, hall.clock.now())

    member, token = await hall.write(job)
    hall.staff_logins.remember(token_hash(token), member)
    return token, member


async def staff_for(hall: Hall, token: str) -> StaffMember | None:
    """The member of staff logged in with this cookie token, if any."""
    return await hall.staff_logins.find(token_hash(token),
                                        lambda hashed: hall.read(read_staff_login, hashed))


async def log_out_staff(hall: Hall, token: str, member: StaffMember) -> None:
    """Ends this staff login."""

    def job(connection: Connection, batch: Batch) -> None:
        batch.update(staff_devices, member.device_id, {"ended_at": hall.clock.now()})

    hall.staff_logins.forget(token_hash(token))
    await hall.write(job)
