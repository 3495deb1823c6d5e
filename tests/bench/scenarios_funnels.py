"""Benchmark scenarios for the operator funnels (issue 7): `funnel_for` over the last 28 days of the large data set."""

from __future__ import annotations

from datetime import timedelta

from core.analytics.funnel_queries import funnel_for
from core.analytics.funnels import FunnelResult
from tests.bench.harness import BenchContext, scenario

LAST_28_DAYS = timedelta(days=28)


def _funnel(ctx: BenchContext, name: str) -> list[int]:
    with ctx.session() as session:
        result: FunnelResult = funnel_for(session, name=name, start=ctx.now - LAST_28_DAYS, end=ctx.now)
    return [step.count for step in result.steps]


@scenario("learner funnel 28d", repeats=5, warmup=1)
def learner_funnel_28d(ctx: BenchContext) -> list[int]:
    """funnel_for("learner") over the last 28 days: one filtered query, then compute_funnel in Python."""
    return _funnel(ctx, "learner")


@scenario("creator funnel 28d", repeats=5, warmup=1)
def creator_funnel_28d(ctx: BenchContext) -> list[int]:
    """funnel_for("creator") over the last 28 days: one filtered query, then compute_funnel in Python."""
    return _funnel(ctx, "creator")
