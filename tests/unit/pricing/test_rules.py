"""The pricing optimizer's pure part: position, confidence, segment choice, money at stake, price validation."""

from __future__ import annotations

import math
from decimal import Decimal as D

import pytest

from core.ai.tasks.pricing_types import PriceRange
from core.pricing.rules import (
    MAX_PRICE_WITHOUT_SEGMENT,
    PriceValidationError,
    PricingAnalysis,
    check_price_cap,
    competitive_position,
    conversion_rate,
    enforce_band,
    interpolate_percentile,
    needs_attention,
    parse_price,
    review_totals,
    unavailable,
)

# ---------------------------------------------------------------- position


@pytest.mark.parametrize(
    ("price", "expected"),
    [
        ("12.49", "underpriced"),
        ("12.50", "competitive"),  # p25 itself is competitive
        ("15.00", "competitive"),
        ("17.50", "competitive"),  # p75 itself is competitive
        ("17.51", "overpriced"),
    ],
)
def test_competitive_position_boundaries_are_inclusive(price: str, expected: str) -> None:
    assert competitive_position(D(price), D("12.50"), D("17.50")) == expected


def test_interpolate_percentile_matches_percentile_cont() -> None:
    # {10, 12, 14, 16, 18, 20}: p95 at 0.95 × 5 = 4.75 → 18 + 0.75 × 2 = 19.5.
    assert interpolate_percentile(0.95, 6, 18, 20) == pytest.approx(19.5)
    assert interpolate_percentile(0.5, 1, 7, None) == 7  # one value
    assert math.isnan(interpolate_percentile(0.5, 0, None, None))


def test_conversion_rate() -> None:
    assert conversion_rate(6, 200) == pytest.approx(0.03)
    assert conversion_rate(None, 50) == 0
    assert conversion_rate(3, 0) is None and conversion_rate(3, None) is None


# ---------------------------------------------------------------- money at stake and review order


def _analysis(title: str, suggested: str, stake: str, *, available: bool = True) -> PricingAnalysis:
    return PricingAnalysis(
        product_id=title,
        title=title,
        current_price=D("10.00"),
        currency="USD",
        available=available,
        suggested_price=D(suggested),
        competitive_position="competitive",
        money_at_stake=D(stake),
    )


def test_action_follows_the_suggestion() -> None:
    assert _analysis("a", "12.00", "5").action == "raise"
    assert _analysis("a", "9.00", "5").action == "cut"
    assert _analysis("a", "10.00", "0").action == "keep"
    assert unavailable("e", "e", D("10"), "USD", "No market.").action is None


def test_needs_attention_lists_suggested_changes_by_the_size_of_their_expected_change() -> None:
    # Rewritten for issue 11: the old rule listed every non-competitive position by |gap| × units, so a
    # "keep" could headline the review; now only a suggested change is listed, by |expected change|.
    analyses = [
        _analysis("a", "10.00", "0"),  # keep: never listed
        _analysis("b", "11.00", "5"),
        _analysis("c", "9.00", "-40"),  # an expected loss ranks by its size too
        _analysis("d", "12.00", "40"),
        unavailable("e", "e", D("10"), "USD", "No market."),
    ]
    assert [a.title for a in needs_attention(analyses)] == ["c", "d", "b"]  # ties by title


def test_review_totals_keep_gains_and_losses_apart() -> None:
    totals = review_totals(
        [
            _analysis("a", "10.00", "0"),
            _analysis("b", "11.00", "5.25"),
            _analysis("c", "9.00", "-40.10"),
            _analysis("d", "12.00", "40.00"),
            unavailable("e", "e", D("10"), "USD", "No market."),
        ]
    )
    assert (totals.raise_count, totals.cut_count, totals.keep_count) == (2, 1, 1)
    assert totals.expected_gain == D("45.25")  # 5.25 + 40.00, never netted with the loss
    assert totals.expected_loss == D("-40.10")


def test_enforce_band_clamps_any_engine_answer_and_its_range() -> None:
    band = (D("10.00"), D("12.50"))
    suggested, price_range, held = enforce_band(D("7.99"), PriceRange(D("6.99"), D("9.99")), band)
    assert (suggested, held) == (D("10.00"), True)
    assert price_range == PriceRange(D("10.00"), D("10.00"))
    suggested, price_range, held = enforce_band(D("11.99"), PriceRange(D("10.99"), D("19.99")), band)
    assert (suggested, held) == (D("11.99"), False)
    assert price_range == PriceRange(D("10.99"), D("12.50"))


# ---------------------------------------------------------------- price validation


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("19.99", D("19.99")),
        (" $1,299.00 ", D("1299.00")),
        (19.99, D("19.99")),
        (20, D("20.00")),
        (D("19.990"), D("19.99")),  # a trailing zero is not a third decimal
        ("0.01", D("0.01")),
    ],
)
def test_parse_price_accepts(value: object, expected: D) -> None:
    assert parse_price(value) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0", "Enter a price above $0.00."),
        (0.0, "Enter a price above $0.00."),
        ("-5", "Enter a price above $0.00."),
        ("12.345", "Use at most two decimals (cents)."),
        (0.001, "Use at most two decimals (cents)."),
        ("", "Enter a price as a number, like 19.99."),
        ("twelve", "Enter a price as a number, like 19.99."),
        ("NaN", "Enter a price as a number, like 19.99."),
        (float("inf"), "Enter a price as a number, like 19.99."),
        (True, "Enter a price as a number, like 19.99."),
        (None, "Enter a price as a number, like 19.99."),
        ("１９.９９", "Enter a price as a number, like 19.99."),  # full-width digits: ASCII digits only
    ],
)
def test_parse_price_rejects_with_a_message_for_the_field(value: object, message: str) -> None:
    with pytest.raises(PriceValidationError) as raised:
        parse_price(value)  # type: ignore[arg-type]
    assert str(raised.value) == message
    assert isinstance(raised.value, ValueError)


def test_price_cap_is_ten_times_the_95th_percentile() -> None:
    check_price_cap(D("480.00"), D("48.00"))  # exactly 10×: accepted
    with pytest.raises(PriceValidationError) as raised:
        check_price_cap(D("5000.00"), D("48.00"))
    assert str(raised.value) == (
        "$5,000.00 is more than 10× the highest typical price of comparable listings ($48.00); check for a typo."
    )


def test_price_cap_without_a_segment() -> None:
    assert D("10000") == MAX_PRICE_WITHOUT_SEGMENT
    check_price_cap(D("10000.00"), None)
    with pytest.raises(PriceValidationError) as raised:
        check_price_cap(D("12000.00"), None)
    assert str(raised.value) == (
        "$12,000.00 is above the $10,000.00 maximum for a product without comparable listings; check for a typo."
    )
