"""The admin Jobs page's reads and "Run now": every job's last runs, whether a jobs runner is alive, the confirmation
of a run that e-mails sellers (all uncached: they must show at once) and one claimed run through the jobs registry;
a run that wrote forgets every cached answer (benchmarks, goals and notifications changed for sellers)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from components.data import clear_all, clock, use_database
from core.config import get_settings
from core.db import session_scope
from core.messaging.queries import digest_audience
from core.models import JobStatus
from core.ops import (
    JobOutcome,
    JobRunView,
    MassMailCheck,
    RunnerStatus,
    mass_mail_check,
    recent_job_runs,
    runner_status,
)
from jobs.dispatch import run_job_now
from jobs.registry import WEEKLY_DIGEST

RUNS_PER_JOB = 10


def job_history() -> dict[str, list[JobRunView]]:
    with session_scope() as session:
        return recent_job_runs(session, limit_per_job=RUNS_PER_JOB)


def runner() -> RunnerStatus:
    with session_scope() as session:
        return runner_status(session, now=clock.now())


def digest_check(format_time: Callable[[datetime], str]) -> MassMailCheck:
    """The weekly digest's "Run now" confirmation: its recipients now (the job's own query) and the schedule."""
    now, tz = clock.now(), get_settings().timezone
    week = WEEKLY_DIGEST.period_label(now, tz)
    with session_scope() as session:
        audience = digest_audience(session, week=week)
    next_run = WEEKLY_DIGEST.next_run(now, tz)
    return mass_mail_check(
        what="this week's digest",
        due=audience.due,
        already_queued=audience.already_queued,
        first_queued_at=format_time(audience.first_queued_at) if audience.first_queued_at else None,
        now=now,
        next_run=next_run,
        next_run_text=format_time(next_run),
        same_period=WEEKLY_DIGEST.period_label(next_run, tz) == week,
    )


def run_now(name: str, *, claimed_by: str, progress: Callable[[int, int], None]) -> JobOutcome:
    """Run job `name` now, with the same lock and claim as the runner (a period already done is skipped)."""
    outcome = run_job_now(
        name,
        now=clock.now(),
        claimed_by=claimed_by,
        progress=progress,
        sessions=use_database(get_settings().database_url),
    )
    if outcome.status == JobStatus.OK:
        clear_all()
    return outcome
