"""Loading for operator analytics: the KPI strip over `analytics_events`, read from the hourly roll-ups where they
exist (`core.analytics.rollups`) and from the raw events elsewhere; `operator_kpis_raw` is the same strip from the raw
events alone, the reference the roll-up path is tested against. A funnel's loading is `core.analytics.funnel_queries`.

Where each measure comes from in `operator_kpis`:
- GMV, platform revenue, orders, paying buyers: `core.analytics.metrics.sales_totals` (roll-ups for the windows'
  whole hours, raw purchases for the partial edges and the open part of today);
- e-mail delivery reports (tracked, bounced), sessions per source, signups, creator starts and both activations:
  roll-ups + raw edges, the same way (the distinct counts by the roll-ups' "previous occurrence" scheme; an
  activation "so far" is re-aggregated when the purchase or publication that activates it is recorded);
- e-mails sent: the outbox (`core.analytics.metrics.emails_sent`), raw: a few rows a day.

The definitions and the arithmetic are pure and live beside: `core.analytics.kpis` (windows, the KPI strip
from the totals) and `core.analytics.funnels` (`compute_funnel`, the funnel definitions).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime, tzinfo
from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, func, select, text
from sqlalchemy.orm import Session, aliased

from core.analytics.kpis import (
    CREATOR_ACTIVATION_HOURS,
    LEARNER_ACTIVATION_HOURS,
    EventTotals,
    OperatorKpis,
    TimeRange,
    build_kpis,
    build_traffic,
    kpi_windows,
)
from core.analytics.metrics import SalesTotals, emails_sent, raw_sales_totals, sales_totals
from core.analytics.rollup_keys import (
    CREATOR_STARTS,
    CREATORS_ACTIVATED,
    EMAIL_REPORTS,
    LEARNERS_ACTIVATED,
    SESSIONS,
    SIGNUPS,
    plus_hours,
)
from core.analytics.rollup_reads import RollupState, distinct_counts, raw_distinct, rolled_sums, rollup_state, split
from core.config import get_settings
from core.models import AnalyticsEvent

# --------------------------------------------------------------------------- the KPI strip


def _flag(condition: ColumnElement[bool]) -> Any:
    return func.max(case((condition, 1), else_=0))


PersonTotals = tuple[int, int, int, int]  # signups, learners activated, creator starts, creators activated
PERSON_FAMILIES = (SIGNUPS, LEARNERS_ACTIVATED, CREATOR_STARTS, CREATORS_ACTIVATED)  # in PersonTotals' order


def _person_totals(session: Session, windows: Sequence[TimeRange]) -> list[PersonTotals]:
    """Signups and creator starts (distinct persons) and how many of them activated, per window, one statement:
    the rows are reduced to one per (person, event type) (a hash aggregate), then summed."""
    e = AnalyticsEvent
    later = aliased(AnalyticsEvent, name="later")

    def converted(target: str, hours: int) -> ColumnElement[bool]:
        # Correlated EXISTS on the person's events: one index probe per signup / creator start.
        return exists().where(
            later.person_id == e.person_id,
            later.event_type == target,
            later.occurred_at >= e.occurred_at,
            later.occurred_at <= plus_hours(session, e.occurred_at, hours),
        )

    activated = case(
        (e.event_type == "signup", converted("purchase", LEARNER_ACTIVATION_HOURS)),
        (e.event_type == "creator_started", converted("creator_published", CREATOR_ACTIVATION_HOURS)),
        else_=False,
    )
    rows = (
        select(e.person_id, e.event_type, e.occurred_at, activated.label("activated"))
        .where(
            e.event_type.in_(("signup", "creator_started")),
            e.occurred_at >= min(w.start for w in windows),
            e.occurred_at < max(w.end for w in windows),
        )
        .subquery("event_rows")
    )
    r = rows.c
    per_person_columns = []
    for i, window in enumerate(windows):
        inside = and_(r.occurred_at >= window.start, r.occurred_at < window.end)
        per_person_columns += [_flag(inside).label(f"seen_{i}"), _flag(and_(inside, r.activated)).label(f"act_{i}")]
    per_person = select(r.event_type, *per_person_columns).group_by(r.person_id, r.event_type).subquery("per_person")
    pp = per_person.c

    def of(event_type: str, column: Any) -> Any:
        return func.coalesce(func.sum(case((pp.event_type == event_type, column), else_=0)), 0)

    columns = []
    for i in range(len(windows)):
        seen, act = pp[f"seen_{i}"], pp[f"act_{i}"]
        columns += [of("signup", seen), of("signup", act), of("creator_started", seen), of("creator_started", act)]
    _tune_for_aggregates(session)
    row = session.execute(select(*columns)).one()
    return [tuple(int(v) for v in row[4 * i : 4 * i + 4]) for i in range(len(windows))]  # type: ignore[misc]


def _tune_for_aggregates(session: Session) -> None:
    """PostgreSQL: no JIT for the rest of this (read) transaction (the EXISTS subplans' huge cost estimate would
    trigger it: measured on 5 M events it cost 0.7 s per worker and saved nothing)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL jit = off"))


def raw_email_reports(session: Session, windows: Sequence[TimeRange]) -> list[tuple[int, int]]:
    """(e-mails tracked, bounced) per window from the raw delivery-report events, one statement."""
    if not windows:
        return []
    e = AnalyticsEvent
    columns = []
    for w in windows:
        inside = and_(e.occurred_at >= w.start, e.occurred_at < w.end)
        columns += [func.count(case((and_(inside, e.event_type == kind), 1), else_=None)) for kind in EMAIL_REPORTS]
    row = session.execute(
        select(*columns).where(
            e.event_type.in_(tuple(EMAIL_REPORTS)),
            e.occurred_at >= min(w.start for w in windows),
            e.occurred_at < max(w.end for w in windows),
        )
    ).one()
    return [(int(row[2 * i]), int(row[2 * i + 1])) for i in range(len(windows))]


def email_reports(session: Session, windows: Sequence[TimeRange], state: RollupState | None) -> list[tuple[int, int]]:
    splits = [split(w, state) for w in windows]
    metrics = tuple(EMAIL_REPORTS.values())
    sums = rolled_sums(session, metrics, [s.body for s in splits])
    edges = [(i, edge) for i, s in enumerate(splits) for edge in s.edges]
    out = [[int(sums[i][m]) for m in metrics] for i in range(len(windows))]
    for (i, _), (tracked, bounced) in zip(edges, raw_email_reports(session, [e for _, e in edges]), strict=True):
        out[i][0] += tracked
        out[i][1] += bounced
    return [(t, b) for t, b in out]


def _totals(person: PersonTotals, sales: SalesTotals, sent: int, reports: tuple[int, int]) -> EventTotals:
    signups, learners, starts, creators = person
    return EventTotals(
        signups=signups,
        learners_activated=learners,
        creator_starts=starts,
        creators_activated=creators,
        gmv_cents=sales.gmv_cents,
        commission_cents=sales.commission_cents,
        purchases=sales.orders,
        buyers=sales.buyers,
        emails_sent=sent,
        emails_tracked=reports[0],
        emails_bounced=reports[1],
    )


def _traffic_rows(current: Counter[str], previous: Counter[str]) -> tuple[list[tuple[str, int, int]], int, int]:
    rows = [(s, current[s], previous[s]) for s in sorted(set(current) | set(previous)) if current[s] or previous[s]]
    return rows, sum(r[1] for r in rows), sum(r[2] for r in rows)


def _strip(
    window: str,
    windows: tuple[TimeRange, TimeRange],
    person: list[PersonTotals],
    sales: list[SalesTotals],
    sent: list[int],
    reports: list[tuple[int, int]],
    sessions: list[Counter[str]],
) -> OperatorKpis:
    now_totals, before_totals = (_totals(person[i], sales[i], sent[i], reports[i]) for i in (0, 1))
    rows, total_current, total_previous = _traffic_rows(sessions[0], sessions[1])
    return OperatorKpis(
        window=window,
        current=windows[0],
        previous=windows[1],
        kpis=build_kpis(now_totals, before_totals),
        traffic=build_traffic(rows, total_current, total_previous),
    )


def operator_kpis(session: Session, *, window: str, now: datetime, tz: tzinfo | None = None) -> OperatorKpis:
    """The KPI strip for `window` ("today", "7d", "28d") ending `now`, each against the previous window, from the
    roll-ups where they reach and the raw events elsewhere (see the module docstring).

    `tz` defaults to APP_TIMEZONE (settings); it only matters for "today".
    """
    windows = kpi_windows(window, now=now, tz=tz or get_settings().timezone)
    state = rollup_state(session)
    counted = distinct_counts(session, [*PERSON_FAMILIES, SESSIONS], windows, state)
    person = [tuple(sum(counted[f.metric][i].values()) for f in PERSON_FAMILIES) for i in range(len(windows))]
    return _strip(
        window,
        windows,
        person,  # type: ignore[arg-type]
        sales_totals(session, windows, state=state),
        emails_sent(session, windows),
        email_reports(session, windows, state),
        counted[SESSIONS.metric],
    )


def operator_kpis_raw(session: Session, *, window: str, now: datetime, tz: tzinfo | None = None) -> OperatorKpis:
    """`operator_kpis` from the raw events alone: the reference (and what the page shows without roll-ups)."""
    windows = kpi_windows(window, now=now, tz=tz or get_settings().timezone)
    return _strip(
        window,
        windows,
        _person_totals(session, windows),
        raw_sales_totals(session, windows),
        emails_sent(session, windows),
        raw_email_reports(session, windows),
        [raw_distinct(session, SESSIONS, w) for w in windows],
    )
