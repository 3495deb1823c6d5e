"""The demo's bulk loader (`core.demo.writer.BulkLoader`) on SQLite and PostgreSQL: chunks land whole and in order
(on PostgreSQL from the background writer thread), a chunk that fails in the background fails the load and its
transaction leaves nothing behind, and deferred indexes come back as they were (a table other tables point to
keeps its key).

Each test works in its own transaction on a database of this module's own, rolled back at the end.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import Connection, Engine, text

from core.demo.writer import BulkLoader
from tests.conftest import BACKENDS, migrated_engine

WHEN = datetime(2026, 11, 21, tzinfo=UTC)


@pytest.fixture(scope="module", params=BACKENDS)
def engine(request: pytest.FixtureRequest, tmp_root: Path) -> Iterator[Engine]:
    engine = migrated_engine(request.param, f"bulk_loader_{request.param}", request, tmp_root)
    yield engine
    engine.dispose()


def _category(n: int, ident: str | None = None) -> tuple[object, ...]:
    return (ident or f"00000000-0000-4000-8000-{n:012d}", f"Category {n}", f"category-{n}", True, WHEN, WHEN)


def _loader(conn: Connection, chunk_rows: int) -> BulkLoader:
    loader = BulkLoader(conn, chunk_rows=chunk_rows)
    loader.register("categories", ("id", "name", "slug", "is_active", "created_at", "updated_at"))
    return loader


def _indexes(conn: Connection, table: str) -> set[str]:
    if conn.dialect.name == "postgresql":
        query = "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename = :t"
    else:
        query = "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = :t AND sql IS NOT NULL"
    return set(conn.execute(text(query), {"t": table}).scalars())


def test_chunks_land_whole_and_in_order(engine: Engine) -> None:
    with engine.connect() as conn:
        outer = conn.begin()
        loader = _loader(conn, chunk_rows=2)
        try:
            for n in range(7):  # chunks of 2, 2, 2 and the last 1 on close
                loader.add("categories", _category(n))
            loader.flush()
            loader.wait()
            slugs = list(conn.execute(text("SELECT slug FROM categories ORDER BY name")).scalars())
            assert slugs == [f"category-{n}" for n in range(7)]
            assert loader.counts == {"categories": 7}
        finally:
            loader.close()
            outer.rollback()


def test_a_failing_chunk_fails_the_load_and_leaves_nothing(engine: Engine) -> None:
    with engine.connect() as conn:
        outer = conn.begin()
        loader = _loader(conn, chunk_rows=2)
        with pytest.raises((psycopg.errors.UniqueViolation, sqlite3.IntegrityError)):
            try:
                loader.add("categories", _category(1))
                loader.add("categories", _category(2))  # the first chunk
                loader.add("categories", _category(3, ident=_category(1)[0]))  # the second: a key already taken
                loader.add("categories", _category(4))
                loader.add("categories", _category(5))
                loader.flush()
            finally:
                loader.close()  # raises the background chunk's error if nothing before did
        outer.rollback()
        assert conn.execute(text("SELECT count(*) FROM categories")).scalar_one() == 0


def test_deferred_indexes_come_back_and_a_referenced_key_stays(engine: Engine) -> None:
    with engine.connect() as conn:
        outer = conn.begin()
        loader = _loader(conn, chunk_rows=100)
        try:
            before = _indexes(conn, "digital_products")
            assert "ix_digital_products_seller_status" in before
            loader.defer_indexes(("digital_products",), keep_constraints=True)
            during = _indexes(conn, "digital_products")
            # PostgreSQL keeps the key's index (other tables' foreign keys point to it); SQLite's key is not a
            # named index at all.
            assert during == ({"pk_digital_products"} if conn.dialect.name == "postgresql" else set())
            loader.restore_indexes()
            assert _indexes(conn, "digital_products") == before
        finally:
            loader.close()
            outer.rollback()
