"""core.market.segments on SQLite and PostgreSQL: price histogram, the seller's prices, monthly sales, segments."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from core.market.segments import (
    MonthPoint,
    PriceBin,
    bin_prices,
    month_starts,
    nice_bin_width,
    recent_daily_revenue,
    segment_monthly_sales,
    segment_price_histogram,
    seller_prices_in_segment,
    seller_segments,
)
from core.models import DigitalProductType, ProductStatus
from tests.conftest import NOW
from tests.factories import add_revenue, make_category, make_product, make_seller

EBOOK = DigitalProductType.EBOOK
COURSE = DigitalProductType.COURSE
D = Decimal


# ---------------------------------------------------------------- pure


def test_nice_bin_width_picks_the_smallest_round_width_that_fits() -> None:
    # 5.00 … 47.00 in 5 bins: $1 → 47-5+1 = 43 bins, $2 → 23-2+1 = 22, $2.50 → 18-2+1 = 17, $5 → 9-1+1 = 9,
    # $10 → 4-0+1 = 5 ✓.
    assert nice_bin_width(500, 4700, 5) == 1000
    # One price: the minimum width, $1.
    assert nice_bin_width(1900, 1900, 12) == 100
    # 0.99 … 999.00 in 12 bins: $50 → 19 bins, $100 → 9-0+1 = 10 ✓.
    assert nice_bin_width(99, 99900, 12) == 10000
    with pytest.raises(ValueError):
        nice_bin_width(1, 2, 0)


def test_bin_prices_hand_computed() -> None:
    histogram = bin_prices([(500, 1), (1200, 1), (1900, 2), (4700, 1), (3000, 0)], bins=5)
    # Width $10 (above); bins [0,10) 5.00 → 1; [10,20) 12.00, 19.00 ×2 → 3; [20,30) 0; [30,40) 0 (the 30.00
    # row counts zero products); [40,50) 47.00 → 1.
    assert histogram.bin_width == D("10")
    assert histogram.product_count == 5
    assert histogram.bins == (
        PriceBin(D("0"), D("10"), 1),
        PriceBin(D("10"), D("20"), 3),
        PriceBin(D("20"), D("30"), 0),
        PriceBin(D("30"), D("40"), 0),
        PriceBin(D("40"), D("50"), 1),
    )
    # A price on an edge opens its bin: 10.00 … 20.00 in 12 bins: $1 → 20-10+1 = 11 bins ✓, 20.00 in [20, 21).
    edge = bin_prices([(1000, 1), (2000, 1)], bins=12)
    assert edge.bins[0] == PriceBin(D("10"), D("11"), 1) and edge.bins[-1] == PriceBin(D("20"), D("21"), 1)
    assert len(edge.bins) == 11
    assert bin_prices([]).bins == () and bin_prices([]).bin_width is None


def test_month_starts_are_the_complete_months_before_now() -> None:
    # NOW = 2026-11-21: the 3 complete months before November are Aug, Sep, Oct.
    assert month_starts(NOW, 3) == [date(2026, 8, 1), date(2026, 9, 1), date(2026, 10, 1)]
    # Across a year boundary: Feb 2027 → Nov, Dec 2026, Jan 2027.
    assert month_starts(datetime(2027, 2, 1, 0, 0, tzinfo=UTC), 3) == [
        date(2026, 11, 1),
        date(2026, 12, 1),
        date(2027, 1, 1),
    ]
    with pytest.raises(ValueError):
        month_starts(datetime(2026, 11, 21), 3)


# ---------------------------------------------------------------- database


@pytest.fixture
def market(session: Session) -> dict[str, object]:
    business = make_category(session, name="Business")
    design = make_category(session, name="Design")
    maya, other = make_seller(session), make_seller(session)
    # EBOOK / Business: maya 12.00 and 19.00, other 5.00, 19.00, 47.00; plus a draft and a deleted one.
    m1 = make_product(session, seller=maya, category=business, price="12.00", title="Budget book")
    m2 = make_product(session, seller=maya, category=business, price="19.00", title="Cash book")
    o1 = make_product(session, seller=other, category=business, price="5.00")
    make_product(session, seller=other, category=business, price="19.00")
    make_product(session, seller=other, category=business, price="47.00")
    make_product(session, seller=maya, category=business, price="99.00", status=ProductStatus.DRAFT)
    make_product(session, seller=maya, category=business, price="88.00", deleted_at=NOW - timedelta(days=1))
    # EBOOK / Design (other) and EBOOK without a category (maya): in the all-categories segment only.
    d1 = make_product(session, seller=other, category=design, price="30.00")
    make_product(session, seller=maya, price="7.50", title="Loose book")
    # A COURSE in Business: another segment.
    c1 = make_product(session, seller=maya, category=business, type=COURSE, price="120.00", title="Course")
    archived = make_product(session, seller=other, category=business, price="15.00", status=ProductStatus.ARCHIVED)

    add_revenue(session, product=m1, day=date(2026, 10, 31), revenue="24.00", units=2)  # Oct
    add_revenue(session, product=m1, day=date(2026, 10, 1), revenue="12.00", units=1)  # Oct
    add_revenue(session, product=o1, day=date(2026, 9, 15), revenue="5.05", units=1)  # Sep
    add_revenue(session, product=archived, day=date(2026, 9, 30), revenue="15.00", units=1)  # Sep, archived since
    add_revenue(session, product=m2, day=date(2025, 11, 30), revenue="19.00", units=1)  # first of 12 months
    add_revenue(session, product=m2, day=date(2025, 10, 31), revenue="190.00", units=10)  # 13 months back: out
    add_revenue(session, product=m2, day=date(2026, 11, 1), revenue="57.00", units=3)  # running month: out
    add_revenue(session, product=d1, day=date(2026, 10, 5), revenue="30.00", units=1)  # Design
    add_revenue(session, product=c1, day=date(2026, 10, 5), revenue="120.00", units=1)  # COURSE
    session.flush()
    return {"business": business, "design": design, "maya": maya, "other": other}


def test_segment_price_histogram_counts_live_products_of_the_segment(session: Session, market) -> None:
    histogram = segment_price_histogram(session, product_type=EBOOK, category_id=market["business"].id, bins=5)
    # Live EBOOK/Business prices: 5.00, 12.00, 19.00, 19.00, 47.00 (draft 99.00, deleted 88.00, archived 15.00
    # and the COURSE are out) → the hand-computed bins of test_bin_prices_hand_computed.
    assert [(b.low, b.high, b.count) for b in histogram.bins] == [
        (D("0"), D("10"), 1),
        (D("10"), D("20"), 3),
        (D("20"), D("30"), 0),
        (D("30"), D("40"), 0),
        (D("40"), D("50"), 1),
    ]
    everywhere = segment_price_histogram(session, product_type=EBOOK, category_id=None, bins=5)
    # All categories adds Design 30.00 and the uncategorised 7.50: 7 products; [0,10): 5.00, 7.50 → 2; [30,40): 1.
    assert everywhere.product_count == 7
    assert [b.count for b in everywhere.bins] == [2, 3, 0, 1, 1]
    empty = segment_price_histogram(session, product_type=DigitalProductType.GRAPHIC, category_id=None)
    assert empty.bins == () and empty.product_count == 0


def test_seller_prices_in_segment_are_only_the_sellers_live_products(session: Session, market) -> None:
    maya = market["maya"]
    rows = seller_prices_in_segment(session, seller_id=maya.id, product_type=EBOOK, category_id=market["business"].id)
    assert [(r.title, r.price) for r in rows] == [("Budget book", D("12.00")), ("Cash book", D("19.00"))]
    everywhere = seller_prices_in_segment(session, seller_id=maya.id, product_type=EBOOK, category_id=None)
    assert [r.price for r in everywhere] == [D("7.50"), D("12.00"), D("19.00")]
    assert (
        seller_prices_in_segment(session, seller_id=maya.id, product_type=EBOOK, category_id=market["design"].id) == []
    )


def test_segment_monthly_sales_groups_by_month_in_the_database(session: Session, market) -> None:
    months = segment_monthly_sales(session, product_type=EBOOK, category_id=market["business"].id, now=NOW)
    # NOW = 2026-11-21 → Nov 2025 … Oct 2026 (12 complete months).
    assert [m.month for m in months] == [date(2025, 11, 1), date(2025, 12, 1)] + [
        date(2026, m, 1) for m in range(1, 11)
    ]
    by_month = {m.month: m for m in months}
    # Oct 2026: 24.00 + 12.00 = 36.00, 2 + 1 = 3 units (Design's 30.00 and the COURSE's 120.00 are other segments).
    assert by_month[date(2026, 10, 1)] == MonthPoint(date(2026, 10, 1), D("36.00"), 3)
    # Sep 2026: 5.05 + the since-archived product's 15.00 = 20.05, 2 units.
    assert by_month[date(2026, 9, 1)] == MonthPoint(date(2026, 9, 1), D("20.05"), 2)
    assert by_month[date(2025, 11, 1)] == MonthPoint(date(2025, 11, 1), D("19.00"), 1)
    # Oct 2025 (13 months back) and Nov 2026 (running) are out; the other 9 months are zero.
    assert sum(m.revenue for m in months) == D("75.05")
    assert sum(1 for m in months if m.units == 0) == 9
    everywhere = segment_monthly_sales(session, product_type=EBOOK, category_id=None, now=NOW, months=2)
    # Sep, Oct 2026 across categories: Oct 36.00 + Design 30.00 = 66.00 (4 units); Sep 20.05 (2).
    assert everywhere == [MonthPoint(date(2026, 9, 1), D("20.05"), 2), MonthPoint(date(2026, 10, 1), D("66.00"), 4)]


def test_seller_segments_most_products_first(session: Session, market) -> None:
    segments = seller_segments(session, seller_id=market["maya"].id)
    # maya's live products: EBOOK/Business ×2, EBOOK/none ×1, COURSE/Business ×1 (draft and deleted are out).
    first = segments[0]
    assert (first.product_type, first.category_name, first.products) == (EBOOK, "Business", 2)
    assert sorted((s.product_type.value, s.category_name or "", s.products) for s in segments[1:]) == [
        ("COURSE", "Business", 1),
        ("EBOOK", "", 1),
    ]


def test_recent_daily_revenue_fills_zero_days(session: Session, market) -> None:
    maya = market["maya"]
    points = recent_daily_revenue(session, seller_id=maya.id, as_of=date(2026, 10, 31), days=31)
    # Oct 1 … Oct 31: maya sold 12.00 (1 unit) on Oct 1 and 24.00 (2) on Oct 31, plus her COURSE's 120.00 on Oct 5.
    assert len(points) == 31 and points[0].day == date(2026, 10, 1) and points[-1].day == date(2026, 10, 31)
    assert [(p.day.day, p.revenue, p.units) for p in points if p.units] == [
        (1, D("12.00"), 1),
        (5, D("120.00"), 1),
        (31, D("24.00"), 2),
    ]
    assert sum(p.revenue for p in points) == D("156.00")
