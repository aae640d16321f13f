"""The hall's desks: a seat plan that names the desk of each PC and places it in the room.

An invigilator walks to "B4", not to 10.0.3.17. A desk is found by its PC's LAN address or by the
id of a login on it (the "PC id" the console shows). The plan comes from a CSV (`hall desks
import`: `desk,pc` and optionally `row,column`) or from the console, one desk at a time. A desk
named like "B4" is placed on the map at row B, column 4 unless the file says otherwise.
"""

from __future__ import annotations

import csv
import io
import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection
from sqlalchemy.sql import Executable

from hallserver.db.models import desks
from hallserver.domain.sheets import delimiter, header_columns, sheet_text
from hallserver.errors import Invalid

REQUIRED_COLUMNS = ("desk", "pc")
COLUMNS = (*REQUIRED_COLUMNS, "row", "column")
NAME_LIMIT = 40
_GRID_NAME = re.compile(r"^([A-Za-z]{1,2})\s*-?\s*(\d{1,3})$")


@dataclass(frozen=True)
class Desk:
    """A desk of the hall, the PC on it, and where it stands on the seat map."""

    name: str
    pc_address: str | None = None
    pc_id: str | None = None
    room_row: int | None = None
    room_column: int | None = None

    def to_json(self) -> dict[str, Any]:
        """For the console and `hall desks list`."""
        return {"desk": self.name, "pc_address": self.pc_address, "pc_id": self.pc_id,
                "row": self.room_row, "column": self.room_column}


@dataclass(frozen=True)
class Seat:
    """Where a PC is: its desk when the plan names one, and the address it logged in from."""

    desk: Desk | None
    address: str | None

    @property
    def label(self) -> str | None:
        """What an invigilator reads: the desk's name, else the PC's address."""
        return self.desk.name if self.desk else (self.address or None)

    def to_json(self) -> dict[str, Any]:
        """The seat's fields of a roster row."""
        place = None
        if self.desk and self.desk.room_row and self.desk.room_column:
            place = {"row": self.desk.room_row, "column": self.desk.room_column}
        return {"seat": self.label, "desk": self.desk.name if self.desk else None,
                "address": self.address or None, "place": place}


@dataclass
class SeatPlan:
    """The desks in memory, by name, and found by PC address and by PC id."""

    by_name: dict[str, Desk] = field(default_factory=dict)
    by_address: dict[str, Desk] = field(default_factory=dict)
    by_pc_id: dict[str, Desk] = field(default_factory=dict)

    @classmethod
    def of(cls, found: Iterable[Desk]) -> SeatPlan:
        """The plan of these desks."""
        plan = cls()
        for desk in found:
            plan.place(desk)
        return plan

    def place(self, desk: Desk) -> None:
        """Adds or changes a desk; its PC leaves any other desk (as `desk_statements` does)."""
        old = self.by_name.get(desk.name)
        for other in (old, self.by_address.get(desk.pc_address or ""),
                      self.by_pc_id.get(desk.pc_id or "")):
            if other is not None:
                self._forget(other)
                if other.name != desk.name:  # the desk stays, without this PC
                    self._add(Desk(other.name, None if other.pc_address == desk.pc_address
                                   else other.pc_address,
                                   None if other.pc_id == desk.pc_id else other.pc_id,
                                   other.room_row, other.room_column))
        self._add(desk)

    def _add(self, desk: Desk) -> None:
        self.by_name[desk.name] = desk
        if desk.pc_address:
            self.by_address[desk.pc_address] = desk
        if desk.pc_id:
            self.by_pc_id[desk.pc_id] = desk

    def _forget(self, desk: Desk) -> None:
        self.by_name.pop(desk.name, None)
        if desk.pc_address and self.by_address.get(desk.pc_address) == desk:
            del self.by_address[desk.pc_address]
        if desk.pc_id and self.by_pc_id.get(desk.pc_id) == desk:
            del self.by_pc_id[desk.pc_id]

    def to_json(self) -> list[dict[str, Any]]:
        """Every desk, by name, for the console's seat map."""
        return [self.by_name[name].to_json() for name in sorted(self.by_name)]

    def seat(self, device_id: str | None, address: str | None) -> Seat:
        """The seat of a login on a PC: its desk by PC id first, then by address."""
        desk = self.by_pc_id.get(device_id or "") or self.by_address.get(address or "")
        return Seat(desk, address)


def grid_place(name: str) -> tuple[int | None, int | None]:
    """Row and column of a desk named like "B4" (row 2, column 4); (None, None) otherwise."""
    found = _GRID_NAME.match(name.strip())
    if not found:
        return None, None
    row = 0
    for letter in found.group(1).upper():
        row = row * 26 + ord(letter) - ord("A") + 1
    return row, int(found.group(2))


def _address(pc: str) -> str | None:
    try:
        return str(ipaddress.ip_address(pc))
    except ValueError:
        return None


def desk_for(name: str, pc: str, row: int | None = None, column: int | None = None) -> Desk:
    """A desk for a PC given as an address or a PC id; placed by its name when not told."""
    name = name.strip()
    if not name or len(name) > NAME_LIMIT:
        raise Invalid(f"A desk name must be 1 to {NAME_LIMIT} characters (got {name!r}).")
    if row is None or column is None:
        row, column = grid_place(name)
    address = _address(pc.strip())
    return Desk(name, address, None if address else pc.strip(), row, column)


def _place_number(value: str, what: str, where: str) -> int | None:
    if not value:
        return None
    if not value.isdigit() or not 1 <= int(value) <= 999:
        raise Invalid(f"{where}: {what} must be a whole number from 1 to 999 (got {value!r})")
    return int(value)


def _desk_line(where: str, row: list[str], columns: dict[str, int]) -> Desk:
    values = {c: (row[i].strip() if i < len(row) else "") for c, i in columns.items() if c in COLUMNS}
    empty = [c for c in REQUIRED_COLUMNS if not values.get(c)]
    if empty:
        raise Invalid(f"{where}: {', '.join(empty)} is empty")
    try:
        return desk_for(values["desk"], values["pc"],
                        _place_number(values.get("row", ""), "row", where),
                        _place_number(values.get("column", ""), "column", where))
    except Invalid as err:
        raise Invalid(f"{where}: {err}") from err


def read_desks_csv(path: Path) -> list[Desk]:
    """Reads and checks a seat plan; Invalid naming the line of the first problem."""
    text = sheet_text(path)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter(text.split("\n", 1)[0]))
    columns = header_columns(path.name, next(reader, []), REQUIRED_COLUMNS, COLUMNS)
    found: list[Desk] = []
    seen: dict[str, int] = {}
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        where = f"{path.name} line {reader.line_num}"
        desk = _desk_line(where, row, columns)
        for key in (f"desk {desk.name}", f"PC {desk.pc_address or desk.pc_id}"):
            if key in seen:
                raise Invalid(f"{where}: {key} is also on line {seen[key]}")
            seen[key] = reader.line_num
        found.append(desk)
    if not found:
        raise Invalid(f"{path.name} has no desks under its header")
    return found


def load_desks(connection: Connection) -> list[Desk]:
    """Every desk of the hall, by name."""
    rows = connection.execute(select(desks).order_by(desks.c.name)).all()
    return [Desk(r.name, r.pc_address, r.pc_id, r.room_row, r.room_column) for r in rows]


def desk_statements(desk: Desk, now: float) -> list[Executable]:
    """Stores a desk: the PC leaves any other desk it was on (it has moved), then the desk is
    added or changed."""
    freed = []
    for column, value in ((desks.c.pc_address, desk.pc_address), (desks.c.pc_id, desk.pc_id)):
        if value:
            freed.append(update(desks).where(column == value, desks.c.name != desk.name)
                         .values({column.name: None, "updated_at": now}))
    values = {"pc_address": desk.pc_address, "pc_id": desk.pc_id, "room_row": desk.room_row,
              "room_column": desk.room_column, "updated_at": now}
    upsert = sqlite_insert(desks).values(name=desk.name, **values).on_conflict_do_update(
        index_elements=["name"], set_=values)
    return [*freed, upsert]


def import_desks(connection: Connection, found: list[Desk], now: float) -> tuple[int, int]:
    """Adds or changes the desks of a plan (others are kept); returns (added, changed)."""
    known = {desk.name for desk in load_desks(connection)}
    for desk in found:
        for statement in desk_statements(desk, now):
            connection.execute(statement)
    added = sum(1 for desk in found if desk.name not in known)
    return added, len(found) - added
