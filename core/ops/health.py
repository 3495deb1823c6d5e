"""System health (issue 19, seed 004 §9): the checks of the System health page, each green / yellow / red by the
thresholds below, their 7-day series for the charts, and the recent-errors log.

Every threshold is a constant here, read as "yellow above `yellow`, red above `red`" (strictly above: a value AT a
threshold keeps the better colour). A check with nothing to measure (no e-mail sent, nothing queued) is green.

| check            | measured (`core.ops.signals`)                   | yellow above | red above |
|------------------|-------------------------------------------------|--------------|-----------|
| jobs             | late / failed / never-ran jobs                  | a failed or never-ran job | a late job |
| outbox_depth     | e-mails waiting                                 | 100          | 500       |
| oldest_queued    | minutes the oldest waiting e-mail has waited    | 15           | 60        |
| send_failures    | failed deliveries, 24 h                         | 0            | 10        |
| bounce_rate      | bounced ÷ sent, 7 days (seed 004: flag > 2 %)   | 2 %          | 5 %       |
| webhook_failures | `webhook_failed` events, 15 min                 | 0            | 5         |
| error_rate       | `error` events last hour ÷ 7-day hourly median  | 2 ×          | 5 ×       |
| db_round_trip    | fastest of three `SELECT 1`, ms                 | 20           | 100       |
| db_size          | database size, MB (disk planning)               | 50,000       | 100,000   |
| ai               | door failures, 24 h / fallbacks as % of calls   | 0 / 10 %     | 5 / 50 %  |
| ingestion        | rejected as % of received events, 24 h          | 1 %          | 10 %      |

Jobs need the jobs table, which `core` cannot import: callers pass `JobSchedule`s (`core.ops.signals`).
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from core.analytics import BOUNCE_RATE_ALERT_PERCENT
from core.analytics.kpis import TimeRange
from core.analytics.rollup_keys import floor_hour, floor_hour_sql
from core.config import get_settings
from core.models import AICallLog, AnalyticsEvent, EmailOutbox, EmailStatus, IngestionBatch, JobRun
from core.models.enums import JobStatus
from core.money import format_percent, percent
from core.ops import signals as sig
from core.periods import require_aware

GREEN, YELLOW, RED = "green", "yellow", "red"
RANK = {GREEN: 0, YELLOW: 1, RED: 2}
DAY = timedelta(days=1)
HOUR = timedelta(hours=1)
SERIES_DAYS = 7
MINUTES_24H = 24 * 60
MINUTES_7D = 7 * MINUTES_24H
WEBHOOK_MINUTES = 15
RECENT_ERRORS = 20
MAX_PROPERTY_CHARS = 2000


@dataclass(frozen=True)
class Thresholds:
    """Yellow above `yellow`, red above `red` (strictly above; `None` is green)."""

    yellow: Decimal
    red: Decimal

    def colour(self, value: Decimal | int | None) -> str:
        if value is None:
            return GREEN
        if value > self.red:
            return RED
        return YELLOW if value > self.yellow else GREEN


def thresholds(yellow: Decimal | int | str, red: Decimal | int | str) -> Thresholds:
    return Thresholds(Decimal(yellow), Decimal(red))


OUTBOX_DEPTH = thresholds(100, 500)
OLDEST_QUEUED_MINUTES = thresholds(15, 60)
SEND_FAILURES_24H = thresholds(0, 10)
BOUNCE_RATE_PERCENT = Thresholds(BOUNCE_RATE_ALERT_PERCENT, Decimal(5))  # the Operator KPIs' flag
WEBHOOK_FAILURES_15M = thresholds(0, 5)
ERRORS_VS_MEDIAN = thresholds(2, 5)
DB_ROUND_TRIP_MS = thresholds(20, 100)
DB_SIZE_MB = thresholds(50_000, 100_000)
AI_FAILURES_24H = thresholds(0, 5)
AI_FALLBACK_PERCENT = thresholds(10, 50)
INGESTION_REJECT_PERCENT = thresholds(1, 10)


@dataclass(frozen=True)
class HealthCheck:
    """One tile of the strip: its colour, the value as text, the thresholds as text and what it measures."""

    key: str
    label: str
    colour: str
    value: Decimal | int | None
    value_text: str
    threshold_text: str
    definition: str
    details: tuple[str, ...] = ()  # e.g. each late or failed job


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


# --------------------------------------------------------------------------------------------- the rules (pure)


def worst(*colours: str) -> str:
    return max(colours, key=RANK.__getitem__, default=GREEN)


def jobs_colour(states: Sequence[sig.JobState]) -> str:
    """Red when any job is late; yellow when any latest run failed or a job never ran; else green."""
    if any(s.state == "late" for s in states):
        return RED
    return YELLOW if any(s.state in ("failed", "never ran") for s in states) else GREEN


def ai_colour(*, calls: int, failures: int, fallbacks: int) -> str:
    """The worse of the failures' colour (count) and the fallbacks' colour (share of calls)."""
    share = percent(fallbacks, calls, places=4) if calls else None
    return worst(AI_FAILURES_24H.colour(failures), AI_FALLBACK_PERCENT.colour(share))


def _num(value: Decimal | int) -> str:
    return f"{value:,}" if isinstance(value, int) else f"{value.normalize():,f}"


def _above(t: Thresholds, unit: str = "") -> str:
    return f"yellow above {_num(t.yellow)}{unit}, red above {_num(t.red)}{unit}"


def _count_text(n: int | None, word: str) -> str:
    return "—" if n is None else f"{n:,} {word}{'' if n == 1 else 's'}"


# --------------------------------------------------------------------------------------------- the checks


def _jobs_check(session: Session, now: datetime, schedules: Sequence[sig.JobSchedule] | None) -> HealthCheck:
    states = sig.job_states(session, now=now, schedules=schedules)
    by_state = {name: sum(1 for s in states if s.state == name) for name in ("late", "failed", "never ran")}
    details = [
        f"{s.title}: {s.state}" + (f" — last success {s.last_success_at:%b %d %H:%M} UTC" if s.last_success_at else "")
        + (f" — {s.last_error.splitlines()[-1][:200]}" if s.state == "failed" and s.last_error else "")
        for s in states
        if s.state in ("late", "failed")
    ]  # fmt: skip
    never = [s.title for s in states if s.state == "never ran"]
    if never:
        details.append("Never ran: " + ", ".join(never))
    text = f"{by_state['late']} late, {by_state['failed']} failed, {by_state['never ran']} never ran of {len(states)}"
    return HealthCheck(
        "jobs", "Scheduled jobs", jobs_colour(states), by_state["late"], text,
        f"red: a job's last success is older than {sig.LATE_PERIODS} periods of its schedule; "
        "yellow: its latest run failed, or it never ran",
        "Every job's last success against its schedule.", tuple(details),
    )  # fmt: skip


def system_health(
    session: Session, *, now: datetime, schedules: Sequence[sig.JobSchedule] | None = None
) -> list[HealthCheck]:
    """Every check, in the order of the strip (module docstring); `schedules`: the jobs to judge (default: the
    claimed jobs found in `job_claims`). Sets `serial_reads` for the caller's transaction."""
    require_aware(now)
    sig.serial_reads(session)
    depth = sig.outbox_depth(session, now=now, window_minutes=60)
    oldest = sig.oldest_queued_minutes(session, now=now, window_minutes=60)
    failures = sig.email_send_failures(session, now=now, window_minutes=MINUTES_24H)
    bounce = sig.bounce_rate(session, now=now, window_minutes=MINUTES_7D)
    webhooks = sig.webhook_failures(session, now=now, window_minutes=WEBHOOK_MINUTES)
    errors_hour = sig.error_events(session, now=now, window_minutes=60)
    error_ratio = sig.error_rate_vs_median(session, now=now, window_minutes=MINUTES_7D)
    round_trip = sig.db_round_trip_ms(session, now=now, window_minutes=1)
    size = sig.db_size_mb(session, now=now, window_minutes=1)
    ai = sig.ai_outcomes(session, now=now, window_minutes=MINUTES_24H)
    calls, ai_failed, fallbacks = sum(ai.values()), ai.get(sig.AI_FAILURE, 0), ai.get(sig.AI_FALLBACK, 0)
    received, rejected = ingestion_totals(session, now=now, window_minutes=MINUTES_24H)
    reject_share = percent(rejected, received, places=4) if received else None
    return [
        _jobs_check(session, now, schedules),
        HealthCheck("outbox_depth", "E-mail outbox", OUTBOX_DEPTH.colour(depth), depth,
                    _count_text(depth, "e-mail") + " waiting", _above(OUTBOX_DEPTH),
                    sig.SIGNALS["outbox_depth"].definition.capitalize() + "."),
        HealthCheck("oldest_queued", "Oldest queued e-mail", OLDEST_QUEUED_MINUTES.colour(oldest), oldest,
                    "nothing waiting" if oldest is None else f"{oldest:,} min", _above(OLDEST_QUEUED_MINUTES, " min"),
                    "Minutes since the oldest e-mail still waiting in the outbox was queued."),
        HealthCheck("send_failures", "Send failures, 24 h", SEND_FAILURES_24H.colour(failures), failures,
                    _count_text(failures, "failure"), _above(SEND_FAILURES_24H),
                    "Outbox e-mails whose last delivery attempt in the last 24 hours failed."),
        HealthCheck("bounce_rate", "Bounce rate, 7 days", BOUNCE_RATE_PERCENT.colour(bounce), bounce,
                    "no e-mail sent" if bounce is None else format_percent(bounce, places=2),
                    _above(BOUNCE_RATE_PERCENT, " %") + " (seed 004: flag above 2 %)",
                    "email_bounced ÷ email_sent events over the last 7 days."),
        HealthCheck("webhook_failures", "Webhook failures, 15 min", WEBHOOK_FAILURES_15M.colour(webhooks), webhooks,
                    _count_text(webhooks, "failure"), _above(WEBHOOK_FAILURES_15M),
                    "webhook_failed events in the last 15 minutes."),
        HealthCheck("error_rate", "Errors vs usual", ERRORS_VS_MEDIAN.colour(error_ratio), error_ratio,
                    f"{_count_text(errors_hour, 'error')} in the last hour ({_num(error_ratio)} × usual)",
                    _above(ERRORS_VS_MEDIAN, " ×"),
                    "error events in the last hour ÷ the median per hour over 7 days (at least 1)."),
        HealthCheck("db_round_trip", "Database round trip", DB_ROUND_TRIP_MS.colour(round_trip), round_trip,
                    f"{_num(round_trip)} ms", _above(DB_ROUND_TRIP_MS, " ms"),
                    "The fastest of three SELECT 1 round trips from the app to the database."),
        HealthCheck("db_size", "Database size", DB_SIZE_MB.colour(size), size, f"{_num(size)} MB",
                    _above(DB_SIZE_MB, " MB"), "The database's size on disk (for disk planning)."),
        HealthCheck("ai", "AI door, 24 h", ai_colour(calls=calls, failures=ai_failed, fallbacks=fallbacks), fallbacks,
                    f"{_count_text(calls, 'call')}, {_count_text(ai_failed, 'failure')}, "
                    f"{_count_text(fallbacks, 'offline fallback')}",
                    f"failures {_above(AI_FAILURES_24H)}; fallbacks {_above(AI_FALLBACK_PERCENT, ' %')} of calls",
                    "Answers of the AI door in the last 24 hours; failures raised, fallbacks were answered offline "
                    "because the model failed."),
        HealthCheck("ingestion", "Rejected events, 24 h", INGESTION_REJECT_PERCENT.colour(reject_share), rejected,
                    f"{_count_text(rejected, 'event')} of {received:,} received", _above(INGESTION_REJECT_PERCENT, " %")
                    + " of received", "Events refused by ingestion (file or collector) in the last 24 hours."),
    ]  # fmt: skip


def ingestion_totals(session: Session, *, now: datetime, window_minutes: int) -> tuple[int, int]:
    """(received, rejected) events of the ingestion batches started in [now - window, now)."""
    b = IngestionBatch
    since = now - timedelta(minutes=window_minutes)
    received, rejected = session.execute(
        select(func.coalesce(func.sum(b.received), 0), func.coalesce(func.sum(b.rejected), 0)).where(
            b.started_at >= since, b.started_at < now
        )
    ).one()
    return int(received), int(rejected)


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
