"""Reading the market benchmarks for the pages: every row (optionally of one type and/or category) and one
segment's row with its all-categories fallback, as plain `BenchmarkView`s with the admin's override beside the
computed figures. The figures themselves are computed and upserted daily by `core.market.benchmarks`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from core.market.benchmarks import ALL_CATEGORIES_LABEL, THIN_SAMPLE_SIZE
from core.models import Category, DigitalProductType, MarketBenchmark, User
from core.money import to_cents


@dataclass(frozen=True)
class TopSellerMetrics:
    avg_price: Decimal
    avg_rating: Decimal | None
    avg_monthly_sales: Decimal


@dataclass(frozen=True)
class BenchmarkView:
    """One benchmark row as the pages show it."""

    id: str
    product_type: DigitalProductType
    category_id: str | None
    category_name: str  # ALL_CATEGORIES_LABEL for the all-categories row
    average_price: Decimal
    median_price: Decimal
    price_min: Decimal
    price_max: Decimal
    average_rating: Decimal | None
    average_sales_per_month: Decimal
    top_sellers: TopSellerMetrics
    sample_size: int
    thin_sample: bool  # sample_size < THIN_SAMPLE_SIZE: show a warning wherever the row is shown
    calculated_at: datetime
    is_fallback: bool = False  # the category had no row: this is the type's all-categories row
    # The admin's override of the reference figures (None = the computed figure is used); see
    # `core.market.overrides.effective_reference` for the values to show.
    override_average_price: Decimal | None = None
    override_median_price: Decimal | None = None
    override_top_seller_avg_price: Decimal | None = None
    override_note: str | None = None
    overridden_by_user_id: str | None = None
    overridden_by_name: str | None = None
    overridden_at: datetime | None = None
    # The nightly distribution and demand figures (issue 11); None until the job has computed them.
    p10_price: Decimal | None = None
    p25_price: Decimal | None = None
    p75_price: Decimal | None = None
    p90_price: Decimal | None = None
    median_conversion_rate: float | None = None
    demand_model: dict[str, Any] | None = None
    price_p95: float | None = None  # the unrounded 95th percentile price (the price cap's reference); None before

    @property
    def has_distribution(self) -> bool:
        """True when the nightly percentiles are there (a row computed before issue 11 lacks them)."""
        return None not in (self.p10_price, self.p25_price, self.p75_price, self.p90_price)


def _float(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _decimal(value: float | None) -> Decimal | None:
    return None if value is None else to_cents(value)


def _view(
    benchmark: MarketBenchmark,
    category_name: str | None,
    overridden_by_name: str | None = None,
    *,
    is_fallback: bool = False,
) -> BenchmarkView:
    top = benchmark.top_seller_metrics
    return BenchmarkView(
        id=benchmark.id,
        product_type=benchmark.product_type,
        category_id=benchmark.category_id,
        category_name=category_name if benchmark.category_id else ALL_CATEGORIES_LABEL,
        average_price=benchmark.average_price,
        median_price=benchmark.median_price,
        price_min=_decimal(benchmark.price_range["min"]),
        price_max=_decimal(benchmark.price_range["max"]),
        average_rating=benchmark.average_rating,
        average_sales_per_month=benchmark.average_sales_per_month,
        top_sellers=TopSellerMetrics(
            avg_price=_decimal(top["avgPrice"]),
            avg_rating=_decimal(top.get("avgRating")),
            avg_monthly_sales=_decimal(top["avgMonthlySales"]),
        ),
        sample_size=benchmark.sample_size,
        thin_sample=benchmark.sample_size < THIN_SAMPLE_SIZE,
        calculated_at=benchmark.calculated_at,
        is_fallback=is_fallback,
        override_average_price=benchmark.override_average_price,
        override_median_price=benchmark.override_median_price,
        override_top_seller_avg_price=benchmark.override_top_seller_avg_price,
        override_note=benchmark.override_note,
        overridden_by_user_id=benchmark.overridden_by_user_id,
        overridden_by_name=overridden_by_name if benchmark.overridden_by_user_id else None,
        overridden_at=benchmark.overridden_at,
        p10_price=benchmark.p10_price,
        p25_price=benchmark.p25_price,
        p75_price=benchmark.p75_price,
        p90_price=benchmark.p90_price,
        median_conversion_rate=(
            None if benchmark.median_conversion_rate is None else float(benchmark.median_conversion_rate)
        ),
        demand_model=benchmark.demand_model,
        price_p95=_float(benchmark.price_range.get("p95")),
    )


def _benchmark_query() -> Any:
    # populate_existing: the upsert writes through Core, so ORM objects already in the
    # session would otherwise show the values from before a recalculation.
    return (
        select(MarketBenchmark, Category.name, User.name)
        .outerjoin(Category, Category.id == MarketBenchmark.category_id)
        .outerjoin(User, User.id == MarketBenchmark.overridden_by_user_id)
        .where(or_(MarketBenchmark.category_id.is_(None), Category.is_active.is_(True)))
        .execution_options(populate_existing=True)
    )


def list_benchmarks(
    session: Session, *, product_type: DigitalProductType | None = None, category_id: str | None = None
) -> list[BenchmarkView]:
    """Benchmarks, optionally of one type and/or one category; per type the all-categories row first, then by name.

    `category_id=None` means "any category" (all rows), not "only the all-categories rows".
    """
    query = _benchmark_query()
    if product_type is not None:
        query = query.where(MarketBenchmark.product_type == product_type)
    if category_id is not None:
        query = query.where(MarketBenchmark.category_id == category_id)
    query = query.order_by(
        MarketBenchmark.product_type, MarketBenchmark.category_id.is_not(None), Category.name, MarketBenchmark.id
    )
    return [_view(b, name, admin) for b, name, admin in session.execute(query)]


def benchmark_for(
    session: Session, *, product_type: DigitalProductType, category_id: str | None
) -> BenchmarkView | None:
    """The benchmark of a type in a category; without one, the type's all-categories row marked `is_fallback`.

    `category_id=None` asks for the all-categories row itself (not a fallback). None when the
    type has no benchmark at all.
    """
    base = _benchmark_query().where(MarketBenchmark.product_type == product_type)
    if category_id is not None:
        found = session.execute(base.where(MarketBenchmark.category_id == category_id)).first()
        if found is not None:
            return _view(*found)
    found = session.execute(base.where(MarketBenchmark.category_id.is_(None))).first()
    if found is None:
        return None
    return _view(*found, is_fallback=category_id is not None)
