"""The benchmarks' nightly distribution and demand statistics of a segment (issue 11), pure, and the one query
that loads every live listing's window activity for them. Segments as in `core.market.segments`.

**Nightly statistics** (computed by the benchmarks job, stored on `market_benchmarks`, read by
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
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import and_, func, select
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
)
from core.money import to_cents
from core.periods import require_aware

SegmentKey = tuple[DigitalProductType, str | None]

WINDOW_DAYS = 90  # the benchmarks' sales window (`sales_window`)
FIT_MIN_VIEWS = 50  # a listing enters the price-response fit with at least this many views in the window
FIT_MIN_LISTINGS = 8  # fewer listings: no fit (the pricing model keeps its prior)
FIT_SMOOTHING_VIEWS = 20  # pseudo-views pulling each conversion toward the segment's pooled rate


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
