"""What a sitting may be, as the hall and the central both check it: its timing policies, the
defaults and limits of its windows, which settings may change before it starts, the scheduled
time as people write it, and a list of candidates by registration number.

Both sides raise their own errors: here a ValueError says what is wrong, in words a person reads.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path
from typing import Any

POLICIES = ("common_end", "own_clock")
DEFAULT_CHECK_IN_MINUTES = 60
DEFAULT_LATE_ENTRY_MINUTES = 30
LIMITS = {"check_in_minutes": (0, 24 * 60), "late_entry_minutes": (0, 24 * 60)}
CHANGEABLE = ("name", "starts_at", "check_in_minutes", "policy", "late_entry_minutes",
              "instructions")


def parse_time(text: str) -> float:
    """ISO 8601 with or without an offset (without: this machine's local time) -> epoch seconds."""
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError as err:
        raise ValueError(f"{text!r} is not a time in ISO 8601 (e.g. 2026-06-01T09:00).") from err
    if moment.tzinfo is None:
        moment = moment.astimezone()  # local time
    return moment.timestamp()


def check_settings(values: dict[str, Any]) -> None:
    """ValueError unless each setting given is one a sitting may have."""
    if "policy" in values and values["policy"] not in POLICIES:
        raise ValueError(f"A sitting's policy is common_end or own_clock, not {values['policy']!r}.")
    for name, (low, high) in LIMITS.items():
        if name in values and not (isinstance(values[name], int) and low <= values[name] <= high):
            raise ValueError(f"{name} is a whole number of minutes from {low} to {high}.")
    if "name" in values and not (0 < len(values["name"].strip()) <= 200):
        raise ValueError("A sitting's name is 1 to 200 characters.")
    if len(values.get("instructions", "")) > 5000:
        raise ValueError("A sitting's instructions are at most 5,000 characters.")


def read_registration_numbers(path: Path) -> list[str]:
    """Registration numbers from a CSV whose header names `registration_number`."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as err:
        raise ValueError(f"{path.name} cannot be read as UTF-8 text: {err}") from err
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    header = [field.strip().lower() for field in (rows[0] if rows else [])]
    if "registration_number" not in header:
        raise ValueError(f"{path.name} line 1: the header must name registration_number.")
    column = header.index("registration_number")
    found = [row[column].strip() for row in rows[1:] if len(row) > column and row[column].strip()]
    if not found:
        raise ValueError(f"{path.name} has no registration numbers under its header.")
    return found
