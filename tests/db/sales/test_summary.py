"""The home-page summaries on both databases, against numbers computed by hand from factory rows."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from core.models import ProductStatus, SellerStatus
from core.periods import DailyPoint, Window
from core.sales.summary import admin_home_summary, seller_home_summary
from tests.conftest import NOW
from tests.factories import add_revenue, make_product, make_seller

# NOW is Sat 2026-11-21 15:00 UTC, so "today" is Nov 21 and the windows end yesterday:
# period Oct 22 .. Nov 20, previous Sep 22 .. Oct 21, chart Aug 23 .. Nov 20 (90 days).
TODAY = date(2026, 11, 21)


def _world(session: Session):
    seller = make_seller(session, username="home_seller")
    other = make_seller(session, username="home_other")
    live = make_product(session, seller=seller, price="20.00")
    second_live = make_product(session, seller=seller, price="5.00")
    make_product(session, seller=seller, status=ProductStatus.DRAFT)
    make_product(session, seller=seller, status=ProductStatus.ARCHIVED)
    make_product(session, seller=seller).deleted_at = datetime(2026, 3, 1, tzinfo=UTC)
    other_product = make_product(session, seller=other)

    add_revenue(session, product=live, day=date(2026, 11, 20), revenue="40.00", units=2)  # period, last day
    add_revenue(session, product=second_live, day=date(2026, 11, 20), revenue="5.00", units=1)  # same day
    add_revenue(session, product=live, day=date(2026, 10, 22), revenue="20.00", units=1)  # period, first day
    add_revenue(session, product=live, day=date(2026, 10, 21), revenue="60.00", units=3)  # previous, last day
    add_revenue(session, product=live, day=date(2026, 9, 22), revenue="20.00", units=1)  # previous, first day
    add_revenue(session, product=live, day=date(2026, 9, 21), revenue="100.00", units=5)  # before: chart only
    add_revenue(session, product=live, day=date(2026, 8, 22), revenue="300.00", units=15)  # before the chart
    add_revenue(session, product=live, day=date(2026, 11, 21), revenue="80.00", units=4)  # today: partial
    add_revenue(session, product=other_product, day=date(2026, 11, 19), revenue="19.99", units=1)  # other seller
    session.flush()
    return seller, other


def test_seller_summary_counts_only_the_seller_and_full_days(session: Session) -> None:
    seller, _ = _world(session)
    summary = seller_home_summary(session, seller_id=seller.id, now=NOW)

    assert summary.period == Window(date(2026, 10, 22), date(2026, 11, 20))
    assert summary.previous_period == Window(date(2026, 9, 22), date(2026, 10, 21))
    assert summary.period.days == 30 and summary.previous_period.days == 30
    # Period: 40.00 + 5.00 + 20.00 = 65.00 from 2 + 1 + 1 = 4 units.
    assert summary.revenue == Decimal("65.00")
    assert summary.units == 4
    # Previous: 60.00 + 20.00 = 80.00 from 3 + 1 = 4 units.
    assert summary.previous_revenue == Decimal("80.00")
    assert summary.previous_units == 4
    # (65 - 80) / 80 = -18.75 % -> -18.8 (one decimal, half up); units unchanged.
    assert summary.revenue_change == Decimal("-18.8")
    assert summary.units_change == Decimal("0.0")
    # Two published products; the draft, the archived and the deleted one are not live.
    assert summary.live_products == 2
    assert summary.has_any_sale is True


def test_seller_daily_series_fills_90_days(session: Session) -> None:
    seller, _ = _world(session)
    daily = seller_home_summary(session, seller_id=seller.id, now=NOW).daily

    assert len(daily) == 90
    assert daily[0].day == date(2026, 8, 23) and daily[-1].day == date(2026, 11, 20)
    by_day = {p.day: p for p in daily}
    assert by_day[date(2026, 11, 20)] == DailyPoint(date(2026, 11, 20), Decimal("45.00"), 3)  # 40 + 5, 2 + 1
    assert by_day[date(2026, 9, 21)] == DailyPoint(date(2026, 9, 21), Decimal("100.00"), 5)
    assert by_day[date(2026, 11, 19)] == DailyPoint(date(2026, 11, 19), Decimal("0.00"), 0)  # only Otto sold
    # Five days with sales inside the chart: Nov 20, Oct 22, Oct 21, Sep 22, Sep 21 (Aug 22 is before it).
    assert sum(1 for p in daily if p.units) == 5
    # 45 + 20 + 60 + 20 + 100 = 245.00
    assert sum(p.revenue for p in daily) == Decimal("245.00")


def test_seller_without_sales(session: Session) -> None:
    quiet = make_seller(session, username="home_quiet")
    make_product(session, seller=quiet)
    summary = seller_home_summary(session, seller_id=quiet.id, now=NOW)
    assert (summary.revenue, summary.units, summary.live_products) == (Decimal("0.00"), 0, 1)
    # Nothing sold in either period: no change, 0.0 % (core.money's rule), not "nothing to compare with".
    assert summary.revenue_change == Decimal("0.0") and summary.units_change == Decimal("0.0")
    assert summary.has_any_sale is False
    assert len(summary.daily) == 90 and not any(p.revenue or p.units for p in summary.daily)


def test_now_late_in_the_day_elsewhere_uses_that_zones_date(session: Session) -> None:
    seller, _ = _world(session)
    # 2026-11-21 15:00 UTC is already Nov 22 in Auckland (UTC+13): today is Nov 22 there.
    auckland = NOW.astimezone(ZoneInfo("Pacific/Auckland"))
    summary = seller_home_summary(session, seller_id=seller.id, now=auckland)
    assert summary.period.end == date(2026, 11, 21)
    # The "today" 80.00 of Nov 21 is now a full day: 65.00 - 20.00 (Oct 22 left the window) + 80.00 = 125.00
    assert summary.revenue == Decimal("125.00")


def test_admin_summary(session: Session) -> None:
    _world(session)
    make_seller(session, username="home_pending", status=SellerStatus.PENDING)
    make_seller(session, username="home_suspended", status=SellerStatus.SUSPENDED)
    make_seller(session, username="home_deleted").deleted_at = NOW - timedelta(days=3)
    session.flush()

    summary = admin_home_summary(session, now=NOW)
    # Approved: home_seller, home_other; the deleted profile is not counted.
    assert summary.sellers_by_status == {
        SellerStatus.PENDING: 1,
        SellerStatus.APPROVED: 2,
        SellerStatus.SUSPENDED: 1,
        SellerStatus.REJECTED: 0,
    }
    assert summary.total_sellers == 4
    # Live: the seller's two published products and Otto's one.
    assert summary.live_products == 3
    # GMV in the period: 65.00 (seller) + 19.99 (Otto, Nov 19) = 84.99 from 4 + 1 = 5 units.
    assert summary.gmv == Decimal("84.99") and summary.units == 5
    assert summary.previous_gmv == Decimal("80.00") and summary.previous_units == 4
    # (84.99 - 80.00) / 80.00 = 6.2375 % -> 6.2 (one decimal, half up)
    assert summary.gmv_change == Decimal("6.2")
    assert summary.selling_sellers == 2
    by_day = {p.day: p.revenue for p in summary.daily}
    assert len(summary.daily) == 90
    assert by_day[date(2026, 11, 19)] == Decimal("19.99") and by_day[date(2026, 11, 20)] == Decimal("45.00")
