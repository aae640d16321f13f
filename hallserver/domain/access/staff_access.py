"""Staff login and logout: throttled, slow password checks, a device per login."""

from __future__ import annotations

from hallserver.db.models import staff_devices
from hallserver.domain.access.devices import token_hash
from hallserver.domain.access.staff import (
    StaffMember,
    find_staff,
    read_staff_login,
    stage_staff_login,
)
from hallserver.domain.work import Work
from hallserver.errors import WrongCredentials
from hallserver.runtime.logins import Logins
from hallserver.runtime.storage import Storage


async def log_in_staff(storage: Storage, logins: Logins, name: str, password: str,
                       address: str) -> tuple[str, StaffMember]:
    """Checks the password off the loop; returns the cookie token and the member."""
    found = await storage.read(find_staff, name)
    matches = await logins.check_pin(password, found[1] if found else logins.dummy_pin_hash)
    if found is None or not matches:
        logins.throttle.failed(address, f"staff:{name}", storage.clock.now())
        raise WrongCredentials("That staff name and password do not match.")

    def job(work: Work) -> tuple[StaffMember, str]:
        return stage_staff_login(work.batch, found[0], address, work.now)

    member, token = await storage.write(job)
    logins.staff.remember(token_hash(token), member)
    return token, member


async def staff_for(storage: Storage, logins: Logins, token: str) -> StaffMember | None:
    """The member of staff logged in with this cookie token, if any."""
    return await logins.staff.find(token_hash(token),
                                        lambda hashed: storage.read(read_staff_login, hashed))


async def log_out_staff(storage: Storage, logins: Logins, token: str, member: StaffMember) -> None:
    """Ends this staff login."""

    def job(work: Work) -> None:
        work.batch.update(staff_devices, member.device_id, {"ended_at": work.now})

    logins.staff.forget(token_hash(token))
    await storage.write(job)
