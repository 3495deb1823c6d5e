"""The small demo marketplace, generated once per backend for the whole test session and shared by every demo test
module (a generation takes a minute or more, not milliseconds, and the rolled-back `session` fixture cannot hold a
bulk load)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from core.db import make_engine
from core.demo.generator import generate_demo
from tests.db.demo.shared import SEED, TODAY, Demo


def _generate(url: str) -> Demo:
    summary = generate_demo(url, seed=SEED, scale="small", today=TODAY)
    return make_engine(url), summary


@pytest.fixture(scope="session")
def sqlite_demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    engine, summary = _generate(f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}")
    yield engine, summary
    engine.dispose()


@pytest.fixture(scope="session")
def postgresql_demo(request: pytest.FixtureRequest) -> Iterator[Demo]:
    cluster = request.getfixturevalue("pg_cluster")
    engine, summary = _generate(cluster.create_database("demo_small"))
    yield engine, summary
    engine.dispose()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def demo(request: pytest.FixtureRequest) -> Demo:
    return request.getfixturevalue(f"{request.param}_demo")
