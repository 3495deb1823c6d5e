"""The daily revenue chart (components/charts/daily.py): bars per day and a trailing 7-day average."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from components.charts.daily import ROLLING_DAYS, daily_revenue_chart
from core.periods import DailyPoint
from tests.unit.components.charts.vega import layers, marks, rows, spec, tooltip_titles

POINTS = [
    DailyPoint(date(2026, 11, 1), Decimal("10.50"), 2),
    DailyPoint(date(2026, 11, 2), Decimal("0.00"), 0),  # a day without a sale is a zero bar, not a gap
    DailyPoint(date(2026, 11, 3), Decimal("99.99"), 3),
]


def test_one_bar_per_day_with_its_revenue_and_units() -> None:
    top = spec(daily_revenue_chart(POINTS, value_label="GMV", height=240))
    bars, _ = layers(top)
    assert rows(bars, top) == [
        {"day": "2026-11-01", "revenue": 10.5, "units": 2},
        {"day": "2026-11-02", "revenue": 0.0, "units": 0},
        {"day": "2026-11-03", "revenue": 99.99, "units": 3},
    ]
    assert top["height"] == 240
    assert marks(top) == ["bar", "line"]


def test_days_are_calendar_dates_in_utc_and_money_reads_as_dollars() -> None:
    top = spec(daily_revenue_chart(POINTS, value_label="GMV"))
    bars, line = layers(top)
    for layer in (bars, line):
        assert layer["encoding"]["x"]["field"] == "day"
        # UTC time units: a browser west of UTC must not draw each bar on the day before.
        assert layer["encoding"]["x"]["timeUnit"] == "utcyearmonthdate"
    assert bars["encoding"]["y"]["title"] == "GMV"
    assert bars["encoding"]["y"]["axis"]["format"] == "$,.0f"
    assert tooltip_titles(bars) == ["Day", "GMV", "Units"]
    assert [t.get("format") for t in bars["encoding"]["tooltip"]] == ["%a %b %d, %Y", "$,.2f", ","]


def test_the_line_is_the_mean_of_the_last_seven_days() -> None:
    top = spec(daily_revenue_chart(POINTS))
    _, line = layers(top)
    (window,) = line["transform"]
    assert window["window"] == [{"op": "mean", "field": "revenue", "as": "rolling_average"}]
    assert window["frame"] == [-(ROLLING_DAYS - 1), 0] == [-6, 0]
    assert line["encoding"]["y"]["field"] == "rolling_average"
    assert tooltip_titles(line) == ["Day", "7-day average"]
