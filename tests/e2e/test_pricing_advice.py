"""Maya's best seller in the Pricing tool, in Chromium on the demo marketplace (issue 11): the advice respects her
demand — no cut for a listing converting above its segment's median, no step over 25 %, and an expected change in
monthly revenue where the old page showed a cut's size as "money at stake"."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.db import make_engine
from core.models import DigitalProduct, ProductStatus, RevenueRecord, SellerProfile, User
from core.pricing import analyze_pricing
from tests.e2e.test_login_flow import PASSWORDS, log_in, screenshot, wait_until_idle
from tests.e2e.test_pricing_listing import metric_value

pytestmark = pytest.mark.e2e


def _best_seller(database_url: str) -> tuple[str, object]:
    """Maya's published product with the most units in the last 90 complete days, and core's analysis of it."""
    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            today = datetime.now(UTC).date()
            units = func.coalesce(func.sum(RevenueRecord.units), 0)
            product_id = session.execute(
                select(DigitalProduct.id)
                .join(SellerProfile, SellerProfile.id == DigitalProduct.seller_id)
                .join(User, User.id == SellerProfile.user_id)
                .outerjoin(
                    RevenueRecord,
                    (RevenueRecord.product_id == DigitalProduct.id)
                    & (RevenueRecord.day >= today - timedelta(days=90))
                    & (RevenueRecord.day < today),
                )
                .where(User.username == "maya", DigitalProduct.status == ProductStatus.PUBLISHED)
                .group_by(DigitalProduct.id)
                .order_by(units.desc(), DigitalProduct.id)
                .limit(1)
            ).scalar_one()
            seller_id = session.scalar(
                select(SellerProfile.id).join(User, User.id == SellerProfile.user_id).where(User.username == "maya")
            )
            analysis = analyze_pricing(session, seller_id=seller_id, product_id=product_id)
            session.rollback()
            return product_id, analysis
    finally:
        engine.dispose()


def _dollars(text: str) -> Decimal:
    return Decimal(re.sub(r"[^0-9.\-]", "", text))


def test_maya_best_seller_is_not_told_to_cut(page, app_server, e2e_database) -> None:
    product_id, analysis = _best_seller(e2e_database.url)
    assert analysis.available and analysis.demand is not None and analysis.market is not None
    # The premise: she converts above her segment's median at her current price.
    assert analysis.demand.conversion_at_price > analysis.market.median_conversion_rate

    log_in(page, f"{app_server['base_url']}/pricing?product={product_id}", "maya", PASSWORDS["maya"])
    page.get_by_text("Expected change / month", exact=True).wait_for()
    wait_until_idle(page)
    screenshot(page, "pricing-best-seller")

    current = _dollars(metric_value(page, "Current price"))
    suggested = _dollars(metric_value(page, "Suggested price"))
    assert current == analysis.current_price
    assert suggested >= current, "an above-median converter must never be told to cut"
    assert abs(suggested - current) <= current * Decimal("0.25")
    # "At stake" is the model's expected change in monthly revenue, signed, not the size of a cut.
    expected = metric_value(page, "Expected change / month")
    assert _dollars(expected) == analysis.money_at_stake
    if suggested == current:
        assert expected == "$0.00"
    else:
        assert expected.startswith("+")
    assert page.get_by_text("Money at stake", exact=False).count() == 0
    if page.get_by_text("Overpriced", exact=False).count():
        assert suggested == current  # above the market's upper quartile: never raised further
    # One nightly statistic, with its date.
    assert (
        page.get_by_text(
            re.compile(r"^Market figures computed nightly; last on [A-Z][a-z]{2} \d{1,2}, \d{4}\.$")
        ).count()
        == 1
    )
