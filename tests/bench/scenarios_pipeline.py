"""Benchmark scenarios for the creator pipeline (issue 16) on the large data set, whose board the derived data built
(`tests.bench.run.build_derived_data`: every seller placed by `refresh_pipeline`, as the hourly job keeps it)."""

from __future__ import annotations

from datetime import timedelta

from core.models import RollupWatermark
from core.sellers.pipeline import refresh_pipeline
from core.sellers.pipeline_board import board, stuck_cards
from core.sellers.pipeline_changes import WATERMARK, refresh_due
from tests.bench.harness import BenchContext, scenario

HOUR = timedelta(hours=1)


@scenario("creator pipeline refresh", repeats=5, warmup=1, target_ms=2000)
def pipeline_refresh(ctx: BenchContext) -> str:
    """The `creator-pipeline` job on a board already built, 6 hours after its last run: the creators touched since
    (new accounts, product writes, creator_started events, orders, refunds, last sales turning 30 days old) found
    — 1,785 of 13,503 on the large set, whose orders stop at 08:00 (the last 1 to 3 hours touch 1 seller) — their
    stages derived again and the changed rows written (rolled back after each run)."""
    since = ctx.now - 6 * HOUR
    with ctx.session() as session:
        session.add(RollupWatermark(name=WATERMARK, through=since, refreshed_at=since,
                                    detail={"full_at": since.isoformat()}))  # fmt: skip
        session.flush()
        outcome = refresh_due(session, now=ctx.now)
    return outcome.summary()


@scenario("creator pipeline full refresh", repeats=3, warmup=1, target_ms=2000)
def pipeline_full_refresh(ctx: BenchContext) -> str:
    """The once-a-day full refresh of the board: every seller's stage derived again in one grouped statement over
    users, products, creator_started events and all 11.7 M orders, the changed rows written (rolled back)."""
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
