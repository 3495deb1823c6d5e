"""Benchmark scenario for the sales forecast (issues 4, 21): `forecast_for_seller` for the largest seller."""

from __future__ import annotations

from core.sales.forecast import forecast_for_seller
from tests.bench.harness import BenchContext, scenario
from tests.bench.scenarios_insights import prime_daily_market_figures


@scenario("forecast for the largest seller", repeats=10, warmup=1, target_ms=500)
def forecast_largest_seller(ctx: BenchContext) -> bool:
    """forecast_for_seller(days=90): two aggregate queries, the candidates' backtest at 18 weekly origins (issue
    21), the chosen method's projection and ranges; the day's market figures stored, as the day's first page view,
    insights run or digest stores them (without them each run counts the market's per-type history again, 2.5 s)."""
    prime_daily_market_figures(ctx)
    seller_id = ctx.largest_seller_id()
    with ctx.session() as session:
        return forecast_for_seller(session, seller_id=seller_id, days=90, now=ctx.now).available
