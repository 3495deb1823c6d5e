"""Benchmark scenarios of the jobs (issue 6): the daily benchmarks job, and composing + queueing weekly digests."""

from __future__ import annotations

import time

from sqlalchemy import update

from core.ai import get_ai
from core.config import load_settings
from core.goals.deadlines import check_goal_deadlines
from core.market.benchmarks import recalculate_benchmarks
from core.messaging.digest import digest_recipients, send_weekly_digests
from core.models import SellerProfile
from tests.bench.harness import BenchContext, scenario
from tests.bench.scenarios_insights import prime_daily_market_figures

DIGEST_SELLERS = 50  # a fixed number of sellers per run, so the time per run converts to digests per second


@scenario("benchmarks job", repeats=3, warmup=1, target_ms=2000)
def benchmarks_job(ctx: BenchContext) -> int:
    """The benchmarks job's work: recalculate every market benchmark (rolled back)."""
    with ctx.session() as session:
        return recalculate_benchmarks(session, now=ctx.now)


@scenario("goal deadlines job", repeats=3, warmup=1)
def goal_deadlines_job(ctx: BenchContext) -> int:
    """The goal-deadlines job's work: close every active goal whose deadline passed (rolled back)."""
    with ctx.session() as session:
        report = check_goal_deadlines(session, now=ctx.now)
        return report.achieved + report.missed


@scenario("compose and queue digests, pacing 0", repeats=3, warmup=1, target_ms=500, max_peak_mb=100)
def compose_and_queue_digests(ctx: BenchContext) -> int:
    """Compose and queue the weekly digest of 50 sellers with the offline engine (rolled back), the day's market
    figures stored; prints digests/s."""
    prime_daily_market_figures(ctx)
    settings = load_settings(env={"DIGEST_PACING_SECONDS": "0"})
    ai = get_ai(settings)
    with ctx.session() as session:
        keep = set(digest_recipients(session)[:DIGEST_SELLERS])
        # Opt everyone else out inside the rolled-back transaction, so the run covers exactly the first 50.
        session.execute(update(SellerProfile).where(SellerProfile.id.not_in(keep)).values(weekly_digest_opt_in=False))
        started = time.perf_counter()
        with ctx.timed():  # the opt-outs above are the bench's set-up, not the job's work
            report = send_weekly_digests(session, now=ctx.now, ai=ai, settings=settings)
        elapsed = time.perf_counter() - started
    print(
        f"  digests: {report.queued} composed and queued in {elapsed:.2f} s = {report.queued / elapsed:.1f} per second"
    )
    return report.queued
