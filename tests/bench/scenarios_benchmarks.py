"""Benchmark scenario for the daily market-benchmark recalculation (issue 3) on the large data set."""

from __future__ import annotations

from core.market.benchmarks import recalculate_benchmarks
from tests.bench.harness import BenchContext, scenario


@scenario("benchmarks recalculation", repeats=3, warmup=1, target_ms=2000)
def recalculate(ctx: BenchContext) -> int:
    """recalculate_benchmarks over every product type × category (one aggregate statement + upsert), rolled back."""
    with ctx.session() as session:
        return recalculate_benchmarks(session, now=ctx.now)
