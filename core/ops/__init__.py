"""Operations: job claims and the record of every job run, the runner's heartbeat, mass-mail confirmations.

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
from core.ops.heartbeat import (
    ALIVE_WITHIN,
    LOOP_SECONDS,
    RunnerStatus,
    is_alive,
    record_beat,
    record_start,
    record_stop,
    runner_status,
)
from core.ops.mass_mail import MassMailCheck, mass_mail_check

__all__ = [
    "ALIVE_WITHIN",
    "LOCKED",
    "LOOP_SECONDS",
    "PERIOD_DONE",
    "DatabaseUnavailable",
    "JobOutcome",
    "JobRunView",
    "MassMailCheck",
    "RetryPolicy",
    "RunnerStatus",
    "SessionFactory",
    "as_session_factory",
    "failed_attempts",
    "is_alive",
    "is_connection_error",
    "is_period_claimed",
    "mass_mail_check",
    "recent_job_runs",
    "record_beat",
    "record_run",
    "record_start",
    "record_stop",
    "run_claimed",
    "run_with_db_retry",
    "runner_status",
]
