"""The pricing optimizer's pure part: competitive position, confidence, money at stake, price validation and the
`PricingAnalysis` result (no database, no clock, no model). The market a price is judged against — segment
choice, the figures rounded to cents, the marketplace team's overrides — is `core.pricing.market`.

Formulas (issue 3; each function's docstring restates its own):

* **Position**: price < p25 → underpriced; price > p75 → overpriced; p25 ≤ price ≤ p75
  (both ends inclusive) → competitive.
* **Confidence** (integer 0–100) = sample part (0–50) + spread part (0–30) + distance part (0–20),
  rounded half up, capped at `THIN_SAMPLE_CONFIDENCE_CAP` (25) for thin samples.
* **Money at stake** = |suggested − current| × max(1, units sold in the last 90 days ÷ 3).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from core.ai.tasks.pricing_types import CompetitivePosition, PriceRange, ProductFacts
from core.money import CENT, format_money, parse_amount, to_cents
from core.pricing.market import MIN_CATEGORY_SAMPLE, PricingMarket

THIN_SAMPLE_CONFIDENCE_CAP = 25
SAMPLE_POINTS = 50.0
SAMPLE_FULL_AT = 30
SPREAD_POINTS = 30.0
DISTANCE_POINTS = 20.0
DISTANCE_FULL_AT = 0.2
MONTHS_IN_WINDOW = 3
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


def position_distance(price: Decimal, p25: Decimal, median: Decimal, p75: Decimal) -> float:
    """How clearly the price sits where it is: its distance to the nearer quartile, as a share of the median.

    Inside [p25, p75]: min(price − p25, p75 − price) ÷ median; below: (p25 − price) ÷ median; above:
    (price − p75) ÷ median. 0 at a quartile (the position could flip with a cent), 0 for a median ≤ 0.
    """
    if median <= 0:
        return 0.0
    if price < p25:
        gap = p25 - price
    elif price > p75:
        gap = price - p75
    else:
        gap = min(price - p25, p75 - price)
    return float(gap / median)


def price_spread(p25: Decimal, median: Decimal, p75: Decimal) -> float:
    """The interquartile range relative to the median, (p75 − p25) ÷ median; inf for a median ≤ 0."""
    return float((p75 - p25) / median) if median > 0 else math.inf


@dataclass(frozen=True)
class ConfidenceParts:
    sample: float
    spread: float
    distance: float
    thin_cap: bool

    @property
    def score(self) -> int:
        total = math.floor(self.sample + self.spread + self.distance + 0.5)
        if self.thin_cap:
            total = min(total, THIN_SAMPLE_CONFIDENCE_CAP)
        return max(0, min(100, total))


def confidence_parts(sample_size: int, spread: float, distance: float) -> ConfidenceParts:
    """The three parts of `confidence_score`, before rounding.

    * sample = 50 × min(1, (n − 1) ÷ 29): 0 with one listing, 50 from 30 listings on;
    * spread = 30 × max(0, 1 − IQR ÷ median): a tight market (IQR small against the median) earns up to 30,
      one whose middle half spans the median's own size or more earns 0;
    * distance = 20 × min(1, d ÷ 0.2) = min(20, 100 × d), d = `position_distance`: full when the price is
      a fifth of the median away from the nearer quartile;
    * thin cap: fewer than 5 listings → the total is capped at 25.
    """
    n = max(0, sample_size)
    sample = SAMPLE_POINTS * min(1.0, max(0.0, (n - 1) / (SAMPLE_FULL_AT - 1)))
    spread_part = SPREAD_POINTS * max(0.0, 1.0 - spread) if math.isfinite(spread) else 0.0
    distance_part = DISTANCE_POINTS * min(1.0, max(0.0, distance) / DISTANCE_FULL_AT)
    return ConfidenceParts(sample, spread_part, distance_part, thin_cap=n < MIN_CATEGORY_SAMPLE)


def confidence_score(sample_size: int, spread: float, position_distance: float) -> int:
    """Integer 0–100: round half up of sample + spread + distance parts (see `confidence_parts`), thin cap 25.

    E.g. 30 listings, IQR ÷ median = 0.5, price 0.1 × median from the nearer quartile:
    50 + 15 + 10 = 75.
    """
    return confidence_parts(sample_size, spread, position_distance).score


def money_at_stake(suggested: Decimal, current: Decimal, units_90_days: int) -> Decimal:
    """|suggested − current| × max(1, units sold in the last 90 days ÷ 3), to the cent.

    The price gap times the product's monthly sales: roughly what a month at the suggested price
    changes in revenue if sales held. At least the gap itself, so a product without sales still ranks
    by how far off its price is.
    """
    monthly_units = Decimal(max(0, units_90_days)) / MONTHS_IN_WINDOW
    return to_cents(abs(suggested - current) * max(Decimal(1), monthly_units))


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
    money_at_stake: Decimal = Decimal("0.00")
    units_90_days: int = 0

    @property
    def price_change(self) -> Decimal | None:
        """suggested − current (positive: raise the price)."""
        return None if self.suggested_price is None else self.suggested_price - self.current_price


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
    """The available analyses whose price is not competitive, most money at stake first (then by title)."""
    flagged = [a for a in analyses if a.available and a.competitive_position != "competitive"]
    return sorted(flagged, key=lambda a: (-a.money_at_stake, a.title.lower(), a.product_id))
