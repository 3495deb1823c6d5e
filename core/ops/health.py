"""System health (issue 19, seed 004 §9): the checks of the System health page, each green / yellow / red by the
thresholds below. Their 7-day series for the charts and the recent-errors log are in `core.ops.health_history`.

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

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.analytics import BOUNCE_RATE_ALERT_PERCENT
from core.models import IngestionBatch
from core.money import format_percent, percent
from core.ops import job_signals
from core.ops import signals as sig
from core.periods import require_aware

GREEN, YELLOW, RED = "green", "yellow", "red"
RANK = {GREEN: 0, YELLOW: 1, RED: 2}
MINUTES_24H = 24 * 60
MINUTES_7D = 7 * MINUTES_24H
WEBHOOK_MINUTES = 15


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


# --------------------------------------------------------------------------------------------- the rules (pure)


def worst(*colours: str) -> str:
    return max(colours, key=RANK.__getitem__, default=GREEN)


def jobs_colour(states: Sequence[job_signals.JobState]) -> str:
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


def _jobs_check(session: Session, now: datetime, schedules: Sequence[job_signals.JobSchedule] | None) -> HealthCheck:
    states = job_signals.job_states(session, now=now, schedules=schedules)
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
        f"red: a job's last success is older than {job_signals.LATE_PERIODS} periods of its schedule; "
        "yellow: its latest run failed, or it never ran",
        "Every job's last success against its schedule.", tuple(details),
    )  # fmt: skip


def system_health(
    session: Session, *, now: datetime, schedules: Sequence[job_signals.JobSchedule] | None = None
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
