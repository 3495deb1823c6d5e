"""The migration history runs both ways on SQLite and PostgreSQL and matches the models."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from core.catalog.search import include_in_autogenerate
from core.db import make_engine
from core.migrate import downgrade, upgrade
from core.models import Base
from tests.conftest import BACKENDS


@pytest.fixture(params=BACKENDS)
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'mig.db'}"
    return request.getfixturevalue("pg_cluster").create_database("migrations_roundtrip")


def test_upgrade_downgrade_upgrade_and_models_match(empty_url: str) -> None:
    upgrade(empty_url)
    engine = make_engine(empty_url)
    try:
        tables = set(inspect(engine).get_table_names())
        assert set(Base.metadata.tables) <= tables

        downgrade(empty_url, "base")
        engine.dispose()
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}

        upgrade(empty_url)
        engine.dispose()
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "include_object": include_in_autogenerate}
            )
            diff = compare_metadata(context, Base.metadata)
        assert diff == []
    finally:
        engine.dispose()


def test_benchmark_unique_per_type_and_category_including_all_categories(session) -> None:  # type: ignore[no-untyped-def]
    """Two "all categories" rows for one type are refused, though category_id is NULL in both."""
    from tests.factories import make_category

    cat = make_category(session)
    insert = text(
        "INSERT INTO market_benchmarks (id, product_type, category_id, average_price, median_price, price_range,"
        " average_sales_per_month, top_seller_metrics, sample_size, calculated_at, created_at, updated_at)"
        " VALUES (:id, 'EBOOK', :cat, 10, 10, '{}', 1, '{}', 5, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP,"
        " CURRENT_TIMESTAMP)"
    )
    session.execute(insert, {"id": "a", "cat": None})
    session.execute(insert, {"id": "b", "cat": cat.id})
    with pytest.raises(IntegrityError), session.begin_nested():
        session.execute(insert, {"id": "c", "cat": None})
    with pytest.raises(IntegrityError), session.begin_nested():
        session.execute(insert, {"id": "d", "cat": cat.id})
    count = session.execute(text("SELECT count(*) FROM market_benchmarks")).scalar_one()
    assert count == 2


def test_a_released_savepoint_is_undone_by_the_outer_rollback(db_engine) -> None:  # type: ignore[no-untyped-def]
    """On SQLite the driver must not auto-commit when the outermost savepoint is released."""
    from sqlalchemy.orm import Session

    from core.models import Category

    connection = db_engine.connect()
    outer = connection.begin()
    session = Session(bind=connection, join_transaction_mode="create_savepoint")
    session.add(Category(name="Savepoint probe", slug="savepoint-probe"))
    session.commit()  # releases a savepoint only
    session.close()
    outer.rollback()
    connection.close()
    with db_engine.connect() as conn:
        left = conn.execute(text("SELECT count(*) FROM categories WHERE slug = 'savepoint-probe'")).scalar_one()
    assert left == 0
