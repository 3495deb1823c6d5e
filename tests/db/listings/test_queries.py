"""Bulk listing scores on factory data, on SQLite and PostgreSQL: scoping, tag norms, price bands, query count."""

from __future__ import annotations

import random
import statistics
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

from core.listings.queries import (
    MarketNorms,
    category_top_tags,
    score_seller_listing,
    score_seller_listings,
    segment_price_bands,
)
from core.listings.rules import PriceBand
from core.models import DigitalProductType, ProductStatus
from tests.conftest import NOW
from tests.factories import make_category, make_product, make_seller

PLANNER, EBOOK = DigitalProductType.PLANNER, DigitalProductType.EBOOK


@dataclass
class World:
    seller_id: str
    other_seller_id: str
    budget_id: str
    meals_id: str
    a1: str
    a2: str
    a5: str
    b1: str


def build_world(session: Session) -> World:
    seller, other = make_seller(session), make_seller(session)
    budget = make_category(session, name="Budget Planners")
    meals = make_category(session, name="Meal Planning")

    # Budget Planners, PLANNER, published: prices 10 (ours), 12, 14, 20, 30, 40.
    a1 = make_product(
        session,
        seller=seller,
        category=budget,
        type=PLANNER,
        price="10.00",
        title="Monthly Budget Planner Printable Pack",
        featured_image="cover.png",
        gallery_images=["g1.png", "g2.png"],
        seo_title="Budget planner",
        tags=["Budget", "finance", "printable"],
    )
    b1 = make_product(
        session, seller=other, category=budget, type=PLANNER, price="12", tags=["budget", "Monthly Planner"]
    )
    # A tag repeated on one product counts once for that product.
    make_product(session, seller=other, category=budget, type=PLANNER, price="14", tags=["budget", "Budget", "finance"])
    make_product(session, seller=other, category=budget, type=PLANNER, price="20", tags=[" Budget ", "savings"])
    make_product(session, seller=other, category=budget, type=PLANNER, price="30", tags=["printable"])
    make_product(session, seller=other, category=budget, type=PLANNER, price="40", tags=[])
    # Neither drafts nor deleted products count in the norms or the bands.
    make_product(
        session, seller=other, category=budget, type=PLANNER, price="1", status=ProductStatus.DRAFT, tags=["draft"]
    )
    make_product(session, seller=other, category=budget, type=PLANNER, price="1", deleted_at=NOW, tags=["gone"])

    # Meal Planning, PLANNER: one published product (100) is too few for a band of its own.
    make_product(session, seller=other, category=meals, type=PLANNER, price="100", tags=["recipes", "meal plan"])
    # A PLANNER without a category still counts for the type's all-categories band.
    make_product(session, seller=other, type=PLANNER, price="8")
    a2 = make_product(
        session,
        seller=seller,
        category=meals,
        type=PLANNER,
        price="40",
        title="meal plan",
        status=ProductStatus.DRAFT,
        description="# Meal plan\n\nTen recipes.\n\n- one\n- two\n",
        seo_keywords=["meal", "plan"],
        tags=["meal plan"],
    )
    a5 = make_product(session, seller=seller, type=EBOOK, price="5", title="Guide")
    # Not shown: the seller's archived and deleted products.
    make_product(session, seller=seller, category=budget, type=PLANNER, status=ProductStatus.ARCHIVED)
    make_product(session, seller=seller, category=budget, type=PLANNER, status=ProductStatus.DRAFT, deleted_at=NOW)
    return World(seller.id, other.id, budget.id, meals.id, a1.id, a2.id, a5.id, b1.id)


@contextmanager
def count_statements(session: Session):
    statements: list[str] = []
    engine = session.get_bind().engine

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_category_top_tags(session: Session):
    w = build_world(session)
    tags = category_top_tags(session, category_ids=[w.budget_id, w.meals_id])
    # Budget Planners: budget on A1, B1, B2, B3 (4); finance on A1, B2 (2); printable on A1, B4 (2);
    # monthly planner (1), savings (1). Ties in binary order. "draft" and "gone" are not published.
    assert tags == {
        w.budget_id: ("budget", "finance", "printable", "monthly planner", "savings"),
        w.meals_id: ("meal plan", "recipes"),
    }
    assert category_top_tags(session, category_ids=[w.budget_id], limit=2) == {w.budget_id: ("budget", "finance")}
    assert category_top_tags(session, category_ids=[]) == {}


def test_malformed_tags_are_ignored(session: Session):
    seller, category = make_seller(session), make_category(session)
    make_product(session, seller=seller, category=category, tags=["Kids", "kids", 7])
    for malformed in (None, {"kids": "x"}, "kids"):  # JSON null, an object, a string: not a list of tags
        make_product(session, seller=seller, category=category, tags=malformed)
    # "Kids"/"kids" count once for their product; the number 7 is a tag "7" to the database.
    assert category_top_tags(session, category_ids=[category.id]) == {category.id: ("7", "kids")}
    scored = score_seller_listings(session, seller_id=seller.id)
    assert sorted(s.score.facts.tags for s in scored) == [(), (), (), ("kids",)]


def test_segment_price_bands(session: Session):
    w = build_world(session)
    segments = [(PLANNER, w.budget_id), (PLANNER, w.meals_id), (PLANNER, None), (EBOOK, None), ("COURSE", None)]
    bands = segment_price_bands(session, segments=segments)
    # Budget Planners: 10, 12, 14, 20, 30, 40 (n = 6). Positions (n − 1) × q: 1.25, 2.5, 3.75.
    # p25 = 12 + 0.25 × (14 − 12) = 12.5; median = 14 + 0.5 × 6 = 17; p75 = 20 + 0.75 × 10 = 27.5; avg 126/6 = 21.
    assert bands[("PLANNER", w.budget_id)] == PriceBand(12.5, 17.0, 27.5, 21.0, 6, "category")
    assert bands[("PLANNER", w.meals_id)] == PriceBand(100.0, 100.0, 100.0, 100.0, 1, "category")
    # All PLANNERs: 8, 10, 12, 14, 20, 30, 40, 100 (n = 8). Positions 1.75, 3.5, 5.25.
    # p25 = 10 + 0.75 × 2 = 11.5; median = 14 + 0.5 × 6 = 17; p75 = 30 + 0.25 × 10 = 32.5; avg 234/8 = 29.25.
    assert bands[("PLANNER", None)] == PriceBand(11.5, 17.0, 32.5, 29.25, 8, "type")
    assert bands[("EBOOK", None)] == PriceBand(5.0, 5.0, 5.0, 5.0, 1, "type")
    assert set(bands) == set(segments) - {("COURSE", None)}  # no published course: no band
    assert segment_price_bands(session, segments=[]) == {}


def test_score_seller_listings_hand_computed(session: Session):
    w = build_world(session)
    with count_statements(session) as statements:
        scored = score_seller_listings(session, seller_id=w.seller_id)
    assert len(statements) == 3  # products, tag norms, price bands: no query per product

    # Only the seller's published and draft products, worst first.
    assert [s.listing.product_id for s in scored] == [w.a5, w.a2, w.a1]
    by_id = {s.listing.product_id: s.score for s in scored}

    # A1 (Budget Planners, published, 10.00):
    #   title 37 chars 6 + "budget" 6 + normal case 3 = 15; no description 0;
    #   featured 8 + 2 gallery images 12 × 2/3 = 8 → 16; SEO title 5 → 5;
    #   price 10 below p25 12.5: floor 6.25, 15 × (10 − 6.25)/(12.5 − 6.25) = 9.0;
    #   3 tags 4 + 3 common tags (≥ 2) 6 = 10.    15 + 0 + 16 + 5 + 9 + 10 = 55.0
    assert _points(by_id[w.a1]) == [15.0, 0.0, 16.0, 5.0, 9.0, 10.0, 55.0]
    # A2 (Meal Planning, draft, 40.00):
    #   title 9 chars 6 × 9/30 = 1.8 + "meal" 6 + 3 = 10.8;
    #   description 6 words 12 × 6/200 = 0.36 → 0.4, heading 4, 1 paragraph 1.5, 2 items 4 → 9.9;
    #   no images 0; 2 SEO keywords 5 × 2/3 → 3.3;
    #   Meal Planning has 1 published PLANNER (< 5): the all-PLANNER band, p75 32.5, ceiling 65:
    #   15 × (65 − 40)/(65 − 32.5) = 11.54 → 11.5;
    #   1 tag 4/3 → 1.3 + 1 common tag 3 = 4.3.    10.8 + 9.9 + 0 + 3.3 + 11.5 + 4.3 = 39.8
    assert _points(by_id[w.a2]) == [10.8, 9.9, 0.0, 3.3, 11.5, 4.3, 39.8]
    assert by_id[w.a2].facts.benchmark.scope == "type"
    # A5 (no category, EBOOK, 5.00): title 5 chars 1.0 + no keywords known 3 (neutral) + 3 = 7.0;
    #   the only published EBOOK: 1 listing is no market, pricing neutral 7.5.    7 + 7.5 = 14.5
    assert _points(by_id[w.a5]) == [7.0, 0.0, 0.0, 0.0, 7.5, 0.0, 14.5]
    assert [s.status for s in scored] == ["PUBLISHED", "DRAFT", "PUBLISHED"]


def test_published_only_and_single_rescore(session: Session):
    w = build_world(session)
    published = score_seller_listings(session, seller_id=w.seller_id, statuses=[ProductStatus.PUBLISHED])
    assert [s.listing.product_id for s in published] == [w.a5, w.a1]
    one = score_seller_listing(session, seller_id=w.seller_id, product_id=w.a2)
    assert one.score.overall == 39.8
    with pytest.raises(LookupError):
        score_seller_listing(session, seller_id=w.seller_id, product_id=w.b1)  # another seller's product


def test_other_seller_sees_only_their_own(session: Session):
    w = build_world(session)
    theirs = score_seller_listings(session, seller_id=w.other_seller_id)
    assert w.b1 in {s.listing.product_id for s in theirs}
    assert not {w.a1, w.a2, w.a5} & {s.listing.product_id for s in theirs}
    assert len(theirs) == 8  # 5 published budget + 1 budget draft + 1 meals + 1 uncategorised; not the deleted one


def test_many_products_still_take_three_queries(session: Session):
    seller = make_seller(session)
    categories = [make_category(session, name=f"Cat {i}") for i in range(4)]
    for i in range(40):
        make_product(session, seller=seller, category=categories[i % 4], price=5 + i, tags=[f"t{i % 3}", "common"])
    with count_statements(session) as statements:
        scored = score_seller_listings(session, seller_id=seller.id)
    assert len(scored) == 40
    assert len(statements) == 3


def _points(score) -> list[float]:
    return [d.points for d in score.dimensions] + [score.overall]


def test_price_bands_match_an_independent_percentile(session: Session):
    # statistics.quantiles(method="inclusive") interpolates at (n − 1) × q like percentile_cont: the
    # database answer (percentile_cont on PostgreSQL, windows on SQLite) must agree on random prices.
    rng = random.Random(11)
    seller = make_seller(session)
    categories = [make_category(session) for _ in range(3)]
    prices: dict[str, list[Decimal]] = {c.id: [] for c in categories}
    for category in categories:
        for _ in range(rng.randint(2, 23)):
            price = Decimal(rng.randint(100, 20000)) / 100
            prices[category.id].append(price)
            make_product(session, seller=seller, category=category, type=PLANNER, price=price)
    bands = segment_price_bands(session, segments=[(PLANNER, c.id) for c in categories] + [(PLANNER, None)])
    everything = [p for ps in prices.values() for p in ps]
    for key, values in [*(((PLANNER, cid), ps) for cid, ps in prices.items()), ((PLANNER, None), everything)]:
        q1, q2, q3 = statistics.quantiles([float(v) for v in values], n=4, method="inclusive")
        band = bands[key]
        assert (band.p25, band.median, band.p75) == pytest.approx((q1, q2, q3), abs=1e-9)
        assert band.average == pytest.approx(float(sum(values) / len(values)), abs=1e-4)
        assert band.sample_size == len(values)


def test_shared_market_norms_give_the_same_scores_with_one_query_per_further_seller(session: Session):
    """Two sellers in the same categories: with a shared `MarketNorms` the second costs only its product query."""
    categories = [make_category(session, name=f"Shared {i}") for i in range(2)]
    sellers = [make_seller(session) for _ in range(2)]
    for n, seller in enumerate(sellers):
        for i in range(6):
            make_product(session, seller=seller, category=categories[i % 2], price=8 + i + n, tags=["common", f"t{i}"])
    plain = {s.id: _scores(score_seller_listings(session, seller_id=s.id)) for s in sellers}
    market = MarketNorms(session)
    with count_statements(session) as first:
        shared_first = _scores(score_seller_listings(session, seller_id=sellers[0].id, market=market))
    with count_statements(session) as second:
        shared_second = _scores(score_seller_listings(session, seller_id=sellers[1].id, market=market))
    assert shared_first == plain[sellers[0].id]
    assert shared_second == plain[sellers[1].id]
    assert len(first) == 3  # products, tag norms, price bands
    assert len(second) == 1  # products only: same categories and segments, norms and bands reused


def _scores(scored) -> dict[str, float]:
    return {s.listing.product_id: s.score.overall for s in scored}
