"""The pricing optimizer against a hand-built market on SQLite and PostgreSQL: analysis, bulk, apply, history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.ai import get_ai
from core.ai.door import NO_API_KEY, AIDoor
from core.ai.tasks.pricing_types import PriceRange
from core.config import load_settings
from core.db import utcnow
from core.market.benchmarks import recalculate_benchmarks
from core.models import (
    Category,
    ConversionEvent,
    ConversionEventType,
    DigitalProduct,
    DigitalProductType,
    PriceChange,
    PriceChangeSource,
    ProductStatus,
    SellerProfile,
)
from core.pricing import (
    PriceValidationError,
    analyze_pricing,
    apply_price,
    bulk_analyze_pricing,
    needs_attention,
    price_history,
)
from tests.ai_stub import STUB_MODEL, StubAnthropic, tool_use_response
from tests.conftest import NOW
from tests.factories import add_revenue, add_views, make_category, make_product, make_seller

EBOOK = DigitalProductType.EBOOK
COURSE = DigitalProductType.COURSE
GRAPHIC = DigitalProductType.GRAPHIC
# NOW = 2026-11-21 15:00 UTC → the 90-day window is 2026-08-23 … 2026-11-20 (today excluded).
IN_WINDOW = date(2026, 10, 1)
BEFORE_WINDOW = date(2026, 8, 22)


def offline() -> AIDoor:
    return get_ai(load_settings(env={}))


def add_purchases(session: Session, product: DigitalProduct, day: date, count: int) -> None:
    session.add(
        ConversionEvent(
            product_id=product.id,
            seller_id=product.seller_id,
            day=day,
            event_type=ConversionEventType.PURCHASE,
            count=count,
        )
    )
    session.flush()


@dataclass
class Market:
    me: SellerProfile
    rival: SellerProfile
    planners: Category
    mine: DigitalProduct  # EBOOK in Planners at 10.00
    rivals: list[DigitalProduct]  # EBOOKs in Planners at 12, 14, 16, 18, 20


def build_market(session: Session) -> Market:
    """Planners: my EBOOK at 10.00 and the rival's five at 12–20; an EBOOK elsewhere at 100.00 (other category).

    Planners prices {10, 12, 14, 16, 18, 20}, n = 6 (≥ 5: the category segment is used):
      p25 at position 0.25 × 5 = 1.25 → 12 + 0.25 × 2 = 12.50; median at 2.5 → 14 + 0.5 × 2 = 15.00;
      p75 at 3.75 → 16 + 0.75 × 2 = 17.50; p95 at 4.75 → 18 + 0.75 × 2 = 19.50; average 90 / 6 = 15.00.
    Ratings 4.5 (mine), 4.0, 4.2 and three unrated → segment average (4.5 + 4.0 + 4.2) / 3 = 4.2333.
    Conversion in the window: mine 6 / 200 = 0.03, rival #1 1 / 100 = 0.01, rival #2 0 / 50 = 0 →
      median of [0, 0.01, 0.03] = 0.01 (listings without views are left out).
    """
    me, rival = make_seller(session), make_seller(session)
    planners, other = make_category(session, name="Planners"), make_category(session, name="Recipes")
    mine = make_product(
        session,
        seller=me,
        category=planners,
        price="10.00",
        title="Weekly Planner",
        description="<p>Plan your <strong>week</strong> in ten minutes.</p>",  # 6 words once the HTML is gone
        featured_image="https://img.example/cover.png",
        gallery_images=["https://img.example/1.png", "https://img.example/2.png", " "],
        tags=["planner", "Planner ", "weekly"],  # 2 distinct tags
        average_rating=D("4.50"),
    )
    ratings = [D("4.00"), D("4.20"), None, None, None]
    rivals = [
        make_product(session, seller=rival, category=planners, price=p, average_rating=r)
        for p, r in zip(("12.00", "14.00", "16.00", "18.00", "20.00"), ratings, strict=True)
    ]
    make_product(session, seller=rival, category=other, price="100.00")
    make_product(session, seller=rival, category=planners, price="500.00", status=ProductStatus.DRAFT)
    make_product(session, seller=rival, category=planners, price="900.00", deleted_at=NOW)

    add_views(session, product=mine, day=IN_WINDOW, views=200)
    add_views(session, product=mine, day=BEFORE_WINDOW, views=1000)  # outside the window: ignored
    add_purchases(session, mine, IN_WINDOW, 6)
    add_purchases(session, mine, BEFORE_WINDOW, 50)
    add_views(session, product=rivals[0], day=IN_WINDOW, views=100)
    add_purchases(session, rivals[0], IN_WINDOW, 1)
    add_views(session, product=rivals[1], day=IN_WINDOW, views=50)
    # My units in the window: 4 + 5 + 6 = 15 → 5 a month; the 30 units on NOW's own date don't count.
    for offset, units in enumerate((4, 5, 6)):
        add_revenue(session, product=mine, day=IN_WINDOW + timedelta(days=offset), revenue=units * 10, units=units)
    add_revenue(session, product=mine, day=NOW.date(), revenue=300, units=30)
    add_revenue(session, product=rivals[4], day=IN_WINDOW, revenue=200, units=10)
    return Market(me, rival, planners, mine, rivals)


def test_analysis_against_hand_built_market(session: Session) -> None:
    m = build_market(session)
    # Top sellers of Planners × EBOOK: 2 sellers → ceil(10 % × 2) = 1, the rival (the only 90-day revenue);
    # their published products' average price (12 + 14 + 16 + 18 + 20) / 5 = 16.00.
    recalculate_benchmarks(session, now=NOW)

    a = analyze_pricing(session, seller_id=m.me.id, product_id=m.mine.id, ai=offline(), now=NOW)

    assert a.available and a.reason is None
    market = a.market
    assert market is not None
    assert (market.segment_scope, market.category_name, market.thin_sample) == ("category", "Planners", False)
    assert market.sample_size == 6
    # The nightly row's figures: p10 at 0.5 → 11.00, p90 at 4.5 → 19.00.
    assert (market.p10_price, market.p90_price) == (D("11.00"), D("19.00"))
    assert (market.p25_price, market.median_price, market.p75_price) == (D("12.50"), D("15.00"), D("17.50"))
    assert (market.average_price, market.min_price, market.max_price) == (D("15.00"), D("10.00"), D("20.00"))
    assert market.p95_price == D("19.50")  # the price cap's reference
    assert market.seller_price == D("10.00")
    assert market.top_seller_average_price == D("16.00") and market.top_seller_scope == "category"
    assert market.average_rating == pytest.approx(4.23)  # the row's two decimals
    assert market.median_conversion_rate == pytest.approx(0.01)
    assert market.calculated_at == NOW

    facts = a.facts
    assert facts is not None
    assert facts.average_rating == 4.5 and facts.conversion_rate == pytest.approx(0.03)
    assert facts.category_name == "Planners"

    # 10.00 < p25 12.50 → underpriced. Anchor: no price change → the whole window, 15 units in 90 days = 5 a
    # month; 6 purchases / 200 views = 3 % > the 1 % median. No segment fit (3 listings with ≥ 50 views < 8),
    # so the elasticity is the prior −1.0 ± 0.5, whose optimum is the current price: keep.
    assert a.competitive_position == "underpriced"
    demand = a.demand
    assert demand is not None
    assert (demand.since, demand.days_at_price, demand.units_at_price) == ("2026-08-23", 90, 15)
    assert demand.units_per_month == 5.0 and demand.conversion_at_price == pytest.approx(0.03)
    assert (demand.elasticity, demand.elasticity_sd, demand.elasticity_sources) == (-1.0, 0.5, ("prior",))
    # Band: ±25 % = [7.50, 12.50]; no cut (converts above median; below p25) → low 10.00.
    assert (demand.low, demand.high) == (D("10.00"), D("12.50"))
    assert a.engine == "offline" and a.fallback_reason == NO_API_KEY
    assert "offline engine" in a.engine_label
    assert a.suggested_price == D("10.00") and a.action == "keep"
    # Range: the optima under e ± sd (−0.5 → 15.00, −1.5 → 8.33) held to the band: 10.00–12.50.
    assert a.price_range == PriceRange(min=D("10.00"), max=D("12.50"))
    assert "$10.00" in a.reasoning and "$12.50" in a.reasoning
    assert a.money_at_stake == D("0.00") and a.expected_units == 5.0
    # Confidence: units 40 × 15/60 = 10; listings 20 × 5/29 = 3.45; the prior narrowed nothing: 0 → 13.
    assert a.confidence_score == 13
    assert a.units_90_days == 15 and a.price_change == D("0.00")


def test_category_with_fewer_than_five_listings_falls_back_to_the_type(session: Session) -> None:
    """Courses: mine at 40 with the rival's 50, 60 in a small category; 20, 30, 70, 80 in another.

    Small category n = 3 < 5 → the type's row over {20, 30, 40, 50, 60, 70, 80}, n = 7: p10 at 0.6 → 26.00,
    p25 at 1.5 → 35.00, median 50.00, p75 at 4.5 → 65.00, p90 at 5.4 → 74.00, average 50.00.
    40.00 is inside [35, 65] → competitive. No sale: keep.
    """
    me, rival = make_seller(session), make_seller(session)
    small, big = make_category(session, name="Tiny"), make_category(session, name="Big")
    mine = make_product(session, seller=me, category=small, type=COURSE, price="40.00")
    for price in ("50.00", "60.00"):
        make_product(session, seller=rival, category=small, type=COURSE, price=price)
    for price in ("20.00", "30.00", "70.00", "80.00"):
        make_product(session, seller=rival, category=big, type=COURSE, price=price)
    recalculate_benchmarks(session, now=NOW)

    a = analyze_pricing(session, seller_id=me.id, product_id=mine.id, ai=offline(), now=NOW)

    market = a.market
    assert market is not None
    assert (market.segment_scope, market.category_name, market.sample_size) == ("all categories", None, 7)
    assert (market.p10_price, market.p90_price) == (D("26.00"), D("74.00"))
    assert (market.p25_price, market.median_price, market.p75_price) == (D("35.00"), D("50.00"), D("65.00"))
    assert (market.average_price, market.p95_price) == (D("50.00"), D("77.00"))
    assert market.median_conversion_rate is None  # no listing has views
    assert a.facts is not None and a.facts.category_name is None
    assert a.competitive_position == "competitive"
    assert a.suggested_price == D("40.00") and a.money_at_stake == D("0.00")
    assert a.demand is not None and a.demand.limits == (
        "no unit sold at this price yet: nothing for the model to scale",
    )
    # units 0; listings 20 × 6/29 = 4.14; precision 0 → 4 (under 10 units: capped at 25 anyway).
    assert a.confidence_score == 4


def test_thin_market_is_flagged_and_confidence_capped(session: Session) -> None:
    """Two other courses at 100 and 300: n = 3 (thin); 60 units at 200 would earn 40 points, capped at 25."""
    me, rival = make_seller(session), make_seller(session)
    mine = make_product(session, seller=me, type=COURSE, price="200.00")
    make_product(session, seller=rival, type=COURSE, price="100.00")
    make_product(session, seller=rival, type=COURSE, price="300.00")
    add_revenue(session, product=mine, day=IN_WINDOW, revenue=12000, units=60)
    recalculate_benchmarks(session, now=NOW)

    a = analyze_pricing(session, seller_id=me.id, product_id=mine.id, ai=offline(), now=NOW)

    assert a.market is not None and a.market.thin_sample and a.market.sample_size == 3
    # 40 + 20 × 2/29 = 41.38 → 41, capped at 25: fewer than 5 listings.
    assert a.competitive_position == "competitive"
    assert a.confidence_score == 25


def test_no_benchmark_yet_says_so_and_computes_nothing_live(session: Session) -> None:
    m = build_market(session)
    stub = StubAnthropic(tool_use_response("pricing_advice", {}))

    a = analyze_pricing(session, seller_id=m.me.id, product_id=m.mine.id, ai=stub.door(), now=NOW)

    assert not a.available and a.market is None and a.suggested_price is None
    assert a.reason is not None and a.reason.startswith(
        "Market figures for this kind of product have not been computed"
    )
    assert stub.requests == []


def test_no_comparable_market_gives_a_reason_and_asks_no_model(session: Session) -> None:
    me, rival = make_seller(session), make_seller(session)
    mine = make_product(session, seller=me, type=GRAPHIC, price="9.00")
    make_product(session, seller=rival, type=GRAPHIC, price="5.00", status=ProductStatus.DRAFT)
    make_product(session, seller=rival, type=EBOOK, price="5.00")
    recalculate_benchmarks(session, now=NOW)
    stub = StubAnthropic(tool_use_response("pricing_advice", {}))

    a = analyze_pricing(session, seller_id=me.id, product_id=mine.id, ai=stub.door(), now=NOW)

    assert not a.available
    assert a.reason == "No other published graphic listing to compare with yet, so there is no market price to go by."
    assert a.suggested_price is None and a.engine is None and a.market is None
    assert stub.requests == []


def test_a_draft_is_analysed_against_the_published_market(session: Session) -> None:
    """A draft GRAPHIC at 8.00 against one published GRAPHIC at 5.00: the draft is not part of its market."""
    me, rival = make_seller(session), make_seller(session)
    draft = make_product(session, seller=me, type=GRAPHIC, price="8.00", status=ProductStatus.DRAFT)
    make_product(session, seller=rival, type=GRAPHIC, price="5.00")
    recalculate_benchmarks(session, now=NOW)

    a = analyze_pricing(session, seller_id=me.id, product_id=draft.id, ai=offline(), now=NOW)

    assert a.available and a.market is not None
    assert (a.market.sample_size, a.market.median_price, a.market.thin_sample) == (1, D("5.00"), True)
    assert a.competitive_position == "overpriced"
    # Rewritten for issue 11 (the old engine cut it to the median 5.00 without a single sale to go by): no unit
    # sold at 8.00, so the model has nothing to scale and keeps the price; confidence 0.
    assert a.suggested_price == D("8.00") and a.action == "keep"
    assert a.confidence_score == 0


def test_anthropic_answers_are_held_to_the_rules_and_say_so(session: Session) -> None:
    m = build_market(session)
    recalculate_benchmarks(session, now=NOW)
    # The model's band is [10.00, 12.50] (no cut; at most +25 %); an answer inside it is taken as given.
    answer = {
        "suggested_price": 11.99,
        "price_range": {"min": 10.99, "max": 12.49},
        "reasoning": "Your $10.00 sits below the $12.50 lower quartile of 6 planners; $11.99 is a careful step up.",
    }
    stub = StubAnthropic(tool_use_response("pricing_advice", answer))

    a = analyze_pricing(session, seller_id=m.me.id, product_id=m.mine.id, ai=stub.door(), now=NOW)

    assert a.engine == f"anthropic:{STUB_MODEL}" and a.fallback_reason is None and not a.cached
    assert a.suggested_price == D("11.99") and not a.held_by_rules
    assert a.price_range == PriceRange(min=D("10.99"), max=D("12.49"))
    assert a.reasoning == answer["reasoning"]
    # Position and confidence are computed, not the model's: the same as offline.
    assert (a.competitive_position, a.confidence_score) == ("underpriced", 13)
    # Money at stake is the model's expected change, sign kept: R(11.99) = 11.99 × 5 × (1 − 0.199) = 48.0199;
    # R(10) = 50 → −1.98 (the prior elasticity −1 says a raise loses a little).
    assert a.money_at_stake == D("-1.98")
    message = str(stub.bodies[0]["messages"][0]["content"])
    assert "Weekly Planner" in message and "@example.com" not in message
    assert "Allowed range for suggested_price and price_range: $10.00 to $12.50." in message
    assert "elasticity -1.00 ± 0.50 (sources: prior)" in message

    again = analyze_pricing(session, seller_id=m.me.id, product_id=m.mine.id, ai=stub.door(), now=NOW)
    assert again.cached and len(stub.requests) == 1


def test_an_answer_outside_the_band_falls_back_and_core_clamps_whatever_it_gets(session: Session) -> None:
    m = build_market(session)
    recalculate_benchmarks(session, now=NOW)
    cut = {"suggested_price": 7.99, "price_range": {"min": 6.99, "max": 9.99}, "reasoning": "Cut it to $7.99."}
    stub = StubAnthropic(tool_use_response("pricing_advice", cut))

    a = analyze_pricing(session, seller_id=m.me.id, product_id=m.mine.id, ai=stub.door(), now=NOW)

    # 7.99 is outside [10.00, 12.50]: the answer is refused and the offline engine answers (keep).
    assert a.engine == "offline" and a.fallback_reason is not None and "outside the allowed range" in a.fallback_reason
    assert a.suggested_price == D("10.00")


def test_other_sellers_or_missing_products_are_not_found(session: Session) -> None:
    m = build_market(session)
    for seller_id, product_id in ((m.rival.id, m.mine.id), (m.me.id, m.rivals[0].id), (m.me.id, "no-such-id")):
        with pytest.raises(LookupError, match="Product not found"):
            analyze_pricing(session, seller_id=seller_id, product_id=product_id, ai=offline(), now=NOW)


def _price_and_changes(session: Session, product: DigitalProduct) -> tuple[D, int]:
    price = session.scalar(select(DigitalProduct.price).where(DigitalProduct.id == product.id))
    return price, session.scalar(select(func.count()).select_from(PriceChange))


@pytest.mark.parametrize(
    ("new_price", "message"),
    [
        ("0", "Enter a price above $0.00."),
        ("-5", "Enter a price above $0.00."),
        ("12.345", "Use at most two decimals (cents)."),
        ("twelve", "Enter a price as a number, like 19.99."),
        ("10.00", "$10.00 is already this product's price."),
        # p95 of Planners is 19.50 → cap 195.00.
        (
            "195.01",
            "$195.01 is more than 10× the highest typical price of comparable listings ($19.50); check for a typo.",
        ),
    ],
)
def test_apply_price_rejects_and_writes_nothing(session: Session, new_price: str, message: str) -> None:
    m = build_market(session)
    with pytest.raises(PriceValidationError) as raised:
        apply_price(
            session, seller_id=m.me.id, product_id=m.mine.id, new_price=new_price, changed_by_user_id=m.me.user_id
        )
    assert str(raised.value) == message
    assert _price_and_changes(session, m.mine) == (D("10.00"), 0)


def test_apply_price_refuses_other_sellers_and_deleted_products(session: Session) -> None:
    m = build_market(session)
    gone = make_product(session, seller=m.me, category=m.planners, price="11.00", deleted_at=NOW)
    for product in (m.rivals[0], gone):
        with pytest.raises(LookupError, match=r"^Product not found$"):
            apply_price(
                session, seller_id=m.me.id, product_id=product.id, new_price="12.00", changed_by_user_id=m.me.user_id
            )
    assert session.scalar(select(DigitalProduct.price).where(DigitalProduct.id == m.rivals[0].id)) == D("12.00")
    assert session.scalar(select(func.count()).select_from(PriceChange)) == 0


def test_apply_price_cap_without_a_segment(session: Session) -> None:
    me = make_seller(session)
    lonely = make_product(session, seller=me, type=GRAPHIC, price="9.00")
    with pytest.raises(PriceValidationError, match=r"^\$10,000\.01 is above the \$10,000\.00 maximum"):
        apply_price(session, seller_id=me.id, product_id=lonely.id, new_price="10000.01", changed_by_user_id=me.user_id)
    assert _price_and_changes(session, lonely) == (D("9.00"), 0)
    apply_price(session, seller_id=me.id, product_id=lonely.id, new_price="10000", changed_by_user_id=me.user_id)
    assert _price_and_changes(session, lonely) == (D("10000.00"), 1)


def test_apply_price_writes_product_and_audit_row(session: Session) -> None:
    m = build_market(session)
    before = utcnow()
    change = apply_price(
        session,
        seller_id=m.me.id,
        product_id=m.mine.id,
        new_price=14.99,
        changed_by_user_id=m.me.user_id,
        source=PriceChangeSource.ANALYSIS,
        suggested_price=D("14.99"),
    )

    assert _price_and_changes(session, m.mine) == (D("14.99"), 1)
    row = session.scalars(select(PriceChange)).one()
    assert row.id == change.id
    assert (row.product_id, row.seller_id, row.changed_by_user_id) == (m.mine.id, m.me.id, m.me.user_id)
    assert (row.old_price, row.new_price, row.suggested_price) == (D("10.00"), D("14.99"), D("14.99"))
    assert row.source == PriceChangeSource.ANALYSIS and row.created_at >= before
    # The cap is inclusive: exactly 10 × p95 = 195.00 is accepted.
    apply_price(session, seller_id=m.me.id, product_id=m.mine.id, new_price="195", changed_by_user_id=m.me.user_id)

    history = price_history(session, seller_id=m.me.id)
    assert [(h.product_title, h.old_price, h.new_price, h.source) for h in history] == [
        ("Weekly Planner", D("14.99"), D("195.00"), PriceChangeSource.MANUAL),
        ("Weekly Planner", D("10.00"), D("14.99"), PriceChangeSource.ANALYSIS),
    ]
    assert price_history(session, seller_id=m.rival.id) == []
    assert len(price_history(session, seller_id=m.me.id, limit=1)) == 1


def test_apply_price_is_all_or_nothing(session: Session) -> None:
    """A failing audit insert (unknown user) rolls the product's new price back with it."""
    m = build_market(session)
    with pytest.raises(IntegrityError):
        apply_price(
            session, seller_id=m.me.id, product_id=m.mine.id, new_price="13.00", changed_by_user_id="no-such-user"
        )
    assert _price_and_changes(session, m.mine) == (D("10.00"), 0)


def _bulk_world(session: Session, count: int) -> SellerProfile:
    """`count` published products of one seller over 2 types × 2 categories, plus a draft, in a small market."""
    me, rival = make_seller(session), make_seller(session)
    categories = [make_category(session), make_category(session)]
    for i in range(count):
        kind, category = (EBOOK, COURSE)[i % 2], categories[i // 2 % 2]
        product = make_product(session, seller=me, type=kind, category=category, price=f"{10 + 5 * i}.00")
        add_views(session, product=product, day=IN_WINDOW, views=10 + i)
        add_revenue(session, product=product, day=IN_WINDOW, revenue=10, units=1 + i)
    for kind in (EBOOK, COURSE):
        for category in categories:
            for price in ("15.00", "25.00", "35.00"):
                make_product(session, seller=rival, type=kind, category=category, price=price)
    make_product(session, seller=me, type=EBOOK, price="99.00", status=ProductStatus.DRAFT)
    recalculate_benchmarks(session, now=NOW)
    return me


@pytest.mark.parametrize("count", [3, 12])
def test_bulk_analysis_reports_progress_and_issues_a_fixed_number_of_queries(session: Session, count: int) -> None:
    me = _bulk_world(session, count)
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        statements.append(statement)

    calls: list[tuple[int, int, str]] = []
    connection = session.connection()
    event.listen(connection, "before_cursor_execute", record)
    try:
        analyses = bulk_analyze_pricing(
            session,
            seller_id=me.id,
            ai=offline(),
            progress=lambda done, total, title: calls.append((done, total, title)),
            batch_size=5,
            now=NOW,
        )
    finally:
        event.remove(connection, "before_cursor_execute", record)

    assert len(analyses) == count and all(a.available for a in analyses)
    assert [(done, total) for done, total, _ in calls] == [(i, count) for i in range(1, count + 1)]
    assert [title for *_, title in calls] == [a.title for a in analyses]
    # Three loading queries (products, nightly benchmarks with their 95th percentiles, price changes) and one
    # search of the AI cache for all products, whatever the count: with nothing cached the door never looks again.
    cache_lookups = [s for s in statements if "ai_cache" in s]
    assert len(cache_lookups) == 1
    assert len(statements) == 4

    flagged = needs_attention(analyses)
    assert all(a.action in ("raise", "cut") for a in flagged)
    sizes = [abs(a.money_at_stake) for a in flagged]
    assert sizes == sorted(sizes, reverse=True)


def test_bulk_analysis_rejects_oversized_batches(session: Session) -> None:
    me = make_seller(session)
    with pytest.raises(ValueError, match="batch_size"):
        bulk_analyze_pricing(session, seller_id=me.id, ai=offline(), batch_size=21)
    assert bulk_analyze_pricing(session, seller_id=me.id, ai=offline(), now=NOW) == []
