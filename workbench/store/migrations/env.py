"""Alembic environment: always run on a connection the Store hands over."""

from __future__ import annotations

from alembic import context

from workbench.store.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only reachable by running alembic by hand
    raise SystemExit("Run migrations through the workbench (they open the project themselves).")

context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
