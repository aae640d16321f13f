"""Where the hall's own pause is kept: a row of hall_meta, so a restart remembers it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.engine import Connection

from hallserver.db.models import hall_meta

HALL_PAUSED_AT = "hall_paused_at"


def hall_pause(connection: Connection) -> float | None:
    """Since when the whole hall is paused, or None."""
    value = connection.execute(select(hall_meta.c.value).where(
        hall_meta.c.key == HALL_PAUSED_AT)).scalar_one_or_none()
    return float(value) if value else None
