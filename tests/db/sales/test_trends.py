"""A seller's trend loaded from the database (`core.sales.queries.load_seller_trend`) on SQLite and PostgreSQL:
the months, the 90-day blocks and the verdict equal the hand-computed ones. NOW = Saturday 2026-11-21 15:00 UTC,
so the last complete day is Nov 20 and the 12 complete months are Nov 2025 – Oct 2026."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from core.sales import seller_trend
from core.sales.queries import load_seller_trend
from tests.conftest import NOW
from tests.factories import add_revenue, make_product, make_seller

# One sale on the 10th of each month (dollars), as Dana's shop collapsed; 90-day blocks ending Nov 20:
# last Aug 23 – Nov 20, previous May 25 – Aug 22, then Feb 24 – May 24 and Nov 26, 2025 – Feb 23, 2026.
MONTHLY = {
    date(2025, 11, 10): "20000.00",
    date(2025, 12, 10): "36062.00",
    date(2026, 1, 10): "30000.00",
    date(2026, 2, 10): "25000.00",
    date(2026, 3, 10): "20000.00",
    date(2026, 4, 10): "15000.00",
    date(2026, 5, 10): "11000.00",
    date(2026, 6, 10): "8000.00",
    date(2026, 7, 10): "6000.00",
    date(2026, 8, 10): "4000.00",
    date(2026, 9, 10): "3000.00",
    date(2026, 10, 10): "2457.00",
    date(2026, 11, 15): "543.00",  # the running month: in the last 90 days, not in the 12 months
}


def build(session):
    dana = make_seller(session)
    product = make_product(session, seller=dana)
    for day, amount in MONTHLY.items():
        add_revenue(session, product=product, day=day, revenue=amount, units=2)
    add_revenue(session, product=product, day=NOW.date(), revenue="999.00", units=1)  # today: still running
    other = make_product(session, seller=make_seller(session))
    add_revenue(session, product=other, day=date(2026, 10, 1), revenue="77777.00", units=1)  # someone else's
    return dana


def test_a_collapsing_seller_on_both_databases(session):
    dana = build(session)
    t = load_seller_trend(session, seller_id=dana.id, today=NOW.date())
    assert t.as_of == date(2026, 11, 20)
    assert t.months[0].month == date(2025, 11, 1) and t.months[-1].month == date(2026, 10, 1)
    assert [str(p.revenue) for p in t.months] == list(MONTHLY.values())[:12]
    assert {p.units for p in t.months} == {2}
    assert t.revenue_12_months == Decimal("180519.00")  # 20,000 + 36,062 + … + 2,457
    assert t.peak_month == date(2025, 12, 1) and t.share_of_peak == Decimal("0.0681")  # 2,457 ÷ 36,062
    assert t.change_vs_best_month == Decimal("-93.2")
    # 90 days: 3,000 + 2,457 + 543 = 6,000 against 8,000 + 6,000 + 4,000 = 18,000: −66.7 %.
    assert (t.last_90, t.previous_90, t.change_90_days) == (Decimal("6000.00"), Decimal("18000.00"), Decimal("-66.7"))
    # First sale Nov 10, 2025 is after Aug 23, 2025: no year of history; the best block is Nov 26 – Feb 23:
    # 36,062 + 30,000 + 25,000 = 91,062. 6,000 < 60 % × 91,062 → declining; 1 − 6,000 ÷ 91,062 = 93.4 %.
    assert (t.first_sale, t.decline_base, t.best_90) == (date(2025, 11, 10), "best_90_days", Decimal("91062.00"))
    assert t.year_earlier_90 is None and t.change_vs_year_earlier is None
    assert t.declining is True
    assert t.verdict == (
        "Revenue is 93% below its December peak: the last 90 days brought $6,000.00, 93% less than your best 90 days."
    )
    # The face's `seller_trend` reads today in APP_TIMEZONE (UTC in tests): the same trend.
    assert seller_trend(session, seller_id=dana.id, now=NOW) == t


def test_a_seller_with_a_year_of_history(session):
    seller = make_seller(session)
    product = make_product(session, seller=seller)
    add_revenue(session, product=product, day=date(2024, 10, 20), revenue="10.00", units=1)  # selling since 2024
    add_revenue(session, product=product, day=date(2025, 2, 1), revenue="500.00", units=1)  # in the earlier 12 months
    add_revenue(session, product=product, day=date(2025, 9, 1), revenue="1000.00", units=1)  # a year earlier
    add_revenue(session, product=product, day=date(2026, 9, 1), revenue="599.99", units=1)  # the last 90 days
    t = load_seller_trend(session, seller_id=seller.id, today=NOW.date())
    # Year-earlier comparison: 599.99 < 60 % × 1,000 → declining, although the last 90 days are its best block.
    assert (t.decline_base, t.year_earlier_90, t.declining) == ("year_earlier", Decimal("1000.00"), True)
    # The 12 months (Nov 2025 – Oct 2026) hold 599.99; the 12 before (Nov 2024 – Oct 2025) 500 + 1,000, and the
    # seller was already selling when they began (Oct 20, 2024), so the comparison is fair.
    assert (t.revenue_12_months, t.revenue_year_earlier) == (Decimal("599.99"), Decimal("1500.00"))
    assert t.change_vs_year_earlier == Decimal("-60.0")  # (599.99 − 1,500) ÷ 1,500 = −60.0007 %
