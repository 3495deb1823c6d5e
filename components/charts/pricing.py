"""The Pricing tool's chart: the seller's price against the market's, with the typical range and the suggestion."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import altair as alt

YOUR_PRICE = "Your price"
YOUR_COLOR = "#1F4FD8"
MARKET_COLOR = "#A9B4C2"
RANGE_COLOR = "#2E9E5B"
SUGGESTED_COLOR = "#E07B00"


def market_comparison_chart(
    bars: Sequence[tuple[str, Decimal]],
    *,
    typical_range: tuple[Decimal, Decimal] | None = None,
    suggested_price: Decimal | None = None,
    height: int = 230,
) -> alt.LayerChart:
    """Horizontal bars of the seller's price against the market's (`PricingMarket.comparison()`).

    The seller's bar is blue, the market's grey, each labelled with its amount. A green band behind the
    bars marks the typical range (the middle half of the market, p25–p75: the "competitive" zone), and
    an orange dashed line the suggested price, so one glance shows where the price sits and where to go.
    """
    order = [label for label, _ in bars]
    rows = [{"label": label, "price": float(amount), "yours": label == YOUR_PRICE} for label, amount in bars]
    highest = max([r["price"] for r in rows] + [float(suggested_price or 0), float((typical_range or (0, 0))[1])])
    x_scale = alt.Scale(domain=[0, highest * 1.18 if highest > 0 else 1], nice=False)
    y = alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelFontSize=13, labelLimit=180))
    layers: list[alt.Chart] = []
    if typical_range is not None:
        low, high = typical_range
        band = alt.Chart(alt.Data(values=[{"low": float(low), "high": float(high)}])).mark_rect(
            color=RANGE_COLOR, opacity=0.12
        )
        layers.append(
            band.encode(
                x=alt.X("low:Q", scale=x_scale),
                x2="high:Q",
                tooltip=[
                    alt.Tooltip("low:Q", title="Typical range from", format="$,.2f"),
                    alt.Tooltip("high:Q", title="to", format="$,.2f"),
                ],
            )
        )
    base = alt.Chart(alt.Data(values=rows))
    layers.append(
        base.mark_bar(cornerRadiusTopRight=3, cornerRadiusBottomRight=3, height=26).encode(
            x=alt.X("price:Q", title=None, scale=x_scale, axis=alt.Axis(format="$,.0f", grid=False)),
            y=y,
            color=alt.condition("datum.yours", alt.value(YOUR_COLOR), alt.value(MARKET_COLOR)),
            tooltip=[alt.Tooltip("label:N", title=" "), alt.Tooltip("price:Q", title="Price", format="$,.2f")],
        )
    )
    layers.append(
        base.mark_text(align="left", dx=6, fontSize=13, fontWeight="bold").encode(
            x=alt.X("price:Q", scale=x_scale), y=y, text=alt.Text("price:Q", format="$,.2f")
        )
    )
    if suggested_price is not None:
        rule = alt.Chart(alt.Data(values=[{"suggested": float(suggested_price)}]))
        layers.append(
            rule.mark_rule(color=SUGGESTED_COLOR, strokeDash=[6, 4], strokeWidth=2).encode(
                x=alt.X("suggested:Q", scale=x_scale),
                tooltip=[alt.Tooltip("suggested:Q", title="Suggested price", format="$,.2f")],
            )
        )
    return alt.layer(*layers).properties(height=height)
