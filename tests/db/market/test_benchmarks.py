"""recalculate_benchmarks, list_benchmarks and benchmark_for on SQLite and PostgreSQL, against hand-computed figures."""

from __future__ import annotations

import math
import random
import statistics
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.market.benchmarks import ALL_CATEGORIES_LABEL, recalculate_benchmarks
from core.market.queries import benchmark_for, list_benchmarks
from core.models import Category, DigitalProduct, DigitalProductType, MarketBenchmark, ProductStatus, SellerProfile
from tests.conftest import NOW
from tests.db.pricing.test_analysis import add_purchases as add_purchase_events
from tests.factories import add_revenue, add_views, make_category, make_product, make_seller

EBOOK = DigitalProductType.EBOOK
COURSE = DigitalProductType.COURSE
D = Decimal

# NOW = 2026-11-21 15:00 UTC → sales window = 2026-08-23 … 2026-11-20 (90 days, today excluded).
FIRST_DAY = date(2026, 8, 23)
LAST_DAY = date(2026, 11, 20)


@dataclass
class Catalogue:
    business: Category
    design: Category
    retired: Category
    sellers: list[SellerProfile]


def build_catalogue(session: Session) -> Catalogue:
    """2 types, 2 active categories + 1 inactive, 4 sellers, 15 products (4 of them not live)."""
    business = make_category(session, name="Business")
    design = make_category(session, name="Design")
    retired = make_category(session, name="Retired", is_active=False)
    s1, s2, s3, s4 = (make_seller(session) for _ in range(4))

    def product(seller, category, price, rating=None, type=EBOOK, **kw):
        r = D(rating) if rating is not None else None
        return make_product(session, seller=seller, category=category, type=type, price=price, average_rating=r, **kw)

    # EBOOK / Business: 5 live products (odd count).
    p1 = product(s1, business, "10.00", "4.00")
    p2 = product(s1, business, "20.00", "5.00")
    p3 = product(s2, business, "30.00")
    p4 = product(s3, business, "15.00", "3.00")
    p5 = product(s4, business, "25.00", "4.50")
    draft = product(s2, business, "999.00", "1.00", status=ProductStatus.DRAFT)
    product(s3, business, "500.00", "1.00", deleted_at=NOW - timedelta(days=3))
    # EBOOK / Design: 4 live products (even count, thin sample).
    p8 = product(s2, design, "9.99", "4.00")
    product(s2, design, "12.00")
    p10 = product(s3, design, "14.01")
    product(s4, design, "30.00")
    # EBOOK in the inactive category and without a category: only in the all-categories row.
    p12 = product(s1, retired, "40.00", "2.00")
    p13 = product(s4, None, "50.00", "3.50")
    # COURSE: one live product in Business; the Design one is archived → no COURSE/Design row.
    p14 = product(s1, business, "100.00", type=COURSE)
    archived = product(s2, design, "80.00", "5.00", type=COURSE, status=ProductStatus.ARCHIVED)

    add_revenue(session, product=p1, day=date(2026, 9, 1), revenue="30.00", units=3)
    add_revenue(session, product=p1, day=LAST_DAY, revenue="30.00", units=3)  # last day: counts
    add_revenue(session, product=p2, day=FIRST_DAY - timedelta(days=1), revenue="1000.00", units=50)  # before
    add_revenue(session, product=p2, day=FIRST_DAY, revenue="40.00", units=2)  # first day: counts
    add_revenue(session, product=p3, day=date(2026, 10, 10), revenue="120.00", units=4)
    add_revenue(session, product=p4, day=NOW.date(), revenue="150.00", units=10)  # today: excluded
    add_revenue(session, product=p5, day=date(2026, 10, 1), revenue="125.00", units=5)
    add_revenue(session, product=draft, day=date(2026, 10, 1), revenue="99900.00", units=100)  # not live
    add_revenue(session, product=p8, day=date(2026, 11, 1), revenue="59.94", units=6)
    add_revenue(session, product=p10, day=date(2026, 10, 15), revenue="42.03", units=3)
    add_revenue(session, product=p12, day=date(2026, 11, 2), revenue="280.00", units=7)
    add_revenue(session, product=p13, day=date(2026, 9, 15), revenue="50.00", units=1)
    add_revenue(session, product=p14, day=date(2026, 10, 20), revenue="200.00", units=2)
    add_revenue(session, product=archived, day=date(2026, 10, 20), revenue="720.00", units=9)  # not live
    return Catalogue(business, design, retired, [s1, s2, s3, s4])


def rows_by_key(session: Session) -> dict[tuple[DigitalProductType, str | None], MarketBenchmark]:
    session.expire_all()  # the upsert writes through Core
    return {(b.product_type, b.category_id): b for b in session.scalars(select(MarketBenchmark))}


def test_figures_of_every_segment(session: Session) -> None:
    cat = build_catalogue(session)
    assert recalculate_benchmarks(session, now=NOW) == 5
    rows = rows_by_key(session)
    # Segments with a live product: EBOOK × {Business, Design, all}, COURSE × {Business, all}.
    # None for COURSE/Design (archived only), the inactive category, or the other types.
    assert set(rows) == {
        (EBOOK, cat.business.id),
        (EBOOK, cat.design.id),
        (EBOOK, None),
        (COURSE, cat.business.id),
        (COURSE, None),
    }

    b = rows[(EBOOK, cat.business.id)]
    # prices 10, 15, 20, 25, 30 (draft 999 and deleted 500 excluded): sum 100 / 5 = 20.00; odd median = 20.00
    assert (b.sample_size, b.average_price, b.median_price) == (5, D("20.00"), D("20.00"))
    # p95: position 0.95 × (5 − 1) = 3.8 → 25 + 0.8 × (30 − 25) = 29.00 (the price cap's reference, unrounded)
    assert b.price_range == {"min": 10.0, "max": 30.0, "p95": 29.0}
    # ratings 4.00, 5.00, 3.00, 4.50 (p3 NULL skipped): 16.50 / 4 = 4.125 → 4.13 (half up)
    assert b.average_rating == D("4.13")
    # units in window: p1 3+3, p2 2 (the 50 the day before don't count), p3 4, p4 0 (today's 10 excluded), p5 5
    # = 17 → 17 / 3 / 5 = 1.1333 → 1.13
    assert b.average_sales_per_month == D("1.13")
    # 90-day revenue: s1 30+30+40 = 100, s2 120, s3 0, s4 125 → 4 sellers, top ceil(0.4) = 1 → s4 (p5)
    # avgPrice 25.00, avgRating 4.50, avgMonthlySales 5 / 3 / 1 = 1.667 → 1.67
    assert b.top_seller_metrics == {"avgPrice": 25.0, "avgRating": 4.5, "avgMonthlySales": 1.67}

    b = rows[(EBOOK, cat.design.id)]
    # prices 9.99, 12.00, 14.01, 30.00: sum 66.00 / 4 = 16.50; even median (12.00 + 14.01) / 2 = 13.005 → 13.01
    assert (b.sample_size, b.average_price, b.median_price) == (4, D("16.50"), D("13.01"))
    # p95: position 0.95 × 3 = 2.85 → 14.01 + 0.85 × (30.00 − 14.01) = 27.6015
    assert b.price_range == {"min": 9.99, "max": 30.0, "p95": pytest.approx(27.6015, abs=1e-9)}
    assert b.average_rating == D("4.00")  # only p8 is rated
    # units 6 (p8) + 3 (p10) = 9 → 9 / 3 / 4 = 0.75
    assert b.average_sales_per_month == D("0.75")
    # revenue: s2 59.94, s3 42.03, s4 0 → 3 sellers, top 1 → s2 with p8 (9.99, 4.00, 6 units) and p9 (12.00, NULL, 0)
    # avgPrice 21.99 / 2 = 10.995 → 11.00; avgRating 4.00; avgMonthlySales 6 / 3 / 2 = 1.00
    assert b.top_seller_metrics == {"avgPrice": 11.0, "avgRating": 4.0, "avgMonthlySales": 1.0}

    b = rows[(EBOOK, None)]
    # Business 5 + Design 4 + the inactive category's p12 + uncategorised p13 = 11 products
    # prices sum 100 + 66 + 40 + 50 = 256 / 11 = 23.2727 → 23.27
    # sorted 9.99 10 12 14.01 15 [20] 25 30 30 40 50 → median 20.00
    assert (b.sample_size, b.average_price, b.median_price) == (11, D("23.27"), D("20.00"))
    # p95: position 0.95 × 10 = 9.5 → 40 + 0.5 × (50 − 40) = 45.00
    assert b.price_range == {"min": 9.99, "max": 50.0, "p95": 45.0}
    # ratings 4 + 5 + 3 + 4.5 + 4 + 2 + 3.5 = 26 / 7 = 3.714 → 3.71
    assert b.average_rating == D("3.71")
    # units 17 + 9 + 7 + 1 = 34 → 34 / 3 / 11 = 1.0303 → 1.03
    assert b.average_sales_per_month == D("1.03")
    # revenue: s1 100 + 280 = 380, s2 120 + 59.94 = 179.94, s3 42.03, s4 125 + 50 = 175 → top 1 = s1 (p1, p2, p12)
    # avgPrice 70 / 3 = 23.333 → 23.33; avgRating 11 / 3 = 3.667 → 3.67; avgMonthlySales 15 / 3 / 3 = 1.667 → 1.67
    assert b.top_seller_metrics == {"avgPrice": 23.33, "avgRating": 3.67, "avgMonthlySales": 1.67}

    for key in [(COURSE, cat.business.id), (COURSE, None)]:
        b = rows[key]
        # one product at 100.00, unrated, 2 units → 2 / 3 / 1 = 0.67; the archived course doesn't count
        assert (b.sample_size, b.average_price, b.median_price) == (1, D("100.00"), D("100.00"))
        assert b.price_range == {"min": 100.0, "max": 100.0, "p95": 100.0}  # a single price is every percentile
        assert b.average_rating is None
        assert b.average_sales_per_month == D("0.67")
        assert b.top_seller_metrics == {"avgPrice": 100.0, "avgRating": None, "avgMonthlySales": 0.67}
        assert b.calculated_at == NOW


def test_top_sellers_are_ceil_ten_percent_with_ties_broken_by_seller_id(session: Session) -> None:
    # 11 sellers → ceil(1.1) = 2 top sellers. Revenue: one seller 500, then three tied at 300, the rest 100 / 0.
    category = make_category(session)
    sellers = [make_seller(session) for _ in range(11)]
    tied = sellers[1:4]
    for i, seller in enumerate(sellers):
        revenue = 500 if i == 0 else 300 if seller in tied else 100 if i < 8 else 0
        p = make_product(session, seller=seller, category=category, type=DigitalProductType.GRAPHIC, price=10 + i)
        if revenue:
            add_revenue(session, product=p, day=date(2026, 10, 1), revenue=revenue, units=i + 1)
    recalculate_benchmarks(session, now=NOW)
    winner = sellers[0]
    runner_up = min(tied, key=lambda s: s.id)
    i, j = sellers.index(winner), sellers.index(runner_up)
    b = rows_by_key(session)[(DigitalProductType.GRAPHIC, category.id)]
    # top products: prices 10+i and 10+j, units i+1 and j+1 → avgMonthlySales (i+j+2) / 3 / 2
    expected_sales = (D(i + j + 2) / 3 / 2).quantize(D("0.01"), ROUND_HALF_UP)
    assert b.top_seller_metrics == {
        "avgPrice": float(D(20 + i + j) / 2),
        "avgRating": None,
        "avgMonthlySales": float(expected_sales),
    }
    assert b.sample_size == 11


def test_running_twice_changes_only_the_timestamps(session: Session) -> None:
    build_catalogue(session)
    recalculate_benchmarks(session, now=NOW)
    first = {key: _snapshot(b) for key, b in rows_by_key(session).items()}
    later = NOW + timedelta(hours=2)  # same day → same window
    assert recalculate_benchmarks(session, now=later) == 5
    second = rows_by_key(session)
    assert {key: _snapshot(b) for key, b in second.items()} == first
    assert {b.calculated_at for b in second.values()} == {later}
    assert {b.updated_at for b in second.values()} == {later}
    assert {b.created_at for b in second.values()} == {NOW}


def _snapshot(b: MarketBenchmark) -> tuple[object, ...]:
    return (
        b.id,
        b.average_price,
        b.median_price,
        b.price_range,
        b.average_rating,
        b.average_sales_per_month,
        b.top_seller_metrics,
        b.sample_size,
    )


def test_stale_segments_are_removed_and_an_inactive_category_loses_its_row(session: Session) -> None:
    cat = build_catalogue(session)
    recalculate_benchmarks(session, now=NOW)
    kept_id = rows_by_key(session)[(EBOOK, cat.business.id)].id
    for p in session.scalars(select(DigitalProduct).where(DigitalProduct.type == COURSE)):
        p.status = ProductStatus.DRAFT
    cat.design.is_active = False
    session.flush()

    assert recalculate_benchmarks(session, now=NOW) == 2
    rows = rows_by_key(session)
    assert set(rows) == {(EBOOK, cat.business.id), (EBOOK, None)}
    assert rows[(EBOOK, cat.business.id)].id == kept_id
    # The deactivated Design category's products still count in the all-categories row.
    assert rows[(EBOOK, None)].sample_size == 11
    assert list_benchmarks(session, product_type=COURSE) == []


def test_nothing_left_to_benchmark_leaves_no_rows(session: Session) -> None:
    product = make_product(session, seller=make_seller(session))  # uncategorised: only the all-categories row
    assert recalculate_benchmarks(session, now=NOW) == 1
    assert set(rows_by_key(session)) == {(EBOOK, None)}
    product.status = ProductStatus.DRAFT
    session.flush()
    assert recalculate_benchmarks(session, now=NOW) == 0
    assert rows_by_key(session) == {}


def test_list_benchmarks_names_flags_and_filters(session: Session) -> None:
    cat = build_catalogue(session)
    recalculate_benchmarks(session, now=NOW)
    views = list_benchmarks(session)
    # per type (alphabetical: COURSE, EBOOK) the all-categories row first, then categories by name
    assert [(v.product_type, v.category_name) for v in views] == [
        (COURSE, ALL_CATEGORIES_LABEL),
        (COURSE, "Business"),
        (EBOOK, ALL_CATEGORIES_LABEL),
        (EBOOK, "Business"),
        (EBOOK, "Design"),
    ]
    # thin sample: fewer than 5 products (COURSE 1, EBOOK/Design 4); EBOOK/Business has exactly 5
    assert [v.thin_sample for v in views] == [True, True, False, False, True]
    design = views[4]
    assert (design.price_min, design.price_max, design.median_price) == (D("9.99"), D("30.00"), D("13.01"))
    assert (design.top_sellers.avg_price, design.top_sellers.avg_rating) == (D("11.00"), D("4.00"))
    assert design.top_sellers.avg_monthly_sales == D("1.00")
    assert views[0].top_sellers.avg_rating is None
    assert not any(v.is_fallback for v in views)

    assert [v.category_name for v in list_benchmarks(session, product_type=EBOOK)] == [
        ALL_CATEGORIES_LABEL,
        "Business",
        "Design",
    ]
    assert [(v.product_type, v.sample_size) for v in list_benchmarks(session, category_id=cat.business.id)] == [
        (COURSE, 1),
        (EBOOK, 5),
    ]


def test_benchmark_for_falls_back_to_the_all_categories_row(session: Session) -> None:
    cat = build_catalogue(session)
    recalculate_benchmarks(session, now=NOW)

    exact = benchmark_for(session, product_type=EBOOK, category_id=cat.design.id)
    assert exact is not None
    assert (exact.category_name, exact.sample_size, exact.is_fallback) == ("Design", 4, False)

    # The inactive category has no row of its own: the seller sees the EBOOK market as a whole, marked as such.
    fallback = benchmark_for(session, product_type=EBOOK, category_id=cat.retired.id)
    assert fallback is not None
    assert (fallback.category_id, fallback.category_name, fallback.is_fallback) == (None, ALL_CATEGORIES_LABEL, True)
    assert fallback.average_price == D("23.27")

    whole = benchmark_for(session, product_type=COURSE, category_id=None)
    assert whole is not None
    assert (whole.category_name, whole.is_fallback, whole.thin_sample) == (ALL_CATEGORIES_LABEL, False, True)

    assert benchmark_for(session, product_type=DigitalProductType.PLANNER, category_id=cat.business.id) is None


# ------------------------------------------------- both databases against an independent reference


def _round2(x: Decimal) -> Decimal:
    return x.quantize(D("0.01"), ROUND_HALF_UP)


def _reference(products: list[dict], in_window: dict[str, tuple[int, Decimal]]) -> dict:
    """Brute-force benchmarks in plain Python over the generated products (the definitions in core/benchmarks)."""

    def figures(ps: list[dict]) -> tuple:
        prices = [p["price"] for p in ps]
        ratings = [p["rating"] for p in ps if p["rating"] is not None]
        units = sum(in_window.get(p["id"], (0, D(0)))[0] for p in ps)
        return (
            _round2(sum(prices) / len(ps)),
            _round2(D(str(statistics.median(prices)))),
            _round2(sum(ratings) / len(ratings)) if ratings else None,
            _round2(D(units) / 3 / len(ps)),
        )

    segments: dict[tuple, list[dict]] = {}
    for p in products:
        segments.setdefault((p["type"], None), []).append(p)
        if p["category_active"]:
            segments.setdefault((p["type"], p["category_id"]), []).append(p)
    expected = {}
    for key, ps in segments.items():
        revenue: dict[str, Decimal] = {}
        for p in ps:
            revenue[p["seller_id"]] = revenue.get(p["seller_id"], D(0)) + in_window.get(p["id"], (0, D(0)))[1]
        ranked = sorted(revenue, key=lambda s: (-revenue[s], s))
        top = set(ranked[: max(1, math.ceil(len(ranked) / 10))])
        expected[key] = (len(ps), figures(ps), figures([p for p in ps if p["seller_id"] in top]))
    return expected


def test_both_databases_match_a_python_reference_on_a_random_catalogue(session: Session) -> None:
    rng = random.Random(20261121)
    categories = [make_category(session, is_active=i < 3) for i in range(4)]
    sellers = [make_seller(session) for _ in range(23)]
    types = [EBOOK, COURSE, DigitalProductType.GRAPHIC]
    products, in_window = [], {}
    for _ in range(160):
        category = rng.choice([*categories, None])
        rating = D(rng.randint(100, 500)) / 100 if rng.random() < 0.7 else None
        live = rng.random() < 0.85
        p = make_product(
            session,
            seller=rng.choice(sellers),
            category=category,
            type=rng.choice(types),
            price=D(rng.randint(99, 9999)) / 100,
            average_rating=rating,
            status=ProductStatus.PUBLISHED if live else ProductStatus.DRAFT,
        )
        units_total, revenue_total = 0, D(0)
        for day in rng.sample(range(-100, 3), rng.randint(0, 6)):
            units, revenue = rng.randint(1, 9), D(rng.randint(100, 50000)) / 100
            add_revenue(session, product=p, day=NOW.date() + timedelta(days=day), revenue=revenue, units=units)
            if -90 <= day < 0:
                units_total, revenue_total = units_total + units, revenue_total + revenue
        in_window[p.id] = (units_total, revenue_total)
        if live:
            active = category is not None and category.is_active
            products.append(
                {"id": p.id, "type": p.type, "category_id": p.category_id, "category_active": active}
                | {"seller_id": p.seller_id, "price": p.price, "rating": rating}
            )
    expected = _reference(products, in_window)

    assert recalculate_benchmarks(session, now=NOW) == len(expected)
    actual = {}
    for key, b in rows_by_key(session).items():
        top = b.top_seller_metrics
        top_figures = (
            _round2(D(str(top["avgPrice"]))),
            _round2(D(str(top["avgRating"]))) if top["avgRating"] is not None else None,
            _round2(D(str(top["avgMonthlySales"]))),
        )
        actual[key] = (
            b.sample_size,
            (b.average_price, b.median_price, b.average_rating, b.average_sales_per_month),
            top_figures,
        )
    expected = {k: (n, seg, (top[0], top[2], top[3])) for k, (n, seg, top) in expected.items()}
    assert actual == expected


@pytest.mark.parametrize("hours", [0, 23])
def test_window_follows_the_utc_date_of_now(session: Session, hours: int) -> None:
    # 00:59 and 23:59 UTC of the same day give the same window: a sale on 2026-11-20 counts, one on 11-21 doesn't.
    seller = make_seller(session)
    p = make_product(session, seller=seller, type=DigitalProductType.PLANNER, price="5.00")
    add_revenue(session, product=p, day=LAST_DAY, revenue="15.00", units=3)
    add_revenue(session, product=p, day=NOW.date(), revenue="50.00", units=10)
    recalculate_benchmarks(session, now=NOW.replace(hour=0) + timedelta(hours=hours, minutes=59))
    # 3 units / 3 months / 1 product = 1.00
    assert rows_by_key(session)[(DigitalProductType.PLANNER, None)].average_sales_per_month == D("1.00")


def test_nightly_distribution_and_conversion_columns(session: Session) -> None:
    """Issue 11: p10/p25/p75/p90, the median conversion and the demand fit, on the rows every page reads."""
    cat = build_catalogue(session)
    business = {
        p.price: p for p in session.scalars(select(DigitalProduct).where(DigitalProduct.category_id == cat.business.id))
    }
    p10, p20, p30, p15 = business[D("10.00")], business[D("20.00")], business[D("30.00")], business[D("15.00")]
    for product, views, purchases in ((p10, 200, 4), (p20, 100, 5), (p30, 50, 0)):
        add_views(session, product=product, day=date(2026, 10, 1), views=views)
        if purchases:
            add_purchase_events(session, product, date(2026, 10, 1), purchases)
    add_views(session, product=p15, day=FIRST_DAY - timedelta(days=1), views=1000)  # before the window
    add_purchase_events(session, p15, FIRST_DAY - timedelta(days=1), 500)
    recalculate_benchmarks(session, now=NOW)
    rows = rows_by_key(session)

    b = rows[(EBOOK, cat.business.id)]
    # Prices 10, 15, 20, 25, 30: p10 at position 0.4 → 12.00, p25 at 1 → 15.00, p75 at 3 → 25.00, p90 at 3.6 → 28.00.
    assert (b.p10_price, b.p25_price, b.p75_price, b.p90_price) == (D("12.00"), D("15.00"), D("25.00"), D("28.00"))
    # Listings with views in the window: 4/200 = 0.02, 5/100 = 0.05, 0/50 = 0 → median 0.02 (p15's views were
    # before the window; p25 has none).
    assert b.median_conversion_rate == D("0.020000")
    assert b.demand_model is None  # 3 listings with ≥ 50 views: under the 8 a fit needs
    design = rows[(EBOOK, cat.design.id)]
    # 9.99, 12.00, 14.01, 30.00: p10 at 0.3 → 10.593 → 10.59; p90 at 2.7 → 14.01 + 0.7 × 15.99 = 25.203 → 25.20.
    assert (design.p10_price, design.p90_price) == (D("10.59"), D("25.20"))
    assert design.median_conversion_rate is None  # no views
    assert rows[(EBOOK, None)].median_conversion_rate == D("0.020000")  # the same three listings
