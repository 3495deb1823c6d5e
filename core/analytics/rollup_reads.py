"""Reading the operator roll-ups (`core.analytics.rollups` writes them): how far they can be trusted
(`rollup_state`), where a window reads them (`split`: whole hours of the body, raw events for the partial edges),
the additive sums (`rolled_sums`) and the exact distinct counts (`distinct_counts`, with `raw_distinct` as the
reference it is tested against). The scheme is explained in `core.analytics.rollups`.

`rollup_state` says how far the roll-ups can be trusted: up to the last run's `through`, and only before the
earliest event recorded since that run (a late event makes its hour and everything after it raw until the next
run; a purchase recorded since then makes the activations raw from the earliest signup of that person it may
activate). Without a watermark, every read is raw, and so is a window longer than the look-back or before the first
rolled-up hour."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, func, not_, select, union_all
from sqlalchemy.orm import Session, aliased

from core.analytics.kpis import TimeRange
from core.analytics.rollup_keys import (
    CONVERSIONS,
    EPOCH,
    FAMILY_TYPES,
    GRAIN,
    LOOKBACK,
    WATERMARK,
    DistinctFamily,
    before_in_order,
    ceil_hour,
    dimension_of,
    floor_hour,
    in_range,
    may_activate,
    member,
    same_key,
    source_of,
)
from core.analytics.rollups import rollups_since
from core.models import AnalyticsEvent, AnalyticsRollup, RollupWatermark


def floor_day(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


@dataclass(frozen=True)
class RollupState:
    """How far the roll-ups can be trusted: complete hours before `usable_until` (before `activations_until` for the
    two activations)."""

    through: datetime  # the last run's complete hours end here
    refreshed_at: datetime  # when the last run started (wall clock)
    usable_until: datetime  # `through`, or earlier: the hour of the earliest event recorded since that run
    activations_until: datetime | None = None  # earlier still when a recorded purchase activated an older signup
    since: datetime = EPOCH  # the roll-ups start at this hour (the full build's first hour)

    def until(self, family: DistinctFamily | None = None) -> datetime:
        if family is not None and family.converts_to and self.activations_until is not None:
            return min(self.usable_until, self.activations_until)
        return self.usable_until


def rollup_state(session: Session) -> RollupState | None:
    """The watermark and the earliest event recorded after the last run (two small queries); None: no roll-ups.

    A purchase (publication) recorded since the run also makes the activations raw from the earliest signup
    (creator start) of that person it may activate: up to 7 (14) days before it."""
    mark = session.get(RollupWatermark, WATERMARK)
    if mark is None:
        return None
    e, n = AnalyticsEvent, aliased(AnalyticsEvent, name="recorded")
    late = session.scalar(
        select(func.min(e.occurred_at)).where(e.recorded_at >= mark.refreshed_at, e.event_type.in_(FAMILY_TYPES))
    )
    usable = mark.through if late is None else min(mark.through, floor_hour(late))
    activated = None
    if late is not None:
        activated = session.scalar(
            select(func.min(e.occurred_at))
            .select_from(n)
            .join(e, may_activate(session, e, n, until=n.occurred_at))
            .where(n.recorded_at >= mark.refreshed_at, n.event_type.in_(tuple(CONVERSIONS)))
        )
    return RollupState(
        mark.through,
        mark.refreshed_at,
        usable,
        None if activated is None else floor_hour(activated),
        rollups_since(mark),
    )


@dataclass(frozen=True)
class Split:
    """A window cut into a raw head [a, A), the rolled-up body [A, B) and a raw tail [B, b)."""

    window: TimeRange
    body: TimeRange | None  # None: nothing rolled up to use, the whole window is read raw

    @property
    def edges(self) -> list[TimeRange]:
        if self.body is None:
            return [self.window]
        parts = [TimeRange(self.window.start, self.body.start), TimeRange(self.body.end, self.window.end)]
        return [p for p in parts if p.start < p.end]


def split(window: TimeRange, state: RollupState | None, family: DistinctFamily | None = None) -> Split:
    """Where `window` can read roll-ups (pure): whole hours before `state.until(family)`, windows ≤ LOOKBACK."""
    if state is None or window.end - window.start > LOOKBACK:
        return Split(window, None)
    start, end = max(ceil_hour(window.start), state.since), min(floor_hour(window.end), state.until(family))
    return Split(window, TimeRange(start, end) if start < end else None)


def rolled_sums(
    session: Session, metrics: Sequence[str], bodies: Sequence[TimeRange | None]
) -> list[dict[str, Decimal]]:
    """Σ of each additive metric over each body (zeros for None), one statement for all."""
    r = AnalyticsRollup
    present = [(i, b) for i, b in enumerate(bodies) if b is not None]
    out = [{m: Decimal(0) for m in metrics} for _ in bodies]
    if not present:
        return out
    columns = [
        func.coalesce(
            func.sum(case((and_(r.metric == m, r.bucket_start >= b.start, r.bucket_start < b.end), r.value), else_=0)),
            0,
        )
        for _, b in present
        for m in metrics
    ]
    row = session.execute(
        select(*columns).where(
            r.grain == GRAIN,
            r.metric.in_(tuple(metrics)),
            r.bucket_start >= min(b.start for _, b in present),
            r.bucket_start < max(b.end for _, b in present),
        )
    ).one()
    values = iter(row)
    for i, _ in present:
        for m in metrics:
            out[i][m] = Decimal(str(next(values)))
    return out


def raw_distinct(session: Session, family: DistinctFamily, window: TimeRange) -> Counter[str]:
    """The reference: per dimension, the keys whose first occurrence in `window` has it (ROW_NUMBER over the keys)."""
    e = AnalyticsEvent
    partition = [e.person_id] + ([func.coalesce(e.session_id, "")] if family.by_session else [])
    ranked = (
        select(
            dimension_of(family, e).label("dimension"),
            func.row_number().over(partition_by=partition, order_by=(e.occurred_at, source_of(e), e.id)).label("n"),
        )
        .where(member(session, family, e), in_range(e, window))
        .subquery("ranked")
    )
    rows = session.execute(
        select(ranked.c.dimension, func.count()).where(ranked.c.n == 1).group_by(ranked.c.dimension)
    ).all()
    return Counter({str(d): int(n) for d, n in rows})


def _firsts(session: Session, family: DistinctFamily, e: Any, p: Any, r: TimeRange) -> ColumnElement[bool]:
    """e is its key's first occurrence in r (given e is in r)."""
    return not_(exists().where(same_key(session, p, e, family), p.occurred_at >= r.start, before_in_order(p, e)))


def distinct_counts(
    session: Session, families: Sequence[DistinctFamily], windows: Sequence[TimeRange], state: RollupState | None
) -> dict[str, list[Counter[str]]]:
    """Distinct keys per dimension of each family in each window ({metric: [Counter per window]}): roll-ups for
    the body (one statement per window for all families), raw events for the edges (exact; see the docstring)."""
    activations = [f for f in families if f.converts_to]
    if activations and len(activations) < len(families):  # two groups: their roll-ups may reach different hours
        rest = [f for f in families if not f.converts_to]
        return distinct_counts(session, rest, windows, state) | distinct_counts(session, activations, windows, state)
    out: dict[str, list[Counter[str]]] = {f.metric: [] for f in families}
    r = AnalyticsRollup
    for s in (split(w, state, families[0]) for w in windows):
        if s.body is None:
            for f in families:
                out[f.metric].append(raw_distinct(session, f, s.window))
            continue
        counts = {f.metric: Counter[str]() for f in families}
        start, day = s.body.start, floor_day(s.body.start)
        fine = [f.metric for f in families if not f.by_day]
        coarse = [f for f in families if f.by_day]
        # prior < A: for a family kept by day too, the day rows before A's day + the hour rows of A's day before A.
        # prior < A: for a family kept by day too, the day rows before A's day + the occurrences whose prior hour
        # is in A's day before A (read by prior hour: a range of at most 24 hours).
        body = and_(r.bucket_start >= start, r.bucket_start < s.body.end)
        rolled = union_all(
            select(r.metric, r.dimension, r.value).where(r.grain == GRAIN, r.metric.in_(fine), body, r.prior < start),
            select(r.metric, r.dimension, r.value).where(
                r.grain == GRAIN, r.metric.in_([f.day_metric for f in coarse]), body, r.prior < day
            ),
            select(r.metric, r.dimension, r.value).where(
                r.grain == GRAIN,
                r.metric.in_([f.prior_metric for f in coarse]),
                r.bucket_start >= day,
                r.bucket_start < start,
                r.prior >= start,
                r.prior < s.body.end,
            ),
        ).subquery("rolled")
        for metric, dimension, n in session.execute(
            select(rolled.c.metric, rolled.c.dimension, func.sum(rolled.c.value)).group_by(
                rolled.c.metric, rolled.c.dimension
            )
        ):
            counts[metric.removesuffix("_d").removesuffix("_p")][str(dimension)] += int(n)
        for f in families:
            _add_edges(session, f, s, counts[f.metric])
            out[f.metric].append(+counts[f.metric])
    return out


def _add_edges(session: Session, family: DistinctFamily, s: Split, counts: Counter[str]) -> None:
    """The raw head and tail of a split window, added to the body's counts (see the module docstring)."""
    assert s.body is not None
    a, (big_a, big_b), b = s.window.start, (s.body.start, s.body.end), s.window.end
    e, p = AnalyticsEvent, aliased(AnalyticsEvent, name="p")
    if a < big_a:  # head: its keys count; those seen again in the body were counted there already
        head = TimeRange(a, big_a)
        body_first = (
            select(dimension_of(family, p))
            .where(same_key(session, p, e, family), p.occurred_at >= big_a, p.occurred_at < big_b)
            .order_by(p.occurred_at, source_of(p), p.id)
            .limit(1)
            .scalar_subquery()
        )
        for dimension, again in session.execute(
            select(dimension_of(family, e), body_first).where(
                member(session, family, e), in_range(e, head), _firsts(session, family, e, p, head)
            )
        ):
            counts[str(dimension)] += 1
            if again is not None:
                counts[str(again)] -= 1
    if big_b < b:  # tail: keys not seen since a
        tail = TimeRange(big_b, b)
        seen = exists().where(same_key(session, p, e, family), p.occurred_at >= a, p.occurred_at < big_b)
        for (dimension,) in session.execute(
            select(dimension_of(family, e)).where(
                member(session, family, e), in_range(e, tail), _firsts(session, family, e, p, tail), not_(seen)
            )
        ):
            counts[str(dimension)] += 1


def freshness(state: RollupState | None) -> datetime | None:
    """Up to when the roll-ups are complete (None: no roll-ups yet), for the pages' "roll-ups up to 10:45"."""
    return None if state is None else state.usable_until
