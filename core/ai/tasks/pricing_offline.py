"""The offline pricing engine: the demand model's suggestion, rounded to a charm price, with reasoning built from
the numbers. The model itself (elasticity, expected revenue, the band the rules allow) is computed by
`core.pricing.demand` and arrives in the payload's `DemandContext`; this engine only chooses the price.

Rules, one sentence each:

1. No demand context (no model could be built): keep the current price.
2. Settling: while the last price change is being measured (`settled_until`), keep the current price.
3. Small moves: when the model's target is within `KEEP_WITHIN` (2 %) of the current price, keep it (a move that
   small is noise to buyers and to the next measurement).
4. Otherwise: the charm price (x.99 under 100, whole amounts from 100) nearest the model's target that lies
   between the current price and the target and inside the allowed band; without one, the target to the cent.
5. Range: the prices the evidence supports (`range_low`–`range_high`), widened to include the suggestion and,
   for "keep", the current price.
"""

from __future__ import annotations

from decimal import ROUND_FLOOR, Decimal

from core.ai.tasks.pricing_types import (
    DemandContext,
    ElasticityPart,
    MarketContext,
    PriceRange,
    PricingAdvice,
    PricingPayload,
    ProductFacts,
    segment_label,
)
from core.money import CENT, format_money, to_cents
from core.periods import format_day

KEEP_WITHIN = Decimal("0.02")
WHOLE_DOLLAR_FROM = Decimal("100")
MAX_REASONING_CHARS = 600


def clamp(amount: Decimal, low: Decimal, high: Decimal) -> Decimal:
    return max(low, min(high, amount))


def charm_neighbours(target: Decimal) -> list[Decimal]:
    """The charm prices on either side of `target`: x.99 under 100, whole amounts from 100."""
    whole = target.to_integral_value(rounding=ROUND_FLOOR)
    candidates = [whole, whole + 1] if target >= WHOLE_DOLLAR_FROM else [whole - CENT, whole + 1 - CENT]
    return [c for c in candidates if c > 0]


def charm_between(current: Decimal, aim: Decimal, low: Decimal, high: Decimal) -> Decimal:
    """Rule 4: the charm price nearest `aim` between `current` (excluded) and `aim`, inside [low, high]."""
    aim = clamp(aim, low, high)
    lo, hi = min(current, aim), max(current, aim)
    fitting = [c for c in charm_neighbours(aim) if lo <= c <= hi and c != current and low <= c <= high]
    if not fitting:
        return to_cents(aim)
    return min(fitting, key=lambda c: (abs(c - aim), c))


def suggest_price(payload: PricingPayload) -> Decimal:
    """Rules 1–4."""
    current, demand = payload.product.current_price, payload.demand
    if demand is None or demand.settled_until is not None:
        return current
    aim = clamp(demand.model_price, demand.low, demand.high)
    if abs(aim - current) < current * KEEP_WITHIN:
        return current
    return charm_between(current, aim, demand.low, demand.high)


def offline_pricing_advice(payload: PricingPayload) -> PricingAdvice:
    """Pricing advice from the demand model's numbers (the rules in this module's docstring)."""
    suggestion = suggest_price(payload)
    current, demand = payload.product.current_price, payload.demand
    if demand is None:
        low, high = min(current, suggestion), max(current, suggestion)
    else:
        low = min(demand.range_low, suggestion, current) if suggestion == current else min(demand.range_low, suggestion)
        high = (
            max(demand.range_high, suggestion, current) if suggestion == current else max(demand.range_high, suggestion)
        )
    price_range = PriceRange(min=low, max=high)
    return PricingAdvice(
        suggested_price=suggestion, price_range=price_range, reasoning=pricing_reasoning(payload, suggestion)
    )


# --- reasoning: sentences built from the actual numbers -------------------------------------------


def _money(product: ProductFacts, amount: Decimal) -> str:
    return format_money(amount, product.currency)


def position_sentence(product: ProductFacts, market: MarketContext) -> str:
    m = lambda amount: _money(product, amount)  # noqa: E731
    price, peers = m(product.current_price), f"the {market.sample_size} comparable {segment_label(product)}"
    if product.current_price < market.p25_price:
        return f"Your price {price} is below the lower quartile ({m(market.p25_price)}) of {peers}."
    if product.current_price > market.p75_price:
        return f"Your price {price} is above the upper quartile ({m(market.p75_price)}) of {peers}."
    half = "lower" if product.current_price < market.median_price else "upper"
    return (
        f"Your price {price} sits in the {half} half of {peers} "
        f"(median {m(market.median_price)}, middle half {m(market.p25_price)}–{m(market.p75_price)})."
    )


def evidence_sentence(product: ProductFacts, market: MarketContext, demand: DemandContext) -> str:
    sold = (
        f"Since {format_day(demand.since)} ({demand.days_at_price} days at this price) it sold {demand.units_at_price} "
        f"unit{'' if demand.units_at_price == 1 else 's'}, about {demand.units_per_month:.1f} a month"
    )
    if demand.conversion_at_price is not None and market.median_conversion_rate is not None:
        relation = "above" if demand.conversion_at_price > market.median_conversion_rate else "at or below"
        sold += (
            f", and {demand.conversion_at_price:.1%} of its views became purchases, {relation} the segment "
            f"median of {market.median_conversion_rate:.1%}"
        )
    return sold + "."


def evidence_part(product: ProductFacts, part: ElasticityPart) -> str:
    """One piece of the elasticity's evidence in words: "the segment's fit at 1.90× its median price of $15.00
    (-1.80 ± 0.52)"."""
    numbers = f"({part.value:.2f} ± {part.sd:.2f})"
    if part.source == "prior":
        return f"the prior {numbers}"
    if part.source == "segment":
        if part.price_ratio is not None and part.median_price is not None:
            where = f"{part.price_ratio:.2f}× its median price of {_money(product, part.median_price)}"
            return f"the segment's fit at {where} {numbers}"
        return f"the segment's fit {numbers}"
    if part.source == "own price change":
        return f"a past price change of this listing {numbers}"
    return f"{part.source} {numbers}"


def model_sentence(product: ProductFacts, demand: DemandContext) -> str:
    """The elasticity used, each piece of evidence it combines (with its numbers) and the revenue peak."""
    if demand.elasticity_parts:
        texts = [evidence_part(product, part) for part in demand.elasticity_parts]
        origin = texts[0] if len(texts) == 1 else f"{', '.join(texts[:-1])} and {texts[-1]}"
        origin = f"from {origin}"
    else:
        origin = f"(from: {', '.join(demand.elasticity_sources)})"
    return (
        f"The demand model estimates a price elasticity of {demand.elasticity:.2f} ± {demand.elasticity_sd:.2f} "
        f"{origin}, so revenue would peak near {_money(product, demand.optimum_price)}."
    )


def advice_sentence(payload: PricingPayload, suggestion: Decimal) -> str:
    product, demand = payload.product, payload.demand
    s = _money(product, suggestion)
    if demand is None:
        return f"Without sales evidence to model, the advice is to keep {s}."
    if demand.settled_until is not None:
        return (
            f"You changed the price recently: measuring the new price since {format_day(demand.since)} "
            f"(its first full day); next advice on {format_day(demand.settled_until)}. Keep {s} until then."
        )
    limits = f" Held by: {'; '.join(demand.limits)}." if demand.limits else ""
    if suggestion == product.current_price:
        target = _money(product, demand.model_price)
        return f"The model's cautious target ({target}) is close to your price, so keep {s}.{limits}"
    verb = "Raise" if suggestion > product.current_price else "Lower"
    change = (suggestion - product.current_price) / product.current_price
    return f"{verb} to {s} ({change:+.0%}), the cautious step toward that peak.{limits}"


def pricing_reasoning(payload: PricingPayload, suggestion: Decimal) -> str:
    """Two to five sentences, at most 600 characters, quoting the numbers the advice rests on."""
    product, market, demand = payload.product, payload.market, payload.demand
    sentences = [position_sentence(product, market)]
    if demand is not None and demand.settled_until is None:
        sentences += [evidence_sentence(product, market, demand), model_sentence(product, demand)]
    sentences.append(advice_sentence(payload, suggestion))
    sentences.append(f"Confidence {payload.confidence_score}/100.")
    # Drop the evidence, then the model sentence, until it fits; position + advice always stay.
    for drop in ((), (1,), (1, 2)):
        text = " ".join(s for i, s in enumerate(sentences) if i not in drop or len(sentences) < 4)
        if len(text) <= MAX_REASONING_CHARS:
            return text
    return text[: MAX_REASONING_CHARS - 1].rstrip() + "…"
