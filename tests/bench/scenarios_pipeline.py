"""Benchmark scenarios for the creator pipeline (issue 16) on the large data set, whose board the derived data built
(`tests.bench.run.build_derived_data`: every seller placed by `refresh_pipeline`, as the hourly job keeps it)."""

from __future__ import annotations

from core.sellers.pipeline import refresh_pipeline
from core.sellers.pipeline_board import board, stuck_cards
from tests.bench.harness import BenchContext, scenario


@scenario("creator pipeline refresh", repeats=5, warmup=1, target_ms=2000)
def pipeline_refresh(ctx: BenchContext) -> str:
    """The hourly `creator-pipeline` job on a board already built: every seller's stage derived again in one grouped
    statement over users, products, creator_started events and paid orders, and only the creators whose stage or
    totals changed written (rolled back after each run)."""
    with ctx.session() as session:
        report = refresh_pipeline(session, now=ctx.now)
    return report.summary()


@scenario("creator pipeline page data", repeats=10, warmup=1, target_ms=300, max_peak_mb=100)
def pipeline_page(ctx: BenchContext) -> str:
    """The Creator pipeline page's reads: the board unfiltered (the totals per stage and the 12 cards longest in
    each stage) and the stuck creators (drafting for more than 3 days)."""
    with ctx.session() as session:
        drawn = board(session, now=ctx.now)
        stuck = stuck_cards(session, now=ctx.now, days=3)
    return f"{drawn.total:,} creators on the board, {len(stuck):,} stuck"
