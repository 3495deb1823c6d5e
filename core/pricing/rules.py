"""The pricing optimizer's pure part: market segment choice, competitive position, confidence, money at stake,
price validation and the `PricingAnalysis` result (no database, no clock, no model).

Formulas (issue 3; each function's docstring restates its own):

* **Segment**: the product's type within its category when that category has at least
  `MIN_CATEGORY_SAMPLE` (5) published listings of the type, else the type across all
  categories. A chosen segment with fewer than 5 listings is a *thin sample*.
* **Money** shown from the market (quartiles, average, p95) is rounded to cents
  (ROUND_HALF_UP); positions are judged against those rounded figures, the ones the
  seller sees.
* **Position**: price < p25 → underpriced; price > p75 → overpriced; p25 ≤ price ≤ p75
  (both ends inclusive) → competitive.
* **Confidence** (integer 0–100) = sample part (0–50) + spread part (0–30) + distance part (0–20),
  rounded half up, capped at `THIN_SAMPLE_CONFIDENCE_CAP` (25) for thin samples.
* **Money at stake** = |suggested − current| × max(1, units sold in the last 90 days ÷ 3).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Literal, Protocol, TypeVar

from core.ai.tasks.pricing_types import (
    CENT,
    CompetitivePosition,
    MarketContext,
    PriceRange,
    ProductFacts,
    format_money,
)
from core.listings.rules import MIN_BENCHMARK_SAMPLE

MIN_CATEGORY_SAMPLE = MIN_BENCHMARK_SAMPLE
"""A category segment needs this many published listings of the type (5, as for benchmarks and listing scores)."""
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

SegmentScope = Literal["category", "all categories"]


def to_cents(value: float | Decimal) -> Decimal:
    """A market figure as money: rounded half up to the cent."""
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


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


@dataclass(frozen=True)
class SegmentPrices:
    """What the database says about one segment's published listings (prices as floats, unrounded)."""

    p25: float
    median: float
    p75: float
    average: float
    min: float
    max: float
    p95: float
    sample_size: int
    average_rating: float | None = None
    median_conversion_rate: float | None = None


@dataclass(frozen=True)
class OverriddenFigure:
    """A reference figure the marketplace team set on the segment's benchmark, with the computed one it replaced."""

    label: str  # "median", "average", "top-seller average"
    value: Decimal
    computed: Decimal | None


@dataclass(frozen=True)
class PricingMarket:
    """The market an analysis used, as the page shows it (money in cents).

    The segment's published listings include the analysed product itself when it is published (it is part
    of the market buyers see); `sample_size` counts it.
    """

    seller_price: Decimal
    average_price: Decimal
    median_price: Decimal
    p25_price: Decimal
    p75_price: Decimal
    min_price: Decimal
    max_price: Decimal
    p95_price: Decimal
    sample_size: int
    segment_scope: SegmentScope
    thin_sample: bool
    category_name: str | None  # the segment's category; None for all categories of the type
    top_seller_average_price: Decimal | None = None
    top_seller_scope: SegmentScope | None = None  # which benchmark row it came from
    average_rating: float | None = None
    median_conversion_rate: float | None = None
    overridden: tuple[OverriddenFigure, ...] = ()  # figures set by the marketplace team (see benchmark overrides)
    override_note: str | None = None  # the team's note explaining the override

    @property
    def uses_override(self) -> bool:
        return bool(self.overridden)

    def override_notice(self, currency: str = "USD") -> str | None:
        """ "Median set by the marketplace team (was $14.00 computed)." — None without an override."""
        if not self.overridden:
            return None
        labels = _and_join([f.label for f in self.overridden])
        computed = _and_join([format_money(f.computed, currency) for f in self.overridden if f.computed is not None])
        text = f"{labels[0].upper()}{labels[1:]} set by the marketplace team"
        return f"{text} (was {computed} computed)." if computed else f"{text}."

    def to_context(self) -> MarketContext:
        """The model's view of this market (raises ValueError when the prices are not usable, e.g. free listings).

        An overridden median outside the computed quartiles widens the typical band to include it (and min/max
        to include the band), so the team's figure is what the model anchors on without breaking the ordering.
        """
        p25, p75 = min(self.p25_price, self.median_price), max(self.p75_price, self.median_price)
        return MarketContext(
            average_price=self.average_price,
            median_price=self.median_price,
            p25_price=p25,
            p75_price=p75,
            min_price=min(self.min_price, p25),
            max_price=max(self.max_price, p75),
            sample_size=self.sample_size,
            top_seller_average_price=self.top_seller_average_price,
            average_rating=self.average_rating,
            median_conversion_rate=self.median_conversion_rate,
        )

    def comparison(self) -> list[tuple[str, Decimal]]:
        """The bars of the page's market comparison chart (seed 000 step 5b), skipping a missing top-seller figure."""
        bars = [
            ("Your price", self.seller_price),
            ("Average", self.average_price),
            ("Median", self.median_price),
        ]
        if self.top_seller_average_price is not None:
            bars.append(("Top-seller average", self.top_seller_average_price))
        return bars


def _and_join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def with_reference_overrides(
    market: PricingMarket,
    *,
    average: Decimal | None = None,
    median: Decimal | None = None,
    top_seller_average: Decimal | None = None,
    note: str | None = None,
) -> PricingMarket:
    """The market with the marketplace team's figures in place of the computed ones (None = keep computed).

    Each replaced figure is listed in `overridden` with the computed value it replaced, for the page to say so.
    """
    figures = [
        ("median", "median_price", median),
        ("average", "average_price", average),
        ("top-seller average", "top_seller_average_price", top_seller_average),
    ]
    changes: dict[str, object] = {}
    overridden: list[OverriddenFigure] = []
    for label, attr, value in figures:
        if value is not None:
            overridden.append(OverriddenFigure(label, value, getattr(market, attr)))
            changes[attr] = value
    if not overridden:
        return market
    return replace(market, **changes, overridden=tuple(overridden), override_note=note)


class HasSampleSize(Protocol):
    @property
    def sample_size(self) -> int: ...


S = TypeVar("S", bound=HasSampleSize)


def choose_segment(category: S | None, whole_type: S | None) -> tuple[S, SegmentScope] | None:
    """The category's prices when it has ≥ `MIN_CATEGORY_SAMPLE` listings, else the type's across all categories.

    A thin category is used only when the type has nothing else (it never does: the category's listings are
    also the type's). None when neither exists.
    """
    if category is not None and category.sample_size >= MIN_CATEGORY_SAMPLE:
        return category, "category"
    if whole_type is not None:
        return whole_type, "all categories"
    return (category, "category") if category is not None else None


def build_market(
    seller_price: Decimal,
    prices: SegmentPrices,
    scope: SegmentScope,
    *,
    category_name: str | None,
    top_seller_average_price: Decimal | None = None,
    top_seller_scope: SegmentScope | None = None,
) -> PricingMarket:
    """Round the segment's figures to cents; min/max are widened to the quartiles should the two queries differ."""
    p25, median, p75 = to_cents(prices.p25), to_cents(prices.median), to_cents(prices.p75)
    return PricingMarket(
        seller_price=seller_price,
        average_price=to_cents(prices.average),
        median_price=median,
        p25_price=p25,
        p75_price=p75,
        min_price=min(to_cents(prices.min), p25),
        max_price=max(to_cents(prices.max), p75),
        p95_price=to_cents(prices.p95),
        sample_size=prices.sample_size,
        segment_scope=scope,
        thin_sample=prices.sample_size < MIN_CATEGORY_SAMPLE,
        category_name=category_name if scope == "category" else None,
        top_seller_average_price=top_seller_average_price,
        top_seller_scope=top_seller_scope,
        average_rating=prices.average_rating,
        median_conversion_rate=prices.median_conversion_rate,
    )


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
    return (abs(suggested - current) * max(Decimal(1), monthly_units)).quantize(CENT, rounding=ROUND_HALF_UP)


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
    if isinstance(value, bool):
        raise PriceValidationError("Enter a price as a number, like 19.99.")
    try:
        if isinstance(value, Decimal):
            amount = value
        elif isinstance(value, (int, float)):
            amount = Decimal(str(value))  # str() gives the float's shortest form: 19.99, not 19.989999…
        elif isinstance(value, str):
            text = value.strip().replace(",", "").removeprefix("$").strip()
            amount = Decimal(text)
        else:
            raise PriceValidationError("Enter a price as a number, like 19.99.")
    except InvalidOperation:
        raise PriceValidationError("Enter a price as a number, like 19.99.") from None
    if not amount.is_finite():
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
