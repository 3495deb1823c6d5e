"""The measured signals of system health (issue 19, seed 004 §9): one function per signal, and the `SIGNALS` registry
that alert rules (`core.ops.alert_rules`) and the health checks (`core.ops.health`) name them by.

Every signal is `fn(session, *, now, window_minutes) -> Decimal | int | None`, measured over the window
`[now - window_minutes, now)` (half-open like the analytics windows' `TimeRange`: events at or after `now` are not
counted), with its definition in `Signal.definition`. Signals that are a state rather than a count over time (outbox
depth, database size, late jobs) ignore the window.
`None` means "nothing to measure" (no e-mail sent, nothing queued), never zero.

Each is one set-based query: the event counts ride the `(event_type, occurred_at)` index of `analytics_events`, the
outbox ones its status index, the AI ones `ai_call_log`'s `created_at` index.

**Jobs.** `core` cannot import the jobs table (`jobs.registry`), so the callers that can (components, the jobs
layer) pass each job's period as `JobSchedule`s; without them (an alert rule's evaluation) the claimed jobs are
found in `job_claims` and their period is read from the shape of their period labels (`2026-11-21` a day,
`2026-W48` a week, `2026-11-21T15` an hour, `2026-11-21T15:45` a quarter hour, `2026-11-21T15:40` five minutes).
A job is **late** when its last success started more than `LATE_PERIODS` (2) periods before `now`, or it never
succeeded and its first attempt is that old. A job without any run "never ran" (not late: a new install has not
reached its first slot yet), unless it records no idle pass (the outbox): its silence is fine.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import ColumnElement, and_, func, or_, select, text
from sqlalchemy.orm import Session

from core.analytics.kpis import TimeRange
from core.analytics.queries import email_reports as rolled_email_reports
from core.analytics.rollup_keys import floor_hour, floor_hour_sql
from core.analytics.rollup_reads import rollup_state
from core.config import get_settings
from core.models import AICallLog, AnalyticsEvent, EmailOutbox, EmailStatus, IngestionBatch, JobClaim, JobRun
from core.models.enums import JobStatus
from core.money import percent
from core.periods import require_aware

SignalValue = Decimal | int | None
SignalFn = Callable[..., SignalValue]

HOUR = timedelta(hours=1)
LATE_PERIODS = 2
MEDIAN_FLOOR = 1  # errors per hour: the divisor of `error_rate_vs_median` is at least this (a quiet week has 0)
PING_TRIES = 3
BYTES_PER_MB = 1024 * 1024

EMAIL_SENT = "email_sent"
EMAIL_BOUNCED = "email_bounced"
WEBHOOK_FAILED = "webhook_failed"
ERROR = "error"

# What the AI door records (`core.ai.door`): who answered and how.
AI_MODEL, AI_CACHE, AI_OFFLINE, AI_FALLBACK, AI_FAILURE = "model", "cache", "offline", "fallback", "failure"

QUARTER, FIVE_MINUTES = timedelta(minutes=15), timedelta(minutes=5)
PERIOD_BY_LABEL_LENGTH = {
    len("2026-11-21"): timedelta(days=1),
    len("2026-W48"): timedelta(days=7),
    len("2026-11-21T15"): timedelta(hours=1),
    len("2026-11-21T15:45"): QUARTER,
}


@dataclass(frozen=True)
class Signal:
    """One measured signal: its registry key, a label and unit for pages, its one-line definition, its function and
    the window it is usually read over (what the health check and the default alert rule use)."""

    key: str
    label: str
    unit: str  # "%", "events", "e-mails", "minutes", "x median", "jobs", "ms", "MB", "calls"
    definition: str
    function: SignalFn
    default_window_minutes: int

    def measure(self, session: Session, *, now: datetime, window_minutes: int | None = None) -> SignalValue:
        window = self.default_window_minutes if window_minutes is None else window_minutes
        return self.function(session, now=now, window_minutes=window)


def _since(now: datetime, window_minutes: int) -> datetime:
    require_aware(now)
    if window_minutes <= 0:
        raise ValueError(f"window_minutes must be positive; got {window_minutes}")
    return now - timedelta(minutes=window_minutes)


def _in_window(column: ColumnElement[datetime], now: datetime, window_minutes: int) -> ColumnElement[bool]:
    return and_(column >= _since(now, window_minutes), column < now)


def count_events(session: Session, event_type: str, *, now: datetime, window_minutes: int) -> int:
    """Events of `event_type` that occurred in [now - window, now) (an index range scan)."""
    e = AnalyticsEvent
    query = select(func.count()).where(e.event_type == event_type, _in_window(e.occurred_at, now, window_minutes))
    return int(session.scalar(query) or 0)


# ----------------------------------------------------------------------------------------------- e-mail


def serial_reads(session: Session) -> None:
    """PostgreSQL: no parallel workers for the rest of this transaction. The health reads are index lookups of well
    under a millisecond of work, but a misestimate (`rollup_state`'s events recorded since the last roll-up: planned
    as millions of rows, 0 found) starts two workers, ~30–50 ms of start-up for nothing (measured on the large set)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL max_parallel_workers_per_gather = 0"))


def email_reports(session: Session, windows: Sequence[TimeRange]) -> list[tuple[int, int]]:
    """(email_sent, email_bounced) events per window: the hourly roll-ups' complete hours plus the raw edges
    (`core.analytics.queries`, the same counts as the Operator KPIs' bounce rate). Sets `serial_reads`."""
    serial_reads(session)
    return rolled_email_reports(session, windows, rollup_state(session))


def bounce_rate(session: Session, *, now: datetime, window_minutes: int) -> Decimal | None:
    """email_bounced ÷ email_sent events in the window, in percent (4 decimals); None without sends."""
    [(sent, bounced)] = email_reports(session, [TimeRange(_since(now, window_minutes), now)])
    return percent(bounced, sent, places=4) if sent else None


def _pending_outbox(max_attempts: int) -> ColumnElement[bool]:
    """Mail still to deliver: queued, or failed with attempts left (what the outbox job sends next)."""
    o = EmailOutbox
    return or_(o.status == EmailStatus.QUEUED, and_(o.status == EmailStatus.FAILED, o.attempts < max_attempts))


def outbox_depth(session: Session, *, now: datetime, window_minutes: int) -> int:
    """E-mails waiting in the outbox now: queued, plus failed ones with delivery attempts left (window ignored)."""
    require_aware(now)
    max_attempts = get_settings().email_max_attempts
    return int(session.scalar(select(func.count()).where(_pending_outbox(max_attempts))) or 0)


def oldest_queued_minutes(session: Session, *, now: datetime, window_minutes: int) -> int | None:
    """Whole minutes since the oldest e-mail still waiting in the outbox was queued; None when nothing waits."""
    require_aware(now)
    max_attempts = get_settings().email_max_attempts
    oldest = session.scalar(select(func.min(EmailOutbox.created_at)).where(_pending_outbox(max_attempts)))
    if oldest is None:
        return None
    return max(0, int((now - oldest).total_seconds() // 60))


def email_send_failures(session: Session, *, now: datetime, window_minutes: int) -> int:
    """Outbox e-mails whose last delivery attempt, made in the window, failed (status FAILED, attempted then)."""
    o = EmailOutbox
    query = select(func.count()).where(o.status == EmailStatus.FAILED, _in_window(o.updated_at, now, window_minutes))
    return int(session.scalar(query) or 0)


# ----------------------------------------------------------------------------------------------- events


def webhook_failures(session: Session, *, now: datetime, window_minutes: int) -> int:
    """`webhook_failed` events in the window."""
    return count_events(session, WEBHOOK_FAILED, now=now, window_minutes=window_minutes)


def error_events(session: Session, *, now: datetime, window_minutes: int) -> int:
    """`error` events in the window."""
    return count_events(session, ERROR, now=now, window_minutes=window_minutes)


def hourly_event_counts(
    session: Session, event_types: Sequence[str], *, start: datetime, end: datetime
) -> dict[tuple[str, datetime], int]:
    """{(event type, UTC hour): events} for events in [start, end), hours with none left out (one grouped query)."""
    e = AnalyticsEvent
    hour = floor_hour_sql(session, e.occurred_at).label("hour")
    rows = session.execute(
        select(e.event_type, hour, func.count())
        .where(e.event_type.in_(tuple(event_types)), e.occurred_at >= start, e.occurred_at < end)
        .group_by(e.event_type, hour)
    ).all()
    return {(event_type, floor_hour(at)): int(n) for event_type, at, n in rows}


def hourly_median(counts: Sequence[int]) -> Decimal:
    """The median of hourly counts (zeros included), as an exact Decimal."""
    return Decimal(str(statistics.median(counts))) if counts else Decimal(0)


def error_rate_vs_median(session: Session, *, now: datetime, window_minutes: int) -> Decimal:
    """`error` events in the last hour ÷ the median of the hourly counts over the window (7 days: the complete UTC
    hours before the current one, empty hours counted as 0), the median floored at 1 so a quiet week does not make
    one error infinite; 2 decimals."""
    last_hour = count_events(session, ERROR, now=now, window_minutes=60)
    end = floor_hour(now)
    hours = max(1, window_minutes // 60)
    start = end - hours * HOUR
    counts = hourly_event_counts(session, (ERROR,), start=start, end=end)
    median = hourly_median([counts.get((ERROR, start + i * HOUR), 0) for i in range(hours)])
    return (Decimal(last_hour) / max(median, Decimal(MEDIAN_FLOOR))).quantize(Decimal("0.01"), ROUND_HALF_UP)


def ingestion_rejects(session: Session, *, now: datetime, window_minutes: int) -> int:
    """Events refused by ingestion (sum of `ingestion_batches.rejected`) in batches started in the window."""
    b = IngestionBatch
    query = select(func.coalesce(func.sum(b.rejected), 0)).where(_in_window(b.started_at, now, window_minutes))
    return int(session.scalar(query) or 0)


# ----------------------------------------------------------------------------------------------- AI door


def ai_outcomes(session: Session, *, now: datetime, window_minutes: int) -> dict[str, int]:
    """{outcome: calls} of the AI door in the window (outcomes without calls left out)."""
    a = AICallLog
    rows = session.execute(
        select(a.outcome, func.count()).where(_in_window(a.created_at, now, window_minutes)).group_by(a.outcome)
    ).all()
    return {outcome: int(n) for outcome, n in rows}


def _ai_count(session: Session, outcome: str | None, *, now: datetime, window_minutes: int) -> int:
    a = AICallLog
    query = select(func.count()).where(_in_window(a.created_at, now, window_minutes))
    if outcome is not None:
        query = query.where(a.outcome == outcome)
    return int(session.scalar(query) or 0)


def ai_calls(session: Session, *, now: datetime, window_minutes: int) -> int:
    """Answers of the AI door in the window, whoever answered (model, cache, offline engine)."""
    return _ai_count(session, None, now=now, window_minutes=window_minutes)


def ai_failures(session: Session, *, now: datetime, window_minutes: int) -> int:
    """AI door calls in the window that raised instead of answering (outcome `failure`)."""
    return _ai_count(session, AI_FAILURE, now=now, window_minutes=window_minutes)


def ai_fallbacks(session: Session, *, now: datetime, window_minutes: int) -> int:
    """AI door calls in the window that the offline engine answered because the model failed (outcome `fallback`)."""
    return _ai_count(session, AI_FALLBACK, now=now, window_minutes=window_minutes)


# ----------------------------------------------------------------------------------------------- database


def db_round_trip_ms(session: Session, *, now: datetime, window_minutes: int) -> Decimal:
    """The fastest of three `SELECT 1` round trips from the app to the database, in ms (1 decimal; window ignored)."""
    best = float("inf")
    for _ in range(PING_TRIES):
        started = time.perf_counter()
        session.execute(text("SELECT 1")).scalar()
        best = min(best, time.perf_counter() - started)
    return Decimal(str(round(best * 1000, 1)))


def db_size_bytes(session: Session) -> int:
    if session.get_bind().dialect.name == "postgresql":
        return int(session.scalar(text("SELECT pg_database_size(current_database())")) or 0)
    pages = int(session.scalar(text("PRAGMA page_count")) or 0)
    return pages * int(session.scalar(text("PRAGMA page_size")) or 0)


def db_size_mb(session: Session, *, now: datetime, window_minutes: int) -> Decimal:
    """The database's size on disk in MB (PostgreSQL `pg_database_size`, SQLite pages × page size; 1 decimal)."""
    return (Decimal(db_size_bytes(session)) / BYTES_PER_MB).quantize(Decimal("0.1"), ROUND_HALF_UP)


# ----------------------------------------------------------------------------------------------- jobs


@dataclass(frozen=True)
class JobSchedule:
    """What the health of one job is judged against: its name, title and the time between two scheduled runs.

    `records_idle`: False for a job whose idle pass leaves no run (the outbox), so its silence is not lateness.
    """

    name: str
    title: str
    period: timedelta
    records_idle: bool = True


@dataclass(frozen=True)
class JobState:
    """One job's record against its schedule: `state` is "ok", "late", "failed" (its latest run failed, not yet
    late) or "never ran"."""

    name: str
    title: str
    period: timedelta
    last_success_at: datetime | None
    last_run_at: datetime | None  # the latest run that was not skipped
    last_status: str | None
    last_error: str | None
    first_run_at: datetime | None
    state: str

    @property
    def is_late(self) -> bool:
        return self.state == "late"


def period_of_label(label: str) -> timedelta | None:
    """The period a job's period label stands for, from its shape (module docstring); None for an unknown shape.

    A minute label off the quarter hours (`T15:40`) is a five-minute period; on them it reads as a quarter hour (a
    five-minute job then counts late after 30 minutes, not 10)."""
    period = PERIOD_BY_LABEL_LENGTH.get(len(label))
    if period == QUARTER and label[-2:].isdigit() and int(label[-2:]) % 15:
        return FIVE_MINUTES
    return period


def claimed_job_schedules(session: Session) -> list[JobSchedule]:
    """The claimed jobs that ever ran, with their period read from their latest claim's label (no jobs table)."""
    rows = session.execute(
        select(JobClaim.job_name, func.max(JobClaim.period)).group_by(JobClaim.job_name).order_by(JobClaim.job_name)
    ).all()
    out = []
    for name, label in rows:
        period = period_of_label(label or "")
        if period is not None:
            out.append(JobSchedule(name, name, period))
    return out


def judge_job(
    schedule: JobSchedule,
    *,
    now: datetime,
    last_success_at: datetime | None,
    last_run_at: datetime | None,
    last_status: str | None,
    first_run_at: datetime | None,
) -> str:
    """The state of one job (pure; the rule of the module docstring)."""
    too_old = now - LATE_PERIODS * schedule.period
    if last_success_at is not None:
        if last_success_at < too_old and schedule.records_idle:
            return "late"
    elif first_run_at is None:
        return "never ran" if schedule.records_idle else "ok"
    elif first_run_at < too_old:
        return "late"
    return "failed" if last_status == JobStatus.FAILED.value else "ok"


def job_states(session: Session, *, now: datetime, schedules: Sequence[JobSchedule] | None = None) -> list[JobState]:
    """Every job's last success, latest run and state (one statement of per-job index lookups on
    `job_runs (job_name, started_at)`); `schedules` default: `claimed_job_schedules`."""
    require_aware(now)
    jobs = list(schedules) if schedules is not None else claimed_job_schedules(session)
    if not jobs:
        return []
    r = JobRun
    not_skipped = r.status != JobStatus.SKIPPED
    columns = []
    for index, job in enumerate(jobs):
        mine = r.job_name == job.name
        latest = select(r.id).where(mine, not_skipped).order_by(r.started_at.desc(), r.id.desc()).limit(1)
        columns += [
            select(func.max(r.started_at)).where(mine, r.status == JobStatus.OK).scalar_subquery().label(f"ok{index}"),
            select(func.min(r.started_at)).where(mine, not_skipped).scalar_subquery().label(f"first{index}"),
            latest.scalar_subquery().label(f"latest{index}"),
        ]
    row = session.execute(select(*columns)).one()
    latest_ids = [row[3 * i + 2] for i in range(len(jobs)) if row[3 * i + 2] is not None]
    latest = {
        run_id: (started, status, error)
        for run_id, started, status, error in session.execute(
            select(r.id, r.started_at, r.status, r.error).where(r.id.in_(latest_ids))
        ).all()
    }
    out = []
    for index, job in enumerate(jobs):
        last_ok, first, latest_id = row[3 * index], row[3 * index + 1], row[3 * index + 2]
        started, status, error = latest.get(latest_id, (None, None, None))
        status_text = None if status is None else str(getattr(status, "value", status))
        state = judge_job(
            job, now=now, last_success_at=last_ok, last_run_at=started, last_status=status_text, first_run_at=first
        )
        out.append(JobState(job.name, job.title, job.period, last_ok, started, status_text, error, first, state))
    return out


def late_job_list(session: Session, *, now: datetime, schedules: Sequence[JobSchedule] | None = None) -> list[JobState]:
    """The jobs that are late (module docstring), in the order of `schedules`."""
    return [job for job in job_states(session, now=now, schedules=schedules) if job.is_late]


def late_jobs(session: Session, *, now: datetime, window_minutes: int) -> int:
    """Claimed jobs whose last success started more than two periods of their schedule ago (window ignored)."""
    return len(late_job_list(session, now=now))


# ----------------------------------------------------------------------------------------------- the registry

DAY_MINUTES = 24 * 60
WEEK_MINUTES = 7 * DAY_MINUTES

SIGNALS: dict[str, Signal] = {
    s.key: s
    for s in (
        Signal("bounce_rate", "Bounce rate", "%", "email_bounced ÷ email_sent events in the window", bounce_rate,
               WEEK_MINUTES),
        Signal("webhook_failures", "Webhook failures", "events", "webhook_failed events in the window",
               webhook_failures, 15),
        Signal("outbox_depth", "Outbox depth", "e-mails", "queued e-mails plus failed ones with attempts left",
               outbox_depth, 60),
        Signal("oldest_queued_minutes", "Oldest queued e-mail", "minutes",
               "minutes since the oldest e-mail still waiting was queued", oldest_queued_minutes, 60),
        Signal("email_send_failures", "E-mail send failures", "e-mails",
               "outbox e-mails whose last delivery attempt in the window failed", email_send_failures, DAY_MINUTES),
        Signal("error_events", "Error events", "events", "error events in the window", error_events, 60),
        Signal("error_rate_vs_median", "Errors vs usual", "x median",
               "error events in the last hour ÷ the median per hour over the window (at least 1)",
               error_rate_vs_median, WEEK_MINUTES),
        Signal("late_jobs", "Late jobs", "jobs", "jobs whose last success is older than two periods of their schedule",
               late_jobs, 60),
        Signal("ingestion_rejects", "Rejected events", "events",
               "events refused by ingestion in batches started in the window", ingestion_rejects, DAY_MINUTES),
        Signal("ai_calls", "AI calls", "calls", "answers of the AI door in the window", ai_calls, DAY_MINUTES),
        Signal("ai_failures", "AI failures", "calls", "AI door calls that raised instead of answering",
               ai_failures, DAY_MINUTES),
        Signal("ai_fallbacks", "AI offline fallbacks", "calls",
               "AI door calls the offline engine answered because the model failed", ai_fallbacks, DAY_MINUTES),
        Signal("db_round_trip_ms", "Database round trip", "ms", "the fastest of three SELECT 1 round trips",
               db_round_trip_ms, 1),
        Signal("db_size_mb", "Database size", "MB", "the database's size on disk", db_size_mb, 1),
    )
}  # fmt: skip


def measure(key: str, session: Session, *, now: datetime, window_minutes: int | None = None) -> SignalValue:
    """The signal named `key` (KeyError for an unknown one) over `window_minutes` (default: its usual window)."""
    try:
        signal = SIGNALS[key]
    except KeyError:
        raise KeyError(f"unknown signal {key!r}; known: {', '.join(SIGNALS)}") from None
    return signal.measure(session, now=now, window_minutes=window_minutes)
