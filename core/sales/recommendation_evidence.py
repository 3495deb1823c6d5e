"""The evidence of a seller's product recommendations (issue 14, `core.sales.recommendations`).

**Evidence** (all products of the seller at once, a fixed number of queries whatever their number; windows are
complete days in the marketplace's time zone ending yesterday):

* views and add-to-cart of the last 30 days (`product_views`, `conversion_events`);
* orders and revenue of the last 30 days and of the 30 before, and orders of the last 90 (`orders`, gross: refunded
  orders count, as in the revenue roll-up), read from the seller's covering index;
* the **segment**: the product's type in its category, or the type across all categories when the category has
  fewer than `MIN_SEGMENT_PRODUCTS` ranked products or the product has none. Its ranked products are the published
  ones with at least `MIN_VIEWS` views in the 30 days, as stored by the nightly listing-scores job
  (`listing_scores.views_30d`, the same 30-day window); each one's conversion is its units sold in the window (the
  orders' daily roll-up, `revenue_records`: one unit per order) ÷ those views; the page states the median and the
  count. Stored views and the roll-up instead of summing `product_views` and `orders` over the segments' thousands
  of products: 2–8 s → about 0.4 s for the largest seller (24 segments, ~9,000 ranked products);
* the nightly benchmark's median price of the product's segment (the category's row when it has ≥ 5 listings,
  else the type's: the pricing tool's rule);
* the stored listing score (`listing_scores.overall`).

The domain packages that own benchmarks, pricing and listing scores import this one (through `core.market`), so
their tables are read here directly through the models, never through their packages (no import cycle).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from statistics import median
from typing import Any

from sqlalchemy import and_, case, func, or_, select, tuple_
from sqlalchemy.orm import Session

from core.ai.serialize import to_jsonable
from core.ai.tasks.product_recommendation import RecommendationPayload
from core.config import get_settings
from core.models import (
    Category,
    ConversionEvent,
    ConversionEventType,
    DigitalProduct,
    ListingScoreRecord,
    MarketBenchmark,
    Order,
    ProductStatus,
    ProductView,
    RevenueRecord,
)
from core.models.enums import product_type_label
from core.money import ZERO, as_float, percent_change, to_cents
from core.periods import Window, complete_days, local_day, start_of_day
from core.sales.recommendation_rules import MIN_SEGMENT_PRODUCTS, MIN_VIEWS, NO_SALE_DAYS, price_ratio

EVIDENCE_DAYS = 30
BENCHMARK_CATEGORY_MIN = 5  # the pricing tool's rule (core.pricing.market.MIN_CATEGORY_SAMPLE)

Segment = tuple[str, str | None]  # (product type, category id or None for all categories)


@dataclass(frozen=True)
class ProductEvidence:
    """One published product's evidence: its id, its segment and the payload the task answers from."""

    product_id: str
    segment: Segment
    payload: RecommendationPayload
    window: Window

    def as_json(self) -> dict[str, Any]:
        """The numbers stored with the recommendation (the page's "numbers behind it")."""
        p = self.payload
        data = to_jsonable(p)
        ratio = (
            None
            if p.conversion is None or not p.segment_median_conversion
            else p.conversion / p.segment_median_conversion
        )
        data.update(
            conversion=p.conversion,
            conversion_ratio=ratio if p.views >= MIN_VIEWS else None,
            price_ratio=price_ratio(p),
            revenue_change_percent=as_float(percent_change(p.revenue, p.previous_revenue)),
            window={"start": self.window.start.isoformat(), "end": self.window.end.isoformat()},
        )
        return data


# ---------------------------------------------------------------------------------------------- evidence


def _live() -> tuple[Any, ...]:
    return DigitalProduct.status == ProductStatus.PUBLISHED, DigitalProduct.deleted_at.is_(None)


def _segment_label(product_type: str, category_name: str | None) -> str:
    kind = product_type_label(product_type, lower=True)
    return f"{kind} listings in {category_name}" if category_name else f"{kind} listings across all categories"


@dataclass(frozen=True)
class SegmentStats:
    products: int
    median_conversion: float | None
    median_views: float | None


def _segment_rows(session: Session, *, categories: set[Segment], whole_types: set[str], window: Window) -> list[Any]:
    """(type, category id or None, views, units) of each ranked product of the segments (one query).

    Units sold in the window come from the daily roll-up of orders (`revenue_records`), summed over the window for
    every product in one pass of its (day, product, units) covering index and joined to the ranked products: one
    index range whatever the number of ranked products (probing `orders` per ranked product took 1–2 s for the
    largest seller's ~9,000). A unit is an order: the marketplace sells one unit per order.
    """
    rec = ListingScoreRecord
    in_segment = []
    if categories:
        in_segment.append(tuple_(rec.product_type, rec.category_id).in_(sorted(categories)))  # type: ignore[arg-type]
    if whole_types:
        in_segment.append(rec.product_type.in_(sorted(whole_types)))
    ranked = (
        select(rec.product_id, rec.product_type, rec.category_id, rec.views_30d)
        .where(rec.status == ProductStatus.PUBLISHED.value, rec.views_30d >= MIN_VIEWS, or_(*in_segment))
        .cte("ranked")
        .prefix_with("MATERIALIZED")
    )
    sold = (
        select(RevenueRecord.product_id, func.sum(RevenueRecord.units).label("units"))
        .where(RevenueRecord.day >= window.start, RevenueRecord.day <= window.end)
        .group_by(RevenueRecord.product_id)
        .cte("window_units")
        .prefix_with("MATERIALIZED")
    )
    query = select(
        ranked.c.product_type, ranked.c.category_id, ranked.c.views_30d, func.coalesce(sold.c.units, 0)
    ).outerjoin(sold, sold.c.product_id == ranked.c.product_id)
    return list(session.execute(query).all())


def load_segment_stats(session: Session, segments: Iterable[Segment], *, window: Window) -> dict[Segment, SegmentStats]:
    """Median conversion and views over each segment's ranked products; a segment (type, None) is the whole type."""
    wanted = set(segments)
    if not wanted:
        return {}
    categories = {s for s in wanted if s[1] is not None}
    whole = {t for t, c in wanted if c is None}
    values: dict[Segment, list[tuple[int, int]]] = {s: [] for s in wanted}
    for product_type, category_id, views, orders in _segment_rows(
        session, categories=categories, whole_types=whole, window=window
    ):
        for key in {(str(product_type), category_id), (str(product_type), None)}:
            if key in values:
                values[key].append((int(views), int(orders)))
    out = {}
    for key, rows in values.items():
        out[key] = SegmentStats(
            products=len(rows),
            median_conversion=median(o / v for v, o in rows) if rows else None,
            median_views=float(median(v for v, _ in rows)) if rows else None,
        )
    return out


def _benchmark_prices(session: Session, types: set[str]) -> dict[Segment, tuple[Decimal, int]]:
    rows = session.execute(
        select(
            MarketBenchmark.product_type,
            MarketBenchmark.category_id,
            MarketBenchmark.median_price,
            MarketBenchmark.sample_size,
        ).where(MarketBenchmark.product_type.in_(sorted(types)))
    ).all()
    return {(str(t), c): (Decimal(m), int(n)) for t, c, m, n in rows if m is not None}


def _benchmark_for(
    prices: dict[Segment, tuple[Decimal, int]], product_type: str, category_id: str | None
) -> tuple[Decimal, int] | None:
    own = prices.get((product_type, category_id)) if category_id else None
    if own is not None and own[1] >= BENCHMARK_CATEGORY_MIN:
        return own
    return prices.get((product_type, None))


def load_evidence(session: Session, *, seller_id: str, now: datetime) -> list[ProductEvidence]:
    """The evidence of every published product of the seller, by title (see the module docstring)."""
    tz = get_settings().timezone
    today = local_day(now, tz)
    window = complete_days(EVIDENCE_DAYS, today=today)
    previous = window.previous()
    lookback = complete_days(NO_SALE_DAYS, today=today)
    p = DigitalProduct
    products = session.execute(
        select(
            p.id,
            p.title,
            p.type,
            p.category_id,
            Category.name.label("category_name"),
            p.price,
            p.currency,
            p.published_at,
            ListingScoreRecord.overall,
        )
        .outerjoin(Category, Category.id == p.category_id)
        .outerjoin(ListingScoreRecord, ListingScoreRecord.product_id == p.id)
        .where(p.seller_id == seller_id, *_live())
        .order_by(func.lower(p.title), p.id)
    ).all()
    if not products:
        return []

    views = dict(
        session.execute(
            select(ProductView.product_id, func.sum(ProductView.views))
            .where(ProductView.seller_id == seller_id, ProductView.day >= window.start, ProductView.day <= window.end)
            .group_by(ProductView.product_id)
        ).all()
    )
    carts = dict(
        session.execute(
            select(ConversionEvent.product_id, func.sum(ConversionEvent.count))
            .where(
                ConversionEvent.seller_id == seller_id,
                ConversionEvent.event_type == ConversionEventType.ADD_TO_CART,
                ConversionEvent.day >= window.start,
                ConversionEvent.day <= window.end,
            )
            .group_by(ConversionEvent.product_id)
        ).all()
    )
    w_start, w_end = start_of_day(window.start, tz), start_of_day(window.end + timedelta(days=1), tz)
    prev_start = start_of_day(previous.start, tz)
    current = and_(Order.created_at >= w_start)
    before = and_(Order.created_at >= prev_start, Order.created_at < w_start)
    sales = {
        row.product_id: row
        for row in session.execute(
            select(
                Order.product_id,
                func.sum(case((current, 1), else_=0)).label("orders"),
                func.sum(case((current, Order.amount), else_=0)).label("revenue"),
                func.sum(case((before, Order.amount), else_=0)).label("previous_revenue"),
                func.count().label("orders_90d"),
            )
            .where(
                Order.seller_id == seller_id,
                Order.created_at >= min(start_of_day(lookback.start, tz), prev_start),
                Order.created_at < w_end,
            )
            .group_by(Order.product_id)
        )
    }

    def segment_of(product_type: str, category_id: str | None) -> Segment:
        return (product_type, category_id)

    first = {segment_of(str(r.type), r.category_id) for r in products}
    stats = load_segment_stats(session, first, window=window)
    thin = {(t, None) for (t, c), s in stats.items() if c is not None and s.products < MIN_SEGMENT_PRODUCTS}
    if thin - set(stats):
        stats.update(load_segment_stats(session, thin - set(stats), window=window))
    prices = _benchmark_prices(session, {str(r.type) for r in products})

    out = []
    for r in products:
        product_type = str(r.type)
        segment = segment_of(product_type, r.category_id)
        if r.category_id is not None and stats[segment].products < MIN_SEGMENT_PRODUCTS:
            segment = (product_type, None)
        seg = stats[segment]
        sold = sales.get(r.id)
        benchmark = _benchmark_for(prices, product_type, r.category_id)
        published = None if r.published_at is None else max(0, (today - local_day(r.published_at, tz)).days)
        payload = RecommendationPayload(
            title=r.title or "",
            product_type=product_type,
            category_name=r.category_name,
            currency=r.currency or "USD",
            price=to_cents(r.price),
            days_published=published,
            views=int(views.get(r.id) or 0),
            add_to_cart=int(carts.get(r.id) or 0),
            orders=int(sold.orders) if sold else 0,
            revenue=to_cents(sold.revenue) if sold else ZERO,
            previous_revenue=to_cents(sold.previous_revenue) if sold else ZERO,
            orders_90d=int(sold.orders_90d) if sold else 0,
            segment_label=_segment_label(product_type, r.category_name if segment[1] is not None else None),
            segment_products=seg.products,
            segment_median_conversion=seg.median_conversion,
            segment_median_views=seg.median_views,
            benchmark_median_price=None if benchmark is None else to_cents(benchmark[0]),
            benchmark_sample=0 if benchmark is None else benchmark[1],
            listing_score=None if r.overall is None else round(float(r.overall), 1),
        )
        out.append(ProductEvidence(product_id=r.id, segment=segment, payload=payload, window=window))
    return out
