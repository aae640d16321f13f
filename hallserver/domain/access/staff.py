"""Staff: invigilators, markers and admins, their accounts (slow password hashes) and their logins."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.engine import Connection

from hallserver.db.models import staff, staff_devices
from hallserver.db.writer import Batch
from hallserver.domain.access.devices import new_token, token_hash
from hallserver.errors import Conflict, Invalid

ROLES = ("invigilator", "admin", "marker")
ANY_STAFF = "staff"   # what a route open to every member of staff declares
MIN_PASSWORD = 8


@dataclass(frozen=True)
class StaffMember:
    """A logged-in member of staff."""

    id: int
    name: str
    role: str
    device_id: str = ""

    def may(self, role: str) -> bool:
        """Admins may do all the others may; invigilators and markers only their own."""
        return self.role == "admin" or self.role == role or role == ANY_STAFF


def check_new_account(name: str, role: str, password: str) -> None:
    """Invalid when the name, role or password will not do."""
    if role not in ROLES:
        raise Invalid(f"A role is one of {', '.join(ROLES)}, not {role!r}.")
    if not name.strip() or len(name) > 64:
        raise Invalid("A staff name is 1 to 64 characters.")
    if len(password) < MIN_PASSWORD:
        raise Invalid(f"A staff password has at least {MIN_PASSWORD} characters.")


def add_staff(connection: Connection, name: str, role: str, password_hash: str, now: float) -> None:
    """Adds a member of staff; Conflict when the name is taken."""
    if connection.execute(select(staff.c.id).where(staff.c.name == name)).first():
        raise Conflict(f"There is already a member of staff called {name}.")
    connection.execute(staff.insert().values(name=name, role=role, password_hash=password_hash,
                                             created_at=now))


def list_staff(connection: Connection) -> list[tuple[str, str]]:
    """(name, role) of every member of staff."""
    return [(r.name, r.role) for r in connection.execute(
        select(staff.c.name, staff.c.role).order_by(staff.c.name))]


def find_staff(connection: Connection, name: str) -> tuple[StaffMember, str] | None:
    """A member of staff and their password hash, by name."""
    row = connection.execute(select(staff).where(staff.c.name == name)).first()
    return None if row is None else (StaffMember(row.id, row.name, row.role), row.password_hash)


def stage_staff_login(batch: Batch, member: StaffMember, address: str,
                      now: float) -> tuple[StaffMember, str]:
    """Stages a new staff login; returns the member with its device and the cookie token."""
    device_id, token = new_token()
    batch.insert(staff_devices, {"id": device_id, "staff_id": member.id,
                                 "token_hash": token_hash(token), "address": address,
                                 "created_at": now})
    return StaffMember(member.id, member.name, member.role, device_id), token


def read_staff_login(connection: Connection, hashed: bytes) -> StaffMember | None:
    """The member of staff logged in with this token, if still logged in."""
    row = connection.execute(
        select(staff_devices.c.id, staff.c.id.label("staff_id"), staff.c.name, staff.c.role)
        .join(staff, staff.c.id == staff_devices.c.staff_id)
        .where(staff_devices.c.token_hash == hashed, staff_devices.c.ended_at.is_(None))).first()
    return None if row is None else StaffMember(row.staff_id, row.name, row.role, row.id)
