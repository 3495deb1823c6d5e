"""The admin's "declining" stage (SQL, `core.sellers.overview`) and a seller's trend (`core.sales.trends`) are
one rule: on SQLite and PostgreSQL, hand-built sellers on both sides of the 60 % boundary, with and without a
year of history, get the same answer from both. NOW = 2026-11-21 15:00 UTC (APP_TIMEZONE is UTC in tests), so
the last 90 days are Aug 23 – Nov 20, 2026 and the same 90 days a year earlier Aug 23 – Nov 20, 2025."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from core.sales.queries import load_seller_trend
from core.sellers.overview import SellerFilters, seller_overview
from tests.conftest import NOW
from tests.factories import add_revenue, make_product, make_seller

SELLERS = {
    # name: (sales as (day, dollars), expected stage)
    # No year of history (first sale Jan 5): the best 90-day block (Feb 24 – May 24: 1,000) is the comparison.
    "under best": ([(date(2026, 1, 5), "1"), (date(2026, 3, 10), "1000"), (date(2026, 10, 1), "599.99")], "declining"),
    "at best": ([(date(2026, 1, 5), "1"), (date(2026, 3, 10), "1000"), (date(2026, 10, 1), "600")], "active"),
    # A year of history (first sale Jun 2024): a year earlier (1,000) is the comparison, not March's 5,000.
    "under year": (
        [
            (date(2024, 6, 1), "10"),
            (date(2025, 9, 1), "1000"),
            (date(2026, 3, 1), "5000"),
            (date(2026, 10, 1), "599.99"),
        ],
        "declining",
    ),
    "at year": (
        [(date(2024, 6, 1), "10"), (date(2025, 9, 1), "1000"), (date(2026, 3, 1), "5000"), (date(2026, 10, 1), "600")],
        "active",
    ),
    # Dana's pattern: the last 30 days (Nov 1: 120) beat the 30 before (Sep 25: 100) — the old 30-day rule called
    # her active — but 220 in 90 days against 10,000 in January's block is a collapse.
    "up this month": (
        [(date(2026, 1, 10), "10000"), (date(2026, 9, 25), "100"), (date(2026, 11, 1), "120")],
        "declining",
    ),
}


def test_the_stage_and_the_trend_agree_on_declining(session: Session) -> None:
    ids = {}
    for name, (sales, _) in SELLERS.items():
        seller = make_seller(session, name=name, approved_at=datetime(2024, 1, 1, tzinfo=UTC))
        product = make_product(session, seller=seller)
        for day, amount in sales:
            add_revenue(session, product=product, day=day, revenue=amount, units=1)
        ids[name] = seller.id
    rows = {r.display_name: r for r in seller_overview(session, now=NOW, page_size=50).rows}
    for name, (_, expected) in SELLERS.items():
        trend = load_seller_trend(session, seller_id=ids[name], today=NOW.date())
        assert rows[name].stage == expected, name
        assert trend.declining is (expected == "declining"), name
        assert rows[name].revenue_90d == trend.last_90 and rows[name].revenue_prev_90d == trend.previous_90
    assert rows["up this month"].revenue_90d == Decimal("220.00")
    declining = seller_overview(session, now=NOW, filters=SellerFilters(stage="declining"), page_size=50)
    assert sorted(r.display_name for r in declining.rows) == ["under best", "under year", "up this month"]
