"""Benchmark scenarios for the two home pages' data (issue 2) on the large data set."""

from __future__ import annotations

from core.analytics import home_metrics
from core.config import get_settings
from core.sales.summary import admin_home_summary, seller_home_summary
from tests.bench.harness import BenchContext, scenario


@scenario("seller home data", repeats=20, warmup=2)
def seller_home(ctx: BenchContext) -> str:
    """seller_home_summary for the largest seller: two period totals, live products, 90 daily points."""
    with ctx.session() as session:
        summary = seller_home_summary(session, seller_id=ctx.largest_seller_id(), now=ctx.now)
    return f"{summary.revenue} over {summary.units} units, {len(summary.daily)} days"


@scenario("admin home data", repeats=10, warmup=1, target_ms=300, max_peak_mb=100)
def admin_home(ctx: BenchContext) -> str:
    """admin_home_summary: sellers by status, live products, 90 daily points (daily sales roll-up) and sellers."""
    with ctx.session() as session:
        summary = admin_home_summary(session, now=ctx.now)
    return f"GMV {summary.gmv} from {summary.selling_sellers} sellers"


@scenario("admin home metrics", repeats=10, warmup=1, target_ms=300, max_peak_mb=100)
def admin_home_metrics(ctx: BenchContext) -> str:
    """home_metrics: 30-day GMV, orders, buyers, AOV against the 30 days before (hourly roll-ups), e-mails today."""
    with ctx.session() as session:
        metrics = home_metrics(session, now=ctx.now, tz=get_settings().timezone)
    return f"GMV {metrics.sales.gmv} in {metrics.sales.orders} orders by {metrics.sales.buyers} buyers"
