"""The pricing optimizer's pure part: competitive position, confidence, money at stake, price validation and the
`PricingAnalysis` result (no database, no clock, no model). The market a price is judged against — segment
choice, the figures rounded to cents, the marketplace team's overrides — is `core.pricing.market`.

Formulas (issue 3; each function's docstring restates its own):

* **Position**: price < p25 → underpriced; price > p75 → overpriced; p25 ≤ price ≤ p75
  (both ends inclusive) → competitive.
* **Suggestion, confidence and money at stake** come from the demand model (`core.pricing.demand`, issue 11):
  money at stake is the model's expected change in monthly revenue of following the suggestion (signed;
  0 for "keep"), and `enforce_band` holds any engine's answer to the band the rules allow.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from core.ai.tasks.pricing_types import CompetitivePosition, DemandContext, PriceRange, ProductFacts
from core.money import CENT, format_money, parse_amount
from core.pricing.market import PricingMarket

CAP_MULTIPLE = Decimal(10)
MAX_PRICE_WITHOUT_SEGMENT = Decimal("10000")
"""The highest price accepted for a product without comparable listings (could become a setting)."""
MAX_STORABLE_PRICE = Decimal("9999999999.99")  # Numeric(12, 2)


def interpolate_percentile(q: float, count: int, below: float | Decimal | None, above: float | Decimal | None) -> float:
    """PostgreSQL's `percentile_cont(q)`: linear between the values at positions floor and floor + 1 of (n − 1) × q.

    `below`/`above` are the values at those 0-based positions in ascending order (`above` is None when the
    floor is the last position). None when the set is empty.
    """
    if count < 1 or below is None:
        return math.nan
    position = q * (count - 1)
    low = float(below)
    if above is None:
        return low
    return low + (position - math.floor(position)) * (float(above) - low)


# ---------------------------------------------------------------- position and confidence


def competitive_position(price: Decimal, p25: Decimal, p75: Decimal) -> CompetitivePosition:
    """price < p25 → "underpriced"; price > p75 → "overpriced"; p25 ≤ price ≤ p75 → "competitive".

    Both quartiles belong to the competitive band: a price exactly at p25 or p75 is competitive.
    """
    if price < p25:
        return "underpriced"
    if price > p75:
        return "overpriced"
    return "competitive"


def enforce_band(
    suggested: Decimal, price_range: PriceRange, band: tuple[Decimal, Decimal]
) -> tuple[Decimal, PriceRange, bool]:
    """The rules that always hold, applied after any engine: the suggestion clamped into the band the demand
    model allows (`DemandContext.low`–`high`), the range clamped into it and widened to include the suggestion.
    Returns (suggestion, range, whether the suggestion moved)."""
    low, high = band
    held = max(low, min(high, suggested))
    range_min = max(low, min(high, price_range.min, held))
    range_max = min(high, max(low, price_range.max, held))
    return held, PriceRange(min=min(range_min, held), max=max(range_max, held)), held != suggested


def conversion_rate(purchases: int | None, views: int | None) -> float | None:
    """Purchases ÷ views as a fraction; None without views."""
    if not views:
        return None
    return (purchases or 0) / views


# ---------------------------------------------------------------- price validation


class PriceValidationError(ValueError):
    """A price a seller typed that cannot be saved; the message is meant to be shown next to the field."""


def parse_price(value: Decimal | str | float | int) -> Decimal:
    """A positive amount with at most two decimals, from a Decimal, a number or a text like "$1,299.00".

    Messages: "Enter a price as a number, like 19.99." / "Enter a price above $0.00." /
    "Use at most two decimals (cents)." Trailing zeros are fine ("19.990" is 19.99).
    """
    amount = parse_amount(value)
    if amount is None:
        raise PriceValidationError("Enter a price as a number, like 19.99.")
    if amount <= 0:
        raise PriceValidationError("Enter a price above $0.00.")
    if amount != amount.quantize(CENT):
        raise PriceValidationError("Use at most two decimals (cents).")
    return amount.quantize(CENT)


def check_price_cap(amount: Decimal, p95: Decimal | None, currency: str = "USD") -> None:
    """Refuse a price above 10 × the segment's 95th percentile, or above `MAX_PRICE_WITHOUT_SEGMENT` without one.

    The 95th percentile rather than the maximum, so one outlier listing does not lift the cap.
    """
    if p95 is not None and p95 > 0:
        cap = min(p95 * CAP_MULTIPLE, MAX_STORABLE_PRICE)
        if amount > cap:
            raise PriceValidationError(
                f"{format_money(amount, currency)} is more than 10× the highest typical price of comparable "
                f"listings ({format_money(p95, currency)}); check for a typo."
            )
        return
    if amount > MAX_PRICE_WITHOUT_SEGMENT:
        raise PriceValidationError(
            f"{format_money(amount, currency)} is above the {format_money(MAX_PRICE_WITHOUT_SEGMENT, currency)} "
            "maximum for a product without comparable listings; check for a typo."
        )


# ---------------------------------------------------------------- the result


@dataclass(frozen=True)
class PricingAnalysis:
    """One product's pricing analysis (seed 000 step 2b), or why none could be made (`available=False`)."""

    product_id: str
    title: str
    current_price: Decimal
    currency: str
    available: bool
    reason: str | None = None  # why the analysis is unavailable
    suggested_price: Decimal | None = None
    price_range: PriceRange | None = None
    reasoning: str = ""
    competitive_position: CompetitivePosition | None = None
    confidence_score: int = 0
    market: PricingMarket | None = None
    facts: ProductFacts | None = None
    engine: str | None = None  # "offline" or "anthropic:<model>"; None when no engine was asked
    engine_label: str = ""
    fallback_reason: str | None = None
    cached: bool = False
    money_at_stake: Decimal = Decimal("0.00")  # expected change in monthly revenue of the suggestion (signed)
    units_90_days: int = 0
    demand: DemandContext | None = None  # the demand model's numbers behind the suggestion
    expected_units: float | None = None  # monthly units expected at the suggested price
    held_by_rules: bool = False  # the engine's suggestion was moved into the band the rules allow
    settled_until: date | None = None  # measuring the last price change: no new advice before this day

    @property
    def price_change(self) -> Decimal | None:
        """suggested − current (positive: raise the price)."""
        return None if self.suggested_price is None else self.suggested_price - self.current_price

    @property
    def action(self) -> str | None:
        """ "raise", "cut" or "keep" (None when unavailable)."""
        change = self.price_change
        if not self.available or change is None:
            return None
        return "raise" if change > 0 else "cut" if change < 0 else "keep"


def unavailable(product_id: str, title: str, current_price: Decimal, currency: str, reason: str) -> PricingAnalysis:
    return PricingAnalysis(
        product_id=product_id,
        title=title,
        current_price=current_price,
        currency=currency,
        available=False,
        reason=reason,
    )


def needs_attention(analyses: Iterable[PricingAnalysis]) -> list[PricingAnalysis]:
    """The available analyses that suggest a change (raise or cut), the largest expected change first (by its
    size, gains and losses alike), then by title. A "keep" is not listed, whatever the position."""
    flagged = [a for a in analyses if a.action in ("raise", "cut")]
    return sorted(flagged, key=lambda a: (-abs(a.money_at_stake), a.title.lower(), a.product_id))


@dataclass(frozen=True)
class ReviewTotals:
    """A review's expected changes, never summed into one figure: gains and losses apart."""

    raise_count: int
    cut_count: int
    keep_count: int
    expected_gain: Decimal  # sum of the positive expected changes
    expected_loss: Decimal  # sum of the negative ones (≤ 0)


def review_totals(analyses: Iterable[PricingAnalysis]) -> ReviewTotals:
    available = [a for a in analyses if a.available]
    return ReviewTotals(
        raise_count=sum(1 for a in available if a.action == "raise"),
        cut_count=sum(1 for a in available if a.action == "cut"),
        keep_count=sum(1 for a in available if a.action == "keep"),
        expected_gain=sum((a.money_at_stake for a in available if a.money_at_stake > 0), Decimal("0.00")),
        expected_loss=sum((a.money_at_stake for a in available if a.money_at_stake < 0), Decimal("0.00")),
    )
