"""Fixtures of the jobs tests: session factories inside the rolled-back test transaction, fresh databases."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from core.config import Settings, load_settings
from core.db import make_engine
from core.migrate import upgrade_engine


@pytest.fixture
def sessions(session: Session) -> Callable[[], Session]:
    """New Sessions on the test's connection: their commits release savepoints, the test still rolls back."""
    connection = session.connection()

    def factory() -> Session:
        return Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)

    return factory


@pytest.fixture
def offline_settings(tmp_path: Path) -> Settings:
    return load_settings(env={"OUTBOX_DIR": str(tmp_path / "outbox"), "DIGEST_PACING_SECONDS": "0"})


def fresh_engine(backend: str, name: str, request: pytest.FixtureRequest, tmp_path: Path) -> Engine:
    """A new migrated database (its own file or PostgreSQL database), for tests that need real separate connections."""
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / f'{name}.db'}"
    else:
        url = request.getfixturevalue("pg_cluster").create_database(name)
    engine = make_engine(url)
    upgrade_engine(engine)
    return engine


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    name = re.sub(r"[^a-z0-9_]+", "_", f"jobs_{request.node.name}".lower())[:60]
    engine = fresh_engine(request.param, name, request, tmp_path)
    yield engine
    engine.dispose()
