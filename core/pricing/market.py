"""The market a pricing analysis compares a price with (pure): which segment (the product's category or the
type across all categories), its figures rounded to cents as the seller sees them, and the marketplace team's
overrides of the reference figures.

* **Segment**: the product's type within its category when that category has at least
  `MIN_CATEGORY_SAMPLE` (5) published listings of the type, else the type across all
  categories. A chosen segment with fewer than 5 listings is a *thin sample*.
* **Money** shown from the market (quartiles, average, p95) is rounded to cents
  (`core.money.to_cents`, half up); positions are judged against those rounded figures, the ones the
  seller sees.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from typing import Literal, Protocol, TypeVar

from core.ai.tasks.pricing_types import MarketContext
from core.market.benchmarks import THIN_SAMPLE_SIZE
from core.money import format_money, to_cents

MIN_CATEGORY_SAMPLE = THIN_SAMPLE_SIZE
"""A category segment needs this many published listings of the type (5, as for benchmarks and listing scores)."""

SegmentScope = Literal["category", "all categories"]


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
    p10_price: Decimal | None = None
    p90_price: Decimal | None = None
    calculated_at: datetime | None = None  # when the nightly benchmark job computed these figures

    @property
    def uses_override(self) -> bool:
        return bool(self.overridden)

    def override_notice(self, currency: str = "USD") -> str | None:
        """ "Reference median $9.00 set by the marketplace team (computed: $120.99); the position and the advice use
        the computed figures." — None without an override."""
        if not self.overridden:
            return None
        parts = []
        for figure in self.overridden:
            computed = f" (computed: {format_money(figure.computed, currency)})" if figure.computed is not None else ""
            parts.append(f"{figure.label} {format_money(figure.value, currency)}{computed}")
        text = _and_join(parts)
        return (
            f"Reference {text} set by the marketplace team; the position, the suggestion and the range use the "
            "computed figures."
        )

    def to_context(self) -> MarketContext:
        """The model's view of this market (raises ValueError when the prices are not usable, e.g. free listings).

        The computed figures only (overrides are references for people, not inputs to the model).
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
    """The market with the marketplace team's reference figures attached (None = no override of that figure).

    The computed figures stay in place (issue 11: the position, the demand model and the range use them, so an
    extreme override can never make one screen contradict itself); each override is listed in `overridden`
    with the computed value beside it, for the page to show as the team's reference.
    """
    figures = [
        ("median", "median_price", median),
        ("average", "average_price", average),
        ("top-seller average", "top_seller_average_price", top_seller_average),
    ]
    overridden = [OverriddenFigure(label, value, getattr(market, attr)) for label, attr, value in figures if value]
    if not overridden:
        return market
    return replace(market, overridden=tuple(overridden), override_note=note)


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
