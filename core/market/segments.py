"""The Market page's segment charts (issue 4): a segment's price distribution, where a seller's prices sit in it,
its monthly sales over the last 12 months, and the seller's own segments (to preselect the benchmark filter).

A **segment** is what `core.market.benchmarks` calls one: a product type within one category (`category_id` given),
or the type across all categories (`category_id` None: every product of the type, uncategorised ones and
those in inactive categories included, like the benchmark's "All categories" row).

* **Price distribution**: the published, not-deleted products of the segment. The database groups them by
  price (one GROUP BY; a segment holds at most a few thousand products and far fewer distinct prices, since
  prices cluster on 9.99, 19.00…), then the pure `bin_prices` puts those (price, count) pairs into at most
  `bins` bins of a round width ($1, $2, $2.50, $5, $10, $20, $25, $50, …) so every edge reads like a price.
  Bins are half-open, [low, high).
* **Forecast history**: `recent_daily_revenue`, the last 90 days the forecast's projection continues.
* **Monthly sales**: revenue and units of the segment's products per calendar month (UTC), for the `months`
  complete months before the month of `now` (the running month would look like a drop). Products archived
  or deleted since then still count for the months they sold in: leaving them out would make the past look
  smaller than it was and invent a rising trend. Months without a sale are 0. Summed in integer cents so
  SQLite and PostgreSQL agree to the cent.
* **Nightly statistics** (issue 11; computed by the benchmarks job, stored on `market_benchmarks`, read by
  the Pricing tool, Market and Benchmarks): price percentiles p10/p25/p75/p90 interpolated like
  `percentile_cont`; the median conversion (purchases ÷ views over the 90-day window) of the listings with
  views; and the **price response** (`fit_price_response`), a semi-log curve

      ln(conversion) = a − β × x,   x = price ÷ M   (M: the segment's median price, `percentile_cont(0.5)`)

  fitted by view-weighted least squares over the listings with ≥ `FIT_MIN_VIEWS` views, each conversion
  smoothed toward the segment's pooled rate m = Σpurchases ÷ Σviews by `FIT_SMOOTHING_VIEWS` pseudo-views:
  c_i = (purchases_i + K·m) ÷ (views_i + K), y_i = ln c_i. Weights w_i = views_i ÷ mean(views).
  β = −Σw(x−x̄)(y−ȳ) ÷ Σw(x−x̄)² (x̄, ȳ weighted means), a = ȳ + β·x̄, standard error
  √(Σw·r² ÷ (n−2) ÷ Σw(x−x̄)²). Since views do not depend on the price, units ∝ views × conversion, so the
  segment's price elasticity at a price p is −β × p ÷ M: a listing priced at twice the median faces twice the
  elasticity of one at the median. (A log-log fit, the previous form, gives one elasticity for the whole
  segment; the semi-log form lets it grow with the price, as demand does when a buyer has cheaper
  alternatives at hand.) Stored raw as {form: "semi-log", slope β, standardError, intercept a, medianPrice M,
  sample, pooledConversion, minViews, smoothingViews}; the pricing model (`core.pricing.demand`) turns it
  into evidence at the product's own price and shrinks it toward its prior. Needs ≥ `FIT_MIN_LISTINGS`
  listings and two distinct prices, else None.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import Date, DateTime, and_, cast, func, literal_column, select
from sqlalchemy.orm import Session

from core.db import hundredths
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
from core.periods import DailyPoint, MonthPoint, Window, fill_missing_days, require_aware
from core.sales.forecast import load_daily_sales

DEFAULT_BINS = 12
ACTUAL_DAYS = 90  # the forecast chart's history before the projection
MIN_BIN_CENTS = 100  # bins narrower than $1 tell a seller nothing
_NICE_STEPS = (100, 200, 250, 500)  # × 10^k cents
WINDOW_DAYS = 90  # the benchmarks' sales window (`sales_window`)
SegmentKey = tuple[DigitalProductType, str | None]
FIT_MIN_VIEWS = 50  # a listing enters the price-response fit with at least this many views in the window
FIT_MIN_LISTINGS = 8  # fewer listings: no fit (the pricing model keeps its prior)
FIT_SMOOTHING_VIEWS = 20  # pseudo-views pulling each conversion toward the segment's pooled rate


@dataclass(frozen=True)
class PriceBin:
    low: Decimal  # included
    high: Decimal  # excluded
    count: int


@dataclass(frozen=True)
class PriceHistogram:
    bins: tuple[PriceBin, ...]  # consecutive, equal width; empty when the segment has no product
    product_count: int
    bin_width: Decimal | None


@dataclass(frozen=True)
class SellerPrice:
    product_id: str
    title: str
    price: Decimal


@dataclass(frozen=True)
class SellerSegment:
    product_type: DigitalProductType
    category_id: str | None
    category_name: str | None
    products: int  # the seller's published products in it


# ---------------------------------------------------------------- pure part: nightly statistics


class ListingActivity(NamedTuple):
    """One published listing of a segment: its price and its views and purchases over the 90-day window.

    A named tuple, not a frozen dataclass: the benchmarks job builds one per live product (167 k on the large
    data set), and a tuple is built about five times faster."""

    price: float
    views: int
    purchases: int


def sales_window(now: datetime) -> tuple[date, date]:
    """(first day included, first day excluded): the `WINDOW_DAYS` complete days before `now`'s UTC date (the
    benchmarks' and the price-response fit's window; `core.market.benchmarks` re-exports it)."""
    require_aware(now)
    end = now.astimezone(UTC).date()
    return end - timedelta(days=WINDOW_DAYS), end


def percentile_cont(sorted_values: Sequence[float], q: float) -> float | None:
    """PostgreSQL's `percentile_cont(q)` over ascending values: linear between positions ⌊(n−1)q⌋ and the next."""
    if not sorted_values:
        return None
    position = q * (len(sorted_values) - 1)
    low = math.floor(position)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (position - low) * (sorted_values[high] - sorted_values[low])


def median_conversion(listings: Iterable[ListingActivity]) -> float | None:
    """The median of purchases ÷ views over the listings with views (None when none has views)."""
    rates = sorted(item.purchases / item.views for item in listings if item.views > 0)
    return percentile_cont(rates, 0.5)


def fit_price_response(listings: Sequence[ListingActivity]) -> dict[str, Any] | None:
    """The segment's semi-log price response (module docstring): {form, slope β, standardError, intercept,
    medianPrice, sample, pooledConversion, minViews, smoothingViews}, or None with too few usable listings,
    no sale or a single price. M is the median price of every listing given (the segment's), to the cent."""
    middle = percentile_cont(sorted(item.price for item in listings), 0.5)
    median = None if middle is None else float(to_cents(middle))  # to the cent, as stored and read back
    usable = [item for item in listings if item.views >= FIT_MIN_VIEWS and item.price > 0]
    total_views = sum(item.views for item in usable)
    if median is None or median <= 0 or len(usable) < FIT_MIN_LISTINGS or total_views <= 0:
        return None
    pooled = sum(item.purchases for item in usable) / total_views
    if pooled <= 0:
        return None
    k = FIT_SMOOTHING_VIEWS
    xs = [item.price / median for item in usable]
    ys = [math.log((item.purchases + k * pooled) / (item.views + k)) for item in usable]
    mean_views = total_views / len(usable)
    ws = [item.views / mean_views for item in usable]
    w_sum = sum(ws)
    x_bar = sum(w * x for w, x in zip(ws, xs, strict=True)) / w_sum
    y_bar = sum(w * y for w, y in zip(ws, ys, strict=True)) / w_sum
    sxx = sum(w * (x - x_bar) ** 2 for w, x in zip(ws, xs, strict=True))
    if sxx <= 1e-12:
        return None
    slope = sum(w * (x - x_bar) * (y - y_bar) for w, x, y in zip(ws, xs, ys, strict=True)) / sxx
    residual = sum(w * (y - y_bar - slope * (x - x_bar)) ** 2 for w, x, y in zip(ws, xs, ys, strict=True))
    standard_error = math.sqrt(residual / (len(usable) - 2) / sxx)
    return {
        "form": "semi-log",
        "slope": round(-slope, 6),
        "standardError": round(standard_error, 6),
        "intercept": round(y_bar - slope * x_bar, 6),
        "medianPrice": median,
        "sample": len(usable),
        "pooledConversion": round(pooled, 6),
        "minViews": FIT_MIN_VIEWS,
        "smoothingViews": FIT_SMOOTHING_VIEWS,
    }


# ---------------------------------------------------------------- pure part


def nice_bin_width(low_cents: int, high_cents: int, bins: int) -> int:
    """The smallest round width (in cents, at least $1) whose bins, starting at a multiple of it at or below
    `low_cents`, cover `high_cents` in at most `bins` bins. 5.00…47.00 in 5 bins → 1000 ($10: 0–10 … 40–50)."""
    if bins < 1:
        raise ValueError("bins must be at least 1")
    scale = 1
    while True:
        for step in _NICE_STEPS:
            width = step * scale
            if width >= MIN_BIN_CENTS and high_cents // width - low_cents // width + 1 <= bins:
                return width
        scale *= 10


def bin_prices(price_counts: Iterable[tuple[int, int]], *, bins: int = DEFAULT_BINS) -> PriceHistogram:
    """(price in cents, number of products) pairs → a histogram of round, equal-width, half-open bins.

    Every bin from the lowest to the highest price is present, empty ones too (a gap in prices is information).
    """
    counts: dict[int, int] = {}
    for cents, count in price_counts:
        if count > 0:
            counts[int(cents)] = counts.get(int(cents), 0) + int(count)
    if not counts:
        return PriceHistogram((), 0, None)
    width = nice_bin_width(min(counts), max(counts), bins)
    first = min(counts) // width
    per_bin = [0] * (max(counts) // width - first + 1)
    for cents, count in counts.items():
        per_bin[cents // width - first] += count
    out = tuple(
        PriceBin(Decimal((first + i) * width) / 100, Decimal((first + i + 1) * width) / 100, n)
        for i, n in enumerate(per_bin)
    )
    return PriceHistogram(out, sum(counts.values()), Decimal(width) / 100)


def month_starts(now: datetime, months: int) -> list[date]:
    """The first days of the `months` complete calendar months before the month of `now` (UTC), oldest first."""
    require_aware(now)
    if months < 1:
        raise ValueError("months must be at least 1")
    today = now.astimezone(UTC).date()
    index = today.year * 12 + today.month - 1  # months since year 0 of the current month
    return [date((index - k) // 12, (index - k) % 12 + 1, 1) for k in range(months, 0, -1)]


def fill_months(rows: Iterable[tuple[date, int, int]], months: list[date]) -> list[MonthPoint]:
    """One point per month of `months`; rows are (month start, revenue cents, units); missing months are 0."""
    by_month = {m: (cents, units) for m, cents, units in rows}
    return [
        MonthPoint(m, Decimal(int(by_month.get(m, (0, 0))[0])) / 100, int(by_month.get(m, (0, 0))[1])) for m in months
    ]


# ---------------------------------------------------------------- loading


def _in_segment(product_type: DigitalProductType | str, category_id: str | None) -> Any:
    condition = DigitalProduct.type == DigitalProductType(product_type)
    if category_id is not None:
        condition = and_(condition, DigitalProduct.category_id == category_id)
    return condition


_LIVE = and_(DigitalProduct.status == ProductStatus.PUBLISHED, DigitalProduct.deleted_at.is_(None))


def load_segment_price_counts(
    session: Session, *, product_type: DigitalProductType | str, category_id: str | None
) -> list[tuple[int, int]]:
    """(price in cents, products at that price) of the segment's published products (one GROUP BY)."""
    price = hundredths(DigitalProduct.price)
    stmt = select(price, func.count()).where(_LIVE, _in_segment(product_type, category_id)).group_by(price)
    return [(int(cents), int(count)) for cents, count in session.execute(stmt)]


def segment_price_histogram(
    session: Session, *, product_type: DigitalProductType | str, category_id: str | None, bins: int = DEFAULT_BINS
) -> PriceHistogram:
    """The segment's price distribution in at most `bins` round bins (see the module docstring)."""
    return bin_prices(load_segment_price_counts(session, product_type=product_type, category_id=category_id), bins=bins)


def seller_prices_in_segment(
    session: Session, *, seller_id: str, product_type: DigitalProductType | str, category_id: str | None
) -> list[SellerPrice]:
    """The seller's own published products in the segment, cheapest first (the chart marks each one)."""
    stmt = (
        select(DigitalProduct.id, DigitalProduct.title, DigitalProduct.price)
        .where(DigitalProduct.seller_id == seller_id, _LIVE, _in_segment(product_type, category_id))
        .order_by(DigitalProduct.price, DigitalProduct.title, DigitalProduct.id)
    )
    return [SellerPrice(pid, title, to_cents(price)) for pid, title, price in session.execute(stmt)]


def _month_column(session: Session) -> Any:
    if session.get_bind().dialect.name == "postgresql":
        # Through a plain timestamp: date_trunc on a date would go through the session's time zone.
        return cast(func.date_trunc(literal_column("'month'"), cast(RevenueRecord.day, DateTime())), Date)
    return func.strftime(literal_column("'%Y-%m'"), RevenueRecord.day)


def _as_month(value: date | str) -> date:
    if isinstance(value, str):  # SQLite: "2026-07"
        year, month = value.split("-")[:2]
        return date(int(year), int(month), 1)
    return date(value.year, value.month, 1)


def segment_monthly_sales(
    session: Session,
    *,
    product_type: DigitalProductType | str,
    category_id: str | None,
    now: datetime,
    months: int = 12,
) -> list[MonthPoint]:
    """Revenue and units per month of the segment, `months` complete months before `now`'s month (one GROUP BY)."""
    starts = month_starts(now, months)
    end = _next_month(starts[-1])
    month = _month_column(session)
    stmt = (
        select(month, func.sum(hundredths(RevenueRecord.revenue)), func.sum(RevenueRecord.units))
        .join(DigitalProduct, DigitalProduct.id == RevenueRecord.product_id)
        .where(_in_segment(product_type, category_id), RevenueRecord.day >= starts[0], RevenueRecord.day < end)
        .group_by(month)
    )
    rows = [(_as_month(m), int(cents or 0), int(units or 0)) for m, cents, units in session.execute(stmt)]
    return fill_months(rows, starts)


def _next_month(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


def seller_segments(session: Session, *, seller_id: str) -> list[SellerSegment]:
    """The segments (type × category) of the seller's published products, most products first."""
    count = func.count(DigitalProduct.id)
    stmt = (
        select(DigitalProduct.type, DigitalProduct.category_id, Category.name, count)
        .outerjoin(Category, Category.id == DigitalProduct.category_id)
        .where(DigitalProduct.seller_id == seller_id, _LIVE)
        .group_by(DigitalProduct.type, DigitalProduct.category_id, Category.name)
        .order_by(count.desc(), DigitalProduct.type, Category.name)
    )
    return [
        SellerSegment(DigitalProductType(kind), category_id, name, int(n))
        for kind, category_id, name, n in session.execute(stmt)
    ]


def recent_daily_revenue(session: Session, *, seller_id: str, as_of: date, days: int = ACTUAL_DAYS) -> list[DailyPoint]:
    """The seller's revenue and units per day for the `days` days ending `as_of` (days without a sale are 0),
    from the forecast's own loader, so the chart's history is exactly what the forecast was made from."""
    sales = load_daily_sales(session, seller_id=seller_id, as_of=as_of)
    rows = [(day, revenue, sales.units.get(day, 0)) for day, revenue in sales.revenue.items()]
    return fill_missing_days(rows, Window(as_of - timedelta(days=days - 1), as_of))


# ---------------------------------------------------------------- distribution and demand (issue 11)

PERCENTILE_COLUMNS = {"p10_price": 0.10, "p25_price": 0.25, "p75_price": 0.75, "p90_price": 0.90}


PRICE_CAP_PERCENTILE = 0.95


def price_p95(listings: list[ListingActivity]) -> float | None:
    """The 95th percentile of the listings' prices (`percentile_cont`, unrounded): the reference of the pricing
    tool's price cap, stored in the benchmark's `price_range` as "p95" (None without listings)."""
    return percentile_cont(sorted(item.price for item in listings), PRICE_CAP_PERCENTILE)


def segment_statistics(listings: list[ListingActivity]) -> dict[str, Any]:
    """The nightly distribution and demand columns of one segment (pure): percentiles to the cent (half up),
    the median conversion (6 decimals) and the `demand_model` JSON (None without a fit)."""
    prices = sorted(item.price for item in listings)
    values: dict[str, Any] = {}
    for column, q in PERCENTILE_COLUMNS.items():
        value = percentile_cont(prices, q)
        values[column] = None if value is None else to_cents(value)
    rate = median_conversion(listings)
    values["median_conversion_rate"] = None if rate is None else Decimal(str(round(rate, 6)))
    values["demand_model"] = fit_price_response(listings)
    return values


def load_segment_activity(session: Session, *, now: datetime) -> dict[SegmentKey, list[ListingActivity]]:
    """Every live product's price and window views and purchases, under its active category and its type."""
    start, end = sales_window(now)
    views = (
        select(ProductView.product_id, func.sum(ProductView.views).label("views"))
        .where(ProductView.day >= start, ProductView.day < end)
        .group_by(ProductView.product_id)
        .subquery("window_views")
    )
    purchases = (
        select(ConversionEvent.product_id, func.sum(ConversionEvent.count).label("purchases"))
        .where(
            ConversionEvent.day >= start,
            ConversionEvent.day < end,
            ConversionEvent.event_type == ConversionEventType.PURCHASE,
        )
        .group_by(ConversionEvent.product_id)
        .subquery("window_purchases")
    )
    p = DigitalProduct
    query = (
        select(
            p.type,
            Category.id.label("active_category_id"),
            hundredths(p.price).label("price_cents"),
            func.coalesce(views.c.views, 0).label("views"),
            func.coalesce(purchases.c.purchases, 0).label("purchases"),
        )
        .outerjoin(Category, and_(Category.id == p.category_id, Category.is_active.is_(True)))
        .outerjoin(views, views.c.product_id == p.id)
        .outerjoin(purchases, purchases.c.product_id == p.id)
        .where(p.status == ProductStatus.PUBLISHED, p.deleted_at.is_(None))
    )
    grouped: dict[SegmentKey, list[ListingActivity]] = {}
    # Core execution: no ORM result step for the 167 k rows of the large data set.
    for product_type, category_id, price_cents, views, purchases in session.connection().execute(query):
        item = ListingActivity(int(price_cents) / 100, int(views), int(purchases))
        grouped.setdefault((product_type, None), []).append(item)
        if category_id is not None:
            grouped.setdefault((product_type, category_id), []).append(item)
    return grouped
