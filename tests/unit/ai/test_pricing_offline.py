"""The offline pricing engine (rewritten for issue 11): it follows the demand model's target within the band the
rules allow, rounded to a charm price, and says why with the numbers. The old rules (cut an "overpriced" listing
to the median or the upper quartile, whatever it sold) are gone; every expected price is worked out by hand."""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal as D

import pytest

from core.ai.tasks.pricing_advice import build_pricing_message
from core.ai.tasks.pricing_offline import charm_between, offline_pricing_advice, suggest_price
from core.ai.tasks.pricing_types import (
    DemandContext,
    ElasticityPart,
    MarketContext,
    PriceRange,
    PricingPayload,
    ProductFacts,
    allowed_band,
    answer_band,
)
from core.periods import format_day

MARKET = MarketContext(
    average_price=D("20.50"),
    median_price=D("19.00"),
    p25_price=D("15.00"),
    p75_price=D("24.00"),
    min_price=D("5.00"),
    max_price=D("60.00"),
    sample_size=42,
    top_seller_average_price=D("22.00"),
    average_rating=4.2,
    median_conversion_rate=0.02,
)
PRODUCT = ProductFacts(
    title="Deep Work Planner",
    product_type="EBOOK",
    category_name="Productivity",
    current_price=D("16.00"),
    average_rating=4.6,
    conversion_rate=0.031,
)
DEMAND = DemandContext(
    units_at_price=90,
    days_at_price=90,
    since="2026-09-07",
    units_per_month=30.0,
    conversion_at_price=0.031,
    elasticity=-0.5,
    elasticity_sd=0.3536,
    elasticity_sources=("prior", "segment"),
    optimum_price=D("24.00"),
    model_price=D("17.37"),
    low=D("16.00"),
    high=D("20.00"),
    range_low=D("17.37"),
    range_high=D("20.00"),
)


def payload(product: ProductFacts = PRODUCT, demand: DemandContext | None = DEMAND) -> PricingPayload:
    return PricingPayload(
        product=product, market=MARKET, competitive_position="competitive", confidence_score=64, demand=demand
    )


def test_the_suggestion_is_the_charm_price_between_the_price_and_the_models_target() -> None:
    advice = offline_pricing_advice(payload())
    assert advice.suggested_price == D("16.99")  # 16.99 lies in [16.00, 17.37]; 17.99 does not
    assert advice.price_range == PriceRange(D("16.99"), D("20.00"))


@pytest.mark.parametrize(
    ("current", "aim", "low", "high", "expected"),
    [
        ("16.00", "17.37", "16.00", "20.00", "16.99"),
        ("150.00", "162.40", "150.00", "187.50", "162.00"),  # whole amounts from 100
        ("10.00", "10.36", "10.00", "12.00", "10.36"),  # no charm price between: the target to the cent
        ("20.00", "17.50", "15.00", "20.00", "17.99"),  # a cut: the charm price between 17.50 and 20.00
        ("16.00", "25.00", "16.00", "20.00", "19.99"),  # a target beyond the band is held to it first
    ],
)
def test_charm_between(current: str, aim: str, low: str, high: str, expected: str) -> None:
    assert charm_between(D(current), D(aim), D(low), D(high)) == D(expected)


def test_keep_without_a_model_while_settling_and_for_small_moves() -> None:
    assert suggest_price(payload(demand=None)) == D("16.00")
    settled = replace(DEMAND, settled_until="2026-12-29", low=D("16.00"), high=D("16.00"), since="2026-12-02")
    advice = offline_pricing_advice(payload(demand=settled))
    assert advice.suggested_price == D("16.00")
    assert advice.price_range == PriceRange(D("16.00"), D("20.00"))  # the current price is always inside
    assert "measuring the new price since Dec 2, 2026" in advice.reasoning
    assert "next advice on Dec 29, 2026" in advice.reasoning
    # 16.30 is within 2 % of 16.00 (0.32): keep.
    assert suggest_price(payload(demand=replace(DEMAND, model_price=D("16.30")))) == D("16.00")
    assert suggest_price(payload(demand=replace(DEMAND, model_price=D("16.33")))) == D("16.33")


def test_a_model_target_outside_the_band_never_escapes_it() -> None:
    wild = replace(DEMAND, model_price=D("99.00"))
    assert suggest_price(payload(demand=wild)) == D("19.99")


def test_reasoning_is_built_from_the_numbers() -> None:
    text = offline_pricing_advice(payload()).reasoning
    assert text.startswith("Your price $16.00 sits in the lower half of the 42 comparable e-book listings")
    assert "Since Sep 7, 2026 (90 days at this price) it sold 90 units, about 30.0 a month" in text
    assert "3.1% of its views became purchases, above the segment median of 2.0%" in text
    assert "price elasticity of -0.50 ± 0.35 (from: prior, segment)" in text
    assert "revenue would peak near $24.00" in text
    assert "Raise to $16.99 (+6%)" in text
    assert text.endswith("Confidence 64/100.")
    other = offline_pricing_advice(payload(demand=replace(DEMAND, units_at_price=12, units_per_month=4.0))).reasoning
    assert other != text and "it sold 12 units, about 4.0 a month" in other


def test_the_model_sentence_states_each_piece_of_evidence_with_its_numbers() -> None:
    # Prior −1 ± 0.5 and the segment's semi-log fit read at $16 = 0.8421 × its $19.00 median: 0.0 ± 0.5; by
    # inverse variance (−4 + 0) ÷ 8 = −0.50, sd 1/√8 = 0.35.
    parts = (ElasticityPart("prior", -1.0, 0.5), ElasticityPart("segment", 0.0, 0.5, 0.8421, D("19.00")))
    demand = replace(DEMAND, elasticity_parts=parts)
    text = offline_pricing_advice(payload(demand=demand)).reasoning
    assert (
        "The demand model estimates a price elasticity of -0.50 ± 0.35 from the prior (-1.00 ± 0.50) and the "
        "segment's fit at 0.84× its median price of $19.00 (0.00 ± 0.50), so revenue would peak near $24.00."
    ) in text
    assert len(text) <= 600
    own = replace(demand, elasticity_parts=(*parts, ElasticityPart("own price change", -1.85, 0.61)))
    assert (
        "the prior (-1.00 ± 0.50), the segment's fit at 0.84× its median price of $19.00 (0.00 ± 0.50) and a "
        "past price change of this listing (-1.85 ± 0.61)" in offline_pricing_advice(payload(demand=own)).reasoning
    )
    message = build_pricing_message(payload(demand=demand))
    assert "  - the segment's fit at 0.84× its median price of $19.00 (0.00 ± 0.50)" in message


def test_held_rules_are_named_in_the_advice() -> None:
    held = replace(DEMAND, model_price=D("16.00"), limits=("no raise: already above the upper quartile ($24.00)",))
    text = offline_pricing_advice(payload(demand=held)).reasoning
    assert "so keep $16.00. Held by: no raise: already above the upper quartile ($24.00)." in text


def test_reasoning_stays_within_600_characters() -> None:
    long_title = replace(PRODUCT, category_name="A" * 200)
    limits = tuple(f"limit number {i} with some words" for i in range(8))
    text = offline_pricing_advice(payload(long_title, replace(DEMAND, limits=limits))).reasoning
    assert len(text) <= 600
    assert len(re.findall(r"[.!?…](?:\s|$)", text)) >= 2


def test_answer_band_is_the_models_band_or_the_market_band_with_the_price() -> None:
    assert answer_band(payload()) == (D("16.00"), D("20.00"))
    assert allowed_band(MARKET) == (D("12.00"), D("28.80"))
    far = replace(PRODUCT, current_price=D("40.00"))
    assert answer_band(payload(far, demand=None)) == (D("12.00"), D("40.00"))  # "keep" is always answerable


def test_day_text() -> None:
    assert format_day("2026-12-06") == "Dec 6, 2026"


def test_payloads_with_impossible_numbers_are_refused() -> None:
    with pytest.raises(ValueError, match="current_price must be positive"):
        payload(replace(PRODUCT, current_price=D("0")))
    with pytest.raises(ValueError, match="competitive_position"):
        PricingPayload(product=PRODUCT, market=MARKET, competitive_position="cheap", confidence_score=5)  # type: ignore[arg-type]
