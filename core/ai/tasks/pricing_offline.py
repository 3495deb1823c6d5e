"""The offline pricing engine: explainable rules over the market numbers, with reasoning built from them.

Rules, one sentence each:

1. Strengths: the listing earns one strength each for a rating above the segment
   average, a view→purchase conversion above the segment median, and a complete
   listing (description ≥ 200 words, ≥ 3 images, ≥ 3 tags).
2. Underpriced: move from the current price toward the median by 50 % of the gap plus
   25 % per strength (0 → 50 %, 1 → 75 %, 2 or 3 → 100 %), never downward.
3. Overpriced: go down to the upper quartile (p75) when the rating is ≥ 4.5 and the
   conversion beats the segment median (the premium is earned), else down to the
   median, never upward.
4. Competitive: keep the price when it is within 10 % of the median (so applying a
   suggestion settles it); otherwise aim at most 5 % of the price closer to the median,
   and move only to a charm price lying between the current price and that aim.
5. Band: the target is clamped into [max(min, 0.8 × p25), min(max, 1.2 × p75)], the
   same band the model's answers are held to.
6. Charm price: the suggestion is the nearest price inside the band ending in .99
   (under 100) or .00 (100 and up); when none fits, the clamped target to the cent.
7. Range: the suggested range is the middle half of the market (p25–p75), widened
   to include the suggestion.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from core.ai.tasks.pricing_types import (
    MarketContext,
    PriceRange,
    PricingAdvice,
    PricingPayload,
    ProductFacts,
    allowed_band,
    segment_label,
)
from core.money import CENT, format_money, to_cents

COMPLETE_DESCRIPTION_WORDS = 200
COMPLETE_IMAGE_COUNT = 3
COMPLETE_TAG_COUNT = 3
PREMIUM_RATING = 4.5
BASE_SHARE = Decimal("0.50")
SHARE_PER_STRENGTH = Decimal("0.25")
COMPETITIVE_NUDGE = Decimal("0.05")
# Inside this distance from the median a competitive price is left alone: without it every applied
# nudge would earn another 5 % nudge and the advice would never settle.
COMPETITIVE_SETTLED = Decimal("0.10")
WHOLE_DOLLAR_FROM = Decimal("100")
MAX_REASONING_CHARS = 600


@dataclass(frozen=True)
class Strengths:
    rating_above_segment: bool
    conversion_above_median: bool
    listing_complete: bool

    @property
    def count(self) -> int:
        return sum((self.rating_above_segment, self.conversion_above_median, self.listing_complete))


def listing_strengths(product: ProductFacts, market: MarketContext) -> Strengths:
    """Rule 1 (a missing number never counts as a strength)."""
    rating_above = (
        product.average_rating is not None
        and market.average_rating is not None
        and product.average_rating > market.average_rating
    )
    conversion_above = (
        product.conversion_rate is not None
        and market.median_conversion_rate is not None
        and product.conversion_rate > market.median_conversion_rate
    )
    complete = (
        product.description_words >= COMPLETE_DESCRIPTION_WORDS
        and product.image_count >= COMPLETE_IMAGE_COUNT
        and product.tag_count >= COMPLETE_TAG_COUNT
    )
    return Strengths(rating_above, conversion_above, complete)


def premium_earned(product: ProductFacts, market: MarketContext) -> bool:
    """Rule 3's test: rating ≥ 4.5 and conversion above the segment median."""
    return (
        product.average_rating is not None
        and product.average_rating >= PREMIUM_RATING
        and listing_strengths(product, market).conversion_above_median
    )


def underpriced_share(strengths: Strengths) -> Decimal:
    """Rule 2: the share of the gap to the median to close."""
    return min(Decimal(1), BASE_SHARE + SHARE_PER_STRENGTH * strengths.count)


def target_price(payload: PricingPayload) -> Decimal:
    """Rules 2–4: the unrounded, unclamped target."""
    current = payload.product.current_price
    market = payload.market
    if payload.competitive_position == "underpriced":
        share = underpriced_share(listing_strengths(payload.product, market))
        return max(current, current + (market.median_price - current) * share)
    if payload.competitive_position == "overpriced":
        goal = market.p75_price if premium_earned(payload.product, market) else market.median_price
        return min(current, goal)
    if abs(current - market.median_price) <= market.median_price * COMPETITIVE_SETTLED:
        return current
    limit = current * COMPETITIVE_NUDGE
    return current + max(-limit, min(limit, market.median_price - current))


def clamp(amount: Decimal, low: Decimal, high: Decimal) -> Decimal:
    return max(low, min(high, amount))


def charm_neighbours(target: Decimal) -> list[Decimal]:
    """The charm prices on either side of `target`: x.99 under 100, whole amounts from 100."""
    whole = target.to_integral_value(rounding=ROUND_FLOOR)
    candidates = [whole, whole + 1] if target >= WHOLE_DOLLAR_FROM else [whole - CENT, whole + 1 - CENT]
    return [c for c in candidates if c > 0]


def charm_price(target: Decimal, low: Decimal, high: Decimal) -> Decimal:
    """Rule 6: the nearest charm price in [low, high]; ties go to the lower price (the one a buyer notices)."""
    fitting = [c for c in charm_neighbours(target) if low <= c <= high]
    if not fitting:
        return to_cents(clamp(target, low, high))
    return min(fitting, key=lambda c: (abs(c - target), c))


def competitive_price(current: Decimal, aim: Decimal, low: Decimal, high: Decimal) -> Decimal:
    """Rule 4: the charm price nearest `aim` between `current` and `aim`, else `current` (both in the band)."""
    current = clamp(current, low, high)
    between = [c for c in charm_neighbours(aim) if min(current, aim) <= c <= max(current, aim) and low <= c <= high]
    if not between:
        return to_cents(current)
    return min(between, key=lambda c: (abs(c - aim), c))


def suggest_price(payload: PricingPayload) -> tuple[Decimal, Decimal, Decimal]:
    """(suggestion, band low, band high) per rules 2–6."""
    low, high = allowed_band(payload.market)
    aim = clamp(target_price(payload), low, high)
    if payload.competitive_position == "competitive":
        return competitive_price(payload.product.current_price, aim, low, high), low, high
    return charm_price(aim, low, high), low, high


def offline_pricing_advice(payload: PricingPayload) -> PricingAdvice:
    """Pricing advice from the numbers alone (the rules in this module's docstring)."""
    suggestion, low, high = suggest_price(payload)
    market = payload.market
    price_range = PriceRange(min=min(market.p25_price, suggestion), max=max(market.p75_price, suggestion))
    reasoning = pricing_reasoning(payload, suggestion, price_range, band=(low, high))
    return PricingAdvice(suggested_price=suggestion, price_range=price_range, reasoning=reasoning)


# --- reasoning: sentences built from the actual numbers -------------------------------------------


def _position_sentence(product: ProductFacts, market: MarketContext) -> str:
    def m(amount: Decimal) -> str:
        return format_money(amount, product.currency)

    price, peers = m(product.current_price), f"the {market.sample_size} comparable {segment_label(product)}"
    median = f"whose median is {m(market.median_price)}"
    if product.current_price < market.p25_price:
        return f"Your price {price} is below the lower quartile ({m(market.p25_price)}) of {peers}, {median}."
    if product.current_price > market.p75_price:
        return f"Your price {price} is above the upper quartile ({m(market.p75_price)}) of {peers}, {median}."
    half = "lower" if product.current_price < market.median_price else "upper"
    return (
        f"Your price {price} sits in the {half} half of {peers} "
        f"(median {m(market.median_price)}, middle half {m(market.p25_price)}–{m(market.p75_price)})."
    )


def _evidence_sentence(product: ProductFacts, market: MarketContext) -> str:
    clauses = []
    if product.average_rating is not None and market.average_rating is not None:
        relation = _compare(product.average_rating, market.average_rating, "above", "below", "equal to")
        clauses.append(
            f"its rating of {product.average_rating:.1f} is {relation} "
            f"the segment average of {market.average_rating:.1f}"
        )
    if product.conversion_rate is not None and market.median_conversion_rate is not None:
        clauses.append(
            f"{product.conversion_rate:.1%} of its views become purchases against a segment median of "
            f"{market.median_conversion_rate:.1%}"
        )
    complete = listing_strengths(product, market).listing_complete
    clauses.append(
        f"the listing has a {product.description_words}-word description, {product.image_count} images and "
        f"{product.tag_count} tags ({'complete' if complete else 'short of 200 words, 3 images and 3 tags'})"
    )
    sentence = clauses[0] if len(clauses) == 1 else ", ".join(clauses[:-1]) + " and " + clauses[-1]
    return sentence[0].upper() + sentence[1:] + "."


def _compare(value: float, reference: float, above: str, below: str, same: str) -> str:
    if round(value, 1) == round(reference, 1):
        return same
    return above if value > reference else below


def _advice_sentence(payload: PricingPayload, suggestion: Decimal) -> str:
    product, market = payload.product, payload.market
    s = format_money(suggestion, product.currency)
    if payload.competitive_position == "underpriced":
        strengths = listing_strengths(product, market).count
        share = underpriced_share(listing_strengths(product, market))
        shown = "none" if strengths == 0 else f"{strengths}"
        return (
            f"With {shown} of 3 strengths (rating, conversion, completeness), the advice closes {share:.0%} "
            f"of the gap to the median, which gives {s}."
        )
    if payload.competitive_position == "overpriced":
        if premium_earned(product, market):
            return (
                f"A rating of {product.average_rating:.1f} with above-median conversion earns a premium, "
                f"so the advice is the upper quartile as a charm price: {s}."
            )
        return (
            "Without a rating of 4.5+ and above-median conversion the premium is not earned, "
            f"so the advice is near the median: {s}."
        )
    if suggestion == product.current_price:
        return f"The price is competitive and close to the median, so the advice is to keep {s}."
    return f"The price is competitive, so the advice only nudges it toward the median (at most 5%), to {s}."


def pricing_reasoning(
    payload: PricingPayload, suggestion: Decimal, price_range: PriceRange, *, band: tuple[Decimal, Decimal]
) -> str:
    """Two to four sentences, at most 600 characters, quoting the numbers the advice rests on."""
    product, currency = payload.product, payload.product.currency
    closing = (
        f"Suggested range {format_money(price_range.min, currency)}–{format_money(price_range.max, currency)} "
        f"(never outside {format_money(band[0], currency)}–{format_money(band[1], currency)}); "
        f"confidence {payload.confidence_score}/100."
    )
    sentences = [
        _position_sentence(product, payload.market),
        _evidence_sentence(product, payload.market),
        _advice_sentence(payload, suggestion),
        closing,
    ]
    # Drop the evidence, then the closing line, until it fits; position + advice always stay.
    for drop in ((), (1,), (1, 3)):
        text = " ".join(s for i, s in enumerate(sentences) if i not in drop)
        if len(text) <= MAX_REASONING_CHARS:
            return text
    return text[: MAX_REASONING_CHARS - 1].rstrip() + "…"
