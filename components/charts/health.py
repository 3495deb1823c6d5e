"""Altair charts of System health: one check's last 7 days (hourly or daily), a line per series (errors and their
7-day median, ok and failed runs, …) and the check's red threshold as a dashed rule where it has one."""

from __future__ import annotations

import altair as alt

from core.ops.health_history import HealthSeries

SERIES_COLORS = ["#1F4FD8", "#B91C1C", "#15803D", "#9333EA", "#6B7280"]
THRESHOLD_COLOR = "#B91C1C"


def series_rows(series: HealthSeries) -> list[dict[str, object]]:
    """The chart's data: one row per (moment, series), ISO timestamps in UTC."""
    return [{"at": p.at.isoformat(), "series": p.series, "value": p.value} for p in series.points]


def health_chart(series: HealthSeries, *, title: str, height: int = 170) -> alt.LayerChart:
    """`series` over its 7 days: lines (points too for a daily chart), the red threshold as a dashed rule."""
    rows = series_rows(series)
    names = list(dict.fromkeys(str(r["series"]) for r in rows))
    hourly = series.grain == "hour"
    x = alt.X(
        "at:T",
        title=None,
        scale=alt.Scale(type="utc"),
        axis=alt.Axis(format="%a %d" if not hourly else "%a %H:%M", labelAngle=0, tickCount=7),
    )
    y = alt.Y("value:Q", title=f"{title} ({series.unit})", scale=alt.Scale(zero=True, nice=True),
              axis=alt.Axis(format="~r", titleFontSize=11))  # fmt: skip
    color = alt.Color("series:N", title=None, scale=alt.Scale(domain=names, range=SERIES_COLORS[: len(names)]),
                      legend=alt.Legend(orient="top") if len(names) > 1 else None)  # fmt: skip
    tooltip = [
        alt.Tooltip("at:T", title="Hour (UTC)" if hourly else "Day (UTC)", format="%b %d %H:%M" if hourly else "%b %d"),
        alt.Tooltip("series:N", title="Series"),
        alt.Tooltip("value:Q", title=series.unit, format=",.2~f"),
    ]
    base = alt.Chart(alt.Data(values=rows)).encode(x=x, y=y, color=color, tooltip=tooltip).properties(height=height)
    line = base.mark_line(strokeWidth=2, interpolate="step-after" if hourly else "linear")
    layers: list[alt.Chart] = [line.transform_filter("isValid(datum.value)")]
    if not hourly:
        layers.append(base.mark_point(filled=True, size=40).transform_filter("isValid(datum.value)"))
    if series.reference is not None:
        rule = alt.Chart(alt.Data(values=[{"threshold": series.reference}])).mark_rule(
            color=THRESHOLD_COLOR, strokeDash=[4, 4]
        )
        layers.append(rule.encode(y="threshold:Q", tooltip=[alt.Tooltip("threshold:Q", title="Threshold")]))
    return alt.layer(*layers)
