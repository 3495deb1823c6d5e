"""One run of a job per period: PostgreSQL advisory lock + claim row, the `job_runs` record, DB retries.

Design (DESIGN §7, FIELD-NOTES "PostgreSQL and SQLAlchemy"):

- A claimed run is ONE transaction: on PostgreSQL `pg_try_advisory_xact_lock(crc32(job name))`
  first (a second runner gets `false` at once and is skipped), then the claim row
  `(job_name, period)` inserted with ON CONFLICT DO NOTHING RETURNING (no row back = the
  period is already done: skipped), then the job's work, then its `ok` JobRun, committed
  together. On SQLite the unique claim row alone serialises runners (SQLite has one writer).
- A job that raises rolls back its work AND its claim, so the period stays open and the next
  tick retries it; the `failed` JobRun (with the error) is written in a separate transaction.
- Skipped runs are recorded too (separate transaction), so the admin sees every attempt.
- The database being unreachable (connection refused, dropped) is not the job's failure: it
  raises `DatabaseUnavailable` from `run_claimed`, and `run_with_db_retry` retries the whole
  run with exponential backoff for a bounded time before recording one failed run.

`fn(session)` must not commit: the lock, the claim and the work share its caller's transaction.
"""

from __future__ import annotations

import logging
import sqlite3
import traceback
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, func, select, text, update
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from core.db import insert_for, new_id, utcnow
from core.models import JobClaim, JobRun, JobStatus

log = logging.getLogger(__name__)

SessionFactory = Callable[[], Session]
JobFn = Callable[[Session], int | None]

PERIOD_DONE = "period already done"
LOCKED = "another runner is running this job"
MAX_ERROR_CHARS = 4000
SQLITE_TRANSIENT = ("locked", "busy", "unable to open", "disk i/o")


class DatabaseUnavailable(RuntimeError):
    """The database could not be reached (or the connection dropped); nothing was written."""


@dataclass(frozen=True)
class JobOutcome:
    job_name: str
    period: str
    status: JobStatus
    rows: int | None = None
    error: str | None = None
    run_id: str | None = None
    detail: str | None = None  # e.g. why it was skipped, or the delivery summary of the digest job

    @property
    def succeeded(self) -> bool:
        """ok or skipped: the period is done either way (the CLI exits 0 for both)."""
        return self.status in (JobStatus.OK, JobStatus.SKIPPED)


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff for an unreachable database: `first_delay`, doubling, at most `total_seconds` in all."""

    total_seconds: float = 60.0
    first_delay: float = 2.0
    max_attempts: int = 6

    def delays(self) -> list[float]:
        """The waits between attempts: 2, 4, 8, … trimmed so their sum stays within `total_seconds`."""
        out: list[float] = []
        delay, spent = self.first_delay, 0.0
        while len(out) < self.max_attempts - 1 and spent < self.total_seconds:
            wait = min(delay, self.total_seconds - spent)
            out.append(wait)
            spent += wait
            delay *= 2
        return out


def advisory_key(job_name: str) -> int:
    """A stable lock key for `job_name` (crc32: the same in every process, unlike the salted `hash()`)."""
    return zlib.crc32(job_name.encode("utf-8"))


def as_session_factory(sessions: Engine | SessionFactory) -> SessionFactory:
    if isinstance(sessions, Engine):
        return sessionmaker(sessions, expire_on_commit=False)
    return sessions


def is_connection_error(exc: BaseException) -> bool:
    """True for errors that mean "the database is not reachable right now", not "the job is wrong"."""
    if isinstance(exc, DatabaseUnavailable):
        return True
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    if isinstance(getattr(exc, "orig", None), sqlite3.Error):
        # SQLite reports "no such table" as an OperationalError too: only a busy/locked/missing file is transient.
        return any(word in str(exc.orig).lower() for word in SQLITE_TRANSIENT)
    return isinstance(exc, OperationalError | InterfaceError)


def _error_text(exc: BaseException) -> str:
    summary = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    return summary[:MAX_ERROR_CHARS]


def _insert_claim(session: Session, *, job_name: str, period: str, claimed_at: datetime, claimed_by: str) -> str | None:
    """The new claim's id, or None when (job_name, period) is already claimed."""
    statement = (
        insert_for(session, JobClaim)
        .values(id=new_id(), job_name=job_name, period=period, claimed_at=claimed_at, claimed_by=claimed_by)
        .on_conflict_do_nothing(index_elements=["job_name", "period"])
        # psycopg 3 reports rowcount -1 for ON CONFLICT DO NOTHING: RETURNING says whether a row went in.
        .returning(JobClaim.id)
    )
    return session.scalar(statement)


def _job_run(
    job_name: str, period: str, status: JobStatus, started_at: datetime, end: datetime, **extra: Any
) -> JobRun:
    """A new `job_runs` row; `extra` sets `rows_affected` and `error`."""
    return JobRun(
        id=new_id(), job_name=job_name, period=period, status=status, started_at=started_at, finished_at=end, **extra
    )


def _try_lock(session: Session, job_name: str) -> bool:
    if session.get_bind().dialect.name != "postgresql":
        return True
    return bool(session.scalar(text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": advisory_key(job_name)}))


def record_run(
    sessions: Engine | SessionFactory,
    *,
    job_name: str,
    period: str,
    status: JobStatus,
    started_at: datetime,
    finished_at: datetime,
    rows: int | None = None,
    error: str | None = None,
) -> str | None:
    """Write one JobRun in its own transaction; its id, or None (logged) when even that fails."""
    factory = as_session_factory(sessions)
    try:
        with factory() as session:
            run = _job_run(job_name, period, status, started_at, finished_at, rows_affected=rows, error=error)
            session.add(run)
            session.commit()
            return run.id
    except Exception:
        log.exception("could not record the %s run of %s (%s)", status.value, job_name, period)
        return None


def run_claimed(
    sessions: Engine | SessionFactory,
    *,
    job_name: str,
    period: str,
    fn: JobFn,
    claimed_by: str,
    clock: Callable[[], datetime] = utcnow,
) -> JobOutcome:
    """Run `fn(session)` once for (job_name, period): lock, claim, work and the ok run in one transaction.

    Returns ok / skipped / failed. Raises `DatabaseUnavailable` (recording nothing) when the database
    cannot be reached, so the caller can retry (`run_with_db_retry`). `clock` stamps started/finished.
    """
    factory = as_session_factory(sessions)
    started = clock()
    skipped_because: str | None = None
    session = factory()
    try:
        if not _try_lock(session, job_name):
            skipped_because = LOCKED
        elif (
            _insert_claim(session, job_name=job_name, period=period, claimed_at=started, claimed_by=claimed_by) is None
        ):
            skipped_because = PERIOD_DONE
        if skipped_because is None:
            rows = fn(session)
            run = _job_run(job_name, period, JobStatus.OK, started, clock(), rows_affected=rows)
            session.add(run)
            session.flush()
            session.execute(
                update(JobClaim).where(JobClaim.job_name == job_name, JobClaim.period == period).values(run_id=run.id)
            )
            session.commit()
            log.info("job %s (%s) ok: %s rows", job_name, period, rows)
            return JobOutcome(job_name, period, JobStatus.OK, rows=rows, run_id=run.id)
        session.rollback()  # releases the advisory lock too
    except Exception as exc:
        _rollback_quietly(session)
        if is_connection_error(exc):
            raise DatabaseUnavailable(_error_text(exc)) from exc
        log.exception("job %s (%s) failed", job_name, period)
        return _record_not_done(factory, job_name, period, JobStatus.FAILED, started, clock(), _error_text(exc))
    finally:
        session.close()
    log.info("job %s (%s) skipped: %s", job_name, period, skipped_because)
    return _record_not_done(factory, job_name, period, JobStatus.SKIPPED, started, clock(), skipped_because)


def _record_not_done(
    factory: SessionFactory, name: str, period: str, status: JobStatus, start: datetime, end: datetime, why: str | None
) -> JobOutcome:
    """Record a failed or skipped run in its own transaction; its outcome carries `why` as error or detail."""
    run_id = record_run(
        factory, job_name=name, period=period, status=status, started_at=start, finished_at=end, error=why
    )
    if status is JobStatus.SKIPPED:
        return JobOutcome(name, period, status, run_id=run_id, detail=why)
    return JobOutcome(name, period, status, error=why, run_id=run_id)


def _rollback_quietly(session: Session) -> None:
    try:
        session.rollback()
    except Exception:  # the connection may be gone already; nothing was committed either way
        log.debug("rollback after a failed job raised", exc_info=True)


def run_with_db_retry(
    attempt: Callable[[], JobOutcome],
    *,
    sessions: Engine | SessionFactory,
    job_name: str,
    period: str,
    retry: RetryPolicy,
    sleep: Callable[[float], Any],
    clock: Callable[[], datetime] = utcnow,
) -> JobOutcome:
    """Call `attempt()`; while it raises `DatabaseUnavailable`, wait and try again (bounded), then give up.

    `sleep(seconds)` returning True means "stop now" (the runner passes its stop event's `wait`).
    Giving up records one failed run if the database answers by then, else only logs.
    """
    started = clock()
    last_error = ""
    delays = retry.delays()
    for index in range(len(delays) + 1):
        try:
            return attempt()
        except DatabaseUnavailable as exc:
            last_error = str(exc)
        if index == len(delays):
            break
        log.warning(
            "database unreachable for job %s (try %d of %d), retrying in %.1f s: %s",
            job_name,
            index + 1,
            len(delays) + 1,
            delays[index],
            last_error.splitlines()[-1] if last_error else "",
        )
        if sleep(delays[index]) is True:
            last_error = f"stopped while waiting for the database: {last_error}"
            break
    error = f"database unreachable after {index + 1} tries: {last_error}"[:MAX_ERROR_CHARS]
    log.error("job %s (%s) failed: %s", job_name, period, error)
    factory = as_session_factory(sessions)
    return _record_not_done(factory, job_name, period, JobStatus.FAILED, started, clock(), error)


def is_period_claimed(session: Session, *, job_name: str, period: str) -> bool:
    found = session.scalar(select(JobClaim.id).where(JobClaim.job_name == job_name, JobClaim.period == period))
    return found is not None


def failed_attempts(session: Session, *, job_name: str, period: str) -> int:
    """Failed runs of (job, period): the runner stops catching up a period after a few."""
    return int(
        session.scalar(
            select(func.count())
            .select_from(JobRun)
            .where(JobRun.job_name == job_name, JobRun.period == period, JobRun.status == JobStatus.FAILED)
        )
        or 0
    )


@dataclass(frozen=True)
class JobRunView:
    """One row of the admin's job history (plain data, safe to cache)."""

    id: str
    job_name: str
    period: str
    status: str
    started_at: datetime
    finished_at: datetime | None
    rows_affected: int | None
    error: str | None

    @property
    def duration_seconds(self) -> float | None:
        return None if self.finished_at is None else (self.finished_at - self.started_at).total_seconds()


def recent_job_runs(session: Session, *, limit_per_job: int = 10) -> dict[str, list[JobRunView]]:
    """The newest `limit_per_job` runs of every job, newest first, in one windowed query."""
    rank = func.row_number().over(partition_by=JobRun.job_name, order_by=(JobRun.started_at.desc(), JobRun.id))
    ranked = select(JobRun, rank.label("rank")).subquery()
    rows = session.execute(
        select(ranked).where(ranked.c.rank <= limit_per_job).order_by(ranked.c.job_name, ranked.c.rank)
    ).all()
    out: dict[str, list[JobRunView]] = {}
    for row in rows:
        out.setdefault(row.job_name, []).append(
            JobRunView(
                id=row.id,
                job_name=row.job_name,
                period=row.period,
                status=str(row.status.value if hasattr(row.status, "value") else row.status),
                started_at=row.started_at,
                finished_at=row.finished_at,
                rows_affected=row.rows_affected,
                error=row.error,
            )
        )
    return out
