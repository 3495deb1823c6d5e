"""The Pricing tool's chart (components/charts/pricing.py): the seller's price against the market's."""

from __future__ import annotations

from decimal import Decimal

import pytest

from components.charts.pricing import MARKET_COLOR, YOUR_COLOR, YOUR_PRICE, market_comparison_chart
from tests.unit.components.charts.vega import layers, marks, rows, spec, tooltip_titles

BARS = [(YOUR_PRICE, Decimal("19.00")), ("Market median", Decimal("15.00")), ("Top sellers", Decimal("12.00"))]


def test_bars_band_labels_and_suggestion() -> None:
    top = spec(
        market_comparison_chart(BARS, typical_range=(Decimal("12"), Decimal("18")), suggested_price=Decimal("17"))
    )
    assert marks(top) == ["rect", "bar", "text", "rule"]
    band, bars, labels, rule = layers(top)
    assert rows(band, top) == [{"low": 12.0, "high": 18.0}]
    assert tooltip_titles(band) == ["Typical range from", "to"]
    assert rows(bars, top) == [
        {"label": "Your price", "price": 19.0, "yours": True},
        {"label": "Market median", "price": 15.0, "yours": False},
        {"label": "Top sellers", "price": 12.0, "yours": False},
    ]
    assert bars["encoding"]["y"]["sort"] == ["Your price", "Market median", "Top sellers"]  # as given
    assert bars["encoding"]["color"] == {
        "condition": {"test": "datum.yours", "value": YOUR_COLOR},
        "value": MARKET_COLOR,
    }
    assert labels["encoding"]["text"] == {"field": "price", "format": "$,.2f", "type": "quantitative"}
    assert rows(rule, top) == [{"suggested": 17.0}]
    assert tooltip_titles(rule) == ["Suggested price"]


def test_every_layer_shares_one_scale_with_room_for_the_labels() -> None:
    top = spec(market_comparison_chart(BARS, typical_range=(Decimal("12"), Decimal("21")), suggested_price=None))
    # The widest value is the range's top, 21: 18 % more leaves room for the amount after the longest bar.
    domains = [layer["encoding"]["x"]["scale"]["domain"] for layer in layers(top)]
    assert domains == [[0, pytest.approx(21 * 1.18)]] * 3
    assert marks(top) == ["rect", "bar", "text"]  # no suggestion, no rule


def test_without_a_range_or_suggestion_only_the_bars_and_labels() -> None:
    top = spec(market_comparison_chart(BARS))
    assert marks(top) == ["bar", "text"]
    assert top["height"] == 230
