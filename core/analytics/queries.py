"""Loading for operator analytics: the KPI strip's aggregate queries over `analytics_events` (both windows at once,
conditional aggregates, nothing loaded row by row; the sales and e-mails sent through `core.analytics.metrics`).
A funnel's loading is `core.analytics.funnel_queries`.

The definitions and the arithmetic are pure and live beside: `core.analytics.kpis` (windows, the KPI strip
from the totals) and `core.analytics.funnels` (`compute_funnel`, the funnel definitions).
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, func, select, text
from sqlalchemy.orm import Session, aliased

from core.analytics.kpis import (
    CREATOR_ACTIVATION_HOURS,
    LEARNER_ACTIVATION_HOURS,
    NO_SOURCE,
    EventTotals,
    OperatorKpis,
    TimeRange,
    build_kpis,
    build_traffic,
    kpi_windows,
)
from core.analytics.metrics import SalesTotals, emails_sent, sales_totals
from core.config import get_settings
from core.models import AnalyticsEvent

# --------------------------------------------------------------------------- the KPI strip


def _plus_hours(session: Session, column: Any, hours: int) -> ColumnElement[Any]:
    """column + hours, exact in both databases (SQLite stores 'YYYY-MM-DD HH:MM:SS.ffffff' text)."""
    if session.get_bind().dialect.name == "postgresql":
        # Hours, not days: '7 days' on a timestamptz follows the session time zone's DST changes.
        return column + text(f"interval '{int(hours)} hours'")
    # strftime's %f gives milliseconds ("SS.SSS"): pad to the six digits SQLAlchemy stores, so the text
    # comparison with a stored timestamp is exact to the millisecond.
    return func.strftime("%Y-%m-%d %H:%M:%f", column, f"+{int(hours)} hours").op("||")("000")


def _in(range_: TimeRange) -> ColumnElement[bool]:
    return and_(AnalyticsEvent.occurred_at >= range_.start, AnalyticsEvent.occurred_at < range_.end)


def _flag(condition: ColumnElement[bool]) -> Any:
    return func.max(case((condition, 1), else_=0))


def _event_totals(session: Session, current: TimeRange, previous: TimeRange) -> tuple[EventTotals, EventTotals]:
    """Both windows' totals. Signups, creator starts and e-mail delivery reports come from one statement: events
    are reduced to one row per (person, event type) (a hash aggregate), then summed, so "distinct persons" is a
    sum of per-person flags instead of one COUNT(DISTINCT …) sort per KPI. The sales (GMV, purchases, buyers,
    platform revenue) and the e-mails sent are `core.analytics.metrics`' one definition of each."""
    e = AnalyticsEvent
    later = aliased(AnalyticsEvent, name="later")
    since, until = min(current.start, previous.start), max(current.end, previous.end)

    def converted(target: str, hours: int) -> ColumnElement[bool]:
        # Correlated EXISTS on the person's events: one index probe per signup / creator start.
        return exists().where(
            later.person_id == e.person_id,
            later.event_type == target,
            later.occurred_at >= e.occurred_at,
            later.occurred_at <= _plus_hours(session, e.occurred_at, hours),
        )

    # CASE evaluates lazily: the EXISTS probes run only for signup and creator_started rows.
    activated = case(
        (e.event_type == "signup", converted("purchase", LEARNER_ACTIVATION_HOURS)),
        (e.event_type == "creator_started", converted("creator_published", CREATOR_ACTIVATION_HOURS)),
        else_=False,
    )
    rows = (
        select(e.person_id, e.event_type, e.occurred_at, activated.label("activated"))
        .where(
            e.event_type.in_(("signup", "creator_started", "email_sent", "email_bounced")),
            e.occurred_at >= since,
            e.occurred_at < until,
        )
        .subquery("event_rows")
    )
    r = rows.c
    per_person_columns = []
    for name, window in (("c", current), ("p", previous)):
        inside = and_(r.occurred_at >= window.start, r.occurred_at < window.end)
        per_person_columns += [
            _flag(inside).label(f"seen_{name}"),
            _flag(and_(inside, r.activated)).label(f"act_{name}"),
            func.sum(case((inside, 1), else_=0)).label(f"n_{name}"),
        ]
    per_person = select(r.event_type, *per_person_columns).group_by(r.person_id, r.event_type).subquery("per_person")
    pp = per_person.c

    def of(event_type: str, column: Any) -> Any:
        return func.coalesce(func.sum(case((pp.event_type == event_type, column), else_=0)), 0)

    columns = []
    for name in ("c", "p"):
        seen, act, n = pp[f"seen_{name}"], pp[f"act_{name}"], pp[f"n_{name}"]
        columns += [
            of("signup", seen),
            of("signup", act),
            of("creator_started", seen),
            of("creator_started", act),
            of("email_sent", n),
            of("email_bounced", n),
        ]
    _tune_for_aggregates(session)
    row = session.execute(select(*columns)).one()
    sales = sales_totals(session, [current, previous])
    sent = emails_sent(session, [current, previous])
    return _totals(row[:6], sales[0], sent[0]), _totals(row[6:], sales[1], sent[1])


def _tune_for_aggregates(session: Session) -> None:
    """PostgreSQL settings for the rest of this (read) transaction: no JIT, more memory per sort/hash.

    The EXISTS subplans make the planner's cost estimate huge, which triggers JIT compilation: measured on
    5 M events it cost 0.7 s per worker and saved nothing. 32 MB lets the per-person and per-session
    aggregates hash in memory instead of sorting to disk with the 4 MB default.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL jit = off"))
        session.execute(text("SET LOCAL work_mem = '32MB'"))


def _totals(values: Any, sales: SalesTotals, sent: int) -> EventTotals:
    signups, learners, starts, creators, tracked, bounced = values
    return EventTotals(
        signups=int(signups),
        learners_activated=int(learners),
        creator_starts=int(starts),
        creators_activated=int(creators),
        gmv_cents=sales.gmv_cents,
        commission_cents=sales.commission_cents,
        purchases=sales.orders,
        buyers=sales.buyers,
        emails_sent=sent,
        emails_tracked=int(tracked),
        emails_bounced=int(bounced),
    )


def _traffic(session: Session, current: TimeRange, previous: TimeRange) -> tuple[list[tuple[str, int, int]], int, int]:
    """Page-view sessions per source, both windows: one GROUP BY session, then a tiny GROUP BY source."""
    e = AnalyticsEvent
    session_key = func.coalesce(e.session_id, e.person_id)
    sessions = (
        select(
            func.min(func.coalesce(e.source, NO_SOURCE)).label("source"),
            _flag(_in(current)).label("c"),
            _flag(_in(previous)).label("p"),
        )
        .where(
            e.event_type == "page_view",
            e.occurred_at >= min(current.start, previous.start),
            e.occurred_at < max(current.end, previous.end),
        )
        .group_by(session_key)
        .subquery("sessions")
    )
    sc = sessions.c
    rows = [
        (str(name), int(cur or 0), int(prev or 0))
        for name, cur, prev in session.execute(
            select(sc.source, func.sum(sc.c), func.sum(sc.p)).group_by(sc.source).order_by(sc.source)
        )
        if cur or prev
    ]
    return rows, sum(r[1] for r in rows), sum(r[2] for r in rows)


def operator_kpis(session: Session, *, window: str, now: datetime, tz: tzinfo | None = None) -> OperatorKpis:
    """The KPI strip for `window` ("today", "7d", "28d") ending `now`, each against the previous window.

    `tz` defaults to APP_TIMEZONE (settings); it only matters for "today".
    """
    current, previous = kpi_windows(window, now=now, tz=tz or get_settings().timezone)
    now_totals, before_totals = _event_totals(session, current, previous)
    rows, total_current, total_previous = _traffic(session, current, previous)
    return OperatorKpis(
        window=window,
        current=current,
        previous=previous,
        kpis=build_kpis(now_totals, before_totals),
        traffic=build_traffic(rows, total_current, total_previous),
    )
