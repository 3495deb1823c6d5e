"""The pricing optimizer's loading queries: the seller's products with 90-day activity, the nightly market
benchmarks of their segments (issue 11: the Pricing tool reads the same figures as Market and Benchmarks, never
live quartiles), each segment's 95th percentile for the price cap, and the products' own price-change evidence.

A fixed number of queries whatever the number of products: `load_product_rows` (one), `load_market` (one,
`core.market.queries.list_benchmarks`, whose rows carry the nightly 95th percentile; plus `segment_extras` for a
row computed before the nightly job stored it), `load_evidence` (one, plus three when a product has price
changes).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Float, Integer, String, case, cast, func, null, select, type_coerce
from sqlalchemy import union_all as sql_union_all
from sqlalchemy.orm import Session

from core.ai.tasks.pricing_types import ProductFacts
from core.market.overrides import effective_reference
from core.market.queries import BenchmarkView, list_benchmarks
from core.models import (
    Category,
    ConversionEvent,
    ConversionEventType,
    DigitalProduct,
    DigitalProductType,
    ProductStatus,
    ProductView,
    RevenueRecord,
)
from core.money import to_cents
from core.pricing.market import (
    MIN_CATEGORY_SAMPLE,
    PricingMarket,
    SegmentScope,
    choose_segment,
    with_reference_overrides,
)
from core.pricing.rules import conversion_rate, interpolate_percentile

Segment = tuple[str, str | None]  # (product type, category id or None for all categories)


def _live(*conditions: ColumnElement[bool]) -> tuple[ColumnElement[bool], ...]:
    return DigitalProduct.status == ProductStatus.PUBLISHED, DigitalProduct.deleted_at.is_(None), *conditions


def _in_window(day: Any, window: tuple[date, date]) -> tuple[ColumnElement[bool], ...]:
    return day >= window[0], day < window[1]


# ---------------------------------------------------------------- segment extras (one query)


@dataclass(frozen=True)
class SegmentExtras:
    """Per segment: what `segment_price_bands` does not give (unrounded floats; rate None without views)."""

    sample_size: int
    min: float
    max: float
    p95: float
    average_rating: float | None
    median_conversion_rate: float | None


def _activity_rate(window: tuple[date, date]) -> ColumnElement[Any]:
    """A listing's purchases ÷ views over the window (NULL without views), as correlated sums.

    Correlated per listing rather than grouped over the whole table: each sum is a range scan of the
    (product_id, day[, event_type]) unique index, so only the segment's listings' rows are read.
    """
    views = (
        select(func.sum(ProductView.views))
        .where(ProductView.product_id == DigitalProduct.id, *_in_window(ProductView.day, window))
        .scalar_subquery()
    )
    purchases = (
        select(func.coalesce(func.sum(ConversionEvent.count), 0))
        .where(
            ConversionEvent.product_id == DigitalProduct.id,
            *_in_window(ConversionEvent.day, window),
            ConversionEvent.event_type == ConversionEventType.PURCHASE,
        )
        .scalar_subquery()
    )
    return case((views > 0, cast(purchases, Float) / views), else_=null())


def segment_extras(
    session: Session, *, segments: Iterable[Segment], window: tuple[date, date] | None = None
) -> dict[Segment, SegmentExtras]:
    """Count, min, max, 95th percentile, average rating and median conversion of published prices per segment.

    One query. Segments are (type, category id) or (type, None) for all categories, over the same listings as
    `segment_price_bands`. The 95th percentile interpolates like `percentile_cont(0.95)` (used on PostgreSQL;
    SQLite ranks with windows). Conversion = a listing's purchases ÷ views over `window` (first day included,
    last excluded), listings without views left out of the median; without `window` it is not computed.
    Segments without a published listing are absent.
    """
    wanted = {(str(t), c) for t, c in segments}
    if not wanted:
        return {}
    types = sorted({t for t, _ in wanted})
    category_ids = sorted({c for _, c in wanted if c is not None})
    whole_types = sorted({t for t, c in wanted if c is None})
    market = select(
        DigitalProduct.type.label("type"),
        DigitalProduct.category_id.label("category_id"),
        DigitalProduct.price.label("price"),
        type_coerce(DigitalProduct.average_rating, Float).label("rating"),
    ).where(*_live(DigitalProduct.type.in_(types)))
    if window is not None:
        market = market.add_columns(_activity_rate(window).label("rate"))
    else:
        market = market.add_columns(cast(null(), Float).label("rate"))
    listings = market.cte("market_listings")
    parts = []
    if category_ids:
        parts.append(select(listings).where(listings.c.category_id.in_(category_ids)))
    if whole_types:
        no_category = cast(null(), String(36)).label("category_id")
        c = listings.c
        parts.append(select(c.type, no_category, c.price, c.rating, c.rate).where(c.type.in_(whole_types)))
    source = (sql_union_all(*parts) if len(parts) > 1 else parts[0]).subquery("segment_listings")
    postgres = session.get_bind().dialect.name == "postgresql"
    rows = session.execute(_postgres_extras(source) if postgres else _sqlite_extras(source)).all()
    extras: dict[Segment, SegmentExtras] = {}
    for row in rows:
        key = (str(row.type), row.category_id)
        if key not in wanted:
            continue
        if postgres:
            p95, rate = row.p95, row.median_rate
        else:
            p95 = interpolate_percentile(0.95, row.n, row.p95_below, row.p95_above)
            rate = interpolate_percentile(0.5, row.rate_n, row.rate_below, row.rate_above) if row.rate_n else None
        extras[key] = SegmentExtras(
            sample_size=int(row.n),
            min=float(row.min_price),
            max=float(row.max_price),
            p95=float(p95),
            average_rating=None if row.average_rating is None else round(float(row.average_rating), 4),
            median_conversion_rate=None if rate is None else float(rate),
        )
    return extras


def _postgres_extras(source: Any) -> Any:
    c = source.c
    return select(
        c.type,
        c.category_id,
        func.count().label("n"),
        func.min(c.price).label("min_price"),
        func.max(c.price).label("max_price"),
        type_coerce(func.percentile_cont(0.95).within_group(c.price), Float).label("p95"),
        type_coerce(func.avg(c.rating), Float).label("average_rating"),
        # percentile_cont ignores NULLs: listings without views drop out of the median.
        type_coerce(func.percentile_cont(0.5).within_group(c.rate), Float).label("median_rate"),
    ).group_by(c.type, c.category_id)


def _sqlite_extras(source: Any) -> Any:
    """The values around the 95th price percentile and the median rate, found by rank, then aggregated."""
    c = source.c
    segment = (c.type, c.category_id)
    ranked = select(
        source,
        (func.row_number().over(partition_by=segment, order_by=c.price) - 1).label("price_pos"),
        func.count().over(partition_by=segment).label("seg_n"),
        (func.row_number().over(partition_by=(*segment, c.rate.is_(None)), order_by=c.rate) - 1).label("rate_pos"),
        func.count(c.rate).over(partition_by=segment).label("seg_rate_n"),
    ).subquery("ranked_listings")
    r = ranked.c
    p95_floor = cast(0.95 * (r.seg_n - 1), Integer)  # CAST truncates: the floor of a non-negative position
    rate_floor = cast(0.5 * (r.seg_rate_n - 1), Integer)
    has_rate = r.rate.is_not(None)
    return select(
        r.type,
        r.category_id,
        func.count().label("n"),
        func.min(r.price).label("min_price"),
        func.max(r.price).label("max_price"),
        func.max(case((r.price_pos == p95_floor, r.price))).label("p95_below"),
        func.max(case((r.price_pos == p95_floor + 1, r.price))).label("p95_above"),
        type_coerce(func.avg(r.rating), Float).label("average_rating"),
        func.max(r.seg_rate_n).label("rate_n"),
        func.max(case((has_rate & (r.rate_pos == rate_floor), r.rate))).label("rate_below"),
        func.max(case((has_rate & (r.rate_pos == rate_floor + 1), r.rate))).label("rate_above"),
    ).group_by(r.type, r.category_id)


# ---------------------------------------------------------------- the seller's products (one query)


def load_product_rows(
    session: Session, *, seller_id: str, window: tuple[date, date], conditions: Iterable[ColumnElement[bool]]
) -> list[Any]:
    """The seller's live products matching `conditions` with category name and 90-day views, purchases, units.

    The sums are correlated per product (a range scan of each table's (product_id, day) unique index).
    """

    def window_sum(model: Any, amount: Any, *extra: ColumnElement[bool]) -> Any:
        return (
            select(func.sum(amount))
            .where(model.product_id == DigitalProduct.id, *_in_window(model.day, window), *extra)
            .scalar_subquery()
        )

    purchase = ConversionEvent.event_type == ConversionEventType.PURCHASE
    query = (
        select(
            *DigitalProduct.__table__.c,
            Category.name.label("category_name"),
            window_sum(ProductView, ProductView.views).label("views"),
            window_sum(ConversionEvent, ConversionEvent.count, purchase).label("purchases"),
            window_sum(RevenueRecord, RevenueRecord.units).label("units"),
        )
        .outerjoin(Category, Category.id == DigitalProduct.category_id)
        .where(DigitalProduct.seller_id == seller_id, DigitalProduct.deleted_at.is_(None), *conditions)
        .order_by(func.lower(DigitalProduct.title), DigitalProduct.id)
    )
    return list(session.execute(query).all())


def product_facts(row: Any, *, category_name: str | None) -> ProductFacts:
    """What the model may know about a product row: counts and rates, no seller identity."""
    return ProductFacts(
        title=row.title or "",
        product_type=str(row.type),
        category_name=category_name,
        current_price=row.price,
        average_rating=None if row.average_rating is None else float(row.average_rating),
        conversion_rate=conversion_rate(row.purchases, row.views),
        currency=row.currency or "USD",
    )


# ---------------------------------------------------------------- the market of a set of products


@dataclass(frozen=True)
class MarketData:
    """The nightly benchmark rows of every segment involved, and the 95th percentile price of each segment an
    analysis uses (only for the price cap, the same figure `apply_price` checks against): the nightly one, live
    for a row computed before the nightly job stored it."""

    benchmarks: dict[Segment, BenchmarkView]
    p95: dict[Segment, float]


def load_market(session: Session, rows: list[Any]) -> MarketData:
    """One query for all rows: the nightly benchmarks of their types, with the 95th percentile of each segment the
    analyses use (a category's when it has ≥ `MIN_CATEGORY_SAMPLE` listings, else its type's). A second query
    (`segment_extras`) only for segments whose row was computed before the nightly job stored that percentile."""
    types = {str(r.type) for r in rows}
    if not types:
        return MarketData({}, {})
    only_type = next(iter(types)) if len(types) == 1 else None
    views = list_benchmarks(session, product_type=only_type)
    benchmarks = {(str(b.product_type), b.category_id): b for b in views}
    data = MarketData(benchmarks, {})
    p95: dict[Segment, float] = {}
    live: set[Segment] = set()
    for r in rows:
        chosen = segment_benchmark(data, str(r.type), r.category_id)
        if chosen is None:
            continue
        key = (str(r.type), r.category_id if chosen[1] == "category" else None)
        if chosen[0].price_p95 is not None:
            p95[key] = chosen[0].price_p95
        else:
            live.add(key)
    if live:
        p95.update((key, extras.p95) for key, extras in segment_extras(session, segments=live).items())
    return MarketData(benchmarks, p95)


def segment_benchmark(
    data: MarketData, product_type: str, category_id: str | None
) -> tuple[BenchmarkView, SegmentScope] | None:
    """The nightly row the analysis uses: the category's when it has ≥ `MIN_CATEGORY_SAMPLE` listings, else the
    type's all-categories row (None when the type has no row yet)."""
    category = data.benchmarks.get((product_type, category_id)) if category_id else None
    whole = data.benchmarks.get((product_type, None))
    return choose_segment(category, whole)


def top_seller_price(
    data: MarketData, product_type: str, category_id: str | None, scope: SegmentScope
) -> tuple[Decimal | None, SegmentScope | None]:
    """The computed top-seller average of the segment's row (the category's, else the type's)."""
    if scope == "category" and category_id is not None:
        own = data.benchmarks.get((product_type, category_id))
        if own is not None:
            return own.top_sellers.avg_price, "category"
    whole = data.benchmarks.get((product_type, None))
    return (whole.top_sellers.avg_price, "all categories") if whole is not None else (None, None)


def market_from_benchmark(
    price: Decimal,
    row: BenchmarkView,
    scope: SegmentScope,
    *,
    top: tuple[Decimal | None, SegmentScope | None],
    p95: Decimal,
) -> PricingMarket:
    """The market as the page shows it, from the nightly row's computed figures; the marketplace team's overrides
    are attached as references (`overridden`), never used in place of the computed figures."""
    assert row.p25_price is not None and row.p75_price is not None  # `has_distribution` checked by the caller
    market = PricingMarket(
        seller_price=price,
        average_price=row.average_price,
        median_price=row.median_price,
        p25_price=row.p25_price,
        p75_price=row.p75_price,
        min_price=min(row.price_min, row.p25_price),
        max_price=max(row.price_max, row.p75_price),
        p95_price=p95,
        sample_size=row.sample_size,
        segment_scope=scope,
        thin_sample=row.sample_size < MIN_CATEGORY_SAMPLE,
        category_name=row.category_name if scope == "category" else None,
        top_seller_average_price=top[0],
        top_seller_scope=top[1],
        average_rating=None if row.average_rating is None else float(row.average_rating),
        median_conversion_rate=row.median_conversion_rate,
        p10_price=row.p10_price,
        p90_price=row.p90_price,
        calculated_at=row.calculated_at,
    )
    reference = effective_reference(row)
    return with_reference_overrides(
        market,
        median=reference.median_price.value if reference.median_price.is_override else None,
        average=reference.average_price.value if reference.average_price.is_override else None,
        top_seller_average=(
            reference.top_seller_avg_price.value if reference.top_seller_avg_price.is_override else None
        ),
        note=reference.note,
    )


def price_cap_reference(session: Session, *, product: DigitalProduct) -> Decimal | None:
    """The 95th percentile price (cents) of the product's segment, None when no other published listing compares.

    Same segment rule and figure as the analysis: the nightly benchmark rows (the category's when it has ≥ 5
    listings of the type, else the type's) and their stored 95th percentile, in one query; counted live from the
    listings (one more query) when the type has no nightly row yet or its row predates the stored percentile.
    """
    rows = {
        (str(b.product_type), b.category_id): b
        for b in list_benchmarks(session, product_type=DigitalProductType(product.type))
    }
    nightly = segment_benchmark(MarketData(rows, {}), str(product.type), product.category_id)
    own = 1 if product.status == ProductStatus.PUBLISHED else 0
    if nightly is not None and nightly[0].price_p95 is not None:
        whole_row = rows.get((str(product.type), None))
        if whole_row is None or whole_row.sample_size - own < 1:
            return None
        return to_cents(nightly[0].price_p95)
    whole_key: Segment = (str(product.type), None)
    keys = {whole_key} | ({(str(product.type), product.category_id)} if product.category_id else set())
    extras = segment_extras(session, segments=keys)
    whole = extras.get(whole_key)
    if whole is None or whole.sample_size - own < 1:
        return None
    category = extras.get((str(product.type), product.category_id)) if product.category_id else None
    chosen = choose_segment(category, whole)
    return None if chosen is None else to_cents(chosen[0].p95)
