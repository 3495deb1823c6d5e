"""The `pricing_advice` task: a suggested price, a range and reasons, from Claude or the offline rules."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from core.ai.door import AIDoor, AIResult, Task, default_ai
from core.ai.tasks.pricing_offline import MAX_REASONING_CHARS, evidence_part, offline_pricing_advice
from core.ai.tasks.pricing_types import (
    PriceRange,
    PricingAdvice,
    PricingPayload,
    answer_band,
)
from core.ai.validation import SchemaViolation, require_money, require_object, require_text
from core.money import format_money

NAME = "pricing_advice"

INPUT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "suggested_price": {
            "type": "number",
            "description": "The price to suggest, with two decimals, inside the allowed range given in the message.",
        },
        "price_range": {
            "type": "object",
            "description": "Sensible range: min ≤ suggested_price ≤ max, both inside the allowed range.",
            "properties": {"min": {"type": "number"}, "max": {"type": "number"}},
            "required": ["min", "max"],
            "additionalProperties": False,
        },
        "reasoning": {
            "type": "string",
            "description": "2–4 plain sentences, at most 600 characters, citing the numbers behind the advice.",
        },
    },
    "required": ["suggested_price", "price_range", "reasoning"],
    "additionalProperties": False,
}

SYSTEM_PROMPT = """You advise sellers of digital products (templates, e-books, courses, presentations) on a marketplace.
Given one listing's facts and the prices of comparable listings, suggest a price.
Rules:
- Use only the numbers given; do not invent market data.
- The competitive position and confidence were computed from the numbers; take them as given.
- The suggested price and both ends of the range must lie inside the allowed range stated in the message.
- When a demand model is given, expected revenue is price × monthly units × (1 + elasticity × relative price
  change); suggest the price it favours, or keep the current price when the evidence is thin.
- Prefer charm prices (ending in .99 under 100, whole amounts from 100).
- Your answer is checked afterwards: at most 25 % per step, never a cut for a listing converting above the
  segment median, and nothing while a recent change is being measured.
- Reasoning: 2–4 sentences, at most 600 characters, addressed to the seller ("your price"), citing the numbers.
Answer only by calling the pricing_advice tool."""


def _optional(value: float | None, fmt: str) -> str:
    return "unknown" if value is None else format(value, fmt)


def build_pricing_message(payload: PricingPayload) -> str:
    """The user message: the listing's facts, the market's prices and the allowed range, as plain lines."""
    product, market = payload.product, payload.market
    low, high = answer_band(payload)

    def m(amount: Any) -> str:
        return "unknown" if amount is None else format_money(amount, product.currency)

    lines = [
        "Listing:",
        f"- title: {product.title}",
        f"- product type: {product.product_type}",
        f"- category: {product.category_name or 'all categories'}",
        f"- current price: {m(product.current_price)}",
        f"- average rating (0–5): {_optional(product.average_rating, '.2f')}",
        f"- view→purchase conversion: {_optional(product.conversion_rate, '.2%')}",
        f"Comparable listings ({market.sample_size} products):",
        f"- average {m(market.average_price)}, median {m(market.median_price)}",
        f"- lower quartile {m(market.p25_price)}, upper quartile {m(market.p75_price)}",
        f"- min {m(market.min_price)}, max {m(market.max_price)}",
        f"- top sellers' average price: {m(market.top_seller_average_price)}",
        f"- segment average rating: {_optional(market.average_rating, '.2f')}",
        f"- segment median conversion: {_optional(market.median_conversion_rate, '.2%')}",
        f"Computed competitive position: {payload.competitive_position}; confidence: {payload.confidence_score}/100.",
        f"Allowed range for suggested_price and price_range: {m(low)} to {m(high)}.",
    ]
    if product.description_words is not None:
        listing = (
            f"- description: {product.description_words} words; images: {product.image_count}; "
            f"tags: {product.tag_count}"
        )
        lines.insert(6, listing)
    demand = payload.demand
    if demand is not None:
        lines += [
            "Demand model (own sales at the current price; elasticity from the segment and past changes):",
            f"- since {demand.since}: {demand.units_at_price} units in {demand.days_at_price} days "
            f"({demand.units_per_month:.1f} a month); conversion {_optional(demand.conversion_at_price, '.2%')}",
            f"- elasticity {demand.elasticity:.2f} ± {demand.elasticity_sd:.2f} "
            f"(sources: {', '.join(demand.elasticity_sources)}); revenue peak near {m(demand.optimum_price)}",
            *(f"  - {evidence_part(payload.product, part)}" for part in demand.elasticity_parts),
            f"- the model's cautious target: {m(demand.model_price)}",
        ]
        if demand.settled_until is not None:
            lines.append(f"- the last price change is being measured until {demand.settled_until}: keep the price")
        lines += [f"- limit: {limit}" for limit in demand.limits]
    return "\n".join(lines)


def parse_pricing_advice(raw: Any, payload: PricingPayload) -> PricingAdvice:
    """Typed advice from a tool input, or `SchemaViolation` (missing field, not a number, outside the band)."""
    answer = require_object(raw, ("suggested_price", "price_range", "reasoning"))
    low, high = answer_band(payload)
    band = f"[{low}, {high}]"
    suggested = require_money(answer["suggested_price"], "suggested_price")
    if not low <= suggested <= high:
        raise SchemaViolation(f"suggested_price {suggested} outside the allowed range {band}")
    bounds = require_object(answer["price_range"], ("min", "max"), "price_range")
    range_min = require_money(bounds["min"], "price_range.min")
    range_max = require_money(bounds["max"], "price_range.max")
    for field, value in (("price_range.min", range_min), ("price_range.max", range_max)):
        if not low <= value <= high:
            raise SchemaViolation(f"{field} {value} outside the allowed range {band}")
    if not range_min <= suggested <= range_max:
        raise SchemaViolation(f"suggested_price {suggested} outside its own price_range [{range_min}, {range_max}]")
    reasoning = require_text(answer["reasoning"], "reasoning", max_chars=MAX_REASONING_CHARS)
    return PricingAdvice(
        suggested_price=suggested, price_range=PriceRange(min=range_min, max=range_max), reasoning=reasoning
    )


PRICING_ADVICE: Task[PricingPayload, PricingAdvice] = Task(
    name=NAME,
    version=3,  # 3: the elasticity states its evidence (semi-log segment fit at the product's price)
    description="Record the suggested price, a sensible price range and the reasoning for one listing.",
    input_schema=INPUT_SCHEMA,
    system_prompt=SYSTEM_PROMPT,
    build_message=build_pricing_message,
    parse=parse_pricing_advice,
    offline=offline_pricing_advice,
    # Benchmarks are recalculated daily; a day-old answer for identical numbers is still right.
    cache_ttl=timedelta(days=1),
    max_tokens=1024,
)


def pricing_advice(
    payload: PricingPayload, *, ai: AIDoor | None = None, session: Session | None = None, use_cache: bool = True
) -> AIResult[PricingAdvice]:
    """Pricing advice for one listing (Claude when configured and well-behaved, else the offline rules)."""
    return (ai or default_ai()).run(PRICING_ADVICE, payload, session=session, use_cache=use_cache)
