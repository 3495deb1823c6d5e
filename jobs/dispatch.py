"""Running one job of the table (`jobs.registry.JOBS`): claimed or not, retried while the database is away, then
the jobs it names in `then`. Each claimed job is claimed, run and recorded in its own transaction, so one failing
rolls back only itself.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import Engine

from core.ai.door import AIDoor
from core.config import Settings, get_settings
from core.db import get_engine, utcnow
from core.models import JobStatus
from core.ops import (
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
from jobs.registry import get_spec
from jobs.spec import JobContext, JobSpec, Progress, WorkDone

log = logging.getLogger(__name__)


def default_claimed_by() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def run_unclaimed(
    factory: SessionFactory,
    spec: JobSpec,
    job: JobContext,
    *,
    period: str,
    record_idle: bool,
    clock: Callable[[], datetime] = utcnow,
) -> JobOutcome:
    """Run work that commits on its own (the outbox) and record the run (an idle pass only if `record_idle`).

    Raises `DatabaseUnavailable` when the database cannot be reached, so `run_with_db_retry` can retry.
    """
    started = clock()
    try:
        with factory() as session:
            result = spec.work(session, job)
            session.commit()
    except Exception as exc:
        if is_connection_error(exc):
            raise DatabaseUnavailable(str(exc)) from exc
        log.exception("job %s (%s) failed", spec.name, period)
        error = f"{type(exc).__name__}: {exc}"
        run_id = record_run(factory, job_name=spec.name, period=period, status=JobStatus.FAILED, started_at=started,
                            finished_at=clock(), error=error)  # fmt: skip
        return JobOutcome(spec.name, period, JobStatus.FAILED, error=error, run_id=run_id)
    done = result if isinstance(result, WorkDone) else WorkDone(rows=int(result or 0))
    run_id = None
    if not done.idle or record_idle:
        run_id = record_run(factory, job_name=spec.name, period=period, status=JobStatus.OK, started_at=started,
                            finished_at=clock(), rows=done.rows, error=done.errors)  # fmt: skip
    return JobOutcome(spec.name, period, JobStatus.OK, rows=done.rows, run_id=run_id, detail=done.detail)


def _rows(result: int | WorkDone | None) -> int:
    return result.rows if isinstance(result, WorkDone) else int(result or 0)


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

    A claimed job runs through `run_claimed` (lock, claim, work and its ok run in one transaction); then the
    jobs in its `then` run unless it failed. `sleep(seconds)` waits between database retries and paced
    e-mails; returning True means "stop" (the runner passes its stop event's `wait`).
    """
    spec = get_spec(name)
    settings = settings or get_settings()
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    factory = as_session_factory(sessions)
    claimed_by = claimed_by or default_claimed_by()
    retry = retry or RetryPolicy()
    period = spec.period_label(now, settings.timezone)
    job = JobContext(now=now, settings=settings, door=ai, progress=progress, sleep=sleep)

    if spec.claimed:

        def attempt() -> JobOutcome:
            return run_claimed(factory, job_name=name, period=period, fn=lambda s: _rows(spec.work(s, job)),
                               claimed_by=claimed_by)  # fmt: skip

    else:

        def attempt() -> JobOutcome:
            return run_unclaimed(factory, spec, job, period=period, record_idle=record_idle)

    outcome = run_with_db_retry(attempt, sessions=factory, job_name=name, period=period, retry=retry, sleep=sleep)
    if outcome.status == JobStatus.FAILED:
        return outcome
    details = [outcome.detail] if outcome.detail else []
    for follower in spec.then:
        after = run_job(follower, sessions=factory, now=now, claimed_by=claimed_by, settings=settings, ai=ai,
                        retry=retry, sleep=sleep, record_idle=False)  # fmt: skip
        said = after.error or (after.detail if after.run_id else None)  # an idle follower has nothing to say
        details += [said] if said else []
    detail = "; ".join(details) or None
    return JobOutcome(outcome.job_name, outcome.period, outcome.status, outcome.rows, outcome.error, outcome.run_id,
                      detail)  # fmt: skip


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
