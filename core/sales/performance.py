"""Loading for the Performance page: one seller's figures for a period and the period before it, the daily series
of both (aligned by day offset), the top products, and the meta (data freshness, query time).

Three statements, all grouped in the database and scoped by `seller_id`, load what the overview and the channel
section (`core.sales.channel_report`) both show (`load_performance_data`):

1. per UTC day over both periods, one UNION ALL of five grouped reads: orders by their created day and channel
   (revenue, orders, units, commission, payment fees — the covering index `ix_orders_seller_created` on
   PostgreSQL), refunds by their refunded day and refunded orders by their created day (the partial index
   `ix_orders_seller_refunded`: an order is refunded after it was created, so `refunded_at >=` the first day finds
   both), visits per channel (`seller_traffic`), ad spend and ad-attributed revenue (`ad_spend`);
2. per product and channel over the period: orders, refunds, ad spend and unique visitors (`product_views`);
3. the newest order the marketplace holds (data freshness).

Money is summed as integer cents (`sum_cents`) so SQLite and PostgreSQL agree to the cent. The figures
themselves are `core.sales.metrics`' (pure).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Date,
    Integer,
    String,
    and_,
    cast,
    func,
    literal,
    literal_column,
    select,
    type_coerce,
    union_all,
)
from sqlalchemy.orm import Session

from core.db import hundredths, set_local_work_mem
from core.models import AdSpend, DigitalProduct, Order, ProductView, SellerTraffic
from core.sales.metrics import (
    Compared,
    DailyComparison,
    PeriodTotals,
    ProductFigures,
    ReportPeriod,
    align_days,
    sum_totals,
    top_by_conversion,
    top_by_profit,
    top_by_revenue,
)


def start_of(day: date) -> datetime:
    """00:00 UTC of `day` (periods are UTC days, as `revenue_records`)."""
    return datetime.combine(day, clock_time.min, tzinfo=UTC)


def utc_day(session: Session, column: Any) -> Any:
    """The UTC day of a timestamp column as a DATE, on both databases."""
    if session.get_bind().dialect.name == "postgresql":
        return cast(func.timezone("UTC", column), Date)
    return type_coerce(func.date(column), Date)


def sum_cents(session: Session, column: Any) -> Any:
    """The sum of a money column in integer cents. PostgreSQL sums NUMERIC exactly, so the sum is scaled once;
    SQLite keeps NUMERIC as floating point, so each row is rounded to its cents first (`core.db.hundredths`).
    Both give the same integer; scaling once saves a rounding per order on a busy seller's 50 k orders."""
    if session.get_bind().dialect.name == "postgresql":
        return cast(func.sum(column) * literal_column("100"), BigInteger)
    return func.sum(hundredths(column))


def cents(value: Any) -> Decimal:
    return Decimal(int(value or 0)) / 100


# ----------------------------------------------------------------------------- result types


@dataclass(frozen=True)
class PerformanceMeta:
    """How fresh the data is (the newest order the marketplace holds) and how long the loading took."""

    data_as_of: datetime | None
    query_ms: float


@dataclass(frozen=True)
class SellerPerformance:
    seller_id: str
    period: ReportPeriod
    current: PeriodTotals
    previous: PeriodTotals
    daily: list[DailyComparison]
    products: list[ProductFigures]  # every product with activity in the period
    meta: PerformanceMeta
    top_by_revenue: list[ProductFigures] = field(default_factory=list)
    top_by_profit: list[ProductFigures] = field(default_factory=list)
    top_by_conversion: list[ProductFigures] = field(default_factory=list)

    def _pair(self, name: str) -> Compared[Any]:
        return Compared(getattr(self.current, name), getattr(self.previous, name))

    @property
    def previous_period(self) -> ReportPeriod:
        return self.period.previous

    @property
    def has_orders(self) -> bool:
        """Any order in the period or the one before (else the page shows its empty state)."""
        return self.current.orders > 0 or self.previous.orders > 0

    @property
    def has_ads(self) -> bool:
        return self.current.ad_spend > 0

    revenue = property(lambda self: self._pair("revenue"))
    orders = property(lambda self: self._pair("orders"))
    units = property(lambda self: self._pair("units"))
    average_order_value = property(lambda self: self._pair("average_order_value"))
    refunds = property(lambda self: self._pair("refunds"))
    refund_rate = property(lambda self: self._pair("refund_rate"))
    commission = property(lambda self: self._pair("commission"))
    payment_fees = property(lambda self: self._pair("payment_fees"))
    net_profit = property(lambda self: self._pair("net_profit"))
    profit_margin = property(lambda self: self._pair("profit_margin"))
    visits = property(lambda self: self._pair("visits"))
    conversion_rate = property(lambda self: self._pair("conversion_rate"))
    ad_spend = property(lambda self: self._pair("ad_spend"))
    acos = property(lambda self: self._pair("acos"))
    roas = property(lambda self: self._pair("roas"))
    tacos = property(lambda self: self._pair("tacos"))


# ----------------------------------------------------------------------------- statement 1: per day and channel

NO_CHANNEL = ""  # refunds and ads are not split by traffic channel
# Enough for the sort or hash of a busy seller's year of orders (~60 k rows) to stay in memory.
WORK_MEM_MB = 32


@dataclass(frozen=True)
class PerformanceData:
    """What the statements load for one seller and period; `seller_performance` and
    `core.sales.channel_report.channel_report` are built from it, so the page reads the orders twice, not four
    times."""

    seller_id: str
    period: ReportPeriod
    days: dict[date, PeriodTotals]  # both periods, every day (summed over channels)
    channel_days: dict[tuple[date, str], tuple[int, int, int]]  # (day, channel) -> visits, orders, revenue cents
    products: list[ProductFigures]  # the period, every product with activity
    product_channels: list[tuple[str, str, str, int, Decimal]]  # channel, product id, title, orders, revenue
    data_as_of: datetime | None
    began: float  # perf_counter() when loading started


def _daily_statement(session: Session, seller_id: str, first: date, last: date) -> Any:
    """(kind, day, channel, a, b, c, d, e) rows: 'o' orders, 'r' refunds by refunded day, 'c' refunded orders by
    created day, 'v' visits, 'a' ads — every money column in cents."""
    lo, hi = start_of(first), start_of(last + timedelta(days=1))
    o = Order
    zero = literal(0, Integer)
    none = literal(NO_CHANNEL, String)
    day = utc_day(session, o.created_at)
    orders = (
        select(
            literal("o").label("kind"),
            day.label("day"),
            o.channel.label("channel"),
            sum_cents(session, o.amount).label("a"),
            func.count().label("b"),
            func.sum(o.quantity).label("c"),
            sum_cents(session, o.commission).label("d"),
            sum_cents(session, o.payment_fee).label("e"),
        )
        .where(o.seller_id == seller_id, o.created_at >= lo, o.created_at < hi)
        .group_by(day, o.channel)
    )
    refunded = and_(o.seller_id == seller_id, o.refunded_at.is_not(None), o.refunded_at >= lo)
    refund_day = utc_day(session, o.refunded_at)
    refunds = (
        select(literal("r"), refund_day, none, sum_cents(session, o.refunded_amount), zero, zero, zero, zero)
        .where(refunded, o.refunded_at < hi)
        .group_by(refund_day)
    )
    refunded_orders = (
        select(literal("c"), day, none, zero, func.count(), zero, zero, zero)
        .where(refunded, o.created_at >= lo, o.created_at < hi)
        .group_by(day)
    )
    t = SellerTraffic
    visits = (
        select(literal("v"), type_coerce(t.day, Date), t.channel, zero, func.sum(t.visits), zero, zero, zero)
        .where(t.seller_id == seller_id, t.day >= first, t.day <= last)
        .group_by(t.day, t.channel)
    )
    a = AdSpend
    ads = (
        select(
            literal("a"),
            type_coerce(a.day, Date),
            none,
            sum_cents(session, a.spend),
            sum_cents(session, a.attributed_revenue),
            zero,
            zero,
            zero,
        )
        .where(a.seller_id == seller_id, a.day >= first, a.day <= last)
        .group_by(a.day)
    )
    return union_all(orders, refunds, refunded_orders, visits, ads)


def _as_day(value: Any) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value


# Where each kind of row of the daily statement adds its columns a..e: (field of PeriodTotals, column) pairs.
_DAILY_FIELDS: dict[str, tuple[tuple[str, int], ...]] = {
    "o": (("revenue", 0), ("orders", 1), ("units", 2), ("commission", 3), ("payment_fees", 4)),
    "r": (("refunds", 0),),
    "c": (("refunded_orders", 1),),
    "v": (("visits", 1),),
    "a": (("ad_spend", 0), ("ad_revenue", 1)),
}
_MONEY = frozenset({"revenue", "commission", "payment_fees", "refunds", "ad_spend", "ad_revenue"})


def _load_days(
    session: Session, seller_id: str, first: date, last: date
) -> tuple[dict[date, PeriodTotals], dict[tuple[date, str], tuple[int, int, int]]]:
    """Each day's totals from `first` to `last` (a day without any row is a zero day), and visits, orders and
    revenue in cents per day and channel. Sums stay integers (cents) until the 2 x 180 days are built."""
    names = [f.name for f in fields(PeriodTotals)]
    sums: dict[date, dict[str, int]] = {}
    channel_days: dict[tuple[date, str], tuple[int, int, int]] = {}
    for kind, raw_day, channel, *values in session.execute(_daily_statement(session, seller_id, first, last)).all():
        day = _as_day(raw_day)
        found = sums.get(day)
        if found is None:
            found = sums[day] = dict.fromkeys(names, 0)
        for name, column in _DAILY_FIELDS[kind]:
            found[name] += int(values[column] or 0)
        if kind == "o":
            visits = channel_days.get((day, channel), (0, 0, 0))[0]
            channel_days[(day, channel)] = (visits, int(values[1]), int(values[0] or 0))
        elif kind == "v":
            _, orders, revenue = channel_days.get((day, channel), (0, 0, 0))
            channel_days[(day, channel)] = (int(values[1] or 0), orders, revenue)
    days = {}
    for offset in range((last - first).days + 1):
        day = first + timedelta(days=offset)
        found = sums.get(day)
        days[day] = (
            PeriodTotals()
            if found is None
            else PeriodTotals(**{k: cents(v) if k in _MONEY else v for k, v in found.items()})
        )
    return days, channel_days


# ----------------------------------------------------------------------------- statement 2: per product and channel


def _load_products(
    session: Session, seller_id: str, period: ReportPeriod
) -> tuple[list[ProductFigures], list[tuple[str, str, str, int, Decimal]]]:
    """Every product of the seller with an order, a refund, ad spend or a visit in the period, with its sums; and
    its orders and revenue per channel."""
    lo, hi = start_of(period.start), start_of(period.end + timedelta(days=1))
    o, a, v, p = Order, AdSpend, ProductView, DigitalProduct
    zero = literal(0, Integer)
    none = literal(NO_CHANNEL, String)
    parts = union_all(
        select(
            o.product_id.label("product_id"),
            o.channel.label("channel"),
            sum_cents(session, o.amount).label("revenue"),
            func.count().label("orders"),
            func.sum(o.quantity).label("units"),
            sum_cents(session, o.commission).label("commission"),
            sum_cents(session, o.payment_fee).label("fees"),
            zero.label("ads"),
            zero.label("refunds"),
            zero.label("visits"),
        )
        .where(o.seller_id == seller_id, o.created_at >= lo, o.created_at < hi)
        .group_by(o.product_id, o.channel),
        select(o.product_id, none, zero, zero, zero, zero, zero, zero, sum_cents(session, o.refunded_amount), zero)
        .where(o.seller_id == seller_id, o.refunded_at.is_not(None), o.refunded_at >= lo, o.refunded_at < hi)
        .group_by(o.product_id),
        select(a.product_id, none, zero, zero, zero, zero, zero, sum_cents(session, a.spend), zero, zero)
        .where(a.seller_id == seller_id, a.day >= period.start, a.day <= period.end)
        .group_by(a.product_id),
        select(v.product_id, none, zero, zero, zero, zero, zero, zero, zero, func.sum(v.unique_visitors))
        .where(v.seller_id == seller_id, v.day >= period.start, v.day <= period.end)
        .group_by(v.product_id),
    ).subquery("parts")
    names = ("revenue", "orders", "units", "commission", "fees", "ads", "refunds", "visits")
    statement = (
        select(parts.c.product_id, parts.c.channel, p.title, *(func.sum(parts.c[name]) for name in names))
        .join(p, p.id == parts.c.product_id)
        .where(p.seller_id == seller_id)  # a product row of another seller is never joined in
        .group_by(parts.c.product_id, parts.c.channel, p.title)
    )
    sums: dict[str, dict[str, Any]] = {}
    per_channel: list[tuple[str, str, str, int, Decimal]] = []
    for pid, channel, title, *values in session.execute(statement):
        row = dict(zip(names, (int(x or 0) for x in values), strict=True))
        found = sums.setdefault(pid, {"title": title, **dict.fromkeys(names, 0)})
        for name in names:
            found[name] += row[name]
        if channel != NO_CHANNEL and row["orders"]:
            per_channel.append((channel, pid, title, row["orders"], cents(row["revenue"])))
    products = [
        ProductFigures(
            product_id=pid,
            title=s["title"],
            revenue=cents(s["revenue"]),
            orders=s["orders"],
            units=s["units"],
            visits=s["visits"],
            commission=cents(s["commission"]),
            payment_fees=cents(s["fees"]),
            ad_spend=cents(s["ads"]),
            refunds=cents(s["refunds"]),
        )
        for pid, s in sums.items()
    ]
    return products, per_channel


# ----------------------------------------------------------------------------- loading and the entry points


def data_as_of(session: Session) -> datetime | None:
    """The newest order the marketplace holds (one index lookup): how fresh every figure is."""
    return session.scalar(select(func.max(Order.created_at)))


def load_performance_data(session: Session, *, seller_id: str, start: date, end: date) -> PerformanceData:
    """Everything the Performance page shows for `start`..`end` (inclusive UTC days) and the days before."""
    began = time.perf_counter()
    period = ReportPeriod(start, end)
    set_local_work_mem(session, WORK_MEM_MB)
    days, channel_days = _load_days(session, seller_id, period.previous.start, period.end)
    products, product_channels = _load_products(session, seller_id, period)
    return PerformanceData(
        seller_id, period, days, channel_days, products, product_channels, data_as_of(session), began
    )


def build_performance(data: PerformanceData) -> SellerPerformance:
    """The overview's figures from loaded data."""
    period = data.period
    meta = PerformanceMeta(data.data_as_of, round((time.perf_counter() - data.began) * 1000, 1))
    return SellerPerformance(
        seller_id=data.seller_id,
        period=period,
        current=sum_totals(data.days[d] for d in period.each_day()),
        previous=sum_totals(data.days[d] for d in period.previous.each_day()),
        daily=align_days(period, data.days),
        products=data.products,
        meta=meta,
        top_by_revenue=top_by_revenue(data.products),
        top_by_profit=top_by_profit(data.products),
        top_by_conversion=top_by_conversion(data.products),
    )


def seller_performance(session: Session, *, seller_id: str, start: date, end: date) -> SellerPerformance:
    """The seller's figures for `start`..`end` (inclusive UTC days; see `core.sales.metrics.report_period` for the
    checks a page makes first) and for the same number of days just before."""
    return build_performance(load_performance_data(session, seller_id=seller_id, start=start, end=end))


__all__ = [
    "DailyComparison",
    "PerformanceData",
    "PerformanceMeta",
    "SellerPerformance",
    "build_performance",
    "load_performance_data",
    "seller_performance",
]
