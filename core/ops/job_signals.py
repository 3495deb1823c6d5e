"""Job lateness for system health and the alert rules (issue 19): each job's record against its schedule.

`core` cannot import the jobs table (`jobs.registry`), so the callers that can (components, the jobs
layer) pass each job's period as `JobSchedule`s; without them (an alert rule's evaluation) the claimed jobs are
found in `job_claims` and their period is read from the shape of their period labels (`2026-11-21` a day,
`2026-W48` a week, `2026-11-21T15` an hour, `2026-11-21T15:45` a quarter hour, `2026-11-21T15:40` five minutes).
A job is **late** when its last success started more than `LATE_PERIODS` (2) periods before `now`, or it never
succeeded and its first attempt is that old. A job without any run "never ran" (not late: a new install has not
reached its first slot yet), unless it records no idle pass (the outbox): its silence is fine.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.models import JobClaim, JobRun
from core.models.enums import JobStatus
from core.periods import require_aware

LATE_PERIODS = 2
QUARTER, FIVE_MINUTES = timedelta(minutes=15), timedelta(minutes=5)
PERIOD_BY_LABEL_LENGTH = {
    len("2026-11-21"): timedelta(days=1),
    len("2026-W48"): timedelta(days=7),
    len("2026-11-21T15"): timedelta(hours=1),
    len("2026-11-21T15:45"): QUARTER,
}


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
