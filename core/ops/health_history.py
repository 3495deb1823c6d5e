"""System health's history (issue 19): each check's chart over the last 7 days and the recent-errors log (error
events and failed job runs). The checks themselves and their thresholds are in `core.ops.health`.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from core.analytics.kpis import TimeRange
from core.analytics.rollup_keys import floor_hour, floor_hour_sql
from core.config import get_settings
from core.models import AICallLog, AnalyticsEvent, EmailOutbox, EmailStatus, IngestionBatch, JobRun
from core.models.enums import JobStatus
from core.money import percent
from core.ops import signals as sig
from core.ops.health import BOUNCE_RATE_PERCENT, OLDEST_QUEUED_MINUTES, OUTBOX_DEPTH
from core.periods import require_aware

DAY = timedelta(days=1)
HOUR = timedelta(hours=1)
SERIES_DAYS = 7
RECENT_ERRORS = 20
MAX_PROPERTY_CHARS = 2000


@dataclass(frozen=True)
class SeriesPoint:
    at: datetime  # the start of the hour or UTC day
    series: str  # the line's name ("errors", "7-day median", "ok", …)
    value: float | None


@dataclass(frozen=True)
class HealthSeries:
    """A check's chart over the last 7 days: points per `grain` ("hour" or "day"), `unit` for the axis; `note` says
    why a check has no chart (nothing is kept to draw one)."""

    key: str
    grain: str
    unit: str
    points: tuple[SeriesPoint, ...] = ()
    note: str | None = None
    reference: float | None = None  # the red threshold, drawn as a rule


@dataclass(frozen=True)
class RecentError:
    at: datetime
    kind: str  # "error event" | "failed job"
    source: str  # the event's person/session, or the job's name and period
    message: str
    details: dict[str, Any] = field(default_factory=dict)


# --------------------------------------------------------------------------------------------- series (7 days)


def _hours(start: datetime, end: datetime) -> list[datetime]:
    return [start + i * HOUR for i in range(int((end - start) / HOUR))]


def _days(start: datetime) -> list[datetime]:
    return [start + i * DAY for i in range(SERIES_DAYS)]


def _day_of(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def _hourly_buckets(session: Session, column: Any, *where: Any, group: Any) -> dict[tuple[Any, datetime], int]:
    """{(group value, UTC hour): rows} of the rows matching `where`, bucketed by `column`'s hour."""
    hour = floor_hour_sql(session, column).label("hour")
    query = select(group, hour, func.count()).where(*where).group_by(group, hour)
    return {(k, floor_hour(at)): int(n) for k, at, n in session.execute(query).all()}


def _outbox_series(
    session: Session, *, start: datetime, end: datetime, now: datetime
) -> tuple[list[SeriesPoint], list[SeriesPoint]]:
    """E-mails waiting and the oldest one's age (minutes) at the end of each hour (the current one: now), rebuilt
    from the outbox rows that were waiting at some point of the window (a row waits from created_at until sent_at; a
    failed row with no attempts left stopped waiting at its last attempt)."""
    o = EmailOutbox
    max_attempts = get_settings().email_max_attempts
    rows = session.execute(
        select(o.created_at, o.sent_at, o.status, o.attempts, o.updated_at).where(
            o.created_at < end, or_(o.status != EmailStatus.SENT, o.sent_at > start)
        )
    ).all()
    spans: list[tuple[datetime, datetime | None]] = []
    for created, sent, status, attempts, updated in rows:
        stop = sent
        if status == EmailStatus.FAILED and attempts >= max_attempts:
            stop = updated
        spans.append((created, stop))
    spans.sort(key=lambda s: s[0])
    created_sorted = [s[0] for s in spans]
    stops = sorted(s[1] for s in spans if s[1] is not None)
    depth: list[SeriesPoint] = []
    oldest: list[SeriesPoint] = []
    for hour in _hours(start, end):
        edge = min(hour + HOUR, now)  # the current hour: as of now
        waiting = bisect.bisect_right(created_sorted, edge) - bisect.bisect_right(stops, edge)
        depth.append(SeriesPoint(hour, "waiting", float(waiting)))
        first = next((c for c, stop in spans if c <= edge and (stop is None or stop > edge)), None)
        oldest.append(
            SeriesPoint(hour, "oldest (min)", None if first is None else (edge - first).total_seconds() // 60)
        )
    return depth, oldest


def health_series(session: Session, *, now: datetime) -> dict[str, HealthSeries]:
    """Each check's 7-day chart: hourly for the fast-moving ones, daily for rates and counts over a day. Sets
    `serial_reads` for the caller's transaction."""
    require_aware(now)
    sig.serial_reads(session)
    end = floor_hour(now) + HOUR  # the current hour, partial, is the last point
    start = end - SERIES_DAYS * DAY
    day_start = _day_of(now) - (SERIES_DAYS - 1) * DAY
    hours, days = _hours(start, end), _days(day_start)
    # Errors a week further back: each hour's 7-day median looks at the 168 hours before it.
    events = sig.hourly_event_counts(session, (sig.WEBHOOK_FAILED, sig.ERROR), start=start - SERIES_DAYS * DAY, end=now)
    webhooks = [SeriesPoint(h, "webhook failures", float(events.get((sig.WEBHOOK_FAILED, h), 0))) for h in hours]
    week = SERIES_DAYS * 24
    per_hour = [events.get((sig.ERROR, h), 0) for h in _hours(start - SERIES_DAYS * DAY, end)]  # week + hours
    errors = []
    for i, h in enumerate(hours):
        errors.append(SeriesPoint(h, "errors", float(per_hour[week + i])))
        errors.append(SeriesPoint(h, "7-day median", float(sig.hourly_median(per_hour[i : week + i]))))

    reports = sig.email_reports(session, [TimeRange(d, min(d + DAY, now)) for d in days])
    bounce = [
        SeriesPoint(d, "bounce rate", float(percent(bounced, sent) or 0) if sent else None)
        for d, (sent, bounced) in zip(days, reports, strict=True)
    ]

    depth, oldest = _outbox_series(session, start=start, end=end, now=now)

    o = EmailOutbox
    failed = _hourly_buckets(session, o.updated_at, o.status == EmailStatus.FAILED, o.updated_at >= day_start,
                             o.updated_at < now, group=o.status)  # fmt: skip
    failures = _per_day(days, {h: n for (_, h), n in failed.items()}, "failures")

    r = JobRun
    runs = _hourly_buckets(session, r.started_at, r.started_at >= day_start, r.started_at < now,
                           r.status.in_((JobStatus.OK, JobStatus.FAILED)), group=r.status)  # fmt: skip
    job_points: list[SeriesPoint] = []
    for status in (JobStatus.OK, JobStatus.FAILED):
        job_points += _per_day(days, {h: n for (s, h), n in runs.items() if s == status}, f"{status.value} runs")

    a = AICallLog
    ai = _hourly_buckets(session, a.created_at, a.created_at >= day_start, a.created_at < now, group=a.outcome)
    ai_points: list[SeriesPoint] = []
    for outcome in (sig.AI_MODEL, sig.AI_CACHE, sig.AI_OFFLINE, sig.AI_FALLBACK, sig.AI_FAILURE):
        ai_points += _per_day(days, {h: n for (k, h), n in ai.items() if k == outcome}, outcome)

    b = IngestionBatch
    batches = session.execute(
        select(b.started_at, b.received, b.rejected).where(b.started_at >= day_start, b.started_at < now)
    ).all()
    received = dict.fromkeys(days, 0)
    rejected = dict.fromkeys(days, 0)
    for at, got, refused in batches:
        received[_day_of(at)] = received.get(_day_of(at), 0) + got
        rejected[_day_of(at)] = rejected.get(_day_of(at), 0) + refused
    ingestion = [SeriesPoint(d, "rejected", float(rejected[d])) for d in days]
    ingestion += [SeriesPoint(d, "received", float(received[d])) for d in days]

    no_history = "Measured now only: no history is kept for this check."
    return {
        "jobs": HealthSeries("jobs", "day", "runs", tuple(job_points)),
        "outbox_depth": HealthSeries("outbox_depth", "hour", "e-mails", tuple(depth),
                                     reference=float(OUTBOX_DEPTH.red)),
        "oldest_queued": HealthSeries("oldest_queued", "hour", "minutes", tuple(oldest),
                                      reference=float(OLDEST_QUEUED_MINUTES.red)),
        "send_failures": HealthSeries("send_failures", "day", "e-mails", tuple(failures)),
        "bounce_rate": HealthSeries("bounce_rate", "day", "%", tuple(bounce),
                                    reference=float(BOUNCE_RATE_PERCENT.yellow)),
        "webhook_failures": HealthSeries("webhook_failures", "hour", "events", tuple(webhooks)),
        "error_rate": HealthSeries("error_rate", "hour", "events", tuple(errors)),
        "db_round_trip": HealthSeries("db_round_trip", "hour", "ms", note=no_history),
        "db_size": HealthSeries("db_size", "day", "MB", note=no_history),
        "ai": HealthSeries("ai", "day", "calls", tuple(ai_points)),
        "ingestion": HealthSeries("ingestion", "day", "events", tuple(ingestion)),
    }  # fmt: skip


def _per_day(days: list[datetime], by_hour: dict[datetime, int], name: str) -> list[SeriesPoint]:
    totals = dict.fromkeys(days, 0)
    for hour, n in by_hour.items():
        day = _day_of(hour)
        if day in totals:
            totals[day] += n
    return [SeriesPoint(d, name, float(totals[d])) for d in days]


# --------------------------------------------------------------------------------------------- recent errors


def recent_errors(session: Session, *, now: datetime, limit: int = RECENT_ERRORS) -> list[RecentError]:
    """The latest `error` events (with their properties) and failed job runs up to `now`, newest first, `limit` in
    all (two index-ordered queries of at most `limit` rows each)."""
    require_aware(now)
    e = AnalyticsEvent
    events = session.execute(
        select(e.occurred_at, e.person_id, e.session_id, e.url, e.properties)
        .where(e.event_type == sig.ERROR, e.occurred_at <= now)
        .order_by(e.occurred_at.desc())
        .limit(limit)
    ).all()
    r = JobRun
    runs = session.execute(
        select(r.started_at, r.job_name, r.period, r.error)
        .where(r.status == JobStatus.FAILED, r.started_at <= now)
        .order_by(r.started_at.desc())
        .limit(limit)
    ).all()
    out = [
        RecentError(at, "error event", _event_source(person, session_id, url), _event_message(props or {}),
                    _bounded(props or {}))
        for at, person, session_id, url, props in events
    ] + [
        RecentError(at, "failed job", f"{name} ({period})", (error or "failed").strip().splitlines()[-1][:300],
                    {"error": (error or "")[:MAX_PROPERTY_CHARS]})
        for at, name, period, error in runs
    ]  # fmt: skip
    out.sort(key=lambda x: x.at, reverse=True)
    return out[:limit]


def _event_source(person: str, session_id: str | None, url: str | None) -> str:
    parts = [f"person {person[:8]}"]
    if session_id:
        parts.append(f"session {session_id[:8]}")
    if url:
        parts.append(url[:120])
    return ", ".join(parts)


def _event_message(props: dict[str, Any]) -> str:
    for key in ("message", "error", "reason", "detail", "type"):
        if props.get(key):
            return str(props[key])[:300]
    return "(no message)"


def _bounded(props: dict[str, Any]) -> dict[str, Any]:
    """The properties as stored, each value cut to MAX_PROPERTY_CHARS for the page."""
    return {
        str(k): (v if len(str(v)) <= MAX_PROPERTY_CHARS else str(v)[:MAX_PROPERTY_CHARS] + "…")
        for k, v in props.items()
    }
