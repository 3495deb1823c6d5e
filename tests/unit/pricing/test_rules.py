"""The pricing optimizer's pure part: position, confidence, segment choice, money at stake, price validation."""

from __future__ import annotations

import math
from decimal import Decimal as D

import pytest

from core.pricing.rules import (
    MAX_PRICE_WITHOUT_SEGMENT,
    PriceValidationError,
    PricingAnalysis,
    check_price_cap,
    competitive_position,
    confidence_parts,
    confidence_score,
    conversion_rate,
    interpolate_percentile,
    money_at_stake,
    needs_attention,
    parse_price,
    position_distance,
    price_spread,
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


def test_position_distance_is_to_the_nearer_quartile_over_the_median() -> None:
    p25, median, p75 = D("12.50"), D("15.00"), D("17.50")
    assert position_distance(D("10.00"), p25, median, p75) == pytest.approx(2.5 / 15)  # below p25
    assert position_distance(D("20.50"), p25, median, p75) == pytest.approx(3 / 15)  # above p75
    assert position_distance(D("14.00"), p25, median, p75) == pytest.approx(1.5 / 15)  # inside: min(1.5, 3.5)
    assert position_distance(D("12.50"), p25, median, p75) == 0.0  # on a quartile
    assert position_distance(D("5"), D("0"), D("0"), D("0")) == 0.0  # no median to compare with


def test_price_spread_is_iqr_over_median() -> None:
    assert price_spread(D("12.50"), D("15.00"), D("17.50")) == pytest.approx(1 / 3)
    assert price_spread(D("0"), D("0"), D("0")) == math.inf


# ---------------------------------------------------------------- confidence


def test_confidence_worked_example() -> None:
    # 30 listings → 50; spread 0.5 → 30 × 0.5 = 15; distance 0.1 → 100 × 0.1 = 10; 75.
    parts = confidence_parts(30, 0.5, 0.1)
    assert (parts.sample, parts.spread, parts.distance) == pytest.approx((50, 15, 10))
    assert confidence_score(30, 0.5, 0.1) == 75


def test_confidence_sample_part_saturates_at_thirty() -> None:
    assert confidence_parts(1, 0, 0).sample == 0  # (1 − 1) / 29
    assert confidence_parts(15, 0, 0).sample == pytest.approx(50 * 14 / 29)  # 24.14
    assert confidence_parts(30, 0, 0).sample == 50
    assert confidence_parts(500, 0, 0).sample == 50


def test_confidence_spread_and_distance_parts_are_bounded() -> None:
    assert confidence_parts(30, 0.0, 0).spread == 30  # all prices equal
    assert confidence_parts(30, 1.0, 0).spread == 0  # the middle half spans the median's size
    assert confidence_parts(30, 3.0, 0).spread == 0
    assert confidence_parts(30, math.inf, 0).spread == 0
    assert confidence_parts(30, 0, 0.05).distance == pytest.approx(5)
    assert confidence_parts(30, 0, 0.2).distance == 20
    assert confidence_parts(30, 0, 2.0).distance == 20
    # Everything at its best: 50 + 30 + 20 = 100.
    assert confidence_score(40, 0.0, 0.5) == 100


def test_confidence_rounds_half_up() -> None:
    # sample 50 (n = 30), spread 30 × (1 − 0.85) = 4.5, distance 0 → 54.5 → 55.
    assert confidence_score(30, 0.85, 0.0) == 55


def test_thin_samples_are_capped_at_25() -> None:
    # n = 4: sample 50 × 3/29 = 5.17; spread 0 → 30; distance 0.2 → 20; 55.17 → 55, capped at 25.
    assert confidence_score(4, 0.0, 0.2) == 25
    # n = 5 is not thin: 50 × 4/29 = 6.90 + 30 + 20 = 56.90 → 57.
    assert confidence_score(5, 0.0, 0.2) == 57
    # Below the cap the cap changes nothing: n = 2, spread 1.0, distance 0 → 50/29 = 1.72 → 2.
    assert confidence_score(2, 1.0, 0.0) == 2


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


def test_money_at_stake() -> None:
    assert money_at_stake(D("14.99"), D("10.00"), 15) == D("24.95")  # 4.99 × 15/3
    assert money_at_stake(D("10.00"), D("14.99"), 15) == D("24.95")  # the gap's size, either way
    assert money_at_stake(D("14.99"), D("10.00"), 0) == D("4.99")  # no sales: at least the gap
    assert money_at_stake(D("14.99"), D("10.00"), 2) == D("4.99")  # 2/3 unit a month: still the gap
    assert money_at_stake(D("20.00"), D("19.00"), 100) == D("33.33")  # 1.00 × 33.33…
    assert money_at_stake(D("19.00"), D("19.00"), 100) == D("0.00")


def _analysis(title: str, position: str | None, stake: str, *, available: bool = True) -> PricingAnalysis:
    return PricingAnalysis(
        product_id=title,
        title=title,
        current_price=D("10"),
        currency="USD",
        available=available,
        competitive_position=position,
        money_at_stake=D(stake),
    )


def test_needs_attention_sorts_flagged_products_by_money_at_stake() -> None:
    analyses = [
        _analysis("a", "competitive", "90"),
        _analysis("b", "underpriced", "5"),
        _analysis("c", "overpriced", "40"),
        _analysis("d", "underpriced", "40"),
        unavailable("e", "e", D("10"), "USD", "No market."),
    ]
    assert [a.title for a in needs_attention(analyses)] == ["c", "d", "b"]  # ties by title


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
