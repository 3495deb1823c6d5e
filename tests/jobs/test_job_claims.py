"""run_claimed: one run per (job, period), skipped reruns, failures recorded and retried, concurrent runners."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from core.models import Category, JobClaim, JobRun, JobStatus
from core.ops.claims import (
    LOCKED,
    PERIOD_DONE,
    DatabaseUnavailable,
    JobOutcome,
    RetryPolicy,
    advisory_key,
    recent_job_runs,
    run_claimed,
    run_with_db_retry,
)


def _add_category(slug: str) -> Callable[[Session], int]:
    """A job whose work is visible: it inserts one category."""

    def work(session: Session) -> int:
        session.add(Category(name=slug, slug=slug))
        session.flush()
        return 1

    return work


def test_advisory_key_is_stable_crc32() -> None:
    # zlib.crc32(b"benchmarks") is fixed by the algorithm, so every process computes the same key.
    import zlib

    assert advisory_key("benchmarks") == zlib.crc32(b"benchmarks")
    assert advisory_key("benchmarks") != advisory_key("weekly-digest")
    assert 0 <= advisory_key("weekly-digest") < 2**32  # fits PostgreSQL's bigint key


def test_retry_policy_delays_double_within_the_bound() -> None:
    assert RetryPolicy(total_seconds=60, first_delay=2, max_attempts=6).delays() == [
        2,
        4,
        8,
        16,
        30,
    ]  # 2+4+8+16=30; 30 left
    assert RetryPolicy(total_seconds=5, first_delay=2, max_attempts=6).delays() == [2, 3]  # 2, then the 3 s left


def test_first_run_ok_then_the_same_period_is_skipped(sessions: Callable[[], Session], session: Session) -> None:
    first = run_claimed(sessions, job_name="benchmarks", period="2026-11-21", fn=_add_category("c-1"), claimed_by="t")
    second = run_claimed(sessions, job_name="benchmarks", period="2026-11-21", fn=_add_category("c-2"), claimed_by="t")
    third = run_claimed(sessions, job_name="benchmarks", period="2026-11-22", fn=_add_category("c-3"), claimed_by="t")

    assert (first.status, first.rows) == (JobStatus.OK, 1)
    assert (second.status, second.detail) == (JobStatus.SKIPPED, PERIOD_DONE)
    assert third.status == JobStatus.OK
    slugs = set(session.scalars(select(Category.slug)))
    assert {"c-1", "c-3"} <= slugs and "c-2" not in slugs  # the skipped run did no work
    claim = session.scalars(select(JobClaim).where(JobClaim.period == "2026-11-21")).one()
    assert claim.run_id == first.run_id and claim.claimed_by == "t"
    statuses = session.execute(select(JobRun.period, JobRun.status).order_by(JobRun.started_at)).all()
    assert [(p, s.value) for p, s in statuses] == [
        ("2026-11-21", "ok"),
        ("2026-11-21", "skipped"),
        ("2026-11-22", "ok"),
    ]


def test_a_failing_job_is_recorded_rolled_back_and_retried(sessions: Callable[[], Session], session: Session) -> None:
    def broken(s: Session) -> int:
        s.add(Category(name="half", slug="half-written"))
        s.flush()
        raise ValueError("no benchmark for <EBOOK>")

    failed = run_claimed(sessions, job_name="benchmarks", period="2026-11-21", fn=broken, claimed_by="t")
    other = run_claimed(sessions, job_name="weekly-digest", period="2026-W47", fn=_add_category("d"), claimed_by="t")
    retried = run_claimed(sessions, job_name="benchmarks", period="2026-11-21", fn=_add_category("b"), claimed_by="t")

    assert failed.status == JobStatus.FAILED and "ValueError: no benchmark for <EBOOK>" in failed.error
    assert other.status == JobStatus.OK  # the next job runs
    assert retried.status == JobStatus.OK  # the failed period was not claimed: the next tick retries it
    assert session.scalar(select(func.count()).select_from(Category).where(Category.slug == "half-written")) == 0
    run = session.get(JobRun, failed.run_id)
    assert run.status == JobStatus.FAILED and "no benchmark" in run.error and run.finished_at >= run.started_at


def test_recent_job_runs_newest_first_per_job(sessions: Callable[[], Session], session: Session) -> None:
    for day in ("2026-11-19", "2026-11-20", "2026-11-21"):
        run_claimed(sessions, job_name="benchmarks", period=day, fn=lambda s: 0, claimed_by="t")
    run_claimed(sessions, job_name="weekly-digest", period="2026-W47", fn=lambda s: 3, claimed_by="t")

    runs = recent_job_runs(session, limit_per_job=2)

    assert [r.period for r in runs["benchmarks"]] == ["2026-11-21", "2026-11-20"]
    assert [(r.period, r.status, r.rows_affected) for r in runs["weekly-digest"]] == [("2026-W47", "ok", 3)]


def _race(engine: Engine, runners: int = 2) -> list[JobOutcome]:
    """`runners` threads, each on its own connection, released together by a barrier; the job takes 0.5 s."""
    barrier = threading.Barrier(runners)
    executions: list[int] = []
    outcomes: list[JobOutcome] = []

    def slow(session: Session) -> int:
        executions.append(1)
        time.sleep(0.5)
        return 1

    def one() -> None:
        barrier.wait()
        outcomes.append(run_claimed(engine, job_name="benchmarks", period="2026-11-21", fn=slow, claimed_by="race"))

    threads = [threading.Thread(target=one) for _ in range(runners)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert len(executions) == 1
    return outcomes


def test_two_runners_started_together_run_the_job_once(fresh_db: Engine) -> None:
    outcomes = _race(fresh_db)

    assert sorted(o.status.value for o in outcomes) == ["ok", "skipped"]
    skipped = next(o for o in outcomes if o.status == JobStatus.SKIPPED)
    # PostgreSQL: the advisory lock turns the second runner away at once; SQLite: it waits, then finds the claim.
    assert skipped.detail in ({LOCKED, PERIOD_DONE} if fresh_db.dialect.name == "postgresql" else {PERIOD_DONE})
    with Session(fresh_db) as s:
        rows = s.execute(select(JobRun.status, func.count()).group_by(JobRun.status)).all()
        assert {status.value: n for status, n in rows} == {"ok": 1, "skipped": 1}
        assert s.scalar(select(func.count()).select_from(JobClaim)) == 1


def test_four_runners_on_postgresql_execute_once(request: pytest.FixtureRequest, tmp_path) -> None:
    from tests.jobs.conftest import fresh_engine

    engine = fresh_engine("postgresql", "jobs_four_runners", request, tmp_path)
    try:
        outcomes = _race(engine, runners=4)
        assert sorted(o.status.value for o in outcomes) == ["ok", "skipped", "skipped", "skipped"]
        with engine.connect() as conn:  # the transaction-scoped lock is gone once the runs ended
            assert conn.scalar(text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": advisory_key("benchmarks")})
    finally:
        engine.dispose()


def test_db_retry_gives_up_after_the_bound_and_records_one_failed_run(
    sessions: Callable[[], Session], session: Session
) -> None:
    waits: list[float] = []
    tries: list[int] = []

    def unreachable() -> JobOutcome:
        tries.append(1)
        raise DatabaseUnavailable("connection refused")

    outcome = run_with_db_retry(
        unreachable, sessions=sessions, job_name="benchmarks", period="2026-11-21",
        retry=RetryPolicy(total_seconds=7, first_delay=1, max_attempts=6), sleep=waits.append,
    )  # fmt: skip

    assert waits == [1, 2, 4]  # 1 + 2 + 4 = 7 s: the bound
    assert len(tries) == 4 and outcome.status == JobStatus.FAILED
    assert "database unreachable after 4 tries: connection refused" in outcome.error
    run = session.get(JobRun, outcome.run_id)  # the database answers again: the failure is on record
    assert run is not None and run.status == JobStatus.FAILED


def test_db_retry_succeeds_when_the_database_comes_back(sessions: Callable[[], Session]) -> None:
    tries: list[int] = []

    def flaky() -> JobOutcome:
        tries.append(1)
        if len(tries) < 3:
            raise DatabaseUnavailable("server closed the connection unexpectedly")
        return run_claimed(sessions, job_name="benchmarks", period="2026-11-21", fn=lambda s: 7, claimed_by="t")

    outcome = run_with_db_retry(
        flaky, sessions=sessions, job_name="benchmarks", period="2026-11-21", retry=RetryPolicy(), sleep=lambda s: None
    )
    assert (outcome.status, outcome.rows, len(tries)) == (JobStatus.OK, 7, 3)


def test_an_unreachable_server_raises_database_unavailable() -> None:
    import socket

    from core.db import make_engine

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed once the block ends: nothing listens there
    engine = make_engine(f"postgresql://nobody@127.0.0.1:{port}/nothing", connect_args={"connect_timeout": 2})
    try:
        with pytest.raises(DatabaseUnavailable) as caught:
            run_claimed(engine, job_name="benchmarks", period="2026-11-21", fn=lambda s: 1, claimed_by="t")
        assert isinstance(caught.value.__cause__, OperationalError)
    finally:
        engine.dispose()
