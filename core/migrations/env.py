"""Alembic environment: one history for SQLite and PostgreSQL (batch mode on SQLite)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import event

from core import models
from core.catalog.search import include_in_autogenerate
from core.config import get_settings
from core.db import UTCDateTime, make_engine

target_metadata = models.Base.metadata


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = context.config.get_main_option("sqlalchemy.url") or get_settings().database_url
    engine = make_engine(url)
    if engine.dialect.name == "sqlite":
        # Batch mode rebuilds a SQLite table (create copy, drop, rename); with foreign keys on, dropping a
        # table that others reference fails. SQLite's documented procedure turns them off for the rebuild;
        # the pragma only works outside a transaction, so set it on connect, after the house pragmas.
        event.listen(engine, "connect", _foreign_keys_off)
    try:
        with engine.connect() as conn:
            _run(conn)
    finally:
        engine.dispose()


def _foreign_keys_off(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    dbapi_connection.execute("PRAGMA foreign_keys=OFF")


def _render_item(type_: str, obj: object, autogen_context: object) -> str | bool:
    """Render our UTC wrapper as the plain column type it stores, so migrations import nothing of ours."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=_render_item,
        # The full-text table and index (migration 0003) are not models: autogenerate must not drop them.
        include_object=include_in_autogenerate,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("Offline (SQL script) migrations are not supported; run against a database.")
run_migrations_online()
