"""Alembic's entry point: runs migrations on the connection examhall hands it."""

from alembic import context

from hallserver.db.models import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True,
                  transaction_per_migration=True)
with context.begin_transaction():
    context.run_migrations()
