"""Benchmark scenarios for the Performance page's data (issue 14) on the large data set: everything the overview and
the channel section show, loaded as the page loads it (`load_performance_data`, then `build_performance` and
`build_channel_report`: the figures of `seller_performance` and `channel_report`), for the largest seller over 90
days (the issue's target), 30 and 365 days to show how it scales, and the seller with the most orders; each checked
against one hand-written SQL statement that returns the same headline numbers."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select, text

from core.models import Order
from core.sales.channel_report import build_channel_report
from core.sales.metrics import PeriodTotals, last_days
from core.sales.performance import build_performance, load_performance_data
from tests.bench.harness import FIXED_TODAY, BenchContext, comparison, scenario

Headline = dict[str, Any]
HEADLINE_FIELDS = (
    "revenue", "orders", "units", "refunds", "refunded_orders", "commission", "payment_fees", "visits", "ad_spend",
    "ad_revenue",
)  # fmt: skip


def _headline(current: PeriodTotals, previous: PeriodTotals, channel_revenue: dict[str, Decimal]) -> Headline:
    return {
        "current": {name: getattr(current, name) for name in HEADLINE_FIELDS},
        "previous": {name: getattr(previous, name) for name in HEADLINE_FIELDS},
        "channel_revenue": {k: v for k, v in sorted(channel_revenue.items()) if v},
    }


_BUSIEST: dict[str, str] = {}


def busiest_seller_id(ctx: BenchContext) -> str:
    """The seller with the most orders (ties by id): the heaviest Performance page of the data set."""
    if "id" not in _BUSIEST:
        with ctx.session() as session:
            _BUSIEST["id"] = session.scalars(
                select(Order.seller_id)
                .group_by(Order.seller_id)
                .order_by(func.count().desc(), Order.seller_id)
                .limit(1)
            ).one()
    return _BUSIEST["id"]


def _product(ctx: BenchContext, days: int, seller_id: str | None = None) -> Headline:
    period = last_days(days, today=FIXED_TODAY)
    seller_id = seller_id or ctx.largest_seller_id()
    with ctx.session() as session:
        data = load_performance_data(session, seller_id=seller_id, start=period.start, end=period.end)
    perf, report = build_performance(data), build_channel_report(data)
    return _headline(perf.current, perf.previous, {c.channel: c.revenue for c in report.channels})


@scenario("performance page data, largest seller 90d", repeats=15, warmup=2, target_ms=150, max_peak_mb=100)
def performance_90d(ctx: BenchContext) -> Headline:
    """seller_performance + channel_report, largest seller, 90 complete days and the 90 before (all sections)."""
    return _product(ctx, 90)


@scenario("performance page data, largest seller 30d", repeats=15, warmup=2)
def performance_30d(ctx: BenchContext) -> Headline:
    """The same for 30 days and the 30 before."""
    return _product(ctx, 30)


@scenario("performance page data, largest seller 365d", repeats=10, warmup=1)
def performance_365d(ctx: BenchContext) -> Headline:
    """The same for 365 days and the 365 before (the longest custom period)."""
    return _product(ctx, 365)


@scenario("performance page data, busiest seller 90d", repeats=10, warmup=1)
def performance_busiest_90d(ctx: BenchContext) -> Headline:
    """The same for the seller with the most orders, 90 days."""
    return _product(ctx, 90, busiest_seller_id(ctx))


# --------------------------------------------------------------------------- one hand-written statement

HEADLINE_SQL = """
WITH bounds AS (
  SELECT CAST(:prev_start AS date) AS p0, CAST(:start AS date) AS c0, CAST(:end AS date) AS c1
), o AS (
  SELECT (o.created_at AT TIME ZONE 'UTC')::date >= b.c0 AS cur, o.amount, o.quantity, o.commission, o.payment_fee,
         o.refunded_at, o.channel
  FROM orders o, bounds b
  WHERE o.seller_id = :seller AND o.created_at >= b.p0::timestamp AT TIME ZONE 'UTC'
    AND o.created_at < (b.c1 + 1)::timestamp AT TIME ZONE 'UTC'
), r AS (
  SELECT (o.refunded_at AT TIME ZONE 'UTC')::date >= b.c0 AS cur, o.refunded_amount
  FROM orders o, bounds b
  WHERE o.seller_id = :seller AND o.refunded_at >= b.p0::timestamp AT TIME ZONE 'UTC'
    AND o.refunded_at < (b.c1 + 1)::timestamp AT TIME ZONE 'UTC'
)
SELECT 'orders', cur::text, sum(amount), count(*), sum(quantity), sum(commission), sum(payment_fee),
       count(refunded_at)
FROM o GROUP BY cur
UNION ALL SELECT 'refunds', cur::text, sum(refunded_amount), 0, 0, 0, 0, 0 FROM r GROUP BY cur
UNION ALL SELECT 'visits', (t.day >= b.c0)::text, 0, sum(t.visits), 0, 0, 0, 0
FROM seller_traffic t, bounds b WHERE t.seller_id = :seller AND t.day BETWEEN b.p0 AND b.c1 GROUP BY 2
UNION ALL SELECT 'ads', (a.day >= b.c0)::text, sum(a.spend), 0, 0, 0, 0, 0 FROM ad_spend a, bounds b
WHERE a.seller_id = :seller AND a.day BETWEEN b.p0 AND b.c1 GROUP BY 2
UNION ALL SELECT 'ad_revenue', (a.day >= b.c0)::text, sum(a.attributed_revenue), 0, 0, 0, 0, 0
FROM ad_spend a, bounds b WHERE a.seller_id = :seller AND a.day BETWEEN b.p0 AND b.c1 GROUP BY 2
UNION ALL SELECT 'channel:' || channel, 'true', sum(amount), 0, 0, 0, 0, 0 FROM o WHERE cur GROUP BY channel
"""


def _sql(ctx: BenchContext, days: int, seller_id: str | None = None) -> Headline:
    """The headline numbers of both periods and the revenue per channel in one statement (PostgreSQL)."""
    period = last_days(days, today=FIXED_TODAY)
    params = {
        "seller": seller_id or ctx.largest_seller_id(),
        "prev_start": period.start - timedelta(days=days),
        "start": period.start,
        "end": period.end,
    }
    sums: dict[str, dict[str, Any]] = {"true": {}, "false": {}}
    channels: dict[str, Decimal] = {}
    with ctx.session() as session:
        rows = session.execute(text(HEADLINE_SQL), params).all()
    for kind, cur, money, count, units, commission, fees, refunded in rows:
        side = sums[cur]
        if kind == "orders":
            side.update(revenue=money, orders=count, units=units, commission=commission, payment_fees=fees)
            side["refunded_orders"] = refunded
        elif kind == "refunds":
            side["refunds"] = money
        elif kind == "visits":
            side["visits"] = count
        elif kind in ("ads", "ad_revenue"):
            side["ad_spend" if kind == "ads" else "ad_revenue"] = money
        else:
            channels[kind.removeprefix("channel:")] = Decimal(money)
    zero = PeriodTotals()

    def totals(side: dict[str, Any]) -> PeriodTotals:
        values = {}
        for name in HEADLINE_FIELDS:
            default = getattr(zero, name)
            value = side.get(name)
            values[name] = (
                default if value is None else (Decimal(value) if isinstance(default, Decimal) else int(value))
            )
        return PeriodTotals(**values)

    return _headline(totals(sums["true"]), totals(sums["false"]), channels)


@comparison("performance page data, largest seller 90d", "sql")
def performance_90d_sql(ctx: BenchContext) -> Headline:
    return _sql(ctx, 90)


@comparison("performance page data, largest seller 30d", "sql")
def performance_30d_sql(ctx: BenchContext) -> Headline:
    return _sql(ctx, 30)


@comparison("performance page data, largest seller 365d", "sql")
def performance_365d_sql(ctx: BenchContext) -> Headline:
    return _sql(ctx, 365)


@comparison("performance page data, busiest seller 90d", "sql")
def performance_busiest_90d_sql(ctx: BenchContext) -> Headline:
    return _sql(ctx, 90, busiest_seller_id(ctx))
