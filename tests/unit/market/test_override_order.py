"""Benchmark override order (issue 12, item 7): every overridden figure stays between the segment's lowest and
highest listing price, and a refusal names the rule it breaks. Pure: `override_order_errors`."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from core.market.overrides import OverrideValues, override_order_errors

LOWEST, HIGHEST = D("10.00"), D("20.00")  # e.g. listing prices {10, 12, 14, 16, 18, 20}


def values(average: str | None = None, median: str | None = None, top: str | None = None) -> OverrideValues:
    def dec(text: str | None) -> D | None:
        return None if text is None else D(text)

    return OverrideValues(dec(average), dec(median), dec(top), note=None)


@pytest.mark.parametrize(
    ("override", "field", "message"),
    [
        (
            values(median="9.99"),
            "median_price",
            "Median price $9.99 is below the lowest listing price of this segment ($10.00): "
            "the rule is lowest price ≤ median ≤ highest price.",
        ),
        (
            values(median="25.00"),
            "median_price",
            "Median price $25.00 is above the highest listing price of this segment ($20.00): "
            "the rule is lowest price ≤ median ≤ highest price.",
        ),
        (
            values(average="5.00"),
            "average_price",
            "Average price $5.00 is below the lowest listing price of this segment ($10.00): "
            "the rule is lowest price ≤ average ≤ highest price.",
        ),
        (
            values(average="150.00"),
            "average_price",
            "Average price $150.00 is above the highest listing price of this segment ($20.00): "
            "the rule is lowest price ≤ average ≤ highest price.",
        ),
        (
            values(top="0.50"),
            "top_seller_avg_price",
            "Top-seller average price $0.50 is below the lowest listing price of this segment ($10.00): "
            "the rule is lowest price ≤ top-seller average ≤ highest price.",
        ),
        (
            values(top="20.01"),
            "top_seller_avg_price",
            "Top-seller average price $20.01 is above the highest listing price of this segment ($20.00): "
            "the rule is lowest price ≤ top-seller average ≤ highest price.",
        ),
    ],
    ids=["median<min", "median>max", "average<min", "average>max", "top<min", "top>max"],
)
def test_each_rule_has_its_own_message(override: OverrideValues, field: str, message: str) -> None:
    assert override_order_errors(override, lowest=LOWEST, highest=HIGHEST) == {field: message}


def test_the_bounds_themselves_are_allowed() -> None:
    assert override_order_errors(values("10.00", "20.00", "10.00"), lowest=LOWEST, highest=HIGHEST) == {}


def test_the_figures_need_no_order_among_themselves() -> None:
    """Median > average > top-seller average is a real market (a few cheap listings pull the average under the
    median; top sellers may price low): only the range is a rule."""
    assert override_order_errors(values("14.00", "16.00", "12.00"), lowest=LOWEST, highest=HIGHEST) == {}


def test_every_broken_figure_is_reported_at_once_and_unset_ones_are_not_checked() -> None:
    errors = override_order_errors(values(average="1.00", median=None, top="99.00"), lowest=LOWEST, highest=HIGHEST)
    assert list(errors) == ["average_price", "top_seller_avg_price"]
