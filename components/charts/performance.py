"""The Performance page's charts (pure Altair over core's results): a daily figure of the period with the same
day of the previous period as a second line, and the channel comparison (bars, a trend per channel, the share).

Days are plain calendar dates (UTC days), so every time encoding uses UTC: a browser west of UTC would otherwise
draw each point on the previous day."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import altair as alt

from core.sales.channel_report import ChannelDay, ChannelFigures
from core.sales.performance import DailyComparison

CURRENT_COLOR = "#1F4FD8"
PREVIOUS_COLOR = "#9AA0A6"
CURRENT_LABEL = "This period"
PREVIOUS_LABEL = "Previous period"
# Daily figures a chart can draw: key -> (title, d3 number format).
DAILY_FIGURES: dict[str, tuple[str, str]] = {
    "revenue": ("Revenue", "$,.2f"),
    "profit": ("Net profit", "$,.2f"),
    "visits": ("Visits", ",d"),
}
# Channel metrics: key -> d3 number format (conversion is a percent value, 4.5 = 4.5 %).
CHANNEL_FORMATS: dict[str, str] = {"revenue": "$,.2f", "orders": ",d", "conversion_rate": ".2f"}

_DAY_X = alt.X("day:T", timeUnit="utcyearmonthdate", title=None, axis=alt.Axis(format="%b %d", labelAngle=0))


def _series_color() -> alt.Color:
    """This period in the app's blue, the previous one in grey, with the legend on top."""
    return alt.Color(
        "series:N",
        title=None,
        scale=alt.Scale(domain=[CURRENT_LABEL, PREVIOUS_LABEL], range=[CURRENT_COLOR, PREVIOUS_COLOR]),
        legend=alt.Legend(orient="top"),
    )


def daily_rows(points: Sequence[DailyComparison], figure: str) -> list[dict[str, Any]]:
    """Two rows per day of the period: its value and the value of the same day of the previous period (drawn at
    the period's day, so the lines overlay)."""
    rows: list[dict[str, Any]] = []
    for p in points:
        now, before = getattr(p, figure), getattr(p, f"previous_{figure}")
        common = {
            "day": p.day.isoformat(),
            "current_day": p.day.isoformat(),
            "previous_day": p.previous_day.isoformat(),
        }
        rows.append({**common, "series": CURRENT_LABEL, "value": float(now)})
        rows.append({**common, "series": PREVIOUS_LABEL, "value": float(before)})
    return rows


def daily_comparison_chart(points: Sequence[DailyComparison], figure: str, *, height: int = 260) -> alt.Chart:
    """`figure` ("revenue", "profit" or "visits") per day: the period as a solid line, the previous period dashed."""
    title, number = DAILY_FIGURES[figure]
    return (
        alt.Chart(alt.Data(values=daily_rows(points, figure)))
        .mark_line(point=len(points) <= 31, interpolate="monotone", strokeWidth=2.2)
        .encode(
            x=_DAY_X,
            y=alt.Y("value:Q", title=title, axis=alt.Axis(format=number.replace(".2f", ".0f"))),
            color=_series_color(),
            strokeDash=alt.StrokeDash(
                "series:N", scale=alt.Scale(domain=[CURRENT_LABEL, PREVIOUS_LABEL], range=[[1, 0], [5, 4]]), legend=None
            ),
            tooltip=[
                alt.Tooltip("series:N", title="Series"),
                alt.Tooltip("current_day:T", timeUnit="utcyearmonthdate", title="Day", format="%a %b %d, %Y"),
                alt.Tooltip("previous_day:T", timeUnit="utcyearmonthdate", title="Compared with", format="%b %d, %Y"),
                alt.Tooltip("value:Q", title=title, format=number),
            ],
        )
        .properties(height=height)
    )


def _channel_value(channel: ChannelFigures | ChannelDay, metric: str) -> float | None:
    value = getattr(channel, metric)
    return None if value is None else float(value)


def channel_bar_chart(channels: Sequence[ChannelFigures], metric: str, title: str, *, height: int = 280) -> alt.Chart:
    """One bar per channel for `metric` (period and previous period side by side), largest first."""
    number = CHANNEL_FORMATS[metric]
    rows = []
    for c in channels:
        previous = getattr(c, f"previous_{metric}")
        rows.append({"channel": c.label, "series": CURRENT_LABEL, "value": _channel_value(c, metric)})
        rows.append(
            {"channel": c.label, "series": PREVIOUS_LABEL, "value": None if previous is None else float(previous)}
        )
    order = [c.label for c in sorted(channels, key=lambda c: -(_channel_value(c, metric) or 0))]
    return (
        alt.Chart(alt.Data(values=rows))
        .mark_bar(cornerRadiusEnd=2)
        .encode(
            y=alt.Y("channel:N", sort=order, title=None),
            yOffset=alt.YOffset("series:N", sort=[CURRENT_LABEL, PREVIOUS_LABEL]),
            x=alt.X("value:Q", title=title, axis=alt.Axis(format=number.replace(".2f", ".0f"))),
            color=_series_color(),
            tooltip=[
                alt.Tooltip("channel:N", title="Channel"),
                alt.Tooltip("series:N", title="Series"),
                alt.Tooltip("value:Q", title=title, format=number),
            ],
        )
        .properties(height=height)
    )


def channel_trend_chart(
    days: Sequence[ChannelDay], metric: str, title: str, labels: dict[str, str], *, height: int = 280
) -> alt.Chart:
    """`metric` per day, one line per channel in `days` (conversion: gaps where a channel had no visit)."""
    number = CHANNEL_FORMATS[metric]
    rows = [
        {"day": d.day.isoformat(), "channel": labels.get(d.channel, d.channel), "value": _channel_value(d, metric)}
        for d in days
    ]
    return (
        alt.Chart(alt.Data(values=rows))
        .mark_line(interpolate="monotone", strokeWidth=2)
        .encode(
            x=_DAY_X,
            y=alt.Y("value:Q", title=title, axis=alt.Axis(format=number.replace(".2f", ".0f"))),
            color=alt.Color("channel:N", title=None, legend=alt.Legend(orient="top")),
            tooltip=[
                alt.Tooltip("day:T", timeUnit="utcyearmonthdate", title="Day", format="%a %b %d, %Y"),
                alt.Tooltip("channel:N", title="Channel"),
                alt.Tooltip("value:Q", title=title, format=number),
            ],
        )
        .properties(height=height)
    )


def channel_share_chart(channels: Sequence[ChannelFigures], *, size: int = 240) -> alt.Chart:
    """Each channel's share of the period's revenue as a donut (channels without revenue left out)."""
    rows = [
        {"channel": c.label, "share": float(c.share), "revenue": float(c.revenue)}
        for c in channels
        if c.share is not None and c.revenue > 0
    ]
    return (
        alt.Chart(alt.Data(values=rows))
        .mark_arc(innerRadius=size / 4)
        .encode(
            theta=alt.Theta("share:Q", stack=True),
            color=alt.Color("channel:N", title=None, sort=alt.SortField("share", order="descending")),
            order=alt.Order("share:Q", sort="descending"),
            tooltip=[
                alt.Tooltip("channel:N", title="Channel"),
                alt.Tooltip("share:Q", title="Share of revenue (%)", format=".1f"),
                alt.Tooltip("revenue:Q", title="Revenue", format="$,.2f"),
            ],
        )
        .properties(width=size, height=size)
    )
