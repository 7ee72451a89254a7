"""Alembic environment: configured entirely from code by `store.migrate`, never from an .ini."""

from __future__ import annotations

from alembic import context

from smallbiz_crm.store.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - only reachable when run outside store.migrate
    raise RuntimeError("Run migrations through smallbiz_crm.store.migrate.")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    # SQLite cannot ALTER most things in place: batch mode copies the table instead.
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
