"""What the operator roll-ups measure and the SQL pieces their writing (`core.analytics.rollups`) and reading
(`core.analytics.rollup_reads`) share: the measures and distinct-count families, UTC hours in SQL on both databases,
and the keys and order of occurrences (the scheme is explained in `core.analytics.rollups`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, String, and_, exists, func, literal, text, tuple_, type_coerce
from sqlalchemy.orm import Session, aliased

from core.analytics.kpis import NO_SOURCE, TimeRange
from core.db import UTCDateTime
from core.models import AnalyticsEvent

GRAIN = "hour"
HOUR = timedelta(hours=1)
LOOKBACK = timedelta(days=32)  # distinct counts are exact from roll-ups for windows up to this long (30 local days)
RECENT = timedelta(days=2)  # always re-aggregated: purchases and reports of the last two days may still arrive
WINDOW_FUNCTION_ABOVE = timedelta(days=3)  # re-aggregating a longer range sorts once instead of probing per event
HISTORY = timedelta(days=70)  # a full build rolls up this far back: the pages' windows reach 60 days back at most
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)  # `prior` of additive measures and of keys not seen within LOOKBACK
WATERMARK = "analytics"
PURCHASE = "purchase"
EMAIL_REPORTS = {"email_sent": "email_tracked", "email_bounced": "email_bounced"}
SALES_METRICS = ("orders", "gmv_cents", "commission_cents")


@dataclass(frozen=True)
class DistinctFamily:
    """A distinct count of keys over `event_type`: persons, or a person's sessions split by source; with
    `converts_to`, only the occurrences followed by the person's `converts_to` event within `within_hours` (an
    activated signup)."""

    metric: str
    event_type: str
    by_session: bool = False
    converts_to: str | None = None
    within_hours: int = 0
    by_day: bool = False  # also kept with `prior` floored to the UTC day (metric + "_d"): far fewer rows to read

    @property
    def day_metric(self) -> str:
        return f"{self.metric}_d"

    @property
    def prior_metric(self) -> str:
        """The hour rows keyed the other way round: `bucket_start` = the prior hour, `prior` = the occurrence's."""
        return f"{self.metric}_p"


BUYERS = DistinctFamily("buyers", PURCHASE, by_day=True)  # repeat buyers: one row per (hour, prior hour) is a lot
SESSIONS = DistinctFamily("sessions", "page_view", by_session=True)
SIGNUPS = DistinctFamily("signups", "signup")
LEARNERS_ACTIVATED = DistinctFamily("learners_activated", "signup", converts_to=PURCHASE, within_hours=7 * 24)
CREATOR_STARTS = DistinctFamily("creator_starts", "creator_started")
CREATORS_ACTIVATED = DistinctFamily(
    "creators_activated", "creator_started", converts_to="creator_published", within_hours=14 * 24
)
DISTINCT_FAMILIES = (BUYERS, SESSIONS, SIGNUPS, LEARNERS_ACTIVATED, CREATOR_STARTS, CREATORS_ACTIVATED)
CONVERSIONS = {f.converts_to: f for f in DISTINCT_FAMILIES if f.converts_to}  # the event -> the family it activates
MAX_CONVERSION_HOURS = max(f.within_hours for f in DISTINCT_FAMILIES)
FAMILY_TYPES = tuple(
    sorted({PURCHASE, *EMAIL_REPORTS, *(f.event_type for f in DISTINCT_FAMILIES), *(t for t in CONVERSIONS if t)})
)


# --------------------------------------------------------------------------- time in SQL (both databases)


def is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def plus_hours(session: Session, column: Any, hours: int) -> ColumnElement[Any]:
    """column + hours, exact in both databases (SQLite stores 'YYYY-MM-DD HH:MM:SS.ffffff' text)."""
    if is_postgres(session):
        # Hours, not days: '7 days' on a timestamptz follows the session time zone's DST changes.
        return column + text(f"interval '{int(hours)} hours'")
    # strftime's %f gives milliseconds ("SS.SSS"): pad to the six digits SQLAlchemy stores.
    sign = "+" if hours >= 0 else "-"
    return func.strftime("%Y-%m-%d %H:%M:%f", column, f"{sign}{abs(int(hours))} hours").op("||")("000")


def floor_hour_sql(session: Session, column: Any) -> ColumnElement[datetime]:
    """The UTC hour a timestamp falls in, as a timestamp (SQLite: the same text format SQLAlchemy stores)."""
    if is_postgres(session):
        return type_coerce(func.date_trunc("hour", column, "UTC"), UTCDateTime())
    return type_coerce(func.strftime("%Y-%m-%d %H:00:00.000000", column), UTCDateTime())


def floor_hour(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def ceil_hour(moment: datetime) -> datetime:
    floor = floor_hour(moment)
    return floor if floor == moment else floor + HOUR


def at_sql(moment: datetime) -> ColumnElement[datetime]:
    return literal(moment, UTCDateTime())


# --------------------------------------------------------------------------- keys and order of occurrences


def source_of(e: Any) -> ColumnElement[str]:
    return func.coalesce(e.source, NO_SOURCE)


def member(session: Session, family: DistinctFamily, x: Any) -> ColumnElement[bool]:
    """x is an occurrence of the family: its event type (and, for an activation, converted within the hours)."""
    if family.converts_to is None:
        return x.event_type == family.event_type
    later = aliased(AnalyticsEvent)
    return and_(
        x.event_type == family.event_type,
        exists().where(
            later.person_id == x.person_id,
            later.event_type == family.converts_to,
            later.occurred_at >= x.occurred_at,
            later.occurred_at <= plus_hours(session, x.occurred_at, family.within_hours),
        ),
    )


def same_key(session: Session, p: Any, e: Any, family: DistinctFamily) -> ColumnElement[bool]:
    """p is an occurrence of e's key: the same person (and the same session), and an occurrence of the family."""
    match = [p.person_id == e.person_id, member(session, family, p)]
    if family.by_session:
        match.append(func.coalesce(p.session_id, "") == func.coalesce(e.session_id, ""))
    return and_(*match)


def before_in_order(p: Any, e: Any) -> ColumnElement[bool]:
    """p comes before e in the occurrence order (time, source, id) — ties at one instant are broken the same way
    everywhere, so exactly one occurrence is a window's first."""
    return tuple_(p.occurred_at, source_of(p), p.id) < tuple_(e.occurred_at, source_of(e), e.id)


def dimension_of(family: DistinctFamily, e: Any) -> ColumnElement[str]:
    return source_of(e) if family.by_session else literal("", String)


def in_range(e: Any, r: TimeRange) -> ColumnElement[bool]:
    return and_(e.occurred_at >= r.start, e.occurred_at < r.end)


def floor_day_sql(session: Session, column: Any) -> ColumnElement[datetime]:
    """The UTC day a timestamp falls in, as a timestamp (SQLite: the same text format SQLAlchemy stores)."""
    if is_postgres(session):
        return type_coerce(func.date_trunc("day", column, "UTC"), UTCDateTime())
    return type_coerce(func.strftime("%Y-%m-%d 00:00:00.000000", column), UTCDateTime())


def may_activate(session: Session, e: Any, n: Any, *, until: Any) -> ColumnElement[bool]:
    """e is a signup (creator start) of n's person that n, a purchase (publication), may activate: from the longest
    conversion window before n up to `until`."""
    return and_(
        e.person_id == n.person_id,
        e.event_type.in_(tuple(CONVERSIONS[t].event_type for t in CONVERSIONS)),
        e.occurred_at >= plus_hours(session, n.occurred_at, -MAX_CONVERSION_HOURS),
        e.occurred_at <= until,
    )
