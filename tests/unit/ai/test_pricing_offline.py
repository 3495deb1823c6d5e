"""The offline pricing engine on constructed markets: every expected price is worked out by hand."""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal as D

import pytest

from core.ai.tasks.pricing_offline import charm_price, listing_strengths, offline_pricing_advice
from core.ai.tasks.pricing_types import MarketContext, PriceRange, PricingPayload, ProductFacts, allowed_band

# Comparable EBOOKs in Productivity. Band = [max(5.00, 0.8 × 15.00), min(60.00, 1.2 × 24.00)] = [12.00, 28.80].
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
# No strengths: rating 4.0 < 4.2, conversion 1 % < 2 %, description 120 words < 200.
WEAK = ProductFacts(
    title="Deep Work Planner",
    product_type="EBOOK",
    category_name="Productivity",
    current_price=D("10.00"),
    description_words=120,
    image_count=2,
    tag_count=2,
    average_rating=4.0,
    conversion_rate=0.01,
)
# All three strengths: rating 4.6 > 4.2, conversion 3.1 % > 2 %, 250 words / 4 images / 5 tags.
STRONG = replace(WEAK, description_words=250, image_count=4, tag_count=5, average_rating=4.6, conversion_rate=0.031)


def advise(product: ProductFacts, position: str, market: MarketContext = MARKET, confidence: int = 60):
    return offline_pricing_advice(
        PricingPayload(product=product, market=market, competitive_position=position, confidence_score=confidence)
    )


def test_band_is_the_market_range_intersected_with_the_widened_middle_half() -> None:
    assert allowed_band(MARKET) == (D("12.00"), D("28.80"))
    # p25 = 15.01 → 0.8 × 15.01 = 12.008, rounded inward (up) to 12.01; p75 = 24.01 → 28.812 → down to 28.81.
    skewed = replace(MARKET, p25_price=D("15.01"), p75_price=D("24.01"))
    assert allowed_band(skewed) == (D("12.01"), D("28.81"))


def test_strengths_count_rating_conversion_and_completeness() -> None:
    assert listing_strengths(WEAK, MARKET).count == 0
    assert listing_strengths(STRONG, MARKET).count == 3
    # Missing numbers never count as strengths.
    unknown = replace(STRONG, average_rating=None, conversion_rate=None)
    assert listing_strengths(unknown, MARKET).count == 1


@pytest.mark.parametrize(
    ("product", "expected"),
    [
        # 0 strengths → close 50 % of the gap: 10 + (19 − 10) × 0.5 = 14.50 → 14.99 (0.49 away vs 13.99 0.51).
        (WEAK, D("14.99")),
        # 1 strength (rating 4.6) → 75 %: 10 + 9 × 0.75 = 16.75 → 16.99 (0.24 away vs 15.99 0.76).
        (replace(WEAK, average_rating=4.6), D("16.99")),
        # 2 strengths → 100 %: 10 + 9 = 19.00 → 18.99 (0.01 away vs 19.99).
        (replace(WEAK, average_rating=4.6, conversion_rate=0.03), D("18.99")),
        # 3 strengths → still capped at 100 %: 19.00 → 18.99.
        (STRONG, D("18.99")),
    ],
)
def test_underpriced_moves_toward_the_median_by_more_for_stronger_listings(product, expected) -> None:
    assert advise(product, "underpriced").suggested_price == expected


def test_underpriced_far_below_the_market_is_clamped_into_the_band() -> None:
    # 4.00 + (19 − 4) × 0.5 = 11.50 < band low 12.00 → 12.00; charm 11.99 is outside, so 12.99.
    advice = advise(replace(WEAK, current_price=D("4.00")), "underpriced")
    assert advice.suggested_price == D("12.99")
    assert advice.price_range == PriceRange(min=D("12.99"), max=D("24.00"))  # widened from p25 to include it


def test_underpriced_never_suggests_a_lower_price() -> None:
    # Marked underpriced (e.g. against the average) but already above the median: keep 21.00 → 20.99.
    assert advise(replace(WEAK, current_price=D("21.00")), "underpriced").suggested_price == D("20.99")


def test_overpriced_with_an_earned_premium_goes_to_the_upper_quartile() -> None:
    # rating 4.6 ≥ 4.5 and conversion 3.1 % > 2 % → p75 24.00 → 23.99.
    advice = advise(replace(STRONG, current_price=D("35.00")), "overpriced")
    assert advice.suggested_price == D("23.99")
    assert advice.price_range == PriceRange(min=D("15.00"), max=D("24.00"))


def test_overpriced_needs_exactly_rating_4_5_and_above_median_conversion() -> None:
    at_threshold = replace(STRONG, current_price=D("35.00"), average_rating=4.5)
    assert advise(at_threshold, "overpriced").suggested_price == D("23.99")
    # Rating 4.6 but conversion 1.5 % < 2 % → premium not earned → median 19.00 → 18.99.
    no_demand = replace(STRONG, current_price=D("35.00"), conversion_rate=0.015)
    assert advise(no_demand, "overpriced").suggested_price == D("18.99")
    # Conversion fine but rating 4.4 < 4.5 → median.
    low_rating = replace(STRONG, current_price=D("35.00"), average_rating=4.4)
    assert advise(low_rating, "overpriced").suggested_price == D("18.99")


@pytest.mark.parametrize(
    ("price", "expected"),
    [
        # Median 19.00; settled zone = within 10 % of it = [17.10, 20.90].
        # 21.50 is outside: aim = 21.50 − min(5 % × 21.50 = 1.075, 2.50) = 20.425; charm prices around it:
        # 19.99, 20.99; only 20.99 lies between 20.425 and 21.50 → 20.99.
        (D("21.50"), D("20.99")),
        # 19.50, 19.99 and 17.50 are within 10 % of the median → kept as they are.
        (D("19.50"), D("19.50")),
        (D("19.99"), D("19.99")),
        (D("17.50"), D("17.50")),
        # 17.00 is outside (2.00 > 1.90): 17.00 + min(0.85, 2.00) = 17.85; 16.99 and 17.99 are both outside
        # [17.00, 17.85] → keep 17.00.
        (D("17.00"), D("17.00")),
    ],
)
def test_competitive_moves_at_most_five_percent_and_only_to_a_charm_price(price, expected) -> None:
    assert advise(replace(WEAK, current_price=price), "competitive").suggested_price == expected


def test_applying_competitive_suggestions_settles() -> None:
    """Applying each suggestion in turn reaches a price the engine keeps.

    21.50 → 20.99 (above); 20.99 is still 1.99 > 1.90 from the median 19.00: aim 20.99 − 1.0495 = 19.9405,
    the charm price 19.99 lies in [19.9405, 20.99] → 19.99; 19.99 is within 10 % → kept.
    """
    price = D("21.50")
    seen = [price]
    for _ in range(5):
        price = advise(replace(WEAK, current_price=price), "competitive").suggested_price
        if price == seen[-1]:
            break
        seen.append(price)
    assert seen == [D("21.50"), D("20.99"), D("19.99")]


def test_charm_rounding_rules() -> None:
    low, high = D("1.00"), D("1000.00")
    assert charm_price(D("18.72"), low, high) == D("18.99")  # 0.27 away vs 17.99 0.73
    assert charm_price(D("18.20"), low, high) == D("17.99")  # 0.21 away vs 18.99 0.79
    assert charm_price(D("18.49"), low, high) == D("17.99")  # tie (0.50 each) → the lower price
    assert charm_price(D("99.60"), low, high) == D("99.99")  # under 100 still ends in .99
    assert charm_price(D("137.50"), low, high) == D("137.00")  # from 100: whole amounts, tie → lower
    assert charm_price(D("137.51"), low, high) == D("138.00")
    # Nothing ending in .99 fits the band [10.00, 10.00] → the clamped target to the cent.
    assert charm_price(D("12.00"), D("10.00"), D("10.00")) == D("10.00")


def test_whole_dollar_prices_from_100() -> None:
    market = replace(
        MARKET,
        average_price=D("160"),
        median_price=D("150"),
        p25_price=D("120"),
        p75_price=D("180"),
        min_price=D("50"),
        max_price=D("400"),
    )
    # 1 strength → 75 %: 100 + 50 × 0.75 = 137.50 → 137.00 or 138.00, tie → 137.00.
    product = replace(WEAK, current_price=D("100.00"), average_rating=4.6)
    assert advise(product, "underpriced", market=market).suggested_price == D("137.00")


def test_a_flat_market_gives_the_only_allowed_price() -> None:
    flat = replace(
        MARKET,
        average_price=D("10"),
        median_price=D("10"),
        p25_price=D("10"),
        p75_price=D("10"),
        min_price=D("10"),
        max_price=D("10"),
    )
    assert advise(replace(WEAK, current_price=D("12.00")), "overpriced", market=flat).suggested_price == D("10.00")


def test_reasoning_is_built_from_the_actual_numbers() -> None:
    advice = advise(WEAK, "underpriced")
    assert advice.reasoning == (
        "Your price $10.00 is below the lower quartile ($15.00) of the 42 comparable e-book listings in "
        "Productivity, whose median is $19.00. "
        "Its rating of 4.0 is below the segment average of 4.2, 1.0% of its views become purchases against a "
        "segment median of 2.0% and the listing has a 120-word description, 2 images and 2 tags "
        "(short of 200 words, 3 images and 3 tags). "
        "With none of 3 strengths (rating, conversion, completeness), the advice closes 50% of the gap to the "
        "median, which gives $14.99. "
        "Suggested range $14.99–$24.00 (never outside $12.00–$28.80); confidence 60/100."
    )
    assert advice.price_range == PriceRange(min=D("14.99"), max=D("24.00"))


def test_reasoning_differs_with_the_numbers() -> None:
    premium = advise(replace(STRONG, current_price=D("35.00")), "overpriced", confidence=81).reasoning
    assert "above the upper quartile ($24.00)" in premium
    assert "A rating of 4.6 with above-median conversion earns a premium" in premium
    assert "$23.99" in premium and "confidence 81/100" in premium
    kept = advise(replace(WEAK, current_price=D("19.50"), category_name=None), "competitive").reasoning
    assert "upper half of the 42 comparable e-book listings across all categories" in kept
    assert "keep $19.50" in kept


def test_reasoning_stays_within_600_characters_and_2_to_4_sentences() -> None:
    long_category = "Very Long Category Name " * 12  # 288 characters
    advice = advise(replace(STRONG, category_name=long_category.strip()), "underpriced")
    assert len(advice.reasoning) <= 600
    assert "$18.99" in advice.reasoning  # the advice sentence is never dropped
    for position in ("underpriced", "competitive", "overpriced"):
        text = advise(STRONG, position).reasoning
        sentences = re.split(r"(?<=[.!?])\s+(?=[A-Z])", text)
        assert 2 <= len(sentences) <= 4, sentences
        assert len(text) <= 600


def test_payloads_with_impossible_numbers_are_refused() -> None:
    with pytest.raises(ValueError, match="min ≤ p25"):
        replace(MARKET, p25_price=D("25.00"))
    with pytest.raises(ValueError, match="competitive_position"):
        PricingPayload(product=WEAK, market=MARKET, competitive_position="cheap", confidence_score=50)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="confidence_score"):
        PricingPayload(product=WEAK, market=MARKET, competitive_position="competitive", confidence_score=140)
