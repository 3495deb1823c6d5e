"""The rules that always hold (issue 11) against the database: settle after a price change, the product's own
past changes as evidence, the nightly segment fit, and overrides that never change the advice."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.ai import get_ai
from core.ai.door import AIDoor
from core.config import load_settings
from core.market.benchmarks import recalculate_benchmarks
from core.market.segment_stats import ListingActivity, fit_price_response
from core.models import MarketBenchmark, PriceChange, PriceChangeSource
from core.pricing import analyze_pricing, apply_price
from core.pricing.demand import PriceStep, estimate_elasticity, model_confidence
from tests.conftest import NOW
from tests.db.pricing.test_analysis import IN_WINDOW, add_purchases, build_market
from tests.factories import add_revenue, add_views, make_category, make_product, make_seller

TODAY = NOW.date()  # 2026-11-21: the window is Aug 23 … Nov 20


def offline() -> AIDoor:
    return get_ai(load_settings(env={}))


def _date_change(session: Session, change: PriceChange, day: date) -> None:
    change.created_at = NOW.replace(year=day.year, month=day.month, day=day.day)
    session.flush()


def test_right_after_a_change_the_advice_is_keep_while_the_new_price_is_measured(session: Session) -> None:
    m = build_market(session)
    recalculate_benchmarks(session, now=NOW)
    change = apply_price(
        session,
        seller_id=m.me.id,
        product_id=m.mine.id,
        new_price="11.99",
        changed_by_user_id=m.me.user_id,
        source=PriceChangeSource.ANALYSIS,
        suggested_price=D("11.99"),
    )
    _date_change(session, change, TODAY - timedelta(days=2))  # Nov 19

    a = analyze_pricing(session, seller_id=m.me.id, product_id=m.mine.id, ai=offline(), now=NOW)

    assert a.current_price == D("11.99") and a.suggested_price == D("11.99") and a.action == "keep"
    assert a.settled_until == date(2026, 12, 17)  # Nov 19 + 28 days
    assert a.money_at_stake == D("0.00")
    assert "measuring the new price since Nov 20, 2026" in a.reasoning
    assert "next advice on Dec 17, 2026" in a.reasoning
    assert a.demand is not None and (a.demand.low, a.demand.high) == (D("11.99"), D("11.99"))


def test_after_28_days_the_advice_resumes_on_the_sales_at_the_new_price(session: Session) -> None:
    m = build_market(session)
    recalculate_benchmarks(session, now=NOW)
    change = apply_price(
        session, seller_id=m.me.id, product_id=m.mine.id, new_price="11.00", changed_by_user_id=m.me.user_id
    )
    _date_change(session, change, TODAY - timedelta(days=28))  # Oct 24: Nov 21 is the first day of advice
    add_revenue(session, product=m.mine, day=date(2026, 11, 1), revenue=99, units=9)
    add_views(session, product=m.mine, day=date(2026, 11, 1), views=300)
    add_purchases(session, m.mine, date(2026, 11, 1), 9)

    a = analyze_pricing(session, seller_id=m.me.id, product_id=m.mine.id, ai=offline(), now=NOW)

    assert a.settled_until is None
    demand = a.demand
    assert demand is not None
    # Only the sales since Oct 25 count (the Oct 1–3 units were at the old price): 9 units in 27 days.
    assert (demand.since, demand.days_at_price, demand.units_at_price) == ("2026-10-25", 27, 9)
    assert demand.units_per_month == 10.0 and demand.conversion_at_price == pytest.approx(0.03)
    # The change itself is not evidence yet: 9 units after it, under the 10 needed on each side.
    assert demand.elasticity_sources == ("prior",)


def test_a_past_price_change_with_sales_on_both_sides_informs_the_elasticity(session: Session) -> None:
    seller, rival = make_seller(session), make_seller(session)
    category = make_category(session, name="Templates")
    product = make_product(session, seller=seller, category=category, price="10.00")
    for price in ("8.00", "9.00", "11.00", "12.00", "14.00"):
        make_product(session, seller=rival, category=category, price=price)
    change_day = date(2026, 10, 2)
    for k in range(1, 29):
        before, after = change_day - timedelta(days=k), change_day + timedelta(days=k)
        add_revenue(session, product=product, day=before, revenue=60, units=5)  # at 12.00
        add_revenue(session, product=product, day=after, revenue=70, units=7)  # at 10.00
    session.add(
        PriceChange(
            product_id=product.id,
            seller_id=seller.id,
            changed_by_user_id=seller.user_id,
            old_price=D("12.00"),
            new_price=D("10.00"),
            source=PriceChangeSource.MANUAL,
            created_at=NOW.replace(month=10, day=2),
        )
    )
    session.flush()
    recalculate_benchmarks(session, now=NOW)

    a = analyze_pricing(session, seller_id=seller.id, product_id=product.id, ai=offline(), now=NOW)

    demand = a.demand
    assert demand is not None and demand.elasticity_sources == ("prior", "own price change")
    # Arc elasticity ln(7/5) ÷ ln(10/12) = −1.8455, sd √(1/140 + 1/196) ÷ 0.18232 = 0.6069; with the prior
    # −1 ± 0.5: (−4 − 1.8455 × 2.7147) ÷ 6.7147 = −1.342, sd 1 ÷ √6.7147 = 0.3859.
    assert demand.elasticity == pytest.approx(-1.342, abs=1e-3)
    assert demand.elasticity_sd == pytest.approx(0.3859, abs=1e-4)
    expected = estimate_elasticity(None, [PriceStep(D("12.00"), D("10.00"), 140, 28, 196, 28)], price=10.0)
    assert demand.elasticity == pytest.approx(expected.mean, abs=1e-4)
    # The anchor starts the day after the change: 49 days (Oct 3 – Nov 20), 196 units.
    assert (demand.since, demand.days_at_price, demand.units_at_price) == ("2026-10-03", 49, 196)


def test_the_nightly_segment_fit_reaches_the_model(session: Session) -> None:
    me, rival = make_seller(session), make_seller(session)
    category = make_category(session, name="Fonts")
    rows = [(8.0, 400, 24), (10.0, 500, 25), (12.0, 300, 12), (14.0, 600, 21), (16.0, 250, 8), (18.0, 700, 20)]
    rows += [(20.0, 350, 9), (22.0, 450, 10)]
    mine = None
    for i, (price, views, purchases) in enumerate(rows):
        product = make_product(session, seller=me if i == 1 else rival, category=category, price=f"{price:.2f}")
        add_views(session, product=product, day=IN_WINDOW, views=views)
        add_purchases(session, product, IN_WINDOW, purchases)
        if i == 1:
            mine = product
            add_revenue(session, product=product, day=IN_WINDOW, revenue=250, units=25)
    assert mine is not None
    recalculate_benchmarks(session, now=NOW)

    stored = session.scalars(select(MarketBenchmark).where(MarketBenchmark.category_id == category.id)).one()
    fit = fit_price_response([ListingActivity(*r) for r in rows])
    assert fit is not None and stored.demand_model == pytest.approx(fit)
    a = analyze_pricing(session, seller_id=me.id, product_id=mine.id, ai=offline(), now=NOW)
    assert a.demand is not None and a.demand.elasticity_sources == ("prior", "segment")
    expected = estimate_elasticity(fit, price=10.0)
    assert a.demand.elasticity == pytest.approx(expected.mean, abs=1e-4)
    # The semi-log fit is read at the product's own price: $10 against the segment's median (14 + 16) ÷ 2 = $15.
    segment = a.demand.elasticity_parts[1]
    assert (segment.source, segment.price_ratio, segment.median_price) == ("segment", 0.6667, D("15.00"))
    assert segment.value == pytest.approx(-fit["slope"] * 10 / 15, abs=1e-4)
    assert "the segment's fit at 0.67× its median price of $15.00" in a.reasoning
    assert a.demand.elasticity_sd == pytest.approx(expected.sd, abs=1e-4)
    assert a.demand.elasticity_sd < 0.5  # the fit narrowed the prior: confidence rises with it
    assert a.confidence_score == model_confidence(25, 8, expected.sd) > model_confidence(25, 8, 0.5)


@pytest.mark.parametrize("median", ["0.01", "1500.00"])
def test_an_extreme_override_never_changes_the_position_the_advice_or_the_range(session: Session, median: str) -> None:
    m = build_market(session)
    recalculate_benchmarks(session, now=NOW)
    before = analyze_pricing(session, seller_id=m.me.id, product_id=m.mine.id, ai=offline(), now=NOW)
    row = session.scalars(select(MarketBenchmark).where(MarketBenchmark.category_id == m.planners.id)).one()
    row.override_median_price = D(median)  # written directly: the page's validation would refuse it
    row.override_note = "Holiday promotion"
    session.flush()

    after = analyze_pricing(session, seller_id=m.me.id, product_id=m.mine.id, ai=offline(), now=NOW)

    assert (after.competitive_position, after.suggested_price, after.price_range) == (
        before.competitive_position,
        before.suggested_price,
        before.price_range,
    )
    assert after.market is not None and after.market.median_price == D("15.00")  # the computed median
    notice = after.market.override_notice()
    assert notice is not None and "set by the marketplace team" in notice
    assert f"median ${D(median):,}" in notice and "(computed: $15.00)" in notice
    assert after.market.override_note == "Holiday promotion"
