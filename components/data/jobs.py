"""The admin Jobs page's reads and "Run now": every job's last runs (uncached: a run must show at once) and one
claimed run through the jobs registry; a run that wrote forgets every cached answer (benchmarks, goals and
notifications changed for sellers)."""

from __future__ import annotations

from collections.abc import Callable

from components.data import clear_all, clock, use_database
from core.config import get_settings
from core.db import session_scope
from core.models import JobStatus
from core.ops import JobOutcome, JobRunView, recent_job_runs
from jobs.registry import run_job_now

RUNS_PER_JOB = 10


def job_history() -> dict[str, list[JobRunView]]:
    with session_scope() as session:
        return recent_job_runs(session, limit_per_job=RUNS_PER_JOB)


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
