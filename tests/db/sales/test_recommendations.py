"""Product recommendations on a factory-built shop, on both databases: the evidence numbers by hand, the stored
recommendations replaced on refresh, the seller scoping of decisions and the outcome measured 30 days later."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal as D
from fractions import Fraction
from math import comb

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.ai import get_ai
from core.config import load_settings
from core.models import (
    ConversionEvent,
    ConversionEventType,
    DigitalProduct,
    DigitalProductType,
    ListingScoreRecord,
    MarketBenchmark,
    PriceChange,
    PriceChangeSource,
    ProductRecommendation,
    ProductStatus,
    RecommendationStatus,
)
from core.periods import Window
from core.sales.recommendation_evidence import load_evidence, load_segment_stats
from core.sales.recommendation_outcomes import OutcomeCounts, measure_due_outcomes
from core.sales.recommendations import decide, generate_recommendations, list_recommendations
from tests.conftest import NOW
from tests.factories import add_order, add_views, make_category, make_product, make_seller, rng

# NOW = Sat 2026-11-21 15:00 UTC (APP_TIMEZONE UTC): window Oct 22 .. Nov 20, previous Sep 22 .. Oct 21,
# 90-day look-back Aug 23 .. Nov 20.
OFFLINE = get_ai(load_settings(env={}))
PLANNER = DigitalProductType.PLANNER


def at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def score_row(session: Session, product: DigitalProduct, *, overall: float, views_30d: int) -> None:
    """A stored listing score as the nightly job leaves it (only `overall` and `views_30d` matter here)."""
    session.add(
        ListingScoreRecord(
            product_id=product.id,
            seller_id=product.seller_id,
            status=str(product.status.value),
            category_id=product.category_id,
            product_type=str(product.type.value),
            overall=overall,
            title_quality=0,
            description_completeness=0,
            image_quality=0,
            seo_optimization=0,
            pricing_competitiveness=0,
            tag_relevance=0,
            weakest=[],
            to_win={},
            views_30d=views_30d,
            views_through=date(2026, 11, 20),
            rule_version=1,
            scored_at=NOW,
        )
    )


def benchmark(session: Session, *, category_id: str | None, median: str, sample: int) -> None:
    session.add(
        MarketBenchmark(
            product_type=PLANNER,
            category_id=category_id,
            average_price=D(median),
            median_price=D(median),
            price_range={"min": 1.0, "max": 99.0},
            average_sales_per_month=D("1.00"),
            top_seller_metrics={"avgPrice": 1.0, "avgRating": None, "avgMonthlySales": 1.0},
            sample_size=sample,
            calculated_at=NOW,
        )
    )


@dataclass
class Shop:
    seller_id: str
    other_seller_id: str
    user_id: str
    a: DigitalProduct
    b: DigitalProduct


def build_shop(session: Session) -> Shop:
    seller = make_seller(session, username="rec_seller")
    other = make_seller(session, username="rec_other")
    finance = make_category(session, name="Finance")
    a = make_product(session, seller=seller, category=finance, type=PLANNER, price="20.00", title="Budget Planner")
    b = make_product(session, seller=seller, category=finance, type=PLANNER, price="40.00", title="Cash Flow Kit")
    draft = make_product(session, seller=seller, category=finance, type=PLANNER, status=ProductStatus.DRAFT)
    gone = make_product(session, seller=seller, category=finance, type=PLANNER)
    gone.deleted_at = datetime(2026, 3, 1, tzinfo=UTC)

    # A: 1,000 views in the window (the 999 of Oct 21 are in the previous window), 30 add-to-cart.
    add_views(session, product=a, day=date(2026, 11, 20), views=600)
    add_views(session, product=a, day=date(2026, 10, 22), views=400)
    add_views(session, product=a, day=date(2026, 10, 21), views=999)
    for day, count in ((date(2026, 11, 1), 30), (date(2026, 10, 1), 50)):
        session.add(
            ConversionEvent(
                product_id=a.id, seller_id=seller.id, day=day, event_type=ConversionEventType.ADD_TO_CART, count=count
            )
        )
    session.add(
        ConversionEvent(
            product_id=a.id,
            seller_id=seller.id,
            day=date(2026, 11, 1),
            event_type=ConversionEventType.PURCHASE,
            count=9,
        )
    )
    # A's orders: 5 in the window (one refunded: still an order, gross), 1 in the previous one, 1 today (partial).
    add_order(session, product=a, created_at=at(date(2026, 10, 22), 0))
    add_order(session, product=a, created_at=at(date(2026, 11, 10)))
    add_order(session, product=a, created_at=at(date(2026, 11, 10)))
    add_order(session, product=a, created_at=at(date(2026, 11, 20)))
    add_order(session, product=a, created_at=at(date(2026, 11, 20), 23), refunded_at=at(date(2026, 11, 21), 1))
    add_order(session, product=a, created_at=datetime(2026, 10, 21, 23, 59, tzinfo=UTC))
    add_order(session, product=a, created_at=at(date(2026, 11, 21), 10))
    # B: 60 views, 3 orders of 40.00; an order of 5 months ago is outside the 90 days.
    add_views(session, product=b, day=date(2026, 11, 5), views=60)
    for day in (date(2026, 11, 5), date(2026, 11, 6), date(2026, 11, 7)):
        add_order(session, product=b, created_at=at(day))
    add_order(session, product=b, created_at=at(date(2026, 6, 1)))

    # The segment (planners in Finance): A (5/1000), B (3/60) and five other products with 100 stored views and
    # 1..5 orders in the window; one with 19 views and a draft with 500 are not ranked.
    score_row(session, a, overall=62.5, views_30d=1000)
    score_row(session, b, overall=80.0, views_30d=60)
    score_row(session, draft, overall=10.0, views_30d=500)
    for n in range(1, 6):
        peer = make_product(session, seller=other, category=finance, type=PLANNER)
        score_row(session, peer, overall=50.0, views_30d=100)
        for _ in range(n):
            add_order(session, product=peer, created_at=at(date(2026, 11, 3)))
        add_order(session, product=peer, created_at=at(date(2026, 10, 1)))  # before the window
    quiet = make_product(session, seller=other, category=finance, type=PLANNER)
    score_row(session, quiet, overall=50.0, views_30d=19)
    add_order(session, product=quiet, created_at=at(date(2026, 11, 3)))
    benchmark(session, category_id=finance.id, median="25.00", sample=8)
    benchmark(session, category_id=None, median="30.00", sample=100)
    session.flush()
    return Shop(seller.id, other.id, seller.user_id, a, b)


def test_evidence_numbers_by_hand(session: Session) -> None:
    shop = build_shop(session)
    evidence = load_evidence(session, seller_id=shop.seller_id, now=NOW)
    assert [e.payload.title for e in evidence] == ["Budget Planner", "Cash Flow Kit"]
    a, b = (e.payload for e in evidence)
    assert (a.views, a.add_to_cart, a.orders, a.revenue, a.previous_revenue, a.orders_90d) == (
        1000,
        30,
        5,
        D("100.00"),
        D("20.00"),
        6,
    )
    assert (b.views, b.add_to_cart, b.orders, b.revenue, b.previous_revenue, b.orders_90d) == (
        60,
        0,
        3,
        D("120.00"),
        D("0.00"),
        3,
    )
    # Ranked: 5/1000, 3/60 and 1..5 of 100 → 0.005, 0.01, 0.02, 0.03, 0.04, 0.05, 0.05: median 0.03;
    # views 60, 100 ×5, 1000: median 100.
    assert a.segment_products == b.segment_products == 7
    assert a.segment_median_conversion == pytest.approx(0.03)
    assert a.segment_median_views == 100.0
    assert a.segment_label == "planner listings in Finance"
    # The category's benchmark row has 8 ≥ 5 listings: its median, not the type's.
    assert (a.benchmark_median_price, a.benchmark_sample) == (D("25.00"), 8)
    assert (a.listing_score, b.listing_score) == (62.5, 80.0)
    assert a.days_published == (date(2026, 11, 21) - date(2026, 1, 15)).days
    assert a.conversion == pytest.approx(0.005)


def test_a_thin_category_uses_the_type_across_all_categories(session: Session) -> None:
    shop = build_shop(session)
    seller = session.get(DigitalProduct, shop.a.id).seller  # type: ignore[union-attr]
    art = make_category(session, name="Art")
    lone = make_product(session, seller=seller, category=art, type=PLANNER, price="30.00", title="Art Planner")
    add_views(session, product=lone, day=date(2026, 11, 2), views=50)
    score_row(session, lone, overall=70.0, views_30d=50)
    add_order(session, product=lone, created_at=at(date(2026, 11, 2)))
    session.flush()
    evidence = {e.payload.title: e.payload for e in load_evidence(session, seller_id=shop.seller_id, now=NOW)}
    lone_payload = evidence["Art Planner"]
    # Art has 1 ranked planner (< 5): all planners with ≥ 20 views: the 7 above plus 1/50 = 0.02 → 8 rates
    # 0.005, 0.01, 0.02, 0.02, 0.03, 0.04, 0.05, 0.05: median (0.02 + 0.03) / 2 = 0.025.
    assert lone_payload.segment_label == "planner listings across all categories"
    assert lone_payload.segment_products == 8
    assert lone_payload.segment_median_conversion == pytest.approx(0.025)
    # Art has no benchmark row: the type's.
    assert lone_payload.benchmark_median_price == D("30.00")
    assert evidence["Budget Planner"].segment_products == 7


def test_generate_stores_one_new_per_product_and_replaces_new_ones(session: Session) -> None:
    shop = build_shop(session)
    assert generate_recommendations(session, seller_id=shop.seller_id, now=NOW, ai=OFFLINE) == 2
    first = session.scalars(
        select(ProductRecommendation).where(ProductRecommendation.seller_id == shop.seller_id)
    ).all()
    by_product = {r.product_id: r for r in first}
    assert set(by_product) == {shop.a.id, shop.b.id}
    a = by_product[shop.a.id]
    # A: ratio 0.005 / 0.03 = 0.1667 on 1,000 ≥ 100 views → reprice (lower);
    # margin (0.1667 - 0.5) / (0 - 0.5) = 0.6667, data 0.5·1 + 0.5·7/30 = 0.6167 → 30 + 26.67 + 18.5 = 75.17 → 75
    assert (a.action.value, a.confidence, a.engine, a.status) == ("reprice", 75, "offline", RecommendationStatus.NEW)
    assert a.evidence["direction"] == "lower"
    assert a.evidence["views"] == 1000 and a.evidence["conversion_ratio"] == pytest.approx(0.005 / 0.03)
    assert "“Budget Planner” had 1,000 views, 30 add-to-carts and 5 orders" in a.reason
    b = by_product[shop.b.id]
    # B: 3/60 = 0.05, ratio 1.667 ≥ 1.2 on 60 < 100 views → promote;
    # margin mean((1.667-1.2)/1.2, (60-100)/(20-100)) = mean(0.3889, 0.5) = 0.4444; data 0.5·60/500 + 0.5·7/30 = 0.1767
    # 30 + 17.78 + 5.3 = 53.08 → 53
    assert (b.action.value, b.confidence) == ("promote", 53)

    accepted = decide(
        session, seller_id=shop.seller_id, recommendation_id=a.id, accept=True, user_id=shop.user_id, now=NOW
    )
    assert accepted.status == RecommendationStatus.ACCEPTED
    assert generate_recommendations(session, seller_id=shop.seller_id, now=NOW, ai=OFFLINE) == 2
    rows = session.scalars(select(ProductRecommendation).where(ProductRecommendation.seller_id == shop.seller_id)).all()
    statuses = sorted((r.product_id == shop.a.id, r.status.value) for r in rows)
    # A: the accepted one stays beside a new one; B's new one was replaced (a new id).
    assert statuses == [(False, "new"), (True, "accepted"), (True, "new")]
    assert b.id not in {r.id for r in rows}
    listed = list_recommendations(session, seller_id=shop.seller_id)
    assert [(r.title, r.status) for r in listed] == [
        ("Budget Planner", "new"),
        ("Cash Flow Kit", "new"),
        ("Budget Planner", "accepted"),
    ]


def test_decide_is_scoped_to_the_seller(session: Session) -> None:
    shop = build_shop(session)
    generate_recommendations(session, seller_id=shop.seller_id, now=NOW, ai=OFFLINE)
    rec = session.scalars(select(ProductRecommendation).where(ProductRecommendation.product_id == shop.a.id)).one()
    with pytest.raises(LookupError):
        decide(
            session,
            seller_id=shop.other_seller_id,
            recommendation_id=rec.id,
            accept=True,
            user_id=shop.user_id,
            now=NOW,
        )
    with pytest.raises(LookupError):
        decide(
            session,
            seller_id=shop.seller_id,
            recommendation_id="no-such-id",
            accept=False,
            user_id=shop.user_id,
            now=NOW,
        )
    session.refresh(rec)
    assert (rec.status, rec.decided_at, rec.baseline) == (RecommendationStatus.NEW, None, None)

    decide(session, seller_id=shop.seller_id, recommendation_id=rec.id, accept=False, user_id=shop.user_id, now=NOW)
    assert (rec.status, rec.decided_by_user_id, rec.accepted_at, rec.baseline) == (
        RecommendationStatus.DISMISSED,
        shop.user_id,
        None,
        None,
    )
    with pytest.raises(ValueError, match="already dismissed"):
        decide(session, seller_id=shop.seller_id, recommendation_id=rec.id, accept=True, user_id=shop.user_id, now=NOW)


def binomial_two_sided(k: int, n: int, p: Fraction) -> float:
    """The exact two-sided p-value computed with fractions (independent of the module's log-space sum)."""
    pmf = [comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(n + 1)]
    return float(sum(x for x in pmf if x <= pmf[k]))


def test_outcome_measured_30_days_after_acceptance(session: Session) -> None:
    shop = build_shop(session)
    generate_recommendations(session, seller_id=shop.seller_id, now=NOW, ai=OFFLINE)
    recs = {r.product_id: r for r in session.scalars(select(ProductRecommendation))}
    rec = recs[shop.a.id]
    decide(session, seller_id=shop.seller_id, recommendation_id=rec.id, accept=True, user_id=shop.user_id, now=NOW)
    # Baseline: Oct 22 .. Nov 20: 1,000 views, 5 orders, 100.00.
    assert rec.baseline == {
        "start": "2026-10-22",
        "end": "2026-11-20",
        "days": 30,
        "visits": 1000,
        "orders": 5,
        "revenue": "100.00",
        "conversion": 0.005,
    }
    dismissed = recs[shop.b.id]
    decide(
        session, seller_id=shop.seller_id, recommendation_id=dismissed.id, accept=False, user_id=shop.user_id, now=NOW
    )

    # After acceptance the seller lowers the price (Nov 21, 16:00) and sells at 18.00.
    session.add(
        PriceChange(
            product_id=shop.a.id,
            seller_id=shop.seller_id,
            changed_by_user_id=shop.user_id,
            old_price=D("20.00"),
            new_price=D("18.00"),
            source=PriceChangeSource.MANUAL,
            created_at=datetime(2026, 11, 21, 16, tzinfo=UTC),
        )
    )
    add_views(session, product=shop.a, day=date(2026, 11, 22), views=500)
    add_views(session, product=shop.a, day=date(2026, 12, 21), views=300)
    for day, n in ((date(2026, 11, 22), 4), (date(2026, 12, 1), 3), (date(2026, 12, 21), 1), (date(2026, 12, 22), 1)):
        for _ in range(n):
            add_order(session, product=shop.a, created_at=at(day), amount="18.00")
    session.flush()

    # Dec 21: the window Nov 22 .. Dec 21 is not complete yet.
    assert measure_due_outcomes(session, now=datetime(2026, 12, 21, 15, tzinfo=UTC)) == OutcomeCounts(0, 0)
    due = datetime(2026, 12, 22, 4, 30, tzinfo=UTC)
    assert measure_due_outcomes(session, now=due) == OutcomeCounts(1, 1)
    session.refresh(rec)
    outcome = rec.outcome
    assert rec.outcome_measured_at == due
    # After: Nov 22 .. Dec 21: 800 views, 8 orders of 18.00 = 144.00 (the order of Dec 22 is outside).
    assert outcome["after"] == {
        "start": "2026-11-22",
        "end": "2026-12-21",
        "days": 30,
        "visits": 800,
        "orders": 8,
        "revenue": "144.00",
        "conversion": 0.01,
    }
    # 144 vs 100: +44 %; 8 vs 5: +60 %; 800 vs 1000: -20 %; 0.01 vs 0.005: +100 %.
    assert outcome["changes"] == {"revenue": 44.0, "orders": 60.0, "visits": -20.0, "conversion": 100.0}
    # 13 orders ≥ 10: 8 of 13 after, equal windows → p = binomial two-sided (8, 13, 1/2).
    assert outcome["verdict"]["change"] == "no clear change"
    assert outcome["verdict"]["p_value"] == pytest.approx(binomial_two_sided(8, 13, Fraction(1, 2)))
    assert outcome["price_changes"] == [{"day": "2026-11-21", "old_price": "20.00", "new_price": "18.00"}]
    # The price effect: Nov 7 .. Nov 20 (600 views; 4 orders, 80.00) vs Nov 22 .. Dec 19 (28 days: 500 views;
    # 7 orders, 126.00).
    effect = outcome["price_effect"]
    assert (effect["before"]["visits"], effect["before"]["orders"], effect["before"]["revenue"]) == (600, 4, "80.00")
    assert (effect["after"]["start"], effect["after"]["end"]) == ("2026-11-22", "2026-12-19")
    assert (effect["after"]["visits"], effect["after"]["orders"], effect["after"]["revenue"]) == (500, 7, "126.00")
    assert effect["verdict"]["p_value"] == pytest.approx(binomial_two_sided(7, 11, Fraction(28, 42)))
    # The dismissed one is not measured, and a second run measures nothing.
    session.refresh(dismissed)
    assert dismissed.outcome is None
    assert measure_due_outcomes(session, now=due + timedelta(days=1)) == OutcomeCounts(0, 0)


def test_a_seller_without_published_products_gets_nothing(session: Session) -> None:
    seller = make_seller(session, username="rec_empty")
    make_product(session, seller=seller, status=ProductStatus.DRAFT)
    assert load_evidence(session, seller_id=seller.id, now=NOW) == []
    assert generate_recommendations(session, seller_id=seller.id, now=NOW, ai=OFFLINE) == 0
    assert list_recommendations(session, seller_id=seller.id) == []


def test_segment_medians_match_a_raw_count_on_random_data(session: Session) -> None:
    rand = rng(14)
    seller = make_seller(session, username="rec_random")
    categories = [make_category(session, name=f"Random {i}") for i in range(3)]
    types = (PLANNER, DigitalProductType.EBOOK)
    window = Window(date(2026, 10, 22), date(2026, 11, 20))
    raw: list[tuple[str, str | None, str, int, int]] = []  # (type, category id, status, views, orders in window)
    for _ in range(60):
        category = rand.choice([*categories, None])
        kind = rand.choice(types)
        status = rand.choice([ProductStatus.PUBLISHED] * 4 + [ProductStatus.DRAFT])
        product = make_product(session, seller=seller, category=category, type=kind, status=status)
        views = rand.randint(0, 60)
        score_row(session, product, overall=50.0, views_30d=views)
        inside = rand.randint(0, 6)
        for _ in range(inside):
            add_order(session, product=product, created_at=at(window.start + timedelta(days=rand.randint(0, 29))))
        for _ in range(rand.randint(0, 2)):  # outside the window: never counted
            add_order(session, product=product, created_at=at(rand.choice([date(2026, 10, 21), date(2026, 11, 21)])))
        raw.append((kind.value, category.id if category else None, status.value, views, inside))
    session.flush()
    segments = {(t.value, c.id) for t in types for c in categories} | {(t.value, None) for t in types}
    stats = load_segment_stats(session, segments, window=window)
    for product_type, category_id in segments:
        ranked = [
            (v, o)
            for t, c, s, v, o in raw
            if t == product_type and (category_id is None or c == category_id) and s == "PUBLISHED" and v >= 20
        ]
        got = stats[(product_type, category_id)]
        assert got.products == len(ranked), (product_type, category_id)
        if ranked:
            assert got.median_conversion == pytest.approx(statistics.median(o / v for v, o in ranked))
            assert got.median_views == statistics.median(v for v, _ in ranked)
        else:
            assert (got.median_conversion, got.median_views) == (None, None)
