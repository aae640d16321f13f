"""The hall's storage: SQLite through SQLAlchemy (async over aiosqlite).

- `models`: the tables.
- `engine`: engines with the pragmas that keep an exam safe (WAL, synchronous=FULL, busy timeout,
  BEGIN IMMEDIATE for writers).
- `migrate`: Alembic migrations, run in place on start or by `hall db upgrade`.
- `writer`: the one write path, with group commit.
"""
