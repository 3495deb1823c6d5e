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
* **Nightly statistics** (issue 11): `core.market.segment_stats`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, DateTime, and_, cast, func, literal_column, select
from sqlalchemy.orm import Session

from core.db import hundredths
from core.models import (
    Category,
    DigitalProduct,
    DigitalProductType,
    ProductStatus,
    RevenueRecord,
)
from core.money import to_cents
from core.periods import DailyPoint, MonthPoint, Window, fill_missing_days, require_aware
from core.sales.forecast import load_daily_sales

DEFAULT_BINS = 12
ACTUAL_DAYS = 90  # the forecast chart's history before the projection
MIN_BIN_CENTS = 100  # bins narrower than $1 tell a seller nothing
_NICE_STEPS = (100, 200, 250, 500)  # × 10^k cents


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
