"""Blocks both home pages (and the seller detail) are made of: the "last 30 full days" caption and the daily
revenue chart with what it shows underneath."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from components.charts.daily import ROLLING_DAYS, daily_revenue_chart
from components.ui.format import format_day_range
from core.periods import DailyPoint, Window


def period_caption(period: Window, previous: Window) -> None:
    """Which 30 days the tiles below count, and which 30 they are compared with."""
    st.caption(
        f"Last 30 full days ({format_day_range(period.start, period.end)}), "
        f"compared with the 30 days before ({format_day_range(previous.start, previous.end)})."
    )


def daily_chart(points: Sequence[DailyPoint], *, value_label: str) -> None:
    """Bars per day with the rolling average, and a caption naming the days and what bars and line are."""
    st.altair_chart(daily_revenue_chart(points, value_label=value_label), width="stretch")
    st.caption(
        f"{format_day_range(points[0].day, points[-1].day)}. Bars: {value_label} per day. "
        f"Line: {ROLLING_DAYS}-day average. Days without a sale count as zero."
    )
