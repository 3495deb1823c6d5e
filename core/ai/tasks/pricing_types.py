"""The pricing-advice task's payload and result types, and the price band every suggestion must stay in."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from itertools import pairwise
from typing import Literal

from core.models.enums import product_type_label
from core.money import CENT

POSITIONS = ("underpriced", "competitive", "overpriced")
CompetitivePosition = Literal["underpriced", "competitive", "overpriced"]
# A suggestion may leave the middle half of the market, but not by more than this.
BAND_LOW_FACTOR = Decimal("0.8")
BAND_HIGH_FACTOR = Decimal("1.2")


@dataclass(frozen=True)
class ProductFacts:
    """What a model may know about the listing: product data only, no seller identity."""

    title: str
    product_type: str  # a DigitalProductType value, e.g. "EBOOK"
    category_name: str | None  # None: compared against all categories of the type
    current_price: Decimal
    description_words: int | None = None  # None: not part of this payload (the demand model does not use it)
    image_count: int | None = None  # featured image + gallery
    tag_count: int | None = None
    average_rating: float | None = None  # 0–5, None without ratings
    conversion_rate: float | None = None  # purchases / views as a fraction, None without views
    currency: str = "USD"


@dataclass(frozen=True)
class MarketContext:
    """Prices of comparable published listings (same type, same category when known)."""

    average_price: Decimal
    median_price: Decimal
    p25_price: Decimal
    p75_price: Decimal
    min_price: Decimal
    max_price: Decimal
    sample_size: int
    top_seller_average_price: Decimal | None = None
    average_rating: float | None = None  # segment average rating
    median_conversion_rate: float | None = None  # segment median purchases / views

    def __post_init__(self) -> None:
        ordered = (self.min_price, self.p25_price, self.median_price, self.p75_price, self.max_price)
        if any(a > b for a, b in pairwise(ordered)) or self.min_price <= 0:
            raise ValueError(f"market prices must satisfy 0 < min ≤ p25 ≤ median ≤ p75 ≤ max, got {ordered}")
        if self.sample_size < 1:
            raise ValueError("a market context needs at least one comparable product")


@dataclass(frozen=True)
class ElasticityPart:
    """One piece of evidence the demand model combined: its source, value and sd; for the segment's fit also
    where the price sits against the segment (price ÷ its median price) and that median."""

    source: str  # "prior", "segment", "own price change"
    value: float
    sd: float
    price_ratio: float | None = None
    median_price: Decimal | None = None


@dataclass(frozen=True)
class DemandContext:
    """The demand model's numbers for one listing (computed by `core.pricing.demand`; plain values here).

    `low`–`high` is the band every suggestion is held to after the rules that always hold (at most 25 % per
    step, no cut for an above-median converter, no cut below p25 / raise above p75 away from the market,
    nothing while the last change is being measured); `model_price` is the model's cautious target inside it.
    """

    units_at_price: int  # units sold since `since` at the current price
    days_at_price: int
    since: str  # ISO date the current-price evidence starts
    units_per_month: float  # u0
    conversion_at_price: float | None  # purchases ÷ views since `since`
    elasticity: float  # posterior mean
    elasticity_sd: float
    elasticity_sources: tuple[str, ...]  # "prior", "segment", "own price change"…
    optimum_price: Decimal  # p* at the mean elasticity, unbounded (to the cent)
    model_price: Decimal  # the cautious target inside [low, high] (to the cent)
    low: Decimal
    high: Decimal
    range_low: Decimal  # the prices the evidence supports (optima under e ± sd), inside [low, high]
    range_high: Decimal
    limits: tuple[str, ...] = ()  # the rules that narrowed [low, high], in words
    settled_until: str | None = None  # ISO date: measuring the last change until then (then low = high = price)
    elasticity_parts: tuple[ElasticityPart, ...] = ()  # the evidence behind `elasticity`, prior first


@dataclass(frozen=True)
class PricingPayload:
    """Everything pricing advice is based on; position and confidence come from the numbers, not the model."""

    product: ProductFacts
    market: MarketContext
    competitive_position: CompetitivePosition
    confidence_score: int  # 0–100
    demand: DemandContext | None = None  # None: no demand model (the engine then keeps the price)

    def __post_init__(self) -> None:
        if self.competitive_position not in POSITIONS:
            raise ValueError(f"competitive_position must be one of {POSITIONS}, not {self.competitive_position!r}")
        if not 0 <= self.confidence_score <= 100:
            raise ValueError(f"confidence_score must be 0–100, not {self.confidence_score}")
        if self.product.current_price <= 0:
            raise ValueError("current_price must be positive")


@dataclass(frozen=True)
class PriceRange:
    min: Decimal
    max: Decimal


@dataclass(frozen=True)
class PricingAdvice:
    suggested_price: Decimal
    price_range: PriceRange
    reasoning: str


def allowed_band(market: MarketContext) -> tuple[Decimal, Decimal]:
    """[max(min, 0.8 × p25), min(max, 1.2 × p75)], rounded inward to cents.

    Rounding inward means a two-decimal price inside the band also satisfies the
    unrounded bounds. The band is never empty because min ≤ p25 ≤ p75 ≤ max.
    """
    low = max(market.min_price, (market.p25_price * BAND_LOW_FACTOR).quantize(CENT, rounding=ROUND_CEILING))
    high = min(market.max_price, (market.p75_price * BAND_HIGH_FACTOR).quantize(CENT, rounding=ROUND_FLOOR))
    return low, high


def answer_band(payload: PricingPayload) -> tuple[Decimal, Decimal]:
    """Where a model's suggestion must lie: the demand model's band when there is one, else `allowed_band`
    widened to include the current price (so "keep" is always a valid answer)."""
    if payload.demand is not None:
        return payload.demand.low, payload.demand.high
    low, high = allowed_band(payload.market)
    price = payload.product.current_price
    return min(low, price), max(high, price)


def segment_label(product: ProductFacts) -> str:
    """`e-book listings in Productivity` or `e-book listings across all categories`."""
    kind = product_type_label(product.product_type, lower=True)
    where = f"in {product.category_name}" if product.category_name else "across all categories"
    return f"{kind} listings {where}"
