"""The jobs table dispatches: a job added to the table runs its own work (never another job's), claimed or not."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.config import Settings
from core.models import Category, EmailOutbox, JobClaim, JobRun, JobStatus
from jobs import registry
from jobs.dispatch import run_job
from jobs.registry import JOBS, get_spec
from jobs.spec import JobContext, JobSpec, Period, WorkDone, daily, hourly
from tests.conftest import NOW


def _probe(calls: list[JobContext], slug: str) -> Callable[[Session, JobContext], int]:
    def work(session: Session, job: JobContext) -> int:
        calls.append(job)
        session.add(Category(name=slug, slug=slug))
        session.flush()
        return 1

    return work


def test_a_new_job_in_the_table_runs_its_own_work(
    session: Session, sessions: Callable[[], Session], offline_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[JobContext] = []
    monkeypatch.setitem(JOBS, "probe", JobSpec("probe", "Probe", daily("05:00"), Period.DAY, _probe(calls, "probed")))

    outcome = run_job("probe", sessions=sessions, now=NOW, claimed_by="t", settings=offline_settings)
    rerun = run_job("probe", sessions=sessions, now=NOW, claimed_by="t", settings=offline_settings)

    assert (outcome.job_name, outcome.status, outcome.period, outcome.rows) == ("probe", JobStatus.OK, "2026-11-21", 1)
    assert rerun.status == JobStatus.SKIPPED and len(calls) == 1  # claimed: once per period
    assert (calls[0].now, calls[0].settings) == (NOW, offline_settings)
    assert session.scalar(select(func.count()).select_from(Category).where(Category.slug == "probed")) == 1
    # Not the weekly digest (the old fall-through), nor any other job: no mail, one claim, runs of "probe" only.
    assert session.scalar(select(func.count()).select_from(EmailOutbox)) == 0
    assert list(session.scalars(select(JobClaim.job_name))) == ["probe"]
    assert set(session.scalars(select(JobRun.job_name))) == {"probe"}


def test_an_unclaimed_job_runs_every_time_and_an_idle_pass_is_recorded_only_when_asked(
    session: Session, sessions: Callable[[], Session], offline_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    passes: list[int] = []

    def sweep(s: Session, job: JobContext) -> WorkDone:
        passes.append(1)
        return WorkDone(rows=0, detail="nothing to sweep", idle=True)

    monkeypatch.setitem(JOBS, "sweep", JobSpec("sweep", "Sweep", hourly(":10"), Period.HOUR, sweep, claimed=False))

    scheduled = run_job("sweep", sessions=sessions, now=NOW, settings=offline_settings, record_idle=False)
    by_hand = run_job("sweep", sessions=sessions, now=NOW, settings=offline_settings)

    assert len(passes) == 2  # no claim: an hour's second pass runs too
    assert (scheduled.status, scheduled.period, scheduled.run_id, scheduled.detail) == (
        JobStatus.OK, "2026-11-21T15", None, "nothing to sweep",
    )  # fmt: skip
    assert by_hand.run_id is not None
    assert list(session.scalars(select(JobRun.job_name))) == ["sweep"]
    assert session.scalar(select(func.count()).select_from(JobClaim)) == 0


def test_a_failing_follow_up_does_not_undo_the_job(
    session: Session, sessions: Callable[[], Session], offline_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[JobContext] = []

    def broken(s: Session, job: JobContext) -> WorkDone:
        raise RuntimeError("mail server on fire")

    monkeypatch.setitem(JOBS, "after", JobSpec("after", "After", hourly(":00"), Period.HOUR, broken, claimed=False))
    lead = JobSpec("lead", "Lead", daily("05:00"), Period.DAY, _probe(calls, "lead"), then=("after",))
    monkeypatch.setitem(JOBS, "lead", lead)

    outcome = run_job("lead", sessions=sessions, now=NOW, claimed_by="t", settings=offline_settings)

    assert (outcome.status, outcome.rows) == (JobStatus.OK, 1)
    assert outcome.detail == "RuntimeError: mail server on fire"  # the follow-up's error, said on the job's outcome
    runs = {name: status for name, status in session.execute(select(JobRun.job_name, JobRun.status))}
    assert runs == {"lead": JobStatus.OK, "after": JobStatus.FAILED}


def test_an_unknown_name_is_refused() -> None:
    with pytest.raises(KeyError, match="unknown job 'nope'; known jobs: benchmarks, goal-deadlines"):
        get_spec("nope")
    with pytest.raises(KeyError):
        run_job("nope", sessions=lambda: None, now=NOW)  # type: ignore[arg-type, return-value]
    assert registry.EMAIL_OUTBOX.name in JOBS and not registry.EMAIL_OUTBOX.claimed
