"""Engine and session factory, the declarative Base, shared column types and expressions, and `session_scope()`."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    DateTime,
    Engine,
    MetaData,
    Numeric,
    String,
    cast,
    create_engine,
    event,
    func,
    literal_column,
    text,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker
from sqlalchemy.types import TypeDecorator

# One naming convention so Alembic names constraints the same on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

MONEY = Numeric(12, 2)


def hundredths(column: Any) -> ColumnElement[int]:
    """`column` × 100 as an exact integer: money in cents, a rating in hundredths of a star.

    SQLite keeps NUMERIC as floating point; sums of these integers agree to the cent on both databases. The
    factor is literal SQL, not a bound parameter, so PostgreSQL sees one expression in SELECT and GROUP BY.
    """
    return cast(func.round(column * literal_column("100")), BigInteger)


def insert_for(session: Session, table: Any) -> postgresql.Insert | sqlite.Insert:
    """INSERT into `table` in the session's dialect, the one that offers ON CONFLICT (PostgreSQL, else SQLite)."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(table)


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_id() -> str:
    return str(uuid.uuid4())


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always returned timezone-aware.

    SQLite has no time zones and hands back naive datetimes; PostgreSQL's
    `timestamptz` hands back aware ones. This type makes both behave the same.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: pass an aware datetime (UTC)")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime(), Decimal: MONEY}


class IdMixin:
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class SoftDeleteMixin:
    deleted_at: Mapped[datetime | None] = mapped_column(default=None)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Python's sqlite3 driver does not emit BEGIN before a SAVEPOINT, so releasing the outermost
    # savepoint would commit. Take transaction control away from the driver and emit BEGIN ourselves
    # (SQLAlchemy's documented recipe for SAVEPOINT on pysqlite).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


PG_JIT = "off"  # PostgreSQL's `jit` for the app's connections (see make_engine)


def make_engine(database_url: str, **kwargs: Any) -> Engine:
    """Create an engine with the house settings for SQLite or PostgreSQL."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 15}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN"))
        return engine
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    # JIT off for every connection: the app's queries are dashboard reads of at most a few hundred ms, where
    # PostgreSQL's JIT compiled for longer than it ran (issue 13: 419 of the 444 ms of the seller-retention query).
    connect_args = {"options": f"-c jit={PG_JIT}", **kwargs.pop("connect_args", {})}
    return create_engine(url, pool_pre_ping=True, connect_args=connect_args, **kwargs)


def set_local_work_mem(session: Session, megabytes: int) -> None:
    """PostgreSQL: `work_mem` for the rest of this transaction (SQLite: nothing), so one big sort or hash of a
    dashboard query stays in memory instead of spilling to disk with the 4 MB default."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"SET LOCAL work_mem = '{int(megabytes)}MB'"))


@contextmanager
def without_nested_loops(session: Session) -> Iterator[None]:
    """PostgreSQL: no nested-loop joins for the statements inside (SQLite: nothing). For a statement whose row
    estimate is known to be wrong by orders of magnitude — a few thousand rows of one kind inside a table of
    millions of another, where the columns' independence assumption gives 2 — so hash joins are planned."""
    postgres = session.get_bind().dialect.name == "postgresql"
    if postgres:
        session.execute(text("SET LOCAL enable_nestloop = off"))
    yield
    if postgres:  # after an error the transaction is lost, and the setting with it
        session.execute(text("RESET enable_nestloop"))


_engine: Engine | None = None
_session_factory: sessionmaker[Session] | None = None


def get_engine() -> Engine:
    """The process-wide engine for the configured DATABASE_URL (the jobs runner and scripts)."""
    global _engine
    if _engine is None:
        from core.config import get_settings

        _engine = make_engine(get_settings().database_url)
    return _engine


def set_engine(engine: Engine | None) -> None:
    """Use `engine` for `session_scope()` (the UI hands over its cached engine; tests theirs)."""
    global _engine, _session_factory
    _engine = engine
    _session_factory = None


def session_factory(engine: Engine | None = None) -> sessionmaker[Session]:
    global _session_factory
    if engine is not None:
        return sessionmaker(engine, expire_on_commit=False)
    if _session_factory is None:
        _session_factory = sessionmaker(get_engine(), expire_on_commit=False)
    return _session_factory


@contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """One transaction per user action or job run: commit on success, roll back on error."""
    session = session_factory(engine)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
