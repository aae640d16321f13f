"""Alembic's entry point for the central: runs migrations on the connection handed to it."""

from alembic import context

from syncd.central.models import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
