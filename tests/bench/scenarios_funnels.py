"""Benchmark scenarios for the operator funnels (issues 7 and 13): `funnel_for` over the last 28 days of the large
data set, each against one hand-written SQL query and against loading the window's events into Python."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import bindparam, select, text

from core.analytics.funnel_queries import funnel_for
from core.analytics.funnels import DEFAULT_WINDOW, FUNNELS, FunnelResult, compute_funnel
from core.db import UTCDateTime
from core.models import AnalyticsEvent
from tests.bench.harness import BenchContext, comparison, scenario

LAST_28_DAYS = timedelta(days=28)


def _funnel(ctx: BenchContext, name: str) -> list[int]:
    with ctx.session() as session:
        result: FunnelResult = funnel_for(session, name=name, start=ctx.now - LAST_28_DAYS, end=ctx.now)
    return [step.count for step in result.steps]


@scenario("learner funnel 28d", repeats=5, warmup=1, target_ms=500, max_peak_mb=100)
def learner_funnel_28d(ctx: BenchContext) -> list[int]:
    """funnel_for("learner") over the last 28 days: one SQL statement (window functions), step counts back."""
    return _funnel(ctx, "learner")


@scenario("creator funnel 28d", repeats=5, warmup=1, target_ms=500, max_peak_mb=100)
def creator_funnel_28d(ctx: BenchContext) -> list[int]:
    """funnel_for("creator") over the last 28 days: one SQL statement (window functions), step counts back."""
    return _funnel(ctx, "creator")


# A hand-written ordered funnel of four distinct events: everybody with an entry (step 1 in the range) counts for
# step 1; for the persons who also did step 2, follow from each entry the first step-2 event at or after it, then
# the first step-3 event at or after that, ... each within the window of the entry (look-ups on the index on
# (person, event type, time)); a person's depth is the best of their entries.
_NEXT = """(SELECT min(occurred_at) FROM analytics_events n
    WHERE n.person_id = c.person_id AND n.event_type = :{step} AND n.occurred_at >= c.{after}
      AND n.occurred_at <= c.deadline)"""
_HAND_WRITTEN = f"""
WITH c0 AS (
    SELECT person_id, occurred_at AS t0, {{deadline}} AS deadline FROM analytics_events
    WHERE event_type = :s0 AND occurred_at >= :lo AND occurred_at <= :hi
      AND person_id IN (SELECT person_id FROM analytics_events
                        WHERE event_type = :s1 AND occurred_at >= :lo AND occurred_at <= :hi_w)
), c1 AS (SELECT c.*, {_NEXT.format(step="s1", after="t0")} AS t1 FROM c0 c),
c2 AS (SELECT c.*, {_NEXT.format(step="s2", after="t1")} AS t2 FROM c1 c),
c3 AS (SELECT c.*, {_NEXT.format(step="s3", after="t2")} AS t3 FROM c2 c),
depths AS (
    SELECT person_id, max(CASE WHEN t3 IS NOT NULL THEN 4 WHEN t2 IS NOT NULL THEN 3
                               WHEN t1 IS NOT NULL THEN 2 ELSE 1 END) AS depth
    FROM c3 GROUP BY person_id
)
SELECT (SELECT count(*) FROM (SELECT DISTINCT person_id FROM analytics_events
                              WHERE event_type = :s0 AND occurred_at >= :lo AND occurred_at <= :hi) AS entered),
       count(*) FILTER (WHERE depth >= 2), count(*) FILTER (WHERE depth >= 3), count(*) FILTER (WHERE depth >= 4)
FROM depths
"""
# entry + 14 days: an interval on PostgreSQL; on SQLite whole days added to the text, the microseconds kept
_DEADLINE = {
    "postgresql": "occurred_at + interval '14 days'",
    "sqlite": "strftime('%Y-%m-%d %H:%M:%S', occurred_at, '+14 days') || substr(occurred_at, 20)",
}


def _hand_written(ctx: BenchContext, name: str) -> list[int]:
    assert timedelta(days=14) == DEFAULT_WINDOW, "the hand-written query spells the window out"
    steps = FUNNELS[name].event_types
    params: dict[str, object] = {f"s{i}": step for i, step in enumerate(steps)}
    params |= {"lo": ctx.now - LAST_28_DAYS, "hi": ctx.now, "hi_w": ctx.now + DEFAULT_WINDOW}
    statement = text(_HAND_WRITTEN.format(deadline=_DEADLINE[ctx.backend])).bindparams(
        *(bindparam(name, type_=UTCDateTime()) for name in ("lo", "hi", "hi_w"))
    )
    with ctx.session() as session:
        row = session.execute(statement, params).one()
    return list(row)


def _in_python(ctx: BenchContext, name: str) -> list[int]:
    """Every event of the funnel's types in [start, end + window] into Python, then `compute_funnel`."""
    definition = FUNNELS[name]
    start, end = ctx.now - LAST_28_DAYS, ctx.now
    e = AnalyticsEvent
    query = select(e.person_id, e.event_type, e.occurred_at).where(
        e.event_type.in_(definition.event_types), e.occurred_at >= start, e.occurred_at <= end + DEFAULT_WINDOW
    )
    with ctx.session() as session:
        rows = session.execute(query).all()
    result = compute_funnel(rows, steps=definition.event_types, window=DEFAULT_WINDOW, anchors_between=(start, end))
    return [step.count for step in result.steps]


@comparison("learner funnel 28d", "sql")
def learner_funnel_sql(ctx: BenchContext) -> list[int]:
    return _hand_written(ctx, "learner")


@comparison("creator funnel 28d", "sql")
def creator_funnel_sql(ctx: BenchContext) -> list[int]:
    return _hand_written(ctx, "creator")


@comparison("learner funnel 28d", "python")
def learner_funnel_python(ctx: BenchContext) -> list[int]:
    return _in_python(ctx, "learner")


@comparison("creator funnel 28d", "python")
def creator_funnel_python(ctx: BenchContext) -> list[int]:
    return _in_python(ctx, "creator")
