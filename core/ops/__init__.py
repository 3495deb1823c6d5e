"""Operations: job claims and the record of every job run.

The face of the package: what components and jobs call, re-exported from its modules."""

from __future__ import annotations

from core.ops.claims import (
    LOCKED,
    PERIOD_DONE,
    DatabaseUnavailable,
    JobOutcome,
    JobRunView,
    RetryPolicy,
    SessionFactory,
    as_session_factory,
    failed_attempts,
    is_connection_error,
    is_period_claimed,
    recent_job_runs,
    record_run,
    run_claimed,
    run_with_db_retry,
)

__all__ = [
    "LOCKED",
    "PERIOD_DONE",
    "DatabaseUnavailable",
    "JobOutcome",
    "JobRunView",
    "RetryPolicy",
    "SessionFactory",
    "as_session_factory",
    "failed_attempts",
    "is_connection_error",
    "is_period_claimed",
    "recent_job_runs",
    "record_run",
    "run_claimed",
    "run_with_db_retry",
]
