"""The admin KPI charts (components/charts/kpis.py): a KPI's monthly trend, traffic by source, a funnel."""

from __future__ import annotations

from datetime import date

import pytest

from components.charts.kpis import (
    FUNNEL_BAR_SHARE,
    TrendPoint,
    funnel_chart,
    kpi_trend_chart,
    traffic_chart,
)
from core.analytics.kpis import KpiValue
from tests.unit.components.charts.vega import layers, marks, rows, spec, tooltip_titles

TREND = [
    TrendPoint(date(2026, 10, 31), "Oct 2026", 50.0, "1 of 2 approved sellers"),
    TrendPoint(date(2026, 11, 21), "Nov 21 (now)", None, "0 of 0 approved sellers"),  # nothing to measure
]
FUNNEL_ROWS = [
    {"step": "1. Visit", "count": 8, "from_first": 100.0, "from_previous": 100.0, "median": "—", "mean": "—",
     "text": "8 · 100.0% of step 1\nentered the funnel"},
    {"step": "2. Sign up", "count": 2, "from_first": 25.0, "from_previous": 25.0, "median": "55 min",
     "mean": "50 min", "text": "2 · 25.0% of step 1\n25.0% of previous · median 55 min"},
]  # fmt: skip


def test_a_rate_trend_spans_0_to_100_and_skips_months_without_a_value() -> None:
    top = spec(kpi_trend_chart(TREND, title="Activation rate", unit="%"))
    assert marks(top) == ["line", "point"]
    line, dots = layers(top)
    assert rows(line, top) == [
        {"day": "2026-10-31", "label": "Oct 2026", "value": 50.0, "detail": "1 of 2 approved sellers"},
        {"day": "2026-11-21", "label": "Nov 21 (now)", "value": None, "detail": "0 of 0 approved sellers"},
    ]
    assert line["encoding"]["y"]["title"] == "Activation rate (%)"
    assert line["encoding"]["y"]["scale"] == {"domain": [0, 100]}
    for layer in (line, dots):
        assert layer["transform"] == [{"filter": "isValid(datum.value)"}]  # a gap, not a drop to zero
    assert tooltip_titles(line) == ["As of", "Activation rate", "From"]


def test_a_days_trend_starts_at_zero_but_is_not_capped_at_100() -> None:
    top = spec(kpi_trend_chart(TREND, title="Days to first sale", unit="days"))
    line, _ = layers(top)
    assert line["encoding"]["y"]["title"] == "Days to first sale (days)"
    assert line["encoding"]["y"]["scale"] == {"nice": True, "zero": True}


def test_traffic_shows_this_window_as_bars_and_the_previous_one_as_ticks() -> None:
    traffic = [
        KpiValue("google", "google", 66.67, 50.0, "percent"),
        KpiValue("(none)", "(none)", 33.33, None, "percent"),  # a new source: no tick
    ]
    top = spec(traffic_chart(traffic))
    assert marks(top) == ["bar", "tick", "text"]
    bars, ticks, labels = layers(top)
    assert rows(bars, top) == [
        {"source": "google", "now": 66.67, "before": 50.0, "change": pytest.approx(16.67)},
        {"source": "(none)", "now": 33.33, "before": None, "change": None},
    ]
    assert bars["encoding"]["y"]["sort"] == ["google", "(none)"]  # core's order, biggest first
    assert bars["encoding"]["x"]["title"] == "Share of sessions (%)"
    assert bars["encoding"]["x"]["scale"]["domain"] == [0, pytest.approx(66.67 * 1.12)]  # room for the label
    assert ticks["encoding"]["x"]["field"] == "before"
    assert ticks["transform"] == [{"filter": "isValid(datum.before)"}]
    assert labels["encoding"]["text"] == {"field": "now", "format": ".1f", "type": "quantitative"}
    assert tooltip_titles(bars) == ["Source", "Share of sessions (%)", "Previous window (%)", "Change (pp)"]
    assert top["height"] == 60 + 34 * 2


def test_funnel_bars_keep_half_the_width_for_their_numbers() -> None:
    top = spec(funnel_chart(FUNNEL_ROWS))
    assert marks(top) == ["bar", "text"]
    bars, text = layers(top)
    assert rows(bars, top) == FUNNEL_ROWS
    assert bars["encoding"]["y"]["sort"] == ["1. Visit", "2. Sign up"]  # funnel order, not alphabetical
    assert bars["encoding"]["x"]["scale"]["domain"] == [0, 8 / FUNNEL_BAR_SHARE] == [0, 16.0]
    assert text["encoding"]["text"]["field"] == "text"
    assert tooltip_titles(bars) == [
        "Step",
        "People",
        "% of step 1",
        "% of previous step",
        "Median time from previous",
        "Mean time from previous",
    ]
    assert top["height"] == 62 * 2
