"""`forecast_for_seller` on both databases: the loaded series and market trend equal the hand-built ones."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from core.models import DigitalProductType
from core.sales.forecast import forecast_for_seller, forecast_revenue, load_daily_sales, load_market_trend
from core.sales.queries import load_market_growth, load_seller_trend
from tests.conftest import NOW
from tests.factories import add_revenue, make_product, make_seller

# NOW is Saturday 2026-11-21 15:00 UTC; today is still running, so the last known day is Friday 2026-11-20.
AS_OF = NOW.date() - timedelta(days=1)


@pytest.fixture
def marketplace(session):
    """Seller A (an e-book and a course, 70 days of sales), seller B (e-books), seller C (graphics only)."""
    a = make_seller(session)
    a_ebook = make_product(session, seller=a, type=DigitalProductType.EBOOK, price="19.99")
    a_course = make_product(session, seller=a, type=DigitalProductType.COURSE, price="45.50")
    a_revenue: dict = {}
    a_units: dict = {}
    for back in range(70):
        day = AS_OF - timedelta(days=back)
        units = 1 + back % 3
        add_revenue(session, product=a_ebook, day=day, revenue=Decimal("19.99") * units, units=units)
        a_revenue[day] = Decimal("19.99") * units
        a_units[day] = units
        if back % 4 == 0:
            add_revenue(session, product=a_course, day=day, revenue="45.50", units=1)
            a_revenue[day] += Decimal("45.50")
            a_units[day] += 1
    # Today (partial) and 180 days back (outside the window ending yesterday) are not loaded.
    add_revenue(session, product=a_ebook, day=NOW.date(), revenue="999.00", units=50)
    add_revenue(session, product=a_ebook, day=AS_OF - timedelta(days=180), revenue="999.00", units=50)

    b = make_seller(session)
    b_ebook = make_product(session, seller=b, type=DigitalProductType.EBOOK, price="10.00")
    b_revenue: dict = {}
    for k in range(10):
        earlier, later = AS_OF - timedelta(days=59 - 3 * k), AS_OF - timedelta(days=29 - 3 * k)
        add_revenue(session, product=b_ebook, day=earlier, revenue="100.00", units=10)
        add_revenue(session, product=b_ebook, day=later, revenue="110.00", units=11)
        b_revenue[earlier], b_revenue[later] = Decimal("100.00"), Decimal("110.00")
    b_units = {day: int(value / 10) for day, value in b_revenue.items()}

    c = make_seller(session)
    c_graphic = make_product(session, seller=c, type=DigitalProductType.GRAPHIC, price="5.00")
    for back in range(60):
        add_revenue(
            session, product=c_graphic, day=AS_OF - timedelta(days=back), revenue=str(1000 + 50 * back), units=1
        )
    return {"a": (a, a_revenue, a_units), "b": (b, b_revenue, b_units), "c": c}


def test_daily_sales_are_summed_per_day_for_the_seller_only(session, marketplace):
    seller, revenue, units = marketplace["a"]
    sales = load_daily_sales(session, seller_id=seller.id, as_of=AS_OF)
    assert sales.revenue == revenue  # 70 days; the course adds $45.50 every 4th day; today and day −180 left out
    assert sales.units == units
    assert sales.revenue[AS_OF] == Decimal("65.49")  # 19.99 × 1 + 45.50
    assert sales.revenue[AS_OF - timedelta(days=2)] == Decimal("59.97")  # 19.99 × 3


def test_market_trend_needs_six_complete_months_of_the_segment(session, marketplace):
    # 70 days of e-book and course sales are two complete months at most: too short to tell a trend from a
    # season, so the market trend is unknown (it counts as flat) rather than last 30 days ÷ the 30 before.
    for name in ("a", "b"):
        assert load_market_trend(session, seller_id=marketplace[name][0].id, as_of=AS_OF) is None
    # C's graphics have no other seller: unknown too.
    assert load_market_trend(session, seller_id=marketplace["c"].id, as_of=AS_OF) is None


def test_market_trend_is_the_segments_own_monthly_growth(session, marketplace):
    """Other sellers' PowerPoint sales: first sale Apr 15, then May – Oct growing 10 % a month (Nov is running)."""
    subject = make_seller(session)
    make_product(session, seller=subject, type=DigitalProductType.POWERPOINT)
    other = make_product(session, seller=make_seller(session), type=DigitalProductType.POWERPOINT)
    add_revenue(session, product=other, day=date(2026, 4, 15), revenue="5.00", units=1)
    for i, month in enumerate(range(5, 11)):
        add_revenue(session, product=other, day=date(2026, month, 12), revenue=str(round(1000 * 1.1**i, 2)), units=1)
    # A December holiday burst in the running month is not a trend: Nov is not a complete month yet.
    add_revenue(session, product=other, day=date(2026, 11, 10), revenue="9000.00", units=1)
    growth = load_market_growth(session, seller_id=subject.id, as_of=AS_OF)
    # 1000, 1100, 1210, 1331, 1464.10, 1610.51: ln grows by ln 1.1 each month → exactly +10 % a month.
    assert (growth.method, growth.months_used) == ("12_month_fit", 6)
    assert growth.rate == pytest.approx(0.1)
    # The subject's own sales do not count.
    mine = make_product(session, seller=subject, type=DigitalProductType.POWERPOINT)
    add_revenue(session, product=mine, day=date(2026, 10, 1), revenue="100000.00", units=1)
    assert load_market_trend(session, seller_id=subject.id, as_of=AS_OF) == pytest.approx(0.1)


def test_market_trend_with_a_year_of_history_compares_the_same_season(session, marketplace):
    subject = make_seller(session)
    make_product(session, seller=subject, type=DigitalProductType.SPREADSHEET)
    other = make_product(session, seller=make_seller(session), type=DigitalProductType.SPREADSHEET)
    add_revenue(session, product=other, day=date(2025, 1, 5), revenue="1.00", units=1)  # selling since Jan 2025
    add_revenue(session, product=other, day=date(2025, 10, 1), revenue="1000.00", units=1)  # Aug 23 – Nov 20, 2025
    add_revenue(session, product=other, day=date(2026, 10, 1), revenue="1210.00", units=1)  # Aug 23 – Nov 20, 2026
    growth = load_market_growth(session, seller_id=subject.id, as_of=AS_OF)
    assert growth.method == "year_over_year" and growth.rate == pytest.approx(1.21 ** (1 / 12) - 1)


def test_forecast_for_seller_equals_the_pure_forecast_of_the_hand_built_series(session, marketplace):
    seller, revenue, units = marketplace["a"]
    loaded = forecast_for_seller(session, seller_id=seller.id, days=30, now=NOW)
    trend = load_seller_trend(session, seller_id=seller.id, today=NOW.date())
    expected = forecast_revenue(
        revenue, units, days=30, market_trend=None, as_of=AS_OF, trend=trend, market_method="unknown"
    )

    assert loaded == expected
    assert loaded.available and loaded.as_of == AS_OF
    assert loaded.model.history_days == 70
    assert loaded.model.growth.market is None
    # 70 days of sales: the last 90 days are the best 90, nothing before them: not declining, nothing bounded.
    assert loaded.trend == trend and not trend.declining and loaded.trend_limit is None
    assert loaded.daily_projections[0].date == NOW.date()  # the forecast starts with today


def test_another_sellers_rows_are_not_included(session, marketplace):
    seller, revenue, units = marketplace["b"]
    loaded = forecast_for_seller(session, seller_id=seller.id, days=60, now=NOW)
    # B's first sale was 59 days before Nov 20: 60 days of history, only its own 20 sale days.
    assert loaded.model.history_days == 60
    trend = load_seller_trend(session, seller_id=seller.id, today=NOW.date())
    assert loaded == forecast_revenue(
        revenue, units, days=60, market_trend=None, as_of=AS_OF, trend=trend, market_method="unknown"
    )


def test_a_seller_without_sales_gets_the_reason(session, marketplace):
    newcomer = make_seller(session)
    forecast = forecast_for_seller(session, seller_id=newcomer.id, days=90, now=NOW)
    assert not forecast.available
    assert forecast.reason == "No sales history yet: a forecast needs at least 14 days since the first sale."


def test_now_is_read_in_utc(session, marketplace):
    seller, _, _ = marketplace["a"]
    # 01:00 on Nov 22 in UTC+3 is still Nov 21 in UTC: the last known day stays Nov 20.
    late = datetime(2026, 11, 22, 1, 0, tzinfo=timezone(timedelta(hours=3)))
    assert forecast_for_seller(session, seller_id=seller.id, days=30, now=late).as_of == AS_OF


@pytest.mark.parametrize("days", [0, 14, 45, 365])
def test_bad_days_are_refused(session, marketplace, days):
    seller, _, _ = marketplace["a"]
    with pytest.raises(ValueError, match=r"days must be 30, 60 or 90"):
        forecast_for_seller(session, seller_id=seller.id, days=days, now=NOW)


def test_naive_now_is_refused(session, marketplace):
    seller, _, _ = marketplace["a"]
    with pytest.raises(ValueError, match="timezone-aware"):
        forecast_for_seller(session, seller_id=seller.id, days=30, now=datetime(2026, 11, 21, 15, 0))
