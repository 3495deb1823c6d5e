"""Altair charts of the admin KPIs: a KPI's monthly trend, traffic share by source, and a conversion funnel
(horizontal bars with each step's count, conversions and median time)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import altair as alt

from core.analytics import KpiValue

BAR_COLOR = "#9DB8F2"
LINE_COLOR = "#1F4FD8"
PREVIOUS_COLOR = "#1B2A4A"
FUNNEL_COLOR = "#4C78D8"
# The funnel's bars use at most this share of the width: the rest is for the numbers written after each bar.
FUNNEL_BAR_SHARE = 0.5


# --------------------------------------------------------------------------- a KPI's trend


@dataclass(frozen=True)
class TrendPoint:
    day: date  # the last day the point covers
    label: str  # "Oct 2026", "Nov 21 (today)"
    value: float | None
    detail: str  # what the value is made of, for the tooltip


def kpi_trend_chart(points: Sequence[TrendPoint], *, title: str, unit: str, height: int = 200) -> alt.LayerChart:
    """A line with points of one KPI per month end (gaps where there was nothing to measure).

    `unit` is "%" or "days": rates start the axis at 0 so a small wobble does not look like a collapse.
    """
    rows = [{"day": p.day.isoformat(), "label": p.label, "value": p.value, "detail": p.detail} for p in points]
    scale = alt.Scale(domain=[0, 100]) if unit == "%" else alt.Scale(zero=True, nice=True)
    y = alt.Y("value:Q", title=f"{title} ({unit})", scale=scale, axis=alt.Axis(format="~r", titleFontSize=11))
    # Days are calendar dates: UTC everywhere so a browser west of UTC does not shift them a day back.
    x = alt.X("day:T", timeUnit="utcyearmonthdate", title=None, axis=alt.Axis(format="%b", labelAngle=0, tickCount=12))
    tooltip = [
        alt.Tooltip("label:N", title="As of"),
        alt.Tooltip("value:Q", title=title, format=".1f"),
        alt.Tooltip("detail:N", title="From"),
    ]
    base = alt.Chart(alt.Data(values=rows)).encode(x=x, y=y, tooltip=tooltip).properties(height=height)
    line = base.mark_line(color=LINE_COLOR, strokeWidth=2.5).transform_filter("isValid(datum.value)")
    dots = base.mark_point(color=LINE_COLOR, filled=True, size=45).transform_filter("isValid(datum.value)")
    return alt.layer(line, dots)


# --------------------------------------------------------------------------- traffic by source


def traffic_chart(traffic: Sequence[KpiValue], *, height_per_source: int = 34) -> alt.LayerChart:
    """Share of sessions per source: a bar for this window, a dark tick where the previous window was."""
    rows = [
        {
            "source": t.label,
            "now": t.value or 0.0,
            "before": t.previous,
            "change": None if t.change is None else float(t.change),
        }
        for t in traffic
    ]
    order = [r["source"] for r in rows]
    # labelOverlap off: Vega would otherwise drop every other source name when the chart is short.
    y = alt.Y("source:N", sort=order, title=None, axis=alt.Axis(labelLimit=160, labelOverlap=False, labelFontSize=12))
    tooltip = [
        alt.Tooltip("source:N", title="Source"),
        alt.Tooltip("now:Q", title="Share of sessions (%)", format=".2f"),
        alt.Tooltip("before:Q", title="Previous window (%)", format=".2f"),
        alt.Tooltip("change:Q", title="Change (pp)", format="+.2f"),
    ]
    widest = max([r["now"] or 0 for r in rows] + [r["before"] or 0 for r in rows] + [1])
    base = alt.Chart(alt.Data(values=rows)).properties(height=60 + height_per_source * len(rows))
    bars = base.mark_bar(color=BAR_COLOR, cornerRadiusEnd=2).encode(
        x=alt.X(
            "now:Q",
            title="Share of sessions (%)",
            scale=alt.Scale(domain=[0, widest * 1.12]),  # room for the number after the longest bar
            axis=alt.Axis(tickCount=6, format="~r"),
        ),
        y=y,
        tooltip=tooltip,
    )
    previous = (
        base.mark_tick(color=PREVIOUS_COLOR, thickness=2, size=18)
        .encode(x="before:Q", y=y, tooltip=tooltip)
        .transform_filter("isValid(datum.before)")
    )
    labels = base.mark_text(align="left", dx=4, fontSize=11).encode(
        x="now:Q", y=y, text=alt.Text("now:Q", format=".1f"), tooltip=tooltip
    )
    return alt.layer(bars, previous, labels)


# --------------------------------------------------------------------------- a funnel


def funnel_chart(rows: Sequence[Mapping[str, object]], *, height_per_step: int = 62) -> alt.LayerChart:
    """Horizontal bars, one per step in funnel order, each followed by its numbers on two lines.

    `rows`: one per step, in order, with `step` (its label), `count`, `from_first` and `from_previous` (percent),
    `median` and `mean` (time from the previous step, as words) and `text` (the lines written after the bar).
    """
    rows = [dict(r) for r in rows]
    order = [r["step"] for r in rows]
    widest = max((int(r["count"]) for r in rows), default=0) or 1  # type: ignore[call-overload]
    x = alt.X(
        "count:Q",
        title=None,
        axis=None,
        scale=alt.Scale(domain=[0, widest / FUNNEL_BAR_SHARE]),
    )
    y = alt.Y(
        "step:N", sort=order, title=None, axis=alt.Axis(labelLimit=170, labelFontSize=12, ticks=False, domain=False)
    )
    tooltip = [
        alt.Tooltip("step:N", title="Step"),
        alt.Tooltip("count:Q", title="People", format=","),
        alt.Tooltip("from_first:Q", title="% of step 1", format=".2f"),
        alt.Tooltip("from_previous:Q", title="% of previous step", format=".2f"),
        alt.Tooltip("median:N", title="Median time from previous"),
        alt.Tooltip("mean:N", title="Mean time from previous"),
    ]
    base = alt.Chart(alt.Data(values=rows)).properties(height=height_per_step * max(1, len(rows)))
    bars = base.mark_bar(color=FUNNEL_COLOR, cornerRadiusEnd=3, height={"band": 0.7}).encode(x=x, y=y, tooltip=tooltip)
    text = base.mark_text(align="left", baseline="middle", dx=6, fontSize=11, lineBreak="\n", lineHeight=14).encode(
        x=x, y=y, text="text:N", tooltip=tooltip
    )
    return alt.layer(bars, text).configure_view(strokeWidth=0)
