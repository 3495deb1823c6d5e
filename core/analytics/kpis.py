"""Operator KPI strip of seed 004 §1: today / 7d / 28d against the previous window, from `analytics_events`.

Definitions as implemented (also in `DEFINITIONS`, for the page's help tooltips):

- **Windows** are half-open [start, end). "today" = local midnight in APP_TIMEZONE up to `now`, compared with
  yesterday from local midnight up to the same local clock time (a partial day against the same hours).
  "7d" / "28d" = the last 7×24 h / 28×24 h ending `now` (rolling, not calendar days), against the 7×24 h /
  28×24 h before them, so both sides always have the same length and end at the same time of day.
- **New signups** = distinct persons with a `signup` event in the window; **new creator signups** = distinct
  persons with a `creator_started` event (the creator funnel's entry, rather than seller_profiles rows, so the
  activation rate below has the same denominator as the funnel).
- **Learner activation** = of those signed up in the window, the share with a `purchase` at or after the signup
  and at most 7×24 h later; **creator activation** = of those who started the creator flow in the window, the
  share with a `creator_published` at most 14×24 h later. Observed up to `now`, so a recent cohort has had less
  time to convert than the previous one (the page says so).
- **GMV** = sum of `properties.amount_cents` of `purchase` events: events carry the instant of each sale, which a
  partial "today" and rolling 24 h windows need (revenue_records are whole days). **Platform revenue** = each
  purchase × its product's seller's `commission_rate`; a purchase whose product cannot be linked counts at
  `DEFAULT_COMMISSION_RATE` (the column's default). **Paying buyers** = distinct persons with a purchase;
  **AOV** = GMV ÷ number of purchases.
- **Traffic by source** = distinct sessions with a `page_view` from the source ÷ all distinct sessions with a page
  view in the window (page views without a session count as one session per person; no source = "(none)"). A
  session counts once, for its source (the alphabetically first if its page views disagree, which the tracker
  does not produce), so the shares add up to 100 %.
- **E-mail bounce rate** = `email_bounced` events ÷ `email_sent` events in the window, flagged above 2 %.

Rates are percentages rounded half-up to 2 decimals (None when the denominator is 0); money is Decimal, rounded
to cents. Two aggregate queries per call (events, traffic), each covering both windows with conditional
aggregates; nothing is loaded row by row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta, tzinfo
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

from sqlalchemy import ColumnElement, Numeric, and_, case, exists, func, literal, select, text, type_coerce, union_all
from sqlalchemy.orm import Session, aliased

from core.config import get_settings
from core.models import AnalyticsEvent, DigitalProduct, SellerProfile

Window = Literal["today", "7d", "28d"]
WINDOWS: tuple[str, ...] = ("today", "7d", "28d")
KpiFormat = Literal["count", "percent", "money", "days"]
LEARNER_ACTIVATION_HOURS = 7 * 24
CREATOR_ACTIVATION_HOURS = 14 * 24
BOUNCE_RATE_ALERT_PERCENT = Decimal("2")
DEFAULT_COMMISSION_RATE = Decimal("0.1500")
NO_SOURCE = "(none)"
_CENT = Decimal("0.01")

DEFINITIONS: dict[str, str] = {
    "new_signups": "People who signed up in the window (distinct persons with a signup event).",
    "new_creator_signups": "People who started the creator flow in the window (distinct persons).",
    "learner_activation": "Of the people who signed up in the window, the share who bought something within "
    "7 days of signing up (so far: recent sign-ups may still convert).",
    "creator_activation": "Of the people who started the creator flow in the window, the share who published "
    "within 14 days (so far).",
    "gmv": "Gross merchandise value: the sum of all purchases in the window.",
    "platform_revenue": "The marketplace's commission on those purchases (each at its seller's commission rate).",
    "paying_buyers": "Distinct people who made at least one purchase in the window.",
    "aov": "Average order value: GMV divided by the number of purchases.",
    "emails_sent": "E-mails sent in the window.",
    "bounce_rate": "Bounced e-mails divided by e-mails sent; flagged above 2 %.",
    "traffic": "Share of visit sessions in the window that came from each source.",
}


@dataclass(frozen=True)
class TimeRange:
    """[start, end) in UTC."""

    start: datetime
    end: datetime


@dataclass(frozen=True)
class KpiValue:
    key: str
    label: str
    value: Decimal | int | float | None
    previous: Decimal | int | float | None
    format: KpiFormat
    flagged: bool = False
    help: str = ""

    @property
    def change(self) -> Decimal | int | float | None:
        """value − previous (percentage points for a percent); None when either is missing."""
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous  # type: ignore[operator]

    @property
    def change_pct(self) -> float | None:
        """Relative change in percent; None when previous is 0 or missing (nothing to compare with)."""
        if self.value is None or not self.previous:
            return None
        return float((Decimal(str(self.value)) - Decimal(str(self.previous))) / Decimal(str(self.previous)) * 100)


@dataclass(frozen=True)
class OperatorKpis:
    window: str
    current: TimeRange
    previous: TimeRange
    kpis: dict[str, KpiValue]  # in display order
    traffic: list[KpiValue] = field(default_factory=list)  # one per source, biggest current share first

    @property
    def email_alert(self) -> bool:
        return self.kpis["bounce_rate"].flagged


# --------------------------------------------------------------------------- pure helpers


def kpi_windows(window: str, *, now: datetime, tz: tzinfo) -> tuple[TimeRange, TimeRange]:
    """(current, previous) ranges of `window` ending at `now` (see the module docstring)."""
    if now.tzinfo is None:
        raise ValueError(f"naive datetime {now!r}: pass an aware datetime")
    if window == "today":
        local = now.astimezone(tz)
        yesterday = local.date() - timedelta(days=1)
        midnight = datetime.combine(local.date(), time(0), tzinfo=tz)
        same_time_yesterday = datetime.combine(yesterday, local.time(), tzinfo=tz)
        return (
            TimeRange(midnight.astimezone(UTC), now.astimezone(UTC)),
            TimeRange(
                datetime.combine(yesterday, time(0), tzinfo=tz).astimezone(UTC), same_time_yesterday.astimezone(UTC)
            ),
        )
    if window in ("7d", "28d"):
        length = timedelta(days=int(window[:-1]))
        end = now.astimezone(UTC)
        return TimeRange(end - length, end), TimeRange(end - 2 * length, end - length)
    raise ValueError(f"window must be one of {', '.join(WINDOWS)}; got {window!r}")


def percent(part: int | Decimal, whole: int | Decimal) -> float | None:
    """part ÷ whole in percent, 2 decimals half-up; None when whole is 0."""
    if not whole:
        return None
    return float((Decimal(part) * 100 / Decimal(whole)).quantize(_CENT, rounding=ROUND_HALF_UP))


def money(value: Any) -> Decimal:
    """A sum from the database (Decimal, float on SQLite, or None) as Decimal cents, half-up."""
    return Decimal(str(value or 0)).quantize(_CENT, rounding=ROUND_HALF_UP)


def _average(total: Decimal, count: int) -> Decimal | None:
    return (total / count).quantize(_CENT, rounding=ROUND_HALF_UP) if count else None


@dataclass(frozen=True)
class EventTotals:
    """What the events query returns for one window."""

    signups: int = 0
    learners_activated: int = 0
    creator_starts: int = 0
    creators_activated: int = 0
    gmv_cents: Decimal = Decimal(0)
    commission_cents: Decimal = Decimal(0)
    purchases: int = 0
    buyers: int = 0
    emails_sent: int = 0
    emails_bounced: int = 0


def build_kpis(current: EventTotals, previous: EventTotals) -> dict[str, KpiValue]:
    """The KPI strip from the two windows' totals (pure)."""

    def both(fn: Any) -> tuple[Any, Any]:
        return fn(current), fn(previous)

    def kpi(key: str, label: str, fmt: KpiFormat, fn: Any, *, alert: Any = None) -> KpiValue:
        value, prev = both(fn)
        flagged = bool(alert(value)) if alert is not None and value is not None else False
        return KpiValue(key, label, value, prev, fmt, flagged, DEFINITIONS[key])

    def bounce(t: EventTotals) -> float | None:
        return percent(t.emails_bounced, t.emails_sent)

    return {
        k.key: k
        for k in (
            kpi("new_signups", "New signups", "count", lambda t: t.signups),
            kpi("new_creator_signups", "New creator signups", "count", lambda t: t.creator_starts),
            kpi(
                "learner_activation",
                "Learner activation",
                "percent",
                lambda t: percent(t.learners_activated, t.signups),
            ),
            kpi(
                "creator_activation",
                "Creator activation",
                "percent",
                lambda t: percent(t.creators_activated, t.creator_starts),
            ),
            kpi("gmv", "GMV", "money", lambda t: money(t.gmv_cents / 100)),
            kpi("platform_revenue", "Platform revenue", "money", lambda t: money(t.commission_cents / 100)),
            kpi("paying_buyers", "Paying buyers", "count", lambda t: t.buyers),
            kpi("aov", "Average order value", "money", lambda t: _average(money(t.gmv_cents / 100), t.purchases)),
            kpi("emails_sent", "E-mails sent", "count", lambda t: t.emails_sent),
            kpi("bounce_rate", "E-mail bounce rate", "percent", bounce, alert=lambda v: v > BOUNCE_RATE_ALERT_PERCENT),
        )
    }


def build_traffic(rows: list[tuple[str, int, int]], total_current: int, total_previous: int) -> list[KpiValue]:
    """One percent KPI per source from (source, sessions now, sessions before), biggest current share first."""
    values = [
        KpiValue(
            f"traffic:{source}",
            source,
            percent(cur, total_current),
            percent(prev, total_previous),
            "percent",
            help=DEFINITIONS["traffic"],
        )
        for source, cur, prev in rows
    ]
    return sorted(values, key=lambda k: (-(k.value or 0), -(k.previous or 0), k.label))


# --------------------------------------------------------------------------- queries


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
    """Both windows' totals in one statement. Events are reduced to one row per (person, event type) (a hash
    aggregate), then summed, so "distinct persons" is a sum of per-person flags instead of one
    COUNT(DISTINCT …) sort per KPI. Purchases are read in their own branch: only they need `properties` and
    the commission joins, so the other events can come from an index alone (see the report's index advice)."""
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
    zero = literal(0, Numeric(18, 6))
    others = select(
        e.person_id, e.event_type, e.occurred_at, activated.label("activated"), zero.label("amount"), zero.label("fee")
    ).where(
        e.event_type.in_(("signup", "creator_started", "email_sent", "email_bounced")),
        e.occurred_at >= since,
        e.occurred_at < until,
    )
    amount = e.properties["amount_cents"].as_numeric(18, 2)
    rate = func.coalesce(SellerProfile.commission_rate, DEFAULT_COMMISSION_RATE)
    purchases = (
        select(
            e.person_id,
            e.event_type,
            e.occurred_at,
            literal(False).label("activated"),
            type_coerce(amount, Numeric(18, 6)).label("amount"),
            type_coerce(amount * rate, Numeric(18, 6)).label("fee"),
        )
        .outerjoin(DigitalProduct, DigitalProduct.id == e.properties["product_id"].as_string())
        .outerjoin(SellerProfile, SellerProfile.id == DigitalProduct.seller_id)
        .where(e.event_type == "purchase", e.occurred_at >= since, e.occurred_at < until)
    )
    rows = union_all(others, purchases).subquery("event_rows")
    r = rows.c
    per_person_columns = []
    for name, window in (("c", current), ("p", previous)):
        inside = and_(r.occurred_at >= window.start, r.occurred_at < window.end)
        per_person_columns += [
            _flag(inside).label(f"seen_{name}"),
            _flag(and_(inside, r.activated)).label(f"act_{name}"),
            func.sum(case((inside, 1), else_=0)).label(f"n_{name}"),
            func.sum(case((inside, r.amount), else_=0)).label(f"amount_{name}"),
            func.sum(case((inside, r.fee), else_=0)).label(f"fee_{name}"),
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
            of("purchase", pp[f"amount_{name}"]),
            of("purchase", pp[f"fee_{name}"]),
            of("purchase", n),
            of("purchase", seen),
            of("email_sent", n),
            of("email_bounced", n),
        ]
    _tune_for_aggregates(session)
    row = session.execute(select(*columns)).one()
    half = len(row) // 2
    return _totals(row[:half]), _totals(row[half:])


def _tune_for_aggregates(session: Session) -> None:
    """PostgreSQL settings for the rest of this (read) transaction: no JIT, more memory per sort/hash.

    The EXISTS subplans make the planner's cost estimate huge, which triggers JIT compilation: measured on
    5 M events it cost 0.7 s per worker and saved nothing. 32 MB lets the per-person and per-session
    aggregates hash in memory instead of sorting to disk with the 4 MB default.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL jit = off"))
        session.execute(text("SET LOCAL work_mem = '32MB'"))


def _totals(values: Any) -> EventTotals:
    signups, learners, starts, creators, gmv, commission, purchases, buyers, sent, bounced = values
    return EventTotals(
        signups=int(signups),
        learners_activated=int(learners),
        creator_starts=int(starts),
        creators_activated=int(creators),
        gmv_cents=Decimal(str(gmv)),
        commission_cents=Decimal(str(commission)),
        purchases=int(purchases),
        buyers=int(buyers),
        emails_sent=int(sent),
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
