"""The jobs, their schedules and periods, and `run_job`/`run_job_now` (the runner's and the admin's "Run now").

No `schedule` import here: the app imports this module for the admin Jobs section (run now,
next run times); `jobs.runner` turns the same `JobSpec`s into `schedule` jobs.

- `benchmarks` daily at 03:00: recalculate market benchmarks, close goals past their deadline,
  alert sellers to one new HIGH opportunity a week. Period: the local date.
- `weekly-digest` Mondays at 09:00: compose and queue every seller's digest, then deliver. Period:
  the ISO week. Composition is claimed; delivery runs after the commit, also when the week was
  already done (it then retries mail that failed).
- `email-outbox` hourly at :05: deliver queued mail and retry failed mail. Not claimed: each
  message is taken with a row-locking UPDATE, so two runners never send one message twice. A
  scheduled pass that found no mail is not recorded.
All times are in APP_TIMEZONE.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from datetime import time as clock_time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from core.ai.door import AIDoor, default_ai
from core.config import Settings, get_settings
from core.db import get_engine, utcnow
from core.models import JobStatus
from core.ops.claims import (
    DatabaseUnavailable,
    JobOutcome,
    RetryPolicy,
    SessionFactory,
    as_session_factory,
    is_connection_error,
    record_run,
    run_claimed,
    run_with_db_retry,
)

log = logging.getLogger(__name__)

Progress = Callable[[int, int], Any]


@dataclass(frozen=True)
class JobSpec:
    name: str
    title: str
    cadence: str  # "daily" | "weekly" | "hourly"
    at: str  # "03:00" for daily/weekly, ":05" for hourly
    weekday: int | None = None  # 0 = Monday, for weekly jobs
    claimed: bool = True

    def describe(self, tz_name: str) -> str:
        if self.cadence == "daily":
            return f"daily at {self.at} ({tz_name})"
        if self.cadence == "weekly":
            day = ("Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays", "Sundays")[
                self.weekday or 0
            ]
            return f"{day} at {self.at} ({tz_name})"
        return f"hourly at {self.at}"


BENCHMARKS = JobSpec("benchmarks", "Benchmarks, goal deadlines and opportunity alerts", "daily", "03:00")
WEEKLY_DIGEST = JobSpec("weekly-digest", "Weekly coaching digest", "weekly", "09:00", weekday=0)
EMAIL_OUTBOX = JobSpec("email-outbox", "E-mail delivery and retries", "hourly", ":05", claimed=False)
JOBS: dict[str, JobSpec] = {spec.name: spec for spec in (BENCHMARKS, WEEKLY_DIGEST, EMAIL_OUTBOX)}


def get_spec(name: str) -> JobSpec:
    try:
        return JOBS[name]
    except KeyError:
        raise KeyError(f"unknown job {name!r}; known jobs: {', '.join(JOBS)}") from None


# ------------------------------------------------------------------------------------------ time (pure)


def period_for(name: str, now: datetime, tz: ZoneInfo) -> str:
    """The period a run at `now` claims: local date (benchmarks), ISO week (digest), local hour (outbox)."""
    local = now.astimezone(tz)
    spec = get_spec(name)
    if spec.cadence == "weekly":
        year, week, _ = local.isocalendar()
        return f"{year}-W{week:02d}"
    if spec.cadence == "hourly":
        return local.strftime("%Y-%m-%dT%H")
    return local.date().isoformat()


def _hh_mm(spec: JobSpec) -> tuple[int, int]:
    hours, _, minutes = spec.at.partition(":")
    return (int(hours) if hours else 0), int(minutes)


def current_slot(spec: JobSpec, now: datetime, tz: ZoneInfo) -> datetime:
    """The scheduled moment inside `now`'s period (today 03:00, this week's Monday 09:00, this hour's :05)."""
    local = now.astimezone(tz)
    hour, minute = _hh_mm(spec)
    if spec.cadence == "hourly":
        return local.replace(minute=minute, second=0, microsecond=0)
    day = local.date()
    if spec.cadence == "weekly":
        day -= timedelta(days=(day.weekday() - (spec.weekday or 0)) % 7)
    return datetime.combine(day, clock_time(hour, minute), tzinfo=tz)


def next_run_time(spec: JobSpec, now: datetime, tz: ZoneInfo) -> datetime:
    """The next scheduled moment strictly after `now`, in `tz` (what the runner's schedule will fire)."""
    slot = current_slot(spec, now, tz)
    if slot > now:
        return slot
    if spec.cadence == "hourly":
        return (slot + timedelta(hours=1)).astimezone(tz)
    step = timedelta(days=7 if spec.cadence == "weekly" else 1)
    # Add calendar days to the local date and rebuild the wall-clock time, so a DST change keeps 03:00 at 03:00.
    return datetime.combine(slot.date() + step, slot.timetz().replace(tzinfo=None), tzinfo=tz)


def next_run_times(now: datetime, *, settings: Settings | None = None) -> dict[str, datetime]:
    """Every job's next scheduled run after `now`, in APP_TIMEZONE (pure; no `schedule` needed)."""
    tz = (settings or get_settings()).timezone
    return {name: next_run_time(spec, now, tz) for name, spec in JOBS.items()}


# ------------------------------------------------------------------------------------------ the jobs


def _benchmarks(session: Session, *, now: datetime, ai: AIDoor) -> int:
    from core.goals.store import check_goal_deadlines
    from core.market.alerts import notify_new_opportunities
    from core.market.benchmarks import recalculate_benchmarks

    upserted = recalculate_benchmarks(session, now=now)
    goals = check_goal_deadlines(session, now=now)  # seed 000 3b: the daily job also closes goals
    alerts = notify_new_opportunities(session, now=now, ai=ai)
    log.info(
        "benchmarks job: %d benchmarks, %d goals achieved, %d missed, %d opportunity alerts",
        upserted,
        goals.achieved,
        goals.missed,
        alerts,
    )
    return upserted + goals.achieved + goals.missed + alerts


def _weekly_digest(
    session: Session, *, now: datetime, ai: AIDoor, settings: Settings, progress: Progress | None
) -> int:
    from core.messaging.digest import send_weekly_digests

    report = send_weekly_digests(session, now=now, ai=ai, settings=settings, progress=progress)
    if report.failed and not report.queued and not report.already_queued:
        # Nothing worked: a systemic fault. Fail the run so the week's claim rolls back and is retried.
        raise RuntimeError(f"no digest could be composed ({report.failed} sellers): {report.errors[0]}")
    return report.queued


def deliver_outbox(
    factory: SessionFactory,
    *,
    now: datetime,
    settings: Settings,
    sleep: Callable[[float], Any],
    record_idle: bool,
    clock: Callable[[], datetime] = utcnow,
) -> JobOutcome:
    """Deliver pending mail and record an `email-outbox` run (skipped when idle unless `record_idle`).

    Raises `DatabaseUnavailable` when the database cannot be reached, so `run_with_db_retry` can retry.
    """
    from core.notify.email import deliver_pending

    period = period_for(EMAIL_OUTBOX.name, now, settings.timezone)
    started = clock()
    try:
        with factory() as session:
            report = deliver_pending(session, settings=settings, now=now, sleep=lambda s: sleep(s))
    except Exception as exc:
        if is_connection_error(exc):
            raise DatabaseUnavailable(str(exc)) from exc
        log.exception("e-mail delivery failed")
        error = f"{type(exc).__name__}: {exc}"
        run_id = record_run(
            factory, job_name=EMAIL_OUTBOX.name, period=period, status=JobStatus.FAILED,
            started_at=started, finished_at=clock(), error=error,
        )  # fmt: skip
        return JobOutcome(EMAIL_OUTBOX.name, period, JobStatus.FAILED, error=error, run_id=run_id)
    run_id = None
    if report.attempted or record_idle:
        run_id = record_run(
            factory, job_name=EMAIL_OUTBOX.name, period=period, status=JobStatus.OK, started_at=started,
            finished_at=clock(), rows=report.sent, error="; ".join(report.errors[:3]) or None,
        )  # fmt: skip
    return JobOutcome(EMAIL_OUTBOX.name, period, JobStatus.OK, rows=report.sent, run_id=run_id, detail=report.summary())


def default_claimed_by() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def run_job(
    name: str,
    *,
    sessions: Engine | SessionFactory,
    now: datetime,
    claimed_by: str | None = None,
    settings: Settings | None = None,
    ai: AIDoor | None = None,
    progress: Progress | None = None,
    retry: RetryPolicy | None = None,
    sleep: Callable[[float], Any] = time.sleep,
    record_idle: bool = True,
) -> JobOutcome:
    """Run job `name` once for `now`'s period (KeyError for an unknown name). Never raises for a job failure.

    `sleep(seconds)` waits between database retries and paced e-mails; returning True means "stop"
    (the runner passes its stop event's `wait`).
    """
    spec = get_spec(name)
    settings = settings or get_settings()
    factory = as_session_factory(sessions)
    claimed_by = claimed_by or default_claimed_by()
    retry = retry or RetryPolicy()
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    period = period_for(name, now, settings.timezone)

    if not spec.claimed:
        return run_with_db_retry(
            lambda: deliver_outbox(factory, now=now, settings=settings, sleep=sleep, record_idle=record_idle),
            sessions=factory, job_name=name, period=period, retry=retry, sleep=sleep,
        )  # fmt: skip

    door = ai or default_ai()
    if name == BENCHMARKS.name:

        def work(session: Session) -> int:
            return _benchmarks(session, now=now, ai=door)

    else:

        def work(session: Session) -> int:
            return _weekly_digest(session, now=now, ai=door, settings=settings, progress=progress)

    outcome = run_with_db_retry(
        lambda: run_claimed(factory, job_name=name, period=period, fn=work, claimed_by=claimed_by),
        sessions=factory, job_name=name, period=period, retry=retry, sleep=sleep,
    )  # fmt: skip
    if name == WEEKLY_DIGEST.name and outcome.status != JobStatus.FAILED:
        delivery = run_with_db_retry(
            lambda: deliver_outbox(factory, now=now, settings=settings, sleep=sleep, record_idle=False),
            sessions=factory, job_name=EMAIL_OUTBOX.name, period=period_for(EMAIL_OUTBOX.name, now, settings.timezone),
            retry=retry, sleep=sleep,
        )  # fmt: skip
        delivered = delivery.error or (delivery.detail if delivery.run_id else None)  # idle delivery: nothing to say
        detail = "; ".join(part for part in (outcome.detail, delivered) if part)
        outcome = JobOutcome(outcome.job_name, outcome.period, outcome.status, outcome.rows, outcome.error,
                             outcome.run_id, detail or None)  # fmt: skip
    return outcome


def run_job_now(
    name: str,
    *,
    now: datetime,
    claimed_by: str,
    progress: Progress | None = None,
    sessions: Engine | SessionFactory | None = None,
    settings: Settings | None = None,
    ai: AIDoor | None = None,
) -> JobOutcome:
    """The admin's "Run now": the same claimed run as the schedule's (a done period is skipped), on the app's engine.

    `claimed_by` names who asked (e.g. "app:<username>"); `progress(done, total)` reports per seller
    for the digest. A short database retry (15 s) keeps the page responsive when the database is down.
    """
    return run_job(
        name,
        sessions=sessions if sessions is not None else get_engine(),
        now=now,
        claimed_by=claimed_by,
        settings=settings,
        ai=ai,
        progress=progress,
        retry=RetryPolicy(total_seconds=15.0, first_delay=1.0),
    )
