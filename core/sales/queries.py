"""Loading for a seller's sales: the daily series of the forecast, and the one aggregate query behind a revenue
trend (a seller's, or the market's in the seller's product types). A Session in, plain data out, no decisions:
the rules are `core.sales.trends` and `core.sales.rules`.

The trend query groups `revenue_records` by calendar month in the database (`date_trunc` on PostgreSQL,
`strftime` on SQLite) and adds the 90-day blocks as conditional sums, so 24 months and five 90-day periods
come back as at most 25 rows from one statement. Money is summed as integer cents (`core.db.hundredths`), so
SQLite and PostgreSQL agree to the cent.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, DateTime, and_, case, cast, func, literal_column, select
from sqlalchemy.orm import Session, aliased

from core.ai.cache import input_hash, load_cached_answer, save_cached_answer
from core.config import get_settings
from core.db import hundredths
from core.models import DigitalProduct, RevenueRecord
from core.periods import require_aware
from core.sales import rules as fm
from core.sales.trends import (
    History,
    MonthlyGrowth,
    SellerTrend,
    TrendWindows,
    build_trend,
    monthly_growth,
    trend_windows,
)

# (revenue_records alias, digital_products alias) -> the WHERE conditions of one history
Conditions = Callable[[Any, Any], list[Any]]


@dataclass(frozen=True)
class DailySales:
    revenue: dict[date, Decimal]
    units: dict[date, int]


def load_daily_sales(session: Session, *, seller_id: str, as_of: date) -> DailySales:
    """The seller's revenue and units per day for the 180 days ending `as_of` (one GROUP BY query)."""
    first = as_of - timedelta(days=fm.HISTORY_WINDOW_DAYS - 1)
    rows = session.execute(
        select(
            RevenueRecord.day,
            func.sum(hundredths(RevenueRecord.revenue)),
            func.sum(RevenueRecord.units),
        )
        .where(RevenueRecord.seller_id == seller_id, RevenueRecord.day >= first, RevenueRecord.day <= as_of)
        .group_by(RevenueRecord.day)
        .order_by(RevenueRecord.day)
    ).all()
    return DailySales(
        revenue={day: Decimal(int(cents)) / 100 for day, cents, _ in rows},
        units={day: int(count) for day, _, count in rows},
    )


# ---------------------------------------------------------------- the trend query


def _month_column(session: Session, day: Any) -> Any:
    """The first day of `day`'s month (PostgreSQL) or its "YYYY-MM" (SQLite), the same expression everywhere."""
    if session.get_bind().dialect.name == "postgresql":
        # Through a plain timestamp: date_trunc on a date would go through the session's time zone.
        return cast(func.date_trunc(literal_column("'month'"), cast(day, DateTime())), Date)
    return func.strftime(literal_column("'%Y-%m'"), day)


def _as_month(value: date | str) -> date:
    if isinstance(value, str):  # SQLite: "2026-07"
        year, month = value.split("-")[:2]
        return date(int(year), int(month), 1)
    return date(value.year, value.month, 1)


def load_history(session: Session, *, windows: TrendWindows, conditions: Conditions, products: bool) -> History:
    """Revenue per month and per 90-day block of `windows`, and the first sale ever, of the rows `conditions`
    selects (`products`: join `digital_products`, for conditions on the product). One statement."""
    found = _load_histories(session, windows=windows, conditions=conditions, products=products, by_seller=False)
    return found.get(None) or History({}, {}, (0,) * len(windows.blocks), None)


def _load_histories(
    session: Session, *, windows: TrendWindows, conditions: Conditions, products: bool, by_seller: bool
) -> dict[str | None, History]:
    """`load_history`'s statement, one History per seller (`by_seller`) or one for all the rows (key None).

    Per seller, the first sale is correlated with the row's seller, so a batch of sellers costs one statement
    and one index probe per (seller, month) for the first sale."""
    rr, dp = RevenueRecord, DigitalProduct
    first_rr, first_dp = aliased(RevenueRecord, name="first_rr"), aliased(DigitalProduct, name="first_dp")
    own = [first_rr.seller_id == rr.seller_id] if by_seller else []
    first = select(func.min(first_rr.day)).where(*conditions(first_rr, first_dp), *own)
    if products:
        first = first.join(first_dp, first_dp.id == first_rr.product_id)
    cents = hundredths(rr.revenue)
    month = _month_column(session, rr.day)
    blocks = [func.sum(case((and_(rr.day >= b.start, rr.day <= b.end), cents), else_=0)) for b in windows.blocks]
    keys = [rr.seller_id] if by_seller else []
    stmt = select(*keys, month, func.sum(cents), func.sum(rr.units), *blocks, first.scalar_subquery()).where(
        *conditions(rr, dp), rr.day >= windows.first_day, rr.day <= windows.as_of
    )
    if products:
        stmt = stmt.join(dp, dp.id == rr.product_id)
    parts: dict[str | None, tuple[dict[date, int], dict[date, int], list[int], list[date | None]]] = {}
    for row in session.execute(stmt.group_by(*keys, month)):
        key, values = (row[0], row[1:]) if by_seller else (None, row)
        month_cents, month_units, block_cents, first_sale = parts.setdefault(
            key, ({}, {}, [0] * len(windows.blocks), [None])
        )
        label = _as_month(values[0])
        month_cents[label], month_units[label] = int(values[1] or 0), int(values[2] or 0)
        for i in range(len(block_cents)):
            block_cents[i] += int(values[3 + i] or 0)
        first_sale[0] = _as_date(values[-1])
    return {key: History(mc, mu, tuple(bc), fs[0]) for key, (mc, mu, bc, fs) in parts.items()}


def _as_date(value: date | str | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def load_seller_trend(session: Session, *, seller_id: str, today: date) -> SellerTrend:
    """The seller's trend with `today` as the running day (yesterday is the last complete one)."""
    return load_seller_trends(session, seller_ids=[seller_id], today=today)[seller_id]


def load_seller_trends(session: Session, *, seller_ids: Sequence[str], today: date) -> dict[str, SellerTrend]:
    """`load_seller_trend` of each of `seller_ids` (unknown ids and sellers without sales get the empty trend), in
    one statement: the weekly digest reads a batch of sellers at a time."""
    windows = trend_windows(today)
    ids = list(dict.fromkeys(seller_ids))
    histories = _load_histories(
        session, windows=windows, conditions=lambda rr, _dp: [rr.seller_id.in_(ids)], products=False, by_seller=True
    )
    empty = History({}, {}, (0,) * len(windows.blocks), None)
    return {seller_id: build_trend(histories.get(seller_id) or empty, windows) for seller_id in ids}


def seller_trend(session: Session, *, seller_id: str, now: datetime, tz: Any = None) -> SellerTrend:
    """The seller's trend at `now`: today is `now`'s date in `tz` (default: APP_TIMEZONE), as on the admin pages."""
    require_aware(now)
    return load_seller_trend(session, seller_id=seller_id, today=now.astimezone(tz or get_settings().timezone).date())


# ---------------------------------------------------------------- the market trend


def load_market_growth(session: Session, *, seller_id: str, as_of: date) -> MonthlyGrowth:
    """The monthly growth of the other sellers' revenue in this seller's product types (`trends.monthly_growth`).

    The seller's own sales are left out: the market is a second opinion on their trend, not an echo of it.
    """
    seller_types = select(DigitalProduct.type).where(DigitalProduct.seller_id == seller_id).distinct()
    windows = trend_windows(as_of + timedelta(days=1))

    def conditions(rr: Any, dp: Any) -> list[Any]:
        return [rr.seller_id != seller_id, dp.type.in_(seller_types)]

    return monthly_growth(load_history(session, windows=windows, conditions=conditions, products=True), windows)


# ---------------------------------------------------------------- the market trend, per day (ai_cache)

MARKET_TYPES_TASK = "market-type-history"
MARKET_TYPES_VERSION = 1
MARKET_TYPES_TTL = timedelta(days=1)
STORED_ENGINE = "database"  # not a model's answer: figures the database counted


def load_type_histories(session: Session, *, windows: TrendWindows) -> dict[str, dict[str, Any]]:
    """Every product type's revenue history over `windows` (all sellers) and its two earliest sellers, as JSON.

    Two GROUP BYs over `revenue_records` ⋈ `digital_products`: per (type, month) the month's cents, units and rows
    and the 90-day blocks; per (type, seller) the seller's first sale ever (no date bound, as in `load_history`).
    """
    rr, dp = RevenueRecord, DigitalProduct
    cents = hundredths(rr.revenue)
    month = _month_column(session, rr.day)
    blocks = [func.sum(case((and_(rr.day >= b.start, rr.day <= b.end), cents), else_=0)) for b in windows.blocks]
    rows = session.execute(
        select(dp.type, month, func.sum(cents), func.sum(rr.units), func.count(), *blocks)
        .join(dp, dp.id == rr.product_id)
        .where(rr.day >= windows.first_day, rr.day <= windows.as_of)
        .group_by(dp.type, month)
    )
    out: dict[str, dict[str, Any]] = {}

    def entry(kind: Any) -> dict[str, Any]:
        key = str(getattr(kind, "value", kind))
        return out.setdefault(key, {"months": {}, "blocks": [0] * len(windows.blocks), "first": []})

    for row in rows:
        item = entry(row[0])
        item["months"][_as_month(row[1]).isoformat()] = [int(row[2] or 0), int(row[3] or 0)]
        item["rows"] = item.get("rows", 0) + int(row[4])
        for i in range(len(windows.blocks)):
            item["blocks"][i] += int(row[5 + i] or 0)
    firsts = session.execute(
        select(dp.type, rr.seller_id, func.min(rr.day)).join(dp, dp.id == rr.product_id).group_by(dp.type, rr.seller_id)
    ).all()
    for kind, seller, day in sorted(firsts, key=lambda r: (str(_as_date(r[2])), str(r[1]))):
        item = entry(kind)
        if len(item["first"]) < 2:  # the two earliest sellers: the first sale without any one seller
            item["first"].append([str(seller), str(_as_date(day))])
    return out


def cached_type_histories(session: Session, *, windows: TrendWindows, now: datetime) -> dict[str, dict[str, Any]]:
    """`load_type_histories` for `windows`, counted once and read back from `ai_cache` until it expires (a day).

    The trade-off, as for the other daily market figures (`core.market.supply`): revenue recorded during the day
    for days already complete counts from the next day's first count.
    """
    key = input_hash(MARKET_TYPES_TASK, MARKET_TYPES_VERSION, {"as_of": windows.as_of.isoformat()})
    found = load_cached_answer(session, MARKET_TYPES_TASK, key, now=now)
    if found is not None:
        return found.result
    histories = load_type_histories(session, windows=windows)
    save_cached_answer(
        session, MARKET_TYPES_TASK, key, engine=STORED_ENGINE, result=histories, ttl=MARKET_TYPES_TTL, now=now
    )
    return histories


def market_history(session: Session, *, seller_id: str, windows: TrendWindows, now: datetime) -> History:
    """`load_market_growth`'s history from the day's per-type figures minus the seller's own rows in them.

    Sums are exact in cents, so this equals the live query's history (months that net to nothing are left out;
    `monthly_growth` reads a missing month as 0). The first sale without the seller is the earliest of each
    type's two earliest sellers that is not them, and only given when other sellers have rows in `windows`.
    """
    types = [
        str(getattr(t, "value", t))
        for t in session.scalars(select(DigitalProduct.type).where(DigitalProduct.seller_id == seller_id).distinct())
    ]
    stored = cached_type_histories(session, windows=windows, now=now)
    own = load_history(
        session,
        windows=windows,
        conditions=lambda rr, dp: [rr.seller_id == seller_id, dp.type.in_(types)],
        products=True,
    )
    rr, dp = RevenueRecord, DigitalProduct
    own_rows = session.scalar(
        select(func.count())
        .select_from(rr)
        .join(dp, dp.id == rr.product_id)
        .where(rr.seller_id == seller_id, dp.type.in_(types), rr.day >= windows.first_day, rr.day <= windows.as_of)
    )
    rows = -int(own_rows or 0)
    month_cents: dict[date, int] = {}
    month_units: dict[date, int] = {}
    block_cents = [0] * len(windows.blocks)
    firsts: list[date] = []
    for kind in types:
        item = stored.get(kind)
        if item is None:
            continue
        for month, (cents, units) in item["months"].items():
            key = date.fromisoformat(month)
            month_cents[key] = month_cents.get(key, 0) + int(cents)
            month_units[key] = month_units.get(key, 0) + int(units)
        rows += int(item.get("rows", 0))
        block_cents = [a + int(b) for a, b in zip(block_cents, item["blocks"], strict=True)]
        firsts += [date.fromisoformat(day) for seller, day in item["first"] if seller != seller_id][:1]
    for key, cents in own.month_cents.items():
        month_cents[key] = month_cents.get(key, 0) - cents
        month_units[key] = month_units.get(key, 0) - own.month_units.get(key, 0)
    keep = [m for m in month_cents if month_cents[m] or month_units[m]]
    return History(
        {m: month_cents[m] for m in sorted(keep)},
        {m: month_units[m] for m in sorted(keep)},
        tuple(a - b for a, b in zip(block_cents, own.block_cents, strict=True)),
        min(firsts, default=None) if rows > 0 else None,  # as the live query: no rows in `windows`, no date
    )


def cached_market_growth(session: Session, *, seller_id: str, as_of: date, now: datetime) -> MonthlyGrowth:
    """`load_market_growth` from the day's stored per-type figures: one small query per seller after the first."""
    windows = trend_windows(as_of + timedelta(days=1))
    return monthly_growth(market_history(session, seller_id=seller_id, windows=windows, now=now), windows)


def load_market_trend(session: Session, *, seller_id: str, as_of: date) -> float | None:
    """`load_market_growth`'s rate: the segment's monthly growth, None when its history is too short to tell."""
    return load_market_growth(session, seller_id=seller_id, as_of=as_of).rate


def utc_yesterday(now: datetime) -> date:
    require_aware(now)
    return now.astimezone(UTC).date() - timedelta(days=1)
