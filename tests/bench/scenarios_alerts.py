"""Benchmark scenarios of the seller alerts (issue 14): the daily `seller-alerts` job's work over every seller, on
a first day (every breach opens and notifies) and on the day after (breaches are followed, few open)."""

from __future__ import annotations

import time
import tracemalloc
from datetime import timedelta

from sqlalchemy import text

from core.sales.alert_evaluation import evaluate_seller_alerts
from tests.bench.harness import BenchContext, scenario


@scenario("seller alerts job", repeats=3, warmup=1)
def seller_alerts_job(ctx: BenchContext) -> int:
    """Evaluate every approved seller's alerts at the bench "now" with no breach open yet (rolled back): each
    breach opens and notifies. Returns the breaches opened."""
    with ctx.session() as session:
        report = evaluate_seller_alerts(session, now=ctx.now)
    print(f"  seller alerts, first day: {report.summary()}")
    return report.opened


@scenario("seller alerts job, the day after", repeats=3, warmup=0)
def seller_alerts_job_day_after(ctx: BenchContext) -> int:
    """The day before the bench "now" first (opens the breaches), then the bench "now", timed apart and printed:
    the steady state of a daily run, where most breaches continue (rolled back). Returns the breaches followed.

    The first day's 129,000 new breaches are then ANALYZEd in the same transaction, as autovacuum's analyze has by
    the next morning in production: planned on the statistics of an empty table, the day after's quiet-products
    statement ran for over 5 minutes instead of seconds."""
    with ctx.session() as session:
        evaluate_seller_alerts(session, now=ctx.now - timedelta(days=1))
        session.expunge_all()  # the first day's notifications: not part of the day after
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("ANALYZE seller_alert_breaches, notifications"))
        if tracemalloc.is_tracing():  # the harness's memory run: the day after's own peak
            tracemalloc.reset_peak()
            before = tracemalloc.get_traced_memory()[0]
        started = time.perf_counter()
        report = evaluate_seller_alerts(session, now=ctx.now)
        elapsed = time.perf_counter() - started
        tracing = tracemalloc.is_tracing()
        peak = f", peak {(tracemalloc.get_traced_memory()[1] - before) / 2**20:.0f} MB" if tracing else ""
    print(f"  seller alerts, the day after: {report.summary()} in {elapsed * 1000:.0f} ms{peak}")
    return report.continued
