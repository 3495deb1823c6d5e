"""Scenarios that check the benchmark harness itself: a trivial query, a write that is rolled back,
and an empty database migrated from scratch."""

from __future__ import annotations

from sqlalchemy import func, select

from core.db import make_engine
from core.migrate import upgrade_engine
from core.models import DigitalProduct, User
from tests.bench.harness import BenchContext, scenario


@scenario("selfcheck.count_users", repeats=20, warmup=2)
def count_users(ctx: BenchContext) -> int:
    """SELECT count(*) FROM users: the floor cost of one round trip through a Session."""
    with ctx.session() as session:
        return session.scalar(select(func.count()).select_from(User)) or 0


@scenario("selfcheck.largest_seller_products", repeats=10)
def largest_seller_products(ctx: BenchContext) -> int:
    """Load every product of the seller with the most published products (an ORM read)."""
    seller_id = ctx.largest_seller_id()
    with ctx.session() as session:
        return len(session.scalars(select(DigitalProduct).where(DigitalProduct.seller_id == seller_id)).all())


@scenario("selfcheck.migrate_empty_database", repeats=2, warmup=0)
def migrate_empty_database(ctx: BenchContext) -> None:
    """Create an empty database on the same backend and migrate it to head."""
    engine = make_engine(ctx.fresh_database_url("selfcheck"))
    try:
        upgrade_engine(engine)
    finally:
        engine.dispose()
