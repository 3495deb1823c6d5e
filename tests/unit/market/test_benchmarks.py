"""The pure part of core/benchmarks: the sales window and the rounding of a segment's sums into column values."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from core.market.benchmarks import ProductTotals, SegmentTotals, benchmark_values, sales_window
from core.models import DigitalProductType

NOW = datetime(2026, 11, 21, 15, 0, tzinfo=UTC)
D = Decimal


def test_sales_window_is_the_90_days_before_today_in_utc() -> None:
    # 2026-11-21 minus 90 days = 2026-08-23; today is excluded
    assert sales_window(NOW) == (date(2026, 8, 23), date(2026, 11, 21))
    # 01:00 at UTC+3 on the 22nd is 22:00 UTC on the 21st: the UTC date decides
    assert sales_window(datetime(2026, 11, 22, 1, 0, tzinfo=timezone(timedelta(hours=3))))[1] == date(2026, 11, 21)


def test_sales_window_refuses_a_naive_now() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        sales_window(datetime(2026, 11, 21, 15, 0))


def _totals(**overrides: object) -> SegmentTotals:
    products = ProductTotals(
        product_count=4, price_cents_sum=6600, rating_hundredths_sum=1650, rated_count=4, units_sum=10
    )
    top = ProductTotals(product_count=2, price_cents_sum=2199, rating_hundredths_sum=0, rated_count=0, units_sum=1)
    fields: dict[str, object] = {
        "product_type": DigitalProductType.EBOOK,
        "category_id": "cat-1",
        "products": products,
        "price_cents_min": 999,
        "price_cents_max": 3000,
        "median_price_cents": D("1300.5"),
        "top_sellers": top,
    }
    return SegmentTotals(**(fields | overrides))  # type: ignore[arg-type]


def test_values_round_half_up_to_two_decimals() -> None:
    values = benchmark_values(_totals(), now=NOW)
    assert values["average_price"] == D("16.50")  # 6600 / 4 = 1650 cents
    assert values["median_price"] == D("13.01")  # 1300.5 cents = 13.005 → 13.01 (half up, not banker's 13.00)
    assert values["price_range"] == {"min": 9.99, "max": 30.0}
    assert values["average_rating"] == D("4.13")  # 1650 / 4 = 412.5 hundredths = 4.125 → 4.13
    assert values["average_sales_per_month"] == D("0.83")  # 10 units / 3 / 4 = 0.8333 → 0.83
    # top sellers: 2199 / 2 = 1099.5 cents → 11.00; nobody rated → None; 1 / 3 / 2 = 0.1667 → 0.17
    assert values["top_seller_metrics"] == {"avgPrice": 11.0, "avgRating": None, "avgMonthlySales": 0.17}
    assert (values["sample_size"], values["calculated_at"], values["category_id"]) == (4, NOW, "cat-1")


def test_no_rated_product_gives_a_null_average_rating() -> None:
    unrated = ProductTotals(product_count=1, price_cents_sum=100, rating_hundredths_sum=0, rated_count=0, units_sum=0)
    values = benchmark_values(_totals(products=unrated, category_id=None), now=NOW)
    assert values["average_rating"] is None
    assert values["average_sales_per_month"] == D("0.00")
    assert values["category_id"] is None
