"""The seller's 12-month revenue chart on Home: one bar per complete month, the best month marked and labelled."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import altair as alt

from core.periods import MonthPoint

BAR_COLOR = "#9DB8F2"
PEAK_COLOR = "#1F4FD8"
PEAK_LABEL = "Best month"


def _month_rows(points: Sequence[MonthPoint], peak: date | None) -> list[dict[str, object]]:
    return [
        {
            "month": p.month.isoformat(),
            "label": f"{p.month:%b %Y}",
            "revenue": float(p.revenue),
            "units": p.units,
            "kind": PEAK_LABEL if p.month == peak else "Month",
        }
        for p in points
    ]


def monthly_revenue_chart(points: Sequence[MonthPoint], *, peak: date | None, height: int = 260) -> alt.LayerChart:
    """Bars of revenue per month (oldest first); the best month (`peak`) is drawn darker with "Best month" on top.

    The x axis is one band per month labelled "Jan 2026", in the data's order: a time axis would put its ticks on
    the months' first days, between the bars, and read the last bar as the month after it.
    """
    x = alt.X("label:O", sort=None, title=None, axis=alt.Axis(labelAngle=0, labelOverlap=True))
    base = alt.Chart(alt.Data(values=_month_rows(points, peak))).properties(height=height)
    bars = base.mark_bar(cornerRadiusTopLeft=2, cornerRadiusTopRight=2).encode(
        x=x,
        y=alt.Y("revenue:Q", title="Revenue", axis=alt.Axis(format="$,.0f"), scale=alt.Scale(zero=True, nice=True)),
        color=alt.Color(
            "kind:N", scale=alt.Scale(domain=["Month", PEAK_LABEL], range=[BAR_COLOR, PEAK_COLOR]), legend=None
        ),
        tooltip=[
            alt.Tooltip("month:T", timeUnit="utcyearmonth", title="Month", format="%B %Y"),
            alt.Tooltip("revenue:Q", title="Revenue", format="$,.2f"),
            alt.Tooltip("units:Q", title="Units", format=","),
        ],
    )
    label = (
        base.transform_filter(alt.datum.kind == PEAK_LABEL)
        .mark_text(dy=-8, color=PEAK_COLOR, fontWeight="bold")
        .encode(x=x, y=alt.Y("revenue:Q"), text=alt.Text("kind:N"))
    )
    return alt.layer(bars, label)
