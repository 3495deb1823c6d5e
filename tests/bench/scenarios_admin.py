"""Benchmark scenarios for the admin pages of issue 7: the operator KPI strip per window, and the seller
success page's data (KPIs + the overview's first page + the 12-month trend). Target: under 1 s each."""

from __future__ import annotations

from core.analytics.queries import operator_kpis
from core.sellers.overview import seller_overview
from core.sellers.success import seller_success_kpis, seller_success_trend
from tests.bench.harness import BenchContext, scenario


def _operator(ctx: BenchContext, window: str) -> str:
    with ctx.session() as session:
        result = operator_kpis(session, window=window, now=ctx.now)
    k = result.kpis
    return f"{k['new_signups'].value} signups, GMV {k['gmv'].value}, {len(result.traffic)} sources"


@scenario("operator KPIs today", repeats=5, warmup=1, target_ms=1000)
def operator_kpis_today(ctx: BenchContext) -> str:
    """operator_kpis("today"): two aggregate queries over today and the same hours of yesterday."""
    return _operator(ctx, "today")


@scenario("operator KPIs 7d", repeats=5, warmup=1, target_ms=1000)
def operator_kpis_7d(ctx: BenchContext) -> str:
    """operator_kpis("7d"): two aggregate queries over the last 14 × 24 h of events."""
    return _operator(ctx, "7d")


@scenario("operator KPIs 28d", repeats=5, warmup=1, target_ms=1000)
def operator_kpis_28d(ctx: BenchContext) -> str:
    """operator_kpis("28d"): two aggregate queries over the last 56 × 24 h of events."""
    return _operator(ctx, "28d")


@scenario("seller success page data", repeats=5, warmup=1, target_ms=1000)
def seller_success_page(ctx: BenchContext) -> str:
    """seller_success_kpis + seller_overview (first page of 25 by name, listing health scored) + 12-month trend."""
    with ctx.session() as session:
        kpis = seller_success_kpis(session, now=ctx.now)
        page = seller_overview(session, now=ctx.now)
        trend = seller_success_trend(session, now=ctx.now)
    return f"activation {kpis.activation_rate.value} %, {page.total} sellers, {len(trend)} trend points"
