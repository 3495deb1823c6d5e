"""The 12-month revenue chart of the seller's Home (components/charts/months.py): one bar per month, the best
month drawn darker and labelled."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from components.charts.months import BAR_COLOR, PEAK_COLOR, PEAK_LABEL, monthly_revenue_chart
from core.periods import MonthPoint
from tests.unit.components.charts.vega import layers, marks, rows, spec, tooltip_titles

POINTS = [
    MonthPoint(date(2026, 1, 1), Decimal("36062.10"), 220),
    MonthPoint(date(2026, 2, 1), Decimal("0.00"), 0),  # a month without a sale is a zero bar, not a gap
    MonthPoint(date(2026, 3, 1), Decimal("2457.35"), 15),
]


def test_one_bar_per_month_with_the_best_marked() -> None:
    top = spec(monthly_revenue_chart(POINTS, peak=date(2026, 1, 1), height=240))
    bars, label = layers(top)
    assert rows(bars, top) == [
        {"month": "2026-01-01", "label": "Jan 2026", "revenue": 36062.1, "units": 220, "kind": PEAK_LABEL},
        {"month": "2026-02-01", "label": "Feb 2026", "revenue": 0.0, "units": 0, "kind": "Month"},
        {"month": "2026-03-01", "label": "Mar 2026", "revenue": 2457.35, "units": 15, "kind": "Month"},
    ]
    assert top["height"] == 240
    assert marks(top) == ["bar", "text"]
    color = bars["encoding"]["color"]
    assert color["field"] == "kind"
    assert color["scale"] == {"domain": ["Month", "Best month"], "range": [BAR_COLOR, PEAK_COLOR]}
    # The label is drawn only over the best month, and reads "Best month".
    assert label["transform"] == [{"filter": "(datum.kind === 'Best month')"}]
    assert label["encoding"]["text"]["field"] == "kind"


def test_one_labelled_band_per_month_in_order_and_money_reads_as_dollars() -> None:
    top = spec(monthly_revenue_chart(POINTS, peak=None))
    bars, label = layers(top)
    assert all(r["kind"] == "Month" for r in rows(bars, top))
    for layer in (bars, label):
        # A band per month in the data's order (oldest first), never a time axis whose ticks fall between bars.
        assert layer["encoding"]["x"]["field"] == "label"
        assert layer["encoding"]["x"]["type"] == "ordinal"
        assert layer["encoding"]["x"]["sort"] is None
    # The tooltip names the month in UTC (a calendar month, whatever the browser's zone).
    assert bars["encoding"]["tooltip"][0]["timeUnit"] == "utcyearmonth"
    assert bars["encoding"]["y"]["title"] == "Revenue"
    assert bars["encoding"]["y"]["axis"]["format"] == "$,.0f"
    assert tooltip_titles(bars) == ["Month", "Revenue", "Units"]
    assert [t.get("format") for t in bars["encoding"]["tooltip"]] == ["%B %Y", "$,.2f", ","]
