"""Shared fixtures: a throw-away PostgreSQL cluster, migrated databases on both engines, and
per-test sessions that roll back (SQLAlchemy's "join an outer transaction" recipe)."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from core.config import reset_settings
from core.db import make_engine, set_engine
from core.migrate import upgrade_engine
from tests.pg_cluster import PostgresCluster, pg_bin

BACKENDS = ["sqlite", "postgresql"]
# A fixed "now" for tests that need one: a Saturday afternoon, like the day this was written.
NOW = datetime(2026, 11, 21, 15, 0, tzinfo=UTC)


def _postgres_required() -> bool:
    return os.environ.get("REQUIRE_POSTGRES") == "1" or os.environ.get("CI") == "true"


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PostgresCluster]:
    """One PostgreSQL cluster for the whole run (started here, stopped at the end)."""
    try:
        pg_bin()
    except RuntimeError as exc:
        if _postgres_required():
            raise
        pytest.skip(str(exc))
    cluster = PostgresCluster()
    cluster.start()
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def tmp_root() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="sgt-tests-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def migrated_engine(backend: str, name: str, request: pytest.FixtureRequest, tmp_root: Path) -> Engine:
    """A new, empty database on `backend`, migrated to head."""
    if backend == "sqlite":
        url = f"sqlite:///{tmp_root / f'{name}.db'}"
    else:
        cluster: PostgresCluster = request.getfixturevalue("pg_cluster")
        url = cluster.create_database(name)
    engine = make_engine(url)
    upgrade_engine(engine)
    return engine


@pytest.fixture(scope="session", params=BACKENDS)
def db_engine(request: pytest.FixtureRequest, tmp_root: Path) -> Iterator[Engine]:
    """A migrated database per backend, shared by the tests of the session (each test rolls back)."""
    engine = migrated_engine(request.param, f"core_{request.param}", request, tmp_root)
    yield engine
    engine.dispose()


@pytest.fixture
def session(db_engine: Engine) -> Iterator[Session]:
    """A session inside an outer transaction that is rolled back after the test.

    Code under test may call `commit()`: with `join_transaction_mode="create_savepoint"`
    that only releases a savepoint, and the outer rollback still undoes everything.
    """
    connection = db_engine.connect()
    outer = connection.begin()
    session = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    try:
        yield session
    finally:
        session.close()
        outer.rollback()
        connection.close()


@pytest.fixture
def backend(db_engine: Engine) -> str:
    return db_engine.dialect.name


@pytest.fixture(autouse=True)
def _fresh_settings() -> Iterator[None]:
    """Every test starts from settings read anew and no process-wide engine."""
    reset_settings()
    yield
    reset_settings()
    set_engine(None)
