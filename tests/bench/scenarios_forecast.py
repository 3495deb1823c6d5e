"""Benchmark scenario for the sales forecast (issue 4): `forecast_for_seller` for the largest seller."""

from __future__ import annotations

from core.sales.forecast import forecast_for_seller
from tests.bench.harness import BenchContext, scenario


@scenario("forecast for the largest seller", repeats=10, warmup=1)
def forecast_largest_seller(ctx: BenchContext) -> bool:
    """forecast_for_seller(days=90): two aggregate queries + the model with its 13 re-fits (range, backtest)."""
    seller_id = ctx.largest_seller_id()
    with ctx.session() as session:
        return forecast_for_seller(session, seller_id=seller_id, days=90, now=ctx.now).available
