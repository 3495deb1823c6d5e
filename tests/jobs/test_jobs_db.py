"""The jobs on factory data (both databases): benchmarks + goal deadlines, the digest job, catch-up after a failure."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from core.ai import get_ai
from core.config import Settings
from core.models import (
    EmailOutbox,
    EmailStatus,
    GoalStatus,
    GoalType,
    JobRun,
    JobStatus,
    MarketBenchmark,
    SellerGoal,
)
from jobs.registry import run_job
from jobs.runner import Runner
from tests.conftest import NOW
from tests.factories import add_revenue, make_category, make_product, make_seller

MONDAY_10 = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # after both jobs' slots of their periods (UTC)


def _world(session: Session):
    seller = make_seller(session, name="Cleo Park")
    category = make_category(session, name="Business")
    product = make_product(session, seller=seller, category=category, price="20.00")
    add_revenue(session, product=product, day=date(2026, 11, 19), revenue="40.00", units=2)
    goal = SellerGoal(
        seller_id=seller.id, type=GoalType.REVENUE, target_value=Decimal("30"), deadline=NOW - timedelta(days=1)
    )
    goal.created_at = NOW - timedelta(days=10)  # goals count sales from their creation to their deadline
    session.add(goal)
    session.flush()
    return seller, goal


def test_benchmarks_job_recalculates_and_closes_goals(
    session: Session, sessions: Callable[[], Session], offline_settings: Settings
) -> None:
    _, goal = _world(session)

    outcome = run_job("benchmarks", sessions=sessions, now=NOW, claimed_by="t", settings=offline_settings,
                      ai=get_ai(offline_settings))  # fmt: skip
    rerun = run_job("benchmarks", sessions=sessions, now=NOW + timedelta(hours=2), claimed_by="t",
                    settings=offline_settings, ai=get_ai(offline_settings))  # fmt: skip

    assert outcome.status == JobStatus.OK and outcome.period == "2026-11-21"
    # One EBOOK product in one category: the category row + the type's all-categories row = 2 benchmarks,
    # plus 1 goal closed (40.00 of revenue up to its deadline ≥ 30 target): 3 rows.
    assert session.scalar(select(func.count()).select_from(MarketBenchmark)) == 2
    session.refresh(goal)
    assert goal.status == GoalStatus.ACHIEVED
    assert outcome.rows == 3
    assert (rerun.status, rerun.detail) == (JobStatus.SKIPPED, "period already done")


def test_digest_job_queues_and_delivers_once_a_week(
    session: Session, sessions: Callable[[], Session], offline_settings: Settings
) -> None:
    seller, _ = _world(session)
    ai = get_ai(offline_settings)

    first = run_job("weekly-digest", sessions=sessions, now=MONDAY_10, claimed_by="t", settings=offline_settings, ai=ai)
    again = run_job("weekly-digest", sessions=sessions, now=MONDAY_10 + timedelta(days=1), claimed_by="t",
                    settings=offline_settings, ai=ai)  # fmt: skip

    assert (first.status, first.period, first.rows) == (JobStatus.OK, "2026-W48", 1)
    assert "1 of 1 e-mails delivered (eml)" in first.detail
    assert (again.status, again.detail) == (JobStatus.SKIPPED, "period already done")
    row = session.scalars(select(EmailOutbox)).one()
    assert row.status == EmailStatus.SENT and Path(row.delivered_to).exists()
    assert row.idempotency_key == f"weekly-digest:{seller.id}:2026-W48"
    runs = session.execute(select(JobRun.job_name, JobRun.status, JobRun.rows_affected).order_by(JobRun.started_at))
    assert [(n, s.value, r) for n, s, r in runs] == [
        ("weekly-digest", "ok", 1),
        ("email-outbox", "ok", 1),
        ("weekly-digest", "skipped", None),
    ]


def test_runner_records_a_failing_job_and_still_runs_the_next(
    session: Session, sessions: Callable[[], Session], offline_settings: Settings
) -> None:
    _world(session)
    # A real fault in the benchmarks job: its table is gone (rolled back with the test).
    session.execute(text("DROP TABLE market_benchmarks"))
    runner = Runner(sessions=sessions, settings=offline_settings, claimed_by="t", ai=get_ai(offline_settings),
                    clock=lambda: MONDAY_10)  # fmt: skip

    runner.catch_up_pass()

    by_job = {o.job_name: o for o in runner.outcomes}
    assert by_job["benchmarks"].status == JobStatus.FAILED
    assert "market_benchmarks" in by_job["benchmarks"].error
    assert by_job["weekly-digest"].status == JobStatus.OK  # ran after the failure
    assert "email-outbox" not in by_job  # not claimed: never caught up, it runs hourly
    failed = session.scalars(select(JobRun).where(JobRun.status == JobStatus.FAILED)).one()
    assert failed.job_name == "benchmarks" and failed.period == "2026-11-23"
    # Still unclaimed: the next pass tries again; after max_failures it gives the period up.
    assert runner.due_for_catch_up(runner_spec("benchmarks"), MONDAY_10)
    runner.max_failures = 1
    assert not runner.due_for_catch_up(runner_spec("benchmarks"), MONDAY_10)


def runner_spec(name: str):
    from jobs.registry import JOBS

    return JOBS[name]
