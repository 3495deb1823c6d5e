"""Market benchmarks per product type and category: aggregated in the database, upserted daily, read for the pages.

Definitions (seed 000 steps 1c and 2g, issue 3):

* A benchmark **segment** is a product type within one *active* category, or a product
  type across all categories (`category_id` NULL, the "All categories" row).
* Its **members** are the published, not soft-deleted products of that type (and
  category). The all-categories row counts *every* such product of the type: those
  in inactive categories and uncategorised ones too, because it describes the
  type's whole market and is the fallback a seller in a retired category is shown.
  An inactive category gets no row of its own.
* **Sales window**: the 90 complete days before `now`'s UTC date — the date of
  `now` itself is excluded, because the job runs early in the day and today's
  revenue is still partial. With `now` = 2026-11-21 the window is 2026-08-23 …
  2026-11-20. Revenue records of products that are no longer members don't count.
* **Average monthly sales per product** = units sold by the segment's products in
  the window ÷ 3 ÷ number of products (products without a sale count as zero).
  "Sales" means units (seed: averageSalesPerMonth), not money.
* **Top sellers**: the sellers with a product in the segment, ranked by their
  90-day revenue from the segment's products (highest first, ties by seller id);
  the top ceil(10 % of them), at least 1. `top_seller_metrics` is
  `{"avgPrice", "avgRating", "avgMonthlySales"}` over those sellers' products in the
  segment, with the same definitions as the segment's own figures.
* `average_rating` averages the non-NULL ratings (NULL when none is rated); money
  and averages are rounded to 2 decimals with ROUND_HALF_UP; `price_range` is
  `{"min": float, "max": float, "p95": float}` (p95: the unrounded 95th percentile price, the pricing tool's
  price-cap reference, `core.market.segment_stats.price_p95`). Medians follow `percentile_cont(0.5)`: the middle
  price, or the mean of the two middle prices for an even count.
* A segment with fewer than `THIN_SAMPLE_SIZE` products is a *thin sample*.
* **Distribution and demand** (issue 11, `segment_statistics`): p10/p25/p75/p90 of the members' prices
  (`percentile_cont`), the median conversion of the members with views and the semi-log price-response fit
  ln(conversion) = a − β × price ÷ median (`core.market.segment_stats.fit_price_response`) over the members' views
  and purchases in the sales window.
  One more query returns one row per live product (views and purchases summed in the database); the
  percentiles and the fit are pure Python over those rows (`core.market.segment_stats`). Every page reads these
  nightly figures.

The database returns money in integer cents and ratings in hundredths so SQLite
(which keeps NUMERIC as floating point) and PostgreSQL sum exactly the same numbers;
the final divisions and rounding are the pure function `benchmark_values`. Reading the
rows for the pages is `core.market.queries`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import String, and_, case, cast, delete, func, literal, null, select
from sqlalchemy.orm import Session

from core.db import hundredths, insert_for
from core.market.segment_stats import SegmentKey, load_segment_activity, price_p95, sales_window, segment_statistics
from core.models import (
    Category,
    DigitalProduct,
    DigitalProductType,
    MarketBenchmark,
    ProductStatus,
    RevenueRecord,
)
from core.money import as_float, to_cents

log = logging.getLogger(__name__)

MONTHS_IN_WINDOW = 3
TOP_SELLER_PERCENT = 10
THIN_SAMPLE_SIZE = 5
ALL_CATEGORIES_LABEL = "All categories"


# ---------------------------------------------------------------- pure part


@dataclass(frozen=True)
class ProductTotals:
    """Sums over a set of products (a segment, or its top sellers' products) as the database returns them."""

    product_count: int
    price_cents_sum: int
    rating_hundredths_sum: int  # over the rated products only
    rated_count: int
    units_sum: int  # units sold in the sales window


@dataclass(frozen=True)
class SegmentTotals:
    product_type: DigitalProductType
    category_id: str | None
    products: ProductTotals
    price_cents_min: int
    price_cents_max: int
    median_price_cents: Decimal
    top_sellers: ProductTotals


def _dollars(cents: Decimal | int) -> Decimal:
    return to_cents(Decimal(cents) / 100)


def _average_price(t: ProductTotals) -> Decimal:
    return _dollars(Decimal(t.price_cents_sum) / t.product_count)


def _average_rating(t: ProductTotals) -> Decimal | None:
    # Two decimals, half up: the money rule serves ratings too.
    return to_cents(Decimal(t.rating_hundredths_sum) / t.rated_count / 100) if t.rated_count else None


def _monthly_sales(t: ProductTotals) -> Decimal:
    return to_cents(Decimal(t.units_sum) / MONTHS_IN_WINDOW / t.product_count)


def benchmark_values(totals: SegmentTotals, *, now: datetime) -> dict[str, Any]:
    """The `market_benchmarks` column values of one segment (a pure function of the database's sums)."""
    top = totals.top_sellers
    return {
        "product_type": totals.product_type,
        "category_id": totals.category_id,
        "average_price": _average_price(totals.products),
        "median_price": _dollars(totals.median_price_cents),
        "price_range": {"min": float(_dollars(totals.price_cents_min)), "max": float(_dollars(totals.price_cents_max))},
        "average_rating": _average_rating(totals.products),
        "average_sales_per_month": _monthly_sales(totals.products),
        "top_seller_metrics": {
            "avgPrice": float(_average_price(top)),
            "avgRating": as_float(_average_rating(top)),
            "avgMonthlySales": float(_monthly_sales(top)),
        },
        "sample_size": totals.products.product_count,
        "calculated_at": now,
    }


# ---------------------------------------------------------------- loading (aggregates in the database)


def _members_cte(start: date, end: date) -> Any:
    """One row per (segment, member product) with its price, rating and window sales.

    Every live product appears twice: once under its active category (if any) and
    once under the all-categories segment (category NULL), so one GROUP BY over
    (type, category) serves both kinds of rows — SQLite has no GROUPING SETS.
    """
    sales = (
        select(
            RevenueRecord.product_id,
            func.sum(RevenueRecord.units).label("units"),
            func.sum(hundredths(RevenueRecord.revenue)).label("revenue_cents"),
        )
        .where(RevenueRecord.day >= start, RevenueRecord.day < end)
        .group_by(RevenueRecord.product_id)
        .cte("window_sales")
        .prefix_with("MATERIALIZED")
    )
    p = DigitalProduct
    columns = [
        p.type.label("product_type"),
        p.seller_id.label("seller_id"),
        hundredths(p.price).label("price_cents"),
        hundredths(p.average_rating).label("rating_hundredths"),
        func.coalesce(sales.c.units, 0).label("units"),
        func.coalesce(sales.c.revenue_cents, 0).label("revenue_cents"),
    ]
    live = and_(p.status == ProductStatus.PUBLISHED, p.deleted_at.is_(None))
    in_active_category = (
        select(*columns, Category.id.label("category_id"))
        .join(Category, and_(Category.id == p.category_id, Category.is_active.is_(True)))
        .outerjoin(sales, sales.c.product_id == p.id)
        .where(live)
    )
    in_all_categories = (
        select(*columns, cast(null(), String(36)).label("category_id"))
        .select_from(p)
        .outerjoin(sales, sales.c.product_id == p.id)
        .where(live)
    )
    # MATERIALIZED (SQLite ≥ 3.35, PostgreSQL ≥ 12): computed once although read twice.
    return in_active_category.union_all(in_all_categories).cte("members").prefix_with("MATERIALIZED")


# The sums every product set gets, in the order of ProductTotals' fields.
_SUMS = ("product_count", "price_cents_sum", "rating_hundredths_sum", "rated_count", "units_sum")


def _product_sums(c: Any, prefix: str = "") -> list[Any]:
    rating_sum = func.coalesce(func.sum(c.rating_hundredths), 0)
    sums = (func.count(), func.sum(c.price_cents), rating_sum, func.count(c.rating_hundredths), func.sum(c.units))
    return [expr.label(prefix + name) for expr, name in zip(sums, _SUMS, strict=True)]


def _totals(row: Any, prefix: str = "") -> ProductTotals:
    return ProductTotals(*(int(getattr(row, prefix + name)) for name in _SUMS))


def _segments_subquery(members: Any, dialect: str) -> Any:
    """Count, sums, min/max and median per segment."""
    key = (members.c.product_type, members.c.category_id)
    if dialect == "postgresql":
        source = members
        # Over cents the result is a whole or half number of cents, exact in double precision.
        median_num: Any = func.percentile_cont(0.5).within_group(source.c.price_cents)
        median_den: Any = literal(1)
    else:
        # SQLite has no percentile_cont: rank prices within the segment and average the
        # middle one (odd count) or two (even count) — the same number.
        # Both windows share one ordering (the count's frame spans the whole partition) so
        # SQLite sorts the members once, not twice.
        order = members.c.price_cents
        source = select(
            members,
            func.row_number().over(partition_by=key, order_by=order).label("position"),
            func.count().over(partition_by=key, order_by=order, rows=(None, None)).label("segment_size"),
        ).subquery("ranked_prices")
        middle = source.c.position.in_([(source.c.segment_size + 1) // 2, (source.c.segment_size + 2) // 2])
        median_num = func.sum(case((middle, source.c.price_cents)))
        median_den = func.count(case((middle, 1)))
    return (
        select(
            source.c.product_type,
            source.c.category_id,
            *_product_sums(source.c),
            func.min(source.c.price_cents).label("price_cents_min"),
            func.max(source.c.price_cents).label("price_cents_max"),
            median_num.label("median_num"),
            median_den.label("median_den"),
        )
        .group_by(source.c.product_type, source.c.category_id)
        .subquery("segments")
    )


def _top_sellers_subquery(members: Any) -> Any:
    """Per segment, the sums over the products of its top sellers (ranked with a window function)."""
    per_seller = (
        select(
            members.c.product_type,
            members.c.category_id,
            members.c.seller_id,
            *_product_sums(members.c),
            func.sum(members.c.revenue_cents).label("revenue_cents"),
        )
        .group_by(members.c.product_type, members.c.category_id, members.c.seller_id)
        .subquery("per_seller")
    )
    key = (per_seller.c.product_type, per_seller.c.category_id)
    order = (per_seller.c.revenue_cents.desc(), per_seller.c.seller_id)
    ranked = select(
        per_seller,
        func.row_number().over(partition_by=key, order_by=order).label("seller_rank"),
        func.count().over(partition_by=key, order_by=order, rows=(None, None)).label("seller_count"),
    ).subquery("ranked_sellers")
    # ceil(n × 10 / 100) in integer arithmetic; at least 1 for any n ≥ 1.
    top_count = (ranked.c.seller_count * TOP_SELLER_PERCENT + 99) // 100
    return (
        select(ranked.c.product_type, ranked.c.category_id, *(func.sum(ranked.c[n]).label(f"top_{n}") for n in _SUMS))
        .where(ranked.c.seller_rank <= top_count)
        .group_by(ranked.c.product_type, ranked.c.category_id)
        .subquery("top_sellers")
    )


def load_segment_totals(session: Session, *, now: datetime) -> list[SegmentTotals]:
    """The database's sums for every segment with at least one live product, in one statement.

    The members CTE is materialised once and feeds both the segment aggregates and the
    top-seller ranking; the two are joined per segment (null-safe on the category).
    """
    start, end = sales_window(now)
    members = _members_cte(start, end)
    segments = _segments_subquery(members, session.get_bind().dialect.name)
    top = _top_sellers_subquery(members)
    # Null-safe on the category through coalesce, not IS NOT DISTINCT FROM: PostgreSQL cannot hash-join on
    # the latter and re-ran the top-seller ranking for every segment (minutes on the large data set).
    query = select(segments, *(c for c in top.c if c.name.startswith("top_"))).join(
        top,
        and_(
            top.c.product_type == segments.c.product_type,
            func.coalesce(top.c.category_id, "") == func.coalesce(segments.c.category_id, ""),
        ),
    )
    return [
        SegmentTotals(
            product_type=r.product_type,
            category_id=r.category_id,
            products=_totals(r),
            price_cents_min=int(r.price_cents_min),
            price_cents_max=int(r.price_cents_max),
            median_price_cents=Decimal(str(r.median_num)) / Decimal(r.median_den),
            top_sellers=_totals(r, "top_"),
        )
        for r in session.execute(query)
    ]


# ---------------------------------------------------------------- writing


# Everything but the key, the creation stamp and the admin's override (with its who/when) is replaced when the
# segment's row exists: the daily recalculation refreshes the computed figures beside an override, never over it.
_OVERRIDE_COLUMNS = {
    "override_average_price",
    "override_median_price",
    "override_top_seller_avg_price",
    "override_note",
    "overridden_by_user_id",
    "overridden_at",
}
_KEPT_ON_CONFLICT = {"id", "product_type", "category_id", "created_at", *_OVERRIDE_COLUMNS}


def _upsert(session: Session, rows: list[dict[str, Any]]) -> None:
    """INSERT … ON CONFLICT DO UPDATE against the partial unique index that matches each kind of row."""
    table = MarketBenchmark.__table__
    for per_category in (True, False):
        batch = [r for r in rows if (r["category_id"] is not None) is per_category]
        if not batch:
            continue
        stmt = insert_for(session, table)
        stmt = stmt.on_conflict_do_update(
            index_elements=[table.c.product_type, table.c.category_id] if per_category else [table.c.product_type],
            index_where=table.c.category_id.is_not(None) if per_category else table.c.category_id.is_(None),
            set_={c.name: stmt.excluded[c.name] for c in table.c if c.name not in _KEPT_ON_CONFLICT},
        )
        session.execute(stmt, batch)


def _delete_stale(session: Session, keep: set[SegmentKey]) -> int:
    """Delete the rows of segments that no longer have a live product (or whose category went inactive)."""
    table = MarketBenchmark.__table__
    existing = session.execute(select(table.c.id, table.c.product_type, table.c.category_id)).all()
    stale = [row.id for row in existing if (row.product_type, row.category_id) not in keep]
    if stale:
        session.execute(delete(table).where(table.c.id.in_(stale)))
    return len(stale)


def recalculate_benchmarks(session: Session, *, now: datetime) -> int:
    """Recompute every segment's benchmark and upsert it; return the number of rows upserted.

    Idempotent: a second run on the same data changes only `calculated_at` and
    `updated_at` (both set to `now`); ids and values stay. Rows of segments that no
    longer have a live product, or whose category became inactive, are deleted.
    Does not commit: the caller's `session_scope()` (the jobs runner) owns the transaction.
    """
    totals = load_segment_totals(session, now=now)
    activity = load_segment_activity(session, now=now)
    rows = []
    for t in totals:
        listings = activity.get((t.product_type, t.category_id), [])
        values = benchmark_values(t, now=now)
        values["price_range"] = {**values["price_range"], "p95": price_p95(listings)}
        rows.append({**values, **segment_statistics(listings), "created_at": now, "updated_at": now})
    removed = _delete_stale(session, {(r["product_type"], r["category_id"]) for r in rows})
    if rows:
        _upsert(session, rows)
    log.info("market benchmarks recalculated: %d upserted, %d stale removed", len(rows), removed)
    return len(rows)
