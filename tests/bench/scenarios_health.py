"""Benchmark scenarios of System health (issue 19): every check and its 7-day series as the page reads them (target
300 ms), each signal of the alert rules' registry on its own (printed), and the 7-day bounce rate from the roll-ups
against one hand-written SQL count of the raw events."""

from __future__ import annotations

import statistics
import time
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import text

from components.data.health import job_schedules
from core.money import percent
from core.ops.health import system_health
from core.ops.health_history import health_series, recent_errors
from core.ops.signals import SIGNALS, bounce_rate
from tests.bench.harness import BenchContext, comparison, scenario

UNSTABLE = ("db_round_trip", "db_size")  # measured anew each time: not part of the compared result
WEEK_MINUTES = 7 * 24 * 60


@scenario("system health", repeats=5, warmup=1, target_ms=300)
def system_health_page(ctx: BenchContext) -> tuple[object, ...]:
    """The page's read: every check (the jobs table's schedules), the 7-day series of each and the 20 latest errors.
    Returns each stable check's value and the number of points drawn."""
    with ctx.session() as session:
        checks = system_health(session, now=ctx.now, schedules=job_schedules())
        series = health_series(session, now=ctx.now)
        errors = recent_errors(session, now=ctx.now, limit=20)
    points = sum(len(s.points) for s in series.values())
    return (*((c.key, c.value) for c in checks if c.key not in UNSTABLE), points, len(errors))


@scenario("health signals, each", repeats=3, warmup=1)
def each_signal(ctx: BenchContext) -> int:
    """Every signal of `SIGNALS` over its usual window, five times each; prints each one's median (target: under
    50 ms each). Returns the number of signals."""
    timings = {}
    with ctx.session() as session:
        for key, signal in SIGNALS.items():
            runs = []
            for _ in range(5):
                started = time.perf_counter()
                signal.measure(session, now=ctx.now)
                runs.append((time.perf_counter() - started) * 1000)
            timings[key] = statistics.median(runs)
    slowest = sorted(timings.items(), key=lambda kv: -kv[1])
    print("  signals (median ms): " + ", ".join(f"{k} {v:.1f}" for k, v in slowest))
    return len(timings)


@scenario("health bounce rate 7d", repeats=5, warmup=1, target_ms=50)
def bounce_rate_7d(ctx: BenchContext) -> Decimal | None:
    """The bounce rate signal over 7 days (roll-ups for the complete hours, raw events for the edges)."""
    with ctx.session() as session:
        return bounce_rate(session, now=ctx.now, window_minutes=WEEK_MINUTES)


@comparison("health bounce rate 7d", "sql")
def bounce_rate_7d_sql(ctx: BenchContext) -> Decimal | None:
    with ctx.session() as session:
        sent, bounced = session.execute(
            text(
                "SELECT count(*) FILTER (WHERE event_type = 'email_sent'), "
                "count(*) FILTER (WHERE event_type = 'email_bounced') FROM analytics_events "
                "WHERE event_type IN ('email_sent', 'email_bounced') AND occurred_at >= :start AND occurred_at < :end"
            ),
            {"start": ctx.now - timedelta(days=7), "end": ctx.now},
        ).one()
    return percent(bounced, sent, places=4) if sent else None
