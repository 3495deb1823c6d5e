"""`MarketNorms(now=…)`: the day's stored tag norms and price bands equal the live ones and are read back that day."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.listings.queries import (
    NORMS_BANDS_TASK,
    NORMS_TAGS_TASK,
    MarketNorms,
    category_top_tags,
    score_products,
    segment_price_bands,
)
from core.models import AICache, DigitalProduct, DigitalProductType, ProductStatus
from tests.conftest import NOW
from tests.db.listings.test_queries import count_statements
from tests.factories import make_category, make_product, make_seller

TYPES = [DigitalProductType.EBOOK, DigitalProductType.PLANNER, DigitalProductType.COURSE]


def random_catalogue(session: Session, seed: int) -> tuple[list[str], set[tuple[str, str | None]]]:
    rng = random.Random(seed)
    categories = [make_category(session) for _ in range(4)]
    words = [f"w{i}" for i in range(30)]
    for _ in range(3):
        seller = make_seller(session)
        for _ in range(25):
            make_product(
                session,
                seller=seller,
                category=rng.choice([*categories, None]),
                type=rng.choice(TYPES),
                price=Decimal(rng.randint(100, 9999)) / 100,
                status=rng.choice([ProductStatus.PUBLISHED] * 3 + [ProductStatus.DRAFT]),
                tags=rng.sample(words, rng.randint(0, 6)),
            )
    ids = [c.id for c in categories]
    segments = {(str(t), c) for t in TYPES for c in [*ids, None]} | {(str(DigitalProductType.GRAPHIC), ids[0])}
    return ids, segments


def test_stored_norms_equal_the_live_ones_on_random_catalogues(session: Session):
    for seed in (1, 2):
        ids, segments = random_catalogue(session, seed)
        live_tags = category_top_tags(session, category_ids=ids)
        live_bands = segment_price_bands(session, segments=segments)
        assert (str(DigitalProductType.GRAPHIC), ids[0]) not in live_bands  # no graphic listed: absent
        day = NOW + timedelta(days=seed)  # a fresh day each round: counted, then read back
        first, second = MarketNorms(session, now=day), MarketNorms(session, now=day)
        for norms in (first, second):
            assert norms.top_tags(set(ids)) == {cid: live_tags.get(cid, ()) for cid in ids}
            assert norms.bands(segments) == live_bands
        products = select(DigitalProduct.id).where(DigitalProduct.category_id.in_(ids))
        plain = score_products(session, DigitalProduct.id.in_(products))
        stored = score_products(session, DigitalProduct.id.in_(products), market=MarketNorms(session, now=day))
        assert [(s.listing.product_id, s.score) for s in stored] == [(s.listing.product_id, s.score) for s in plain]


def test_a_days_norms_are_counted_once_and_read_without_recounting(session: Session):
    ids, segments = random_catalogue(session, 3)
    MarketNorms(session, now=NOW).top_tags(set(ids))
    MarketNorms(session, now=NOW).bands(segments)
    rows = session.scalar(select(func.count()).where(AICache.task.in_([NORMS_TAGS_TASK, NORMS_BANDS_TASK])))
    assert rows == len(ids) + len(segments)  # one row per category and per segment, absent segments too
    later = MarketNorms(session, now=NOW + timedelta(hours=2))
    with count_statements(session) as statements:
        later.top_tags(set(ids))
        later.bands(segments)
    assert len(statements) == 2  # one read of the stored rows each, no aggregate


def test_a_listing_published_during_the_day_counts_from_the_next_day(session: Session):
    category = make_category(session)
    seller = make_seller(session)
    make_product(session, seller=seller, category=category, price="10.00", tags=["alpha"])
    segment = (str(DigitalProductType.EBOOK), category.id)
    morning = MarketNorms(session, now=NOW)
    assert morning.top_tags({category.id}) == {category.id: ("alpha",)}
    assert morning.bands({segment})[segment].sample_size == 1
    make_product(session, seller=seller, category=category, price="30.00", tags=["beta", "gamma"])
    make_product(session, seller=seller, category=category, price="50.00", tags=["beta"])
    evening = MarketNorms(session, now=NOW + timedelta(hours=8))  # 23:00 UTC: the same day's figures
    assert evening.top_tags({category.id}) == {category.id: ("alpha",)}
    assert evening.bands({segment})[segment].sample_size == 1
    tomorrow = MarketNorms(session, now=NOW + timedelta(hours=10))
    assert tomorrow.top_tags({category.id}) == {category.id: ("beta", "alpha", "gamma")}
    band = tomorrow.bands({segment})[segment]
    assert (band.sample_size, band.median, band.p25, band.p75) == (3, 30.0, 20.0, 40.0)
