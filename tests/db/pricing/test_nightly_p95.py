"""The price cap's 95th percentile read from the nightly benchmark rows, on SQLite and PostgreSQL: the stored
figure equals the one counted live from the listings (`segment_extras`) on random markets, the analysis and
`apply_price` use the same one, and a row computed before it was stored falls back to the live count."""

from __future__ import annotations

import random

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.ai import get_ai
from core.config import load_settings
from core.market.benchmarks import recalculate_benchmarks
from core.market.queries import list_benchmarks
from core.models import DigitalProduct, DigitalProductType, MarketBenchmark, ProductStatus
from core.pricing import analyze_pricing
from core.pricing.queries import price_cap_reference, segment_extras
from tests.conftest import NOW
from tests.factories import make_category, make_product, make_seller

OFFLINE = get_ai(load_settings(env={}))
TYPES = (DigitalProductType.EBOOK, DigitalProductType.PLANNER, DigitalProductType.COURSE)


def random_market(session: Session, seed: int) -> list[DigitalProduct]:
    rnd = random.Random(seed)
    categories = [make_category(session, name=f"Cat {seed}-{i}") for i in range(3)]
    sellers = [make_seller(session, username=f"p95_{seed}_{i}") for i in range(4)]
    products = []
    for _ in range(rnd.randint(15, 40)):
        products.append(
            make_product(
                session,
                seller=rnd.choice(sellers),
                category=rnd.choice([*categories, None]),
                type=rnd.choice(TYPES),
                price=f"{rnd.randint(1, 300)}.{rnd.randint(0, 99):02d}",
                status=rnd.choice([ProductStatus.PUBLISHED] * 5 + [ProductStatus.DRAFT]),
            )
        )
    recalculate_benchmarks(session, now=NOW)
    return products


def test_the_stored_p95_equals_the_live_count_and_the_analysis_and_the_cap_use_it(session: Session) -> None:
    for seed in (1, 2, 3, 4):
        products = random_market(session, seed)
        views = list_benchmarks(session)
        live = segment_extras(session, segments={(str(v.product_type), v.category_id) for v in views})
        for v in views:
            assert v.price_p95 is not None
            assert v.price_p95 == live[(str(v.product_type), v.category_id)].p95
        for product in products:
            analysis = analyze_pricing(session, seller_id=product.seller_id, product_id=product.id, ai=OFFLINE, now=NOW)
            if analysis.market is None:
                continue
            assert price_cap_reference(session, product=product) == analysis.market.p95_price


def test_a_row_without_the_stored_p95_falls_back_to_the_live_count(session: Session) -> None:
    products = random_market(session, 9)
    published = [p for p in products if p.status == ProductStatus.PUBLISHED]
    stored = {
        p.id: (
            analyze_pricing(session, seller_id=p.seller_id, product_id=p.id, ai=OFFLINE, now=NOW),
            price_cap_reference(session, product=p),
        )
        for p in published
    }
    # Rows as the job wrote them before it stored the percentile: {"min", "max"} only.
    for row in session.scalars(select(MarketBenchmark)).all():
        trimmed = {k: v for k, v in row.price_range.items() if k != "p95"}
        session.execute(update(MarketBenchmark).where(MarketBenchmark.id == row.id).values(price_range=trimmed))
    session.expire_all()
    assert all(v.price_p95 is None for v in list_benchmarks(session))
    for p in published:
        analysis = analyze_pricing(session, seller_id=p.seller_id, product_id=p.id, ai=OFFLINE, now=NOW)
        assert analysis == stored[p.id][0]
        assert price_cap_reference(session, product=p) == stored[p.id][1]
