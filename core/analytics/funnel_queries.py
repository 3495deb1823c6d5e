"""A named conversion funnel from the database: `funnel_for` computes seed 004's learner or creator funnel in one
SQL statement (`core.analytics.funnel_sql`) and, for the order the database path does not express ("any"),
loads the funnel's events into the pure `core.analytics.funnels.compute_funnel` (`funnel_in_python`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from core.analytics.funnel_sql import SQL_ORDERS, funnel_in_database
from core.analytics.funnels import DEFAULT_WINDOW, FUNNELS, Exclusion, FunnelOrder, FunnelResult, compute_funnel
from core.models import AnalyticsEvent


def funnel_for(
    session: Session,
    *,
    name: str,
    start: datetime,
    end: datetime,
    window: timedelta = DEFAULT_WINDOW,
    order: FunnelOrder = "ordered",
    exclusion: Exclusion | tuple[str, int, int] | None = None,
) -> FunnelResult:
    """Seed 004's `name` funnel ("learner" or "creator") for persons who entered (step 1) in [start, end].

    Events count with occurred_at in [start, end + window], so a person who entered near `end` can still
    convert; step-1 anchors must lie inside [start, end] (both inclusive). Orders "ordered" and "strict" are
    computed in the database (`funnel_in_database`), "any" by `funnel_in_python`: the same numbers either way.
    """
    definition = FUNNELS.get(name)
    if definition is None:
        raise ValueError(f"unknown funnel {name!r}; choose one of: {', '.join(sorted(FUNNELS))}")
    compute = funnel_in_database if order in SQL_ORDERS else funnel_in_python
    return compute(
        session,
        steps=definition.event_types,
        start=start,
        end=end,
        window=window,
        order=order,
        exclusion=exclusion,
        labels=definition.labels,
    )


def funnel_in_python(
    session: Session,
    *,
    steps: Sequence[str],
    start: datetime,
    end: datetime,
    window: timedelta,
    order: FunnelOrder = "ordered",
    exclusion: Exclusion | tuple[str, int, int] | None = None,
    labels: Sequence[str] | None = None,
) -> FunnelResult:
    """The funnel by loading its events: (person_id, event_type, occurred_at) of the step events (and the
    exclusion event) in [start, end + window] into `compute_funnel`, anchors in [start, end].

    In ordered and strict order only persons with a step-1 event in [start, end] are loaded (nobody else can
    enter); in any order every step may anchor, so everybody's step events are."""
    if start > end:
        raise ValueError(f"start {start} is after end {end}")
    exclusion = Exclusion(*exclusion) if exclusion is not None else None
    event_types = list(dict.fromkeys([*steps, *([exclusion.event] if exclusion is not None else [])]))
    e = AnalyticsEvent
    stmt = select(e.person_id, e.event_type, e.occurred_at).where(
        e.event_type.in_(event_types), e.occurred_at >= start, e.occurred_at <= end + window
    )
    if order != "any" and steps:
        anchor = aliased(AnalyticsEvent, name="anchor")
        entered = select(anchor.person_id).where(
            anchor.event_type == steps[0], anchor.occurred_at >= start, anchor.occurred_at <= end
        )
        stmt = stmt.where(e.person_id.in_(entered))
    rows = session.execute(stmt.order_by(e.person_id, e.occurred_at))
    return compute_funnel(
        rows,
        steps=steps,
        window=window,
        order=order,
        exclusion=exclusion,
        anchors_between=(start, end),
        labels=labels,
    )
