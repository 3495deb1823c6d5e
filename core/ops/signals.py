"""The measured signals of system health (issue 19, seed 004 §9): one function per signal, and the `SIGNALS` registry
that alert rules (`core.ops.alert_rules`) and the health checks (`core.ops.health`) name them by.

Every signal is `fn(session, *, now, window_minutes) -> Decimal | int | None`, measured over the window
`[now - window_minutes, now)` (half-open like the analytics windows' `TimeRange`: events at or after `now` are not
counted), with its definition in `Signal.definition`. Signals that are a state rather than a count over time (outbox
depth, database size, late jobs) ignore the window.
`None` means "nothing to measure" (no e-mail sent, nothing queued), never zero.

Each is one set-based query: the event counts ride the `(event_type, occurred_at)` index of `analytics_events`, the
outbox ones its status index, the AI ones `ai_call_log`'s `created_at` index.

**Jobs** (late ones) are judged in `core.ops.job_signals`.
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
from core.models import AICallLog, AnalyticsEvent, EmailOutbox, EmailStatus, IngestionBatch
from core.money import percent
from core.ops.job_signals import late_job_list
from core.periods import require_aware

SignalValue = Decimal | int | None
SignalFn = Callable[..., SignalValue]

HOUR = timedelta(hours=1)
MEDIAN_FLOOR = 1  # errors per hour: the divisor of `error_rate_vs_median` is at least this (a quiet week has 0)
PING_TRIES = 3
BYTES_PER_MB = 1024 * 1024

EMAIL_SENT = "email_sent"
EMAIL_BOUNCED = "email_bounced"
WEBHOOK_FAILED = "webhook_failed"
ERROR = "error"

# What the AI door records (`core.ai.door`): who answered and how.
AI_MODEL, AI_CACHE, AI_OFFLINE, AI_FALLBACK, AI_FAILURE = "model", "cache", "offline", "fallback", "failure"


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
