"""The rules that always hold around the demand model (issue 11, pure): the band a suggestion may lie in, why it
is narrowed, and the demand context handed to the AI door.

The band starts at the model's limit per step and is narrowed by each rule that applies:

1. **Step**: at most `MAX_STEP` (25 %) from the current price p0: [⌈0.75 p0⌉, ⌊1.25 p0⌋] to the cent.
2. **Evidence first**: a listing converting above its segment's median conversion at its current price is
   never told to cut (low = p0).
3. **Toward the market, not away**: below the segment's p25, no cut; above its p75, no raise; a cut never goes
   below min(p0, p10), a raise never above max(p0, p90) (one position, one suggestion per screen: an
   "underpriced" listing is never told to lower its price).
4. **Settle**: for `SETTLE_DAYS` (28) after any price change the band is [p0, p0]: keep, measuring the new price.
5. **No anchor**: without a unit sold at the current price the model has nothing to scale: keep.

The model's target (`core.pricing.demand.cautious_target`) is clamped into the band; any engine's answer is
clamped into the same band afterwards (`core.pricing.rules.enforce_band`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from core.ai.tasks.pricing_types import CompetitivePosition, DemandContext, ElasticityPart
from core.money import CENT, format_money, to_cents
from core.pricing.demand import Anchor, Elasticity, cautious_target, optimal_price, supported_range
from core.pricing.market import PricingMarket

MAX_STEP = Decimal("0.25")


@dataclass(frozen=True)
class Limit:
    side: str  # "low" or "high"
    value: Decimal
    text: str


def _step_limits(price: Decimal) -> list[Limit]:
    low = (price * (1 - MAX_STEP)).quantize(CENT, rounding=ROUND_CEILING)
    high = (price * (1 + MAX_STEP)).quantize(CENT, rounding=ROUND_FLOOR)
    return [Limit("low", low, "at most 25% per step"), Limit("high", high, "at most 25% per step")]


def rule_limits(
    price: Decimal,
    market: PricingMarket,
    position: CompetitivePosition,
    conversion: float | None,
    currency: str = "USD",
) -> list[Limit]:
    """Rules 1–3 as bounds with the words that explain each."""
    m = lambda amount: format_money(amount, currency)  # noqa: E731
    limits = _step_limits(price)
    median = market.median_conversion_rate
    if conversion is not None and median is not None and conversion > median:
        limits.append(
            Limit("low", price, f"no cut: {conversion:.1%} of views buy against a segment median of {median:.1%}")
        )
    if position == "underpriced":
        limits.append(Limit("low", price, f"no cut: already below the lower quartile ({m(market.p25_price)})"))
    if position == "overpriced":
        limits.append(Limit("high", price, f"no raise: already above the upper quartile ({m(market.p75_price)})"))
    if market.p10_price is not None:
        limits.append(
            Limit("low", min(price, market.p10_price), f"not below the 10th percentile ({m(market.p10_price)})")
        )
    if market.p90_price is not None:
        limits.append(
            Limit("high", max(price, market.p90_price), f"not above the 90th percentile ({m(market.p90_price)})")
        )
    return limits


def band_of(limits: list[Limit]) -> tuple[Decimal, Decimal]:
    low = max(limit.value for limit in limits if limit.side == "low")
    high = min(limit.value for limit in limits if limit.side == "high")
    return low, max(low, high)


def binding(limits: list[Limit], target: Decimal, price: Decimal) -> tuple[str, ...]:
    """The words of the limits that stop the move toward `target` (the tightest first), without repeats."""
    if target > price:
        hits = sorted((lim for lim in limits if lim.side == "high" and lim.value < target), key=lambda lim: lim.value)
    elif target < price:
        hits = sorted((lim for lim in limits if lim.side == "low" and lim.value > target), key=lambda lim: -lim.value)
    else:
        hits = []
    return tuple(dict.fromkeys(lim.text for lim in hits))


def demand_context(
    *,
    price: Decimal,
    market: PricingMarket,
    position: CompetitivePosition,
    anchor: Anchor,
    elasticity: Elasticity,
    settled_until: date | None,
    currency: str = "USD",
) -> DemandContext:
    """The demand model's numbers and the band the rules allow, for the AI door (see the module docstring)."""
    p0 = float(price)
    limits = rule_limits(price, market, position, anchor.conversion, currency)
    low, high = band_of(limits)
    words: tuple[str, ...]
    if settled_until is not None:
        low = high = price
        target = price
        words = (f"measuring the new price until {settled_until.isoformat()}",)
    elif anchor.units == 0:
        target = price
        words = ("no unit sold at this price yet: nothing for the model to scale",)
    else:
        raw = to_cents(cautious_target(p0, elasticity))
        target = max(low, min(high, raw))
        words = binding(limits, raw, price)
    supported = supported_range(p0, elasticity)
    range_low = max(low, min(high, to_cents(supported[0])))
    range_high = max(low, min(high, to_cents(supported[1])))
    return DemandContext(
        units_at_price=anchor.units,
        days_at_price=anchor.days,
        since=anchor.since.isoformat(),
        units_per_month=round(anchor.monthly_units, 2),
        conversion_at_price=None if anchor.conversion is None else round(anchor.conversion, 6),
        elasticity=round(elasticity.mean, 4),
        elasticity_sd=round(elasticity.sd, 4),
        elasticity_sources=tuple(elasticity.sources),
        optimum_price=to_cents(optimal_price(p0, elasticity.mean)),
        model_price=target,
        low=low,
        high=high,
        range_low=range_low,
        range_high=range_high,
        limits=words,
        settled_until=None if settled_until is None else settled_until.isoformat(),
        elasticity_parts=tuple(
            ElasticityPart(
                e.source,
                round(e.value, 4),
                round(e.sd, 4),
                None if e.price_ratio is None else round(e.price_ratio, 4),
                None if e.median_price is None else to_cents(e.median_price),
            )
            for e in elasticity.evidence
        ),
    )
