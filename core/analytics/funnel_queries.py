"""Loading for a conversion funnel: `funnel_for` reads one named funnel's events and hands them to the pure
`core.analytics.funnels.compute_funnel`."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

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

    One query loads (person_id, event_type, occurred_at) of the funnel's event types (and the exclusion
    event) with occurred_at in [start, end + window], so a person who entered near `end` can still convert;
    step-1 anchors must lie inside [start, end] (both inclusive). Then `compute_funnel` does the rest.
    """
    definition = FUNNELS.get(name)
    if definition is None:
        raise ValueError(f"unknown funnel {name!r}; choose one of: {', '.join(sorted(FUNNELS))}")
    if start > end:
        raise ValueError(f"start {start} is after end {end}")
    exclusion = Exclusion(*exclusion) if exclusion is not None else None
    event_types = definition.event_types + ([exclusion.event] if exclusion is not None else [])
    e = AnalyticsEvent
    stmt = select(e.person_id, e.event_type, e.occurred_at).where(
        e.event_type.in_(event_types), e.occurred_at >= start, e.occurred_at <= end + window
    )
    if order != "any":
        # Only persons with a step-1 event in [start, end] can enter (in any order every step may anchor): the
        # marketplace's many purchases by returning customers never reach Python.
        anchor = aliased(AnalyticsEvent, name="anchor")
        entered = select(anchor.person_id).where(
            anchor.event_type == definition.event_types[0], anchor.occurred_at >= start, anchor.occurred_at <= end
        )
        stmt = stmt.where(e.person_id.in_(entered))
    rows = session.execute(stmt.order_by(e.person_id, e.occurred_at))
    return compute_funnel(
        rows,
        steps=definition.event_types,
        window=window,
        order=order,
        exclusion=exclusion,
        anchors_between=(start, end),
        labels=definition.labels,
    )
