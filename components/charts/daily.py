"""The daily revenue chart of the home pages and the seller detail: bars per day with a 7-day average line."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt

from core.periods import DailyPoint

ROLLING_DAYS = 7
BAR_COLOR = "#9DB8F2"
LINE_COLOR = "#1F4FD8"


def _daily_rows(points: Sequence[DailyPoint]) -> list[dict[str, object]]:
    return [{"day": p.day.isoformat(), "revenue": float(p.revenue), "units": p.units} for p in points]


def daily_revenue_chart(
    points: Sequence[DailyPoint], *, value_label: str = "Revenue", height: int = 280
) -> alt.LayerChart:
    """Bars of revenue per day with a trailing 7-day average line on top.

    Days are plain calendar dates, so every time encoding uses UTC: otherwise a browser west of
    UTC would draw each bar on the previous day.
    """
    x = alt.X("day:T", timeUnit="utcyearmonthdate", title=None, axis=alt.Axis(format="%b %d", labelAngle=0))
    base = alt.Chart(alt.Data(values=_daily_rows(points))).properties(height=height)
    tooltip = [
        alt.Tooltip("day:T", timeUnit="utcyearmonthdate", title="Day", format="%a %b %d, %Y"),
        alt.Tooltip("revenue:Q", title=value_label, format="$,.2f"),
        alt.Tooltip("units:Q", title="Units", format=","),
    ]
    bars = base.mark_bar(color=BAR_COLOR, cornerRadiusTopLeft=2, cornerRadiusTopRight=2).encode(
        x=x,
        y=alt.Y("revenue:Q", title=value_label, axis=alt.Axis(format="$,.0f"), scale=alt.Scale(zero=True, nice=True)),
        tooltip=tooltip,
    )
    average = (
        base.transform_window(
            rolling_average="mean(revenue)", frame=[-(ROLLING_DAYS - 1), 0], sort=[alt.SortField("day")]
        )
        .mark_line(color=LINE_COLOR, strokeWidth=2.5, interpolate="monotone")
        .encode(
            x=x,
            y=alt.Y("rolling_average:Q"),
            tooltip=[
                alt.Tooltip("day:T", timeUnit="utcyearmonthdate", title="Day", format="%a %b %d, %Y"),
                alt.Tooltip("rolling_average:Q", title=f"{ROLLING_DAYS}-day average", format="$,.2f"),
            ],
        )
    )
    return alt.layer(bars, average)
