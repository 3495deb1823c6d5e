"""The Listing health chart: a listing's (or the portfolio's) score as a ring in its band's colour."""

from __future__ import annotations

import altair as alt

TRACK_COLOR = "#E6E8EB"
NEUTRAL_COLOR = "#A9B4C2"
BAND_COLORS = {"red": "#D64545", "yellow": "#D99A00", "green": "#2E9E5B"}


def score_gauge(score: float, band: str, *, size: int = 84) -> alt.LayerChart:
    """A ring filled to `score` of 100 in the band's colour, with the score in the middle."""
    value = max(0.0, min(100.0, float(score)))
    color = BAND_COLORS.get(band, NEUTRAL_COLOR)
    ring = [{"part": "score", "value": value, "order": 0}, {"part": "rest", "value": 100.0 - value, "order": 1}]
    outer = size / 2 - 2
    arcs = (
        alt.Chart(alt.Data(values=ring))
        .mark_arc(innerRadius=outer * 0.72, outerRadius=outer, cornerRadius=2)
        .encode(
            theta=alt.Theta("value:Q", stack=True, scale=alt.Scale(domain=[0, 100])),
            order=alt.Order("order:Q"),
            color=alt.Color(
                "part:N", scale=alt.Scale(domain=["score", "rest"], range=[color, TRACK_COLOR]), legend=None
            ),
            tooltip=alt.value(None),
        )
    )
    label = (
        alt.Chart(alt.Data(values=[{"text": f"{round(value, 1):g}"}]))
        .mark_text(fontSize=round(size * 0.24), fontWeight="bold", color="#262730")
        .encode(text="text:N")
    )
    # "pad" autosizing: with Streamlit's default ("fit") the ring's top is cut off (seen in Chromium).
    return (
        alt.layer(arcs, label)
        .properties(width=size, height=size, autosize=alt.AutoSizeParams(type="pad"))
        .configure_view(stroke=None)
    )
