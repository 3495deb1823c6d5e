"""The Market page's charts (components/charts/market.py): price distribution, monthly sales, the forecast."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from components.charts.market import (
    ACTUAL_COLOR,
    FORECAST_COLOR,
    forecast_chart,
    monthly_sales_chart,
    price_distribution_chart,
)
from core.market.segments import MonthPoint, PriceBin, PriceHistogram, SellerPrice
from core.periods import DailyPoint
from core.sales.forecast import DailyProjection
from tests.unit.components.charts.vega import layers, marks, rows, spec, tooltip_titles

HISTOGRAM = PriceHistogram(
    bins=(PriceBin(Decimal("10"), Decimal("15"), 3), PriceBin(Decimal("15"), Decimal("20"), 1)),
    product_count=4,
    bin_width=Decimal("5"),
)


def test_price_bins_are_bars_from_low_to_high_with_the_sellers_prices_as_rules() -> None:
    top = spec(price_distribution_chart(HISTOGRAM, [SellerPrice("p1", "My planner", Decimal("12.50"))]))
    assert marks(top) == ["bar", "rule"]
    bars, rules = layers(top)
    assert rows(bars, top) == [
        {"low": 10.0, "high": 15.0, "count": 3, "range": "$10.00 – $15.00"},
        {"low": 15.0, "high": 20.0, "count": 1, "range": "$15.00 – $20.00"},
    ]
    enc = bars["encoding"]
    assert (enc["x"]["field"], enc["x2"]["field"], enc["y"]["field"]) == ("low", "high", "count")
    assert enc["y2"] == {"datum": 0}  # every bar stands on zero
    assert enc["x"]["scale"] == {"domain": [10.0, 20.0], "nice": False}  # the bins exactly, no padding
    assert (enc["x"]["title"], enc["y"]["title"]) == ("Price", "Products")
    assert rows(rules, top) == [{"price": 12.5, "title": "My planner"}]
    assert tooltip_titles(rules) == ["Your product", "Price"]
    assert top["height"] == 260


def test_an_empty_segment_draws_no_bar() -> None:
    top = spec(price_distribution_chart(PriceHistogram((), 0, None), []))
    bars, rules = layers(top)
    assert rows(bars, top) == [] and rows(rules, top) == []


def test_monthly_sales_is_a_revenue_line_per_calendar_month() -> None:
    months = [MonthPoint(date(2026, 10, 1), Decimal("120.50"), 4), MonthPoint(date(2026, 11, 1), Decimal("0"), 0)]
    top = spec(monthly_sales_chart(months))
    assert marks(top) == ["line"]
    assert rows(top, top) == [
        {"month": "2026-10-01", "revenue": 120.5, "units": 4},
        {"month": "2026-11-01", "revenue": 0.0, "units": 0},
    ]
    assert top["encoding"]["x"]["timeUnit"] == "utcyearmonth"
    assert top["encoding"]["y"]["title"] == "Revenue"
    assert top["encoding"]["y"]["scale"] == {"zero": True}
    assert tooltip_titles(top) == ["Month", "Revenue", "Units sold"]


def test_the_forecast_continues_the_actual_line_inside_its_likely_range() -> None:
    actual = [DailyPoint(date(2026, 11, 19), Decimal("8"), 1), DailyPoint(date(2026, 11, 20), Decimal("10"), 1)]
    projected = [
        DailyProjection(date(2026, 11, 21), Decimal("11"), Decimal("8"), Decimal("14")),
        DailyProjection(date(2026, 11, 22), Decimal("12"), Decimal("8.5"), Decimal("15.5")),
    ]
    top = spec(forecast_chart(actual, projected))
    assert marks(top) == ["area", "line", "line"]
    band, actual_line, forecast_line = layers(top)
    assert rows(band, top) == [
        {"day": "2026-11-21", "low": 8.0, "high": 14.0},
        {"day": "2026-11-22", "low": 8.5, "high": 15.5},
    ]
    assert (band["encoding"]["y"]["field"], band["encoding"]["y2"]["field"]) == ("low", "high")
    assert band["encoding"]["y"]["title"] == "Revenue per day"
    assert [r["series"] for r in rows(actual_line, top)] == ["Actual", "Actual"]
    # The projection starts at the last actual day (10.00 on Nov 20), so the two lines join.
    assert rows(forecast_line, top) == [
        {"day": "2026-11-20", "revenue": 10.0, "series": "Forecast"},
        {"day": "2026-11-21", "revenue": 11.0, "series": "Forecast"},
        {"day": "2026-11-22", "revenue": 12.0, "series": "Forecast"},
    ]
    assert forecast_line["mark"]["strokeDash"] == [6, 3]
    assert actual_line["encoding"]["color"]["scale"] == {
        "domain": ["Actual", "Forecast"],
        "range": [ACTUAL_COLOR, FORECAST_COLOR],
    }


def test_no_projection_means_no_bridge_and_no_band() -> None:
    top = spec(forecast_chart([DailyPoint(date(2026, 11, 20), Decimal("10"), 1)], ()))
    band, actual_line, forecast_line = layers(top)
    assert rows(band, top) == [] and rows(forecast_line, top) == []
    assert len(rows(actual_line, top)) == 1
