"""The Listing editor's chart: each score dimension's points before and after the edit, against its maximum."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt

TRACK_COLOR = "#E6E8EB"
BEFORE_COLOR = "#262730"
CHANGE_COLORS = {"up": "#2E9E5B", "down": "#D64545", "same": "#1F4FD8"}


def _points(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def score_change_rows(dimensions: Sequence[tuple[str, float, float, float]]) -> list[dict[str, object]]:
    """One row per (label, before, after, maximum): the values, the direction of the change and its label text
    ("12 / 15 (+3)"; "25 / 25" when unchanged)."""
    rows: list[dict[str, object]] = []
    for label, before, after, maximum in dimensions:
        delta = round(after - before, 1)
        change = "up" if delta > 0 else "down" if delta < 0 else "same"
        sign = "+" if delta > 0 else "−"
        text = f"{_points(after)} / {_points(maximum)}" + (f" ({sign}{_points(abs(delta))})" if delta else "")
        rows.append(
            {"dimension": label, "before": before, "after": after, "max": maximum, "change": change, "text": text}
        )
    return rows


def score_change_chart(dimensions: Sequence[tuple[str, float, float, float]], *, height: int = 230) -> alt.LayerChart:
    """Horizontal bars, one per dimension in the given order: a grey track to the dimension's maximum, the points
    after the edit in green (up), red (down) or blue (unchanged), a black tick where the points were before, and
    "after / maximum (change)" beside each bar."""
    rows = score_change_rows(dimensions)
    order = [str(r["dimension"]) for r in rows]
    widest = max([float(r["max"]) for r in rows] or [1.0])  # type: ignore[arg-type]
    x_scale = alt.Scale(domain=[0, widest * 1.8], nice=False)
    y = alt.Y("dimension:N", sort=order, title=None, axis=alt.Axis(labelFontSize=12, labelLimit=200))
    base = alt.Chart(alt.Data(values=rows))
    tooltip = [
        alt.Tooltip("dimension:N", title="Dimension"),
        alt.Tooltip("before:Q", title="Before", format=".1f"),
        alt.Tooltip("after:Q", title="After", format=".1f"),
        alt.Tooltip("max:Q", title="Maximum", format=".0f"),
    ]
    track = base.mark_bar(color=TRACK_COLOR, height=16, cornerRadius=3).encode(
        x=alt.X("max:Q", scale=x_scale, title="Points", axis=alt.Axis(grid=False, tickCount=5)), y=y, tooltip=tooltip
    )
    after = base.mark_bar(height=16, cornerRadius=3).encode(
        x=alt.X("after:Q", scale=x_scale),
        y=y,
        color=alt.Color(
            "change:N",
            scale=alt.Scale(domain=list(CHANGE_COLORS), range=list(CHANGE_COLORS.values())),
            legend=None,
        ),
        tooltip=tooltip,
    )
    before = base.mark_tick(color=BEFORE_COLOR, thickness=2, size=22).encode(
        x=alt.X("before:Q", scale=x_scale), y=y, tooltip=tooltip
    )
    label = base.mark_text(align="left", dx=6, fontSize=12, color="#262730").encode(
        x=alt.X("max:Q", scale=x_scale), y=y, text="text:N"
    )
    return alt.layer(track, after, before, label).properties(height=height)
