"""Writing the roll-ups of the operator's measures: hourly UTC buckets in `analytics_rollups`, kept by the `rollups`
job every 15 minutes (seed 004 "Pre-aggregation"); `core.analytics.rollup_reads` reads them.

A run (`refresh_rollups`) rolls up the complete UTC hours before its `now`. The first (full) build covers the last
`HISTORY` (70 days: the pages' windows reach 60 days back; older windows are read raw); after that a run
re-aggregates only the last two days, the hours since the previous run, and every hour touched by an event recorded
since the previous run (a late or ingested event, found by `analytics_events.recorded_at`) together with the later
hours of the same person it may change (up to the look-back) and, for a purchase or a publication, the person's
signups or creator starts it may activate. Each touched range is deleted and re-inserted, one INSERT … SELECT per
measure family, so a re-run is idempotent. Long ranges number occurrences with LAG in one sorted pass, short ones
probe the (person, type, time) index per occurrence; both write the same rows.

Measures (`metric`, dimension):
- additive, per hour: `orders`, `gmv_cents`, `commission_cents` (purchases; the commission at the seller's
  rate, which nothing in the product changes), `email_tracked` and `email_bounced` (the mail provider's reports);
- distinct, per hour and `prior`: `buyers`, `signups`, `creator_starts`, `learners_activated` and
  `creators_activated` (persons; an activation counts the signups followed by a purchase within 7 days, the creator
  starts followed by a publication within 14, "so far") and `sessions` (a person's session, keyed (person, session
  id), dimension = the page view's source). Each occurrence is stored under the hour of the key's previous
  occurrence (`prior`; the epoch when there was none within `LOOKBACK`; occurrences whose previous one is in the
  same hour, or at the same instant earlier in (time, source, id) order, are never a window's first and are not
  stored). Distinct keys in a window [a, b) whose hour-aligned body [A, B) is rolled up = keys in the head [a, A)
  + body occurrences with prior < A − head keys seen again in the body + tail keys [B, b) not seen in [a, B): the
  edges are read raw through the (person, type, time) index. Exact for windows up to `LOOKBACK` long. Repeat
  buyers give many (hour, prior hour) rows, so `buyers` is also kept with the prior floored to the day
  (`buyers_d`) and keyed by the prior hour (`buyers_p`): a read takes the day rows before A's day and the prior
  hours of A's day, a few thousand rows instead of hundreds of thousands.

Events are append-only; a bulk load that leaves `recorded_at` NULL after the first build must be followed by
`refresh_rollups(full=True)`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    String,
    and_,
    case,
    delete,
    exists,
    func,
    literal,
    not_,
    or_,
    select,
    type_coerce,
    union_all,
)
from sqlalchemy.orm import Session, aliased

from core.analytics.kpis import DEFAULT_COMMISSION_RATE, TimeRange
from core.analytics.rollup_keys import (
    CONVERSIONS,
    DISTINCT_FAMILIES,
    EMAIL_REPORTS,
    EPOCH,
    FAMILY_TYPES,
    GRAIN,
    HISTORY,
    HOUR,
    LOOKBACK,
    PURCHASE,
    RECENT,
    SALES_METRICS,
    WATERMARK,
    WINDOW_FUNCTION_ABOVE,
    DistinctFamily,
    at_sql,
    before_in_order,
    dimension_of,
    floor_day_sql,
    floor_hour,
    floor_hour_sql,
    in_range,
    may_activate,
    member,
    plus_hours,
    same_key,
    source_of,
)
from core.db import UTCDateTime, insert_for, utcnow
from core.models import AnalyticsEvent, AnalyticsRollup, DigitalProduct, RollupWatermark, SellerProfile

# --------------------------------------------------------------------------- the job


@dataclass(frozen=True)
class RollupReport:
    """What one run did: the hour ranges re-aggregated, the rows written, and how far the roll-ups now reach."""

    ranges: tuple[TimeRange, ...]
    rows: int
    through: datetime
    full: bool

    @property
    def hours(self) -> int:
        return sum(int((r.end - r.start) / HOUR) for r in self.ranges)

    def summary(self) -> str:
        kind = "full build" if self.full else "incremental"
        return (
            f"{kind}: {self.hours} hours in {len(self.ranges)} ranges, {self.rows} rows, "
            f"through {self.through:%Y-%m-%d %H:%M} UTC"
        )


def merge_hours(hours: Iterable[datetime]) -> list[TimeRange]:
    """Contiguous ranges of whole hours from a set of hour starts."""
    ranges: list[TimeRange] = []
    for hour in sorted(set(hours)):
        if ranges and ranges[-1].end == hour:
            ranges[-1] = TimeRange(ranges[-1].start, hour + HOUR)
        else:
            ranges.append(TimeRange(hour, hour + HOUR))
    return ranges


def touched_hours(session: Session, *, recorded_since: datetime, through: datetime) -> set[datetime]:
    """Complete hours holding an event recorded since `recorded_since`, or a later occurrence (within LOOKBACK) of
    the same person and type, whose previous occurrence such an event may have become."""
    e, n = AnalyticsEvent, aliased(AnalyticsEvent, name="recorded")
    stmt = (
        select(floor_hour_sql(session, e.occurred_at))
        .distinct()
        .select_from(n)
        .join(
            e,
            and_(
                e.person_id == n.person_id,
                e.event_type == n.event_type,
                e.occurred_at >= n.occurred_at,
                e.occurred_at < plus_hours(session, n.occurred_at, int(LOOKBACK / HOUR)),
            ),
        )
        .where(n.recorded_at >= recorded_since, n.event_type.in_(FAMILY_TYPES), e.occurred_at < through)
    )
    hours = {floor_hour(h) for h in session.scalars(stmt)}
    # A purchase (a publication) activates the person's signups (creator starts) up to 7 (14) days before it, and
    # may change which of their later activated ones is a window's first: those hours too.
    activated = (
        select(floor_hour_sql(session, e.occurred_at))
        .distinct()
        .select_from(n)
        .join(e, may_activate(session, e, n, until=plus_hours(session, n.occurred_at, int(LOOKBACK / HOUR))))
        .where(n.recorded_at >= recorded_since, n.event_type.in_(tuple(CONVERSIONS)), e.occurred_at < through)
    )
    return hours | {floor_hour(h) for h in session.scalars(activated)}


def refresh_rollups(session: Session, *, now: datetime, full: bool = False, clock: Any = utcnow) -> RollupReport:
    """Bring the roll-ups up to the last complete hour before `now` (see the module docstring); writes."""
    recorded_cutoff = clock()  # wall clock, like `recorded_at`: events recorded from here on are the next run's
    through = floor_hour(now)
    mark = session.get(RollupWatermark, WATERMARK)
    if full or mark is None:
        first = session.scalar(
            select(func.min(AnalyticsEvent.occurred_at)).where(AnalyticsEvent.occurred_at >= through - HISTORY)
        )
        since = floor_hour(first) if first is not None else through
        ranges = [TimeRange(since, through)] if since < through else []
        session.execute(delete(AnalyticsRollup).where(AnalyticsRollup.grain == GRAIN))
        full = True
    else:
        since = rollups_since(mark)
        start = max(min(mark.through, through - RECENT), since)
        hours = {start + i * HOUR for i in range(max(0, int((through - start) / HOUR)))}
        hours |= {h for h in touched_hours(session, recorded_since=mark.refreshed_at, through=through) if h >= since}
        ranges = merge_hours(hours)
    rows = 0
    for r in ranges:
        _delete(session, r)
        for statement in (
            _sales_rows(session, r),
            _email_rows(session, r),
            *(_distinct_rows(session, f, r) for f in DISTINCT_FAMILIES),
            *(_by_day_rows(session, f, r) for f in DISTINCT_FAMILIES if f.by_day),
            *(_by_prior_rows(session, f, r) for f in DISTINCT_FAMILIES if f.by_day),
        ):
            _insert(session, statement)
        rows += _written(session, r)
    report = RollupReport(tuple(ranges), rows, through, full)
    detail = {"ranges": len(ranges), "hours": report.hours, "rows": rows, "full": full, "since": since.isoformat()}
    if mark is None:
        session.add(RollupWatermark(name=WATERMARK, through=through, refreshed_at=recorded_cutoff, detail=detail))
    else:
        mark.through, mark.refreshed_at, mark.detail = through, recorded_cutoff, detail
    session.flush()
    return report


COLUMNS = ("grain", "bucket_start", "metric", "dimension", "prior", "value", "rolled_up_at")


def _insert(session: Session, rows: Any) -> None:
    session.execute(insert_for(session, AnalyticsRollup.__table__).from_select(list(COLUMNS), rows))


def _written(session: Session, r: TimeRange) -> int:
    """The rows of the hours in r (psycopg reports no row count for INSERT … SELECT: counted instead)."""
    h = AnalyticsRollup
    return int(
        session.scalar(select(func.count()).where(h.grain == GRAIN, h.bucket_start >= r.start, h.bucket_start < r.end))
        or 0
    )


def _row(session: Session, bucket: Any, metric: Any, dimension: Any, prior: Any, value: Any) -> list[Any]:
    return [
        literal(GRAIN, String).label("grain"),
        bucket.label("bucket_start"),
        metric.label("metric"),
        dimension.label("dimension"),
        prior.label("prior"),
        value.label("value"),
        at_sql(utcnow()).label("rolled_up_at"),
    ]


def _sales_rows(session: Session, r: TimeRange) -> Any:
    e = AnalyticsEvent
    amount = e.properties["amount_cents"].as_numeric(18, 2)
    rate = func.coalesce(SellerProfile.commission_rate, DEFAULT_COMMISSION_RATE)
    bucket = floor_hour_sql(session, e.occurred_at)
    hours = (
        select(
            bucket.label("bucket"),
            func.count().label("orders"),
            func.sum(amount).label("gmv_cents"),
            func.sum(amount * rate).label("commission_cents"),
        )
        .select_from(e)
        .outerjoin(DigitalProduct, DigitalProduct.id == e.properties["product_id"].as_string())
        .outerjoin(SellerProfile, SellerProfile.id == DigitalProduct.seller_id)
        .where(e.event_type == PURCHASE, in_range(e, r))
        .group_by(bucket)
        .cte("sales_hours")
    )
    return union_all(
        *(
            select(*_row(session, hours.c.bucket, literal(m, String), literal("", String), at_sql(EPOCH), hours.c[m]))
            for m in SALES_METRICS
        )
    )


def _email_rows(session: Session, r: TimeRange) -> Any:
    e = AnalyticsEvent
    bucket = floor_hour_sql(session, e.occurred_at)
    metric = case(*((e.event_type == kind, literal(name, String)) for kind, name in EMAIL_REPORTS.items()))
    return (
        select(*_row(session, bucket, metric, literal("", String), at_sql(EPOCH), func.count()))
        .where(e.event_type.in_(tuple(EMAIL_REPORTS)), in_range(e, r))
        .group_by(bucket, e.event_type)
    )


def _distinct_rows(session: Session, family: DistinctFamily, r: TimeRange) -> Any:
    """Per hour, dimension and prior hour: the occurrences that may be a window's first (see the docstring).

    A long range (a full build) numbers each key's occurrences with LAG over one sorted pass; a short one (the
    last two days) looks each occurrence's predecessor up in the (person, type, time) index. Both give the same
    rows (tested)."""
    if r.end - r.start > WINDOW_FUNCTION_ABOVE:
        return _distinct_rows_lag(session, family, r)
    e, p = AnalyticsEvent, aliased(AnalyticsEvent, name="p")
    previous = (
        select(func.max(p.occurred_at))
        .where(
            same_key(session, p, e, family),
            p.occurred_at < e.occurred_at,
            p.occurred_at >= plus_hours(session, e.occurred_at, -int(LOOKBACK / HOUR)),
        )
        .scalar_subquery()
    )
    tied_before = exists().where(same_key(session, p, e, family), p.occurred_at == e.occurred_at, before_in_order(p, e))
    occurrences = (
        select(
            floor_hour_sql(session, e.occurred_at).label("bucket"),
            dimension_of(family, e).label("dimension"),
            type_coerce(previous, UTCDateTime()).label("previous"),
        )
        .where(member(session, family, e), in_range(e, r), not_(tied_before))
        .subquery("occurrences")
    )
    o = occurrences.c
    prior = case((o.previous.is_(None), at_sql(EPOCH)), else_=floor_hour_sql(session, o.previous))
    return (
        select(*_row(session, o.bucket, literal(family.metric, String), o.dimension, prior, func.count()))
        .where(prior != o.bucket)
        .group_by(o.bucket, o.dimension, prior)
    )


def _distinct_rows_lag(session: Session, family: DistinctFamily, r: TimeRange) -> Any:
    """`_distinct_rows` by a window function: LAG over the occurrences of [start − LOOKBACK, end) per key."""
    e = AnalyticsEvent
    key = [e.person_id] + ([func.coalesce(e.session_id, "")] if family.by_session else [])
    lagged = (
        select(
            e.occurred_at,
            dimension_of(family, e).label("dimension"),
            func.lag(e.occurred_at)
            .over(partition_by=key, order_by=(e.occurred_at, source_of(e), e.id))
            .label("previous"),
        )
        .where(
            member(session, family, e),
            e.occurred_at >= r.start - LOOKBACK,
            e.occurred_at < r.end,
        )
        .subquery("lagged")
    )
    o = lagged.c
    bucket = floor_hour_sql(session, o.occurred_at)
    previous = type_coerce(o.previous, UTCDateTime())
    too_old = previous < plus_hours(session, o.occurred_at, -int(LOOKBACK / HOUR))
    prior = case((or_(previous.is_(None), too_old), at_sql(EPOCH)), else_=floor_hour_sql(session, previous))
    return (
        select(*_row(session, bucket, literal(family.metric, String), o.dimension, prior, func.count()))
        .where(
            o.occurred_at >= r.start,
            o.occurred_at < r.end,
            or_(previous.is_(None), previous != o.occurred_at),  # not the first at its instant: never a first
            prior != bucket,
        )
        .group_by(bucket, o.dimension, prior)
    )


def _by_day_rows(session: Session, family: DistinctFamily, r: TimeRange) -> Any:
    """The family's rows just written for r, with `prior` floored to its UTC day (the epoch stays the epoch)."""
    h = AnalyticsRollup
    prior = floor_day_sql(session, h.prior)
    return (
        select(
            *_row(session, h.bucket_start, literal(family.day_metric, String), h.dimension, prior, func.sum(h.value))
        )
        .where(h.grain == GRAIN, h.metric == family.metric, h.bucket_start >= r.start, h.bucket_start < r.end)
        .group_by(h.bucket_start, h.dimension, prior)
    )


def _by_prior_rows(session: Session, family: DistinctFamily, r: TimeRange) -> Any:
    """The family's hour rows just written for r with a prior hour, keyed by that prior hour (see `prior_metric`)."""
    h = AnalyticsRollup
    return select(
        *_row(session, h.prior, literal(family.prior_metric, String), h.dimension, h.bucket_start, h.value)
    ).where(
        h.grain == GRAIN, h.metric == family.metric, h.bucket_start >= r.start, h.bucket_start < r.end, h.prior > EPOCH
    )


def _delete(session: Session, r: TimeRange) -> None:
    """Every row of the occurrences in r: by their hour, and the rows keyed by a prior hour by their `prior`."""
    h = AnalyticsRollup
    by_prior = [f.prior_metric for f in DISTINCT_FAMILIES if f.by_day]
    session.execute(
        delete(h).where(h.grain == GRAIN, h.metric.not_in(by_prior), h.bucket_start >= r.start, h.bucket_start < r.end)
    )
    session.execute(delete(h).where(h.grain == GRAIN, h.metric.in_(by_prior), h.prior >= r.start, h.prior < r.end))


def rollups_since(mark: RollupWatermark) -> datetime:
    since = (mark.detail or {}).get("since")
    return datetime.fromisoformat(since) if since else EPOCH
