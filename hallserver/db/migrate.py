"""Schema migrations with Alembic: named, ordered, recorded, each in its own transaction.

A database made by an older examhall is upgraded in place when the hall starts (or by
`hall db upgrade`) and keeps every row.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine

from hallserver.db.models import hall_meta

MIGRATIONS = Path(__file__).parent / "migrations"


def _alembic_config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def current_revision(engine: Engine) -> str | None:
    """The schema revision the database is at (None for an empty file)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str:
    """The newest schema revision this version of examhall knows."""
    script = ScriptDirectory(str(MIGRATIONS))
    return script.get_current_head() or ""


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Brings the schema up to `revision`, then makes sure the hall has its identity."""
    with engine.connect() as connection:
        command.upgrade(_alembic_config(connection), revision)
    if revision == "head":
        ensure_identity(engine)


def ensure_identity(engine: Engine) -> None:
    """Gives a new database its hall id and first epoch; keeps existing ones."""
    with engine.begin() as connection:
        known = dict(connection.execute(select(hall_meta.c.key, hall_meta.c.value)).all())
        missing = {"hall_id": uuid.uuid4().hex, "epoch": "1"}
        rows = [{"key": k, "value": v} for k, v in missing.items() if k not in known]
        if rows:
            connection.execute(hall_meta.insert(), rows)


def read_identity(connection: Connection) -> tuple[str, int]:
    """The hall id and the current epoch."""
    meta = dict(connection.execute(select(hall_meta.c.key, hall_meta.c.value)).all())
    return meta["hall_id"], int(meta["epoch"])
