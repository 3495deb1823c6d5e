"""Altair charts of the Market page: a segment's price distribution with the seller's prices, the segment's monthly
sales, and the sales forecast (actual revenue, then the projection inside its likely range)."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt

from core.market import PriceHistogram, SellerPrice
from core.money import format_money
from core.periods import DailyPoint, MonthPoint
from core.sales import DailyProjection

BAR_COLOR = "#9DB8F2"
SELLER_COLOR = "#D9480F"
ACTUAL_COLOR = "#1F4FD8"
FORECAST_COLOR = "#7048E8"
BAND_COLOR = "#D0BFFF"
# Calendar days and months are dates, not instants: UTC time units keep a browser west of UTC from shifting them.
DAY_FORMAT = "%a %b %d, %Y"


def price_distribution_chart(histogram: PriceHistogram, seller_prices: Sequence[SellerPrice]) -> alt.LayerChart:
    """Products per price bin (bars) with a vertical rule at each of the seller's own prices."""
    bins = [
        {
            "low": float(b.low),
            "high": float(b.high),
            "count": b.count,
            "range": f"{format_money(b.low)} – {format_money(b.high)}",
        }
        for b in histogram.bins
    ]
    x_scale = alt.Scale(domain=[bins[0]["low"], bins[-1]["high"]], nice=False) if bins else alt.Undefined
    bars = (
        alt.Chart(alt.Data(values=bins))
        .mark_bar(color=BAR_COLOR, stroke="white", strokeWidth=1)
        .encode(
            x=alt.X("low:Q", title="Price", scale=x_scale, axis=alt.Axis(format="$,.0f")),
            x2="high:Q",
            y=alt.Y("count:Q", title="Products", axis=alt.Axis(tickMinStep=1)),
            # With x and x2 set Vega-Lite would draw a horizontal ranged bar: anchor every bar at 0.
            y2=alt.datum(0),
            tooltip=[alt.Tooltip("range:N", title="Price"), alt.Tooltip("count:Q", title="Products")],
        )
    )
    mine = [{"price": float(p.price), "title": p.title} for p in seller_prices]
    rules = (
        alt.Chart(alt.Data(values=mine))
        .mark_rule(color=SELLER_COLOR, strokeWidth=2.5, strokeDash=[5, 3])
        .encode(
            x="price:Q",
            tooltip=[
                alt.Tooltip("title:N", title="Your product"),
                alt.Tooltip("price:Q", title="Price", format="$,.2f"),
            ],
        )
    )
    return alt.layer(bars, rules).properties(height=260)


def monthly_sales_chart(months: Sequence[MonthPoint]) -> alt.Chart:
    rows = [{"month": m.month.isoformat(), "revenue": float(m.revenue), "units": m.units} for m in months]
    return (
        alt.Chart(alt.Data(values=rows))
        .mark_line(color=ACTUAL_COLOR, strokeWidth=2.5, point=alt.OverlayMarkDef(color=ACTUAL_COLOR, size=45))
        .encode(
            x=alt.X("month:T", timeUnit="utcyearmonth", title=None, axis=alt.Axis(format="%b %y", labelAngle=0)),
            y=alt.Y("revenue:Q", title="Revenue", axis=alt.Axis(format="$,.0f"), scale=alt.Scale(zero=True)),
            tooltip=[
                alt.Tooltip("month:T", timeUnit="utcyearmonth", title="Month", format="%B %Y"),
                alt.Tooltip("revenue:Q", title="Revenue", format="$,.2f"),
                alt.Tooltip("units:Q", title="Units sold", format=","),
            ],
        )
        .properties(height=260)
    )


def forecast_chart(actual: Sequence[DailyPoint], projections: Sequence[DailyProjection]) -> alt.LayerChart:
    """Actual daily revenue (solid), then the projected days (dashed) inside the likely range (shaded area).

    The projection's line starts at the last actual day so the two read as one continuous story.
    """
    actual_rows = [{"day": p.day.isoformat(), "revenue": float(p.revenue), "series": "Actual"} for p in actual]
    bridge = [dict(actual_rows[-1], series="Forecast")] if actual_rows and projections else []
    forecast_rows = bridge + [
        {"day": p.date.isoformat(), "revenue": float(p.revenue), "series": "Forecast"} for p in projections
    ]
    band_rows = [{"day": p.date.isoformat(), "low": float(p.low), "high": float(p.high)} for p in projections]
    x = alt.X("day:T", timeUnit="utcyearmonthdate", title=None, axis=alt.Axis(format="%b %d", labelAngle=0))
    color = alt.Color(
        "series:N",
        title=None,
        scale=alt.Scale(domain=["Actual", "Forecast"], range=[ACTUAL_COLOR, FORECAST_COLOR]),
        legend=alt.Legend(orient="top-left"),
    )
    band = (
        alt.Chart(alt.Data(values=band_rows))
        .mark_area(color=BAND_COLOR, opacity=0.45)
        .encode(
            x=x,
            y=alt.Y("low:Q", title="Revenue per day", axis=alt.Axis(format="$,.0f")),
            y2="high:Q",
            tooltip=[
                alt.Tooltip("day:T", timeUnit="utcyearmonthdate", title="Day", format=DAY_FORMAT),
                alt.Tooltip("low:Q", title="Likely low", format="$,.2f"),
                alt.Tooltip("high:Q", title="Likely high", format="$,.2f"),
            ],
        )
    )
    tooltip = [
        alt.Tooltip("day:T", timeUnit="utcyearmonthdate", title="Day", format=DAY_FORMAT),
        alt.Tooltip("series:N", title=""),
        alt.Tooltip("revenue:Q", title="Revenue", format="$,.2f"),
    ]
    actual_line = (
        alt.Chart(alt.Data(values=actual_rows))
        .mark_line(strokeWidth=1.8)
        .encode(x=x, y=alt.Y("revenue:Q"), color=color, tooltip=tooltip)
    )
    forecast_line = (
        alt.Chart(alt.Data(values=forecast_rows))
        .mark_line(strokeWidth=2.2, strokeDash=[6, 3])
        .encode(x=x, y=alt.Y("revenue:Q"), color=color, tooltip=tooltip)
    )
    return alt.layer(band, actual_line, forecast_line).properties(height=320)
