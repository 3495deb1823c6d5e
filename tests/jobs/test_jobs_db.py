"""Each job once against a database (both engines), the morning's jobs as separate claims, catch-up after a failure."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from core.ai import get_ai
from core.config import Settings
from core.db import new_id
from core.goals import deadlines
from core.models import (
    AICache,
    EmailOutbox,
    EmailStatus,
    GoalStatus,
    GoalType,
    JobClaim,
    JobRun,
    JobStatus,
    MarketBenchmark,
    Notification,
    NotificationType,
    SellerGoal,
    SellerInsight,
)
from jobs.dispatch import run_job
from jobs.registry import JOBS
from jobs.runner import Runner
from tests.conftest import NOW
from tests.factories import add_revenue, add_search, make_category, make_product, make_seller

MONDAY_10 = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # after every job's slot of its period (UTC)
MORNING = ["benchmarks", "goal-deadlines", "opportunity-alerts", "ai-cache-purge", "sign-in-purge"]


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


def _run(name: str, sessions: Callable[[], Session], settings: Settings, now: datetime = NOW):
    return run_job(name, sessions=sessions, now=now, claimed_by="t", settings=settings, ai=get_ai(settings))


def _count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_benchmarks_job_recalculates_only_benchmarks(
    session: Session, sessions: Callable[[], Session], offline_settings: Settings
) -> None:
    _, goal = _world(session)

    outcome = _run("benchmarks", sessions, offline_settings)
    rerun = _run("benchmarks", sessions, offline_settings, NOW + timedelta(hours=2))

    # One EBOOK product in one category: the category row + the type's all-categories row = 2 benchmarks.
    assert (outcome.status, outcome.period, outcome.rows) == (JobStatus.OK, "2026-11-21", 2)
    assert _count(session, MarketBenchmark) == 2
    session.refresh(goal)
    assert goal.status == GoalStatus.ACTIVE  # closing goals is the goal-deadlines job's
    assert (rerun.status, rerun.detail) == (JobStatus.SKIPPED, "period already done")


def test_goal_deadlines_job_closes_goals_once(
    session: Session, sessions: Callable[[], Session], offline_settings: Settings
) -> None:
    _, goal = _world(session)

    outcome = _run("goal-deadlines", sessions, offline_settings)
    next_day = _run("goal-deadlines", sessions, offline_settings, NOW + timedelta(days=1))

    # 40.00 of revenue up to its deadline ≥ the 30 target: achieved, one insight.
    assert (outcome.status, outcome.period, outcome.rows) == (JobStatus.OK, "2026-11-21", 1)
    session.refresh(goal)
    assert goal.status == GoalStatus.ACHIEVED and goal.current_value == Decimal("40.00")
    keys = list(session.scalars(select(SellerInsight.finding_key)))
    assert keys == [f"goal:{goal.id}"]
    assert _count(session, MarketBenchmark) == 0  # benchmarks are the benchmarks job's
    assert (next_day.status, next_day.period, next_day.rows) == (JobStatus.OK, "2026-11-22", 0)  # nothing left to close


def test_opportunity_alerts_job_tells_a_fitting_seller_once_a_week(
    session: Session, sessions: Callable[[], Session], offline_settings: Settings
) -> None:
    seller = make_seller(session, username="notion_maker", specialties=["Notion templates"])
    make_seller(session, username="no_fit", specialties=["Sourdough"])
    # "notion budget template": 11 failed searches in the last 30 days, 5 in the 60 before, no listing: HIGH.
    for days in (*range(1, 12), 40, 50, 60, 70, 80):
        add_search(session, query="Notion budget template", result_count=0, searched_at=NOW - timedelta(days=days))

    outcome = _run("opportunity-alerts", sessions, offline_settings)
    next_day = _run("opportunity-alerts", sessions, offline_settings, NOW + timedelta(days=1))

    assert (outcome.status, outcome.period, outcome.rows) == (JobStatus.OK, "2026-11-21", 1)
    alert = session.scalars(select(Notification)).one()
    assert (alert.user_id, alert.type, alert.title, alert.link) == (
        seller.user_id, NotificationType.SELLER_OPPORTUNITY, "New opportunity: notion budget template", "/market",
    )  # fmt: skip
    assert alert.body.startswith('Buyers searched for "notion budget template" 16 times and found 0 matching listings.')
    assert (next_day.status, next_day.rows) == (JobStatus.OK, 0)  # at most one alert in 7 days


def _cache_row(key: str, expires_at: datetime) -> AICache:
    return AICache(id=new_id(), task="t", input_hash=key * 64, engine="offline", result={},
                   created_at=expires_at - timedelta(days=1), expires_at=expires_at)  # fmt: skip


def test_ai_cache_purge_job_deletes_only_expired_answers(
    session: Session, sessions: Callable[[], Session], offline_settings: Settings
) -> None:
    session.add_all([
        _cache_row("a", NOW - timedelta(days=3)),
        _cache_row("b", NOW - timedelta(seconds=1)),
        _cache_row("c", NOW),  # expires_at is exclusive: an answer expiring now is expired
        _cache_row("d", NOW + timedelta(seconds=1)),
        _cache_row("e", NOW + timedelta(days=6)),
    ])  # fmt: skip
    session.flush()

    outcome = _run("ai-cache-purge", sessions, offline_settings)

    assert (outcome.status, outcome.period, outcome.rows) == (JobStatus.OK, "2026-11-21", 3)
    assert sorted(h[0] for h in session.scalars(select(AICache.input_hash))) == ["d", "e"]


def test_the_morning_jobs_are_separate_claims(
    session: Session, sessions: Callable[[], Session], offline_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, goal = _world(session)
    real = deadlines.check_goal_deadlines

    def closes_then_breaks(s: Session, *, now: datetime) -> deadlines.DeadlineReport:
        real(s, now=now)  # the goal is closed and its insight written in the run's transaction …
        raise RuntimeError("tip facts exploded")  # … then the job fails

    monkeypatch.setattr(deadlines, "check_goal_deadlines", closes_then_breaks)

    outcomes = [_run(name, sessions, offline_settings) for name in MORNING]

    assert [(o.job_name, o.status) for o in outcomes] == [
        ("benchmarks", JobStatus.OK),
        ("goal-deadlines", JobStatus.FAILED),
        ("opportunity-alerts", JobStatus.OK),
        ("ai-cache-purge", JobStatus.OK),
        ("sign-in-purge", JobStatus.OK),
    ]
    assert "RuntimeError: tip facts exploded" in outcomes[1].error
    assert _count(session, MarketBenchmark) == 2  # written before, and kept after, the goal job's failure
    session.refresh(goal)
    assert goal.status == GoalStatus.ACTIVE and _count(session, SellerInsight) == 0  # only its own work rolled back
    claimed = set(session.scalars(select(JobClaim.job_name).where(JobClaim.period == "2026-11-21")))
    assert claimed == {
        "benchmarks",
        "opportunity-alerts",
        "ai-cache-purge",
        "sign-in-purge",
    }  # goal-deadlines is retried later

    monkeypatch.setattr(deadlines, "check_goal_deadlines", real)
    retried = _run("goal-deadlines", sessions, offline_settings, NOW + timedelta(minutes=5))
    assert (retried.status, retried.rows) == (JobStatus.OK, 1)


def test_digest_job_queues_and_delivers_once_a_week(
    session: Session, sessions: Callable[[], Session], offline_settings: Settings
) -> None:
    seller, _ = _world(session)

    first = _run("weekly-digest", sessions, offline_settings, MONDAY_10)
    again = _run("weekly-digest", sessions, offline_settings, MONDAY_10 + timedelta(days=1))

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
    _, goal = _world(session)
    # A real fault in the benchmarks job: its table is gone (rolled back with the test).
    session.execute(text("DROP TABLE market_benchmarks"))
    runner = Runner(sessions=sessions, settings=offline_settings, claimed_by="t", ai=get_ai(offline_settings),
                    clock=lambda: MONDAY_10)  # fmt: skip

    runner.catch_up_pass()

    # Every claimed job whose slot of the period has passed, in the table's order; the outbox is not claimed: never
    # caught up, it runs hourly; the first-sale e-mails' slot of this hour (10:20) has not come yet.
    assert [o.job_name for o in runner.outcomes] == [
        *MORNING, "recommendation-outcomes", "seller-alerts", "anomalies", "daily-digest", "weekly-digest", "rollups",
        "alert-rules",
    ]  # fmt: skip
    by_job = {o.job_name: o for o in runner.outcomes}
    assert by_job["benchmarks"].status == JobStatus.FAILED
    assert "market_benchmarks" in by_job["benchmarks"].error
    assert {o.status for o in runner.outcomes[1:]} == {JobStatus.OK}  # ran after the failure
    session.refresh(goal)
    assert goal.status == GoalStatus.ACHIEVED  # the goal job does not depend on the benchmarks job
    failed = session.scalars(select(JobRun).where(JobRun.status == JobStatus.FAILED)).one()
    assert failed.job_name == "benchmarks" and failed.period == "2026-11-23"
    # Still unclaimed: the next pass tries again; after max_failures it gives the period up.
    assert runner.due_for_catch_up(JOBS["benchmarks"], MONDAY_10)
    assert not runner.due_for_catch_up(JOBS["goal-deadlines"], MONDAY_10)  # done for the day
    runner.max_failures = 1
    assert not runner.due_for_catch_up(JOBS["benchmarks"], MONDAY_10)


def test_rollups_job_builds_then_refreshes_once_per_quarter_hour(
    session: Session, sessions: Callable[[], Session], offline_settings: Settings
) -> None:
    from core.models import AnalyticsEvent, AnalyticsRollup, RollupWatermark

    # Two purchases three days before NOW (14:20 and 14:40 UTC: one hour bucket), one an hour before NOW.
    for minutes, cents in [(-3 * 24 * 60 - 40, 500), (-3 * 24 * 60 - 20, 700), (-60, 900)]:
        session.add(AnalyticsEvent(person_id="b1", event_type="purchase", occurred_at=NOW + timedelta(minutes=minutes),
                                   properties={"amount_cents": cents}))  # fmt: skip
    session.flush()

    first = _run("rollups", sessions, offline_settings, NOW + timedelta(minutes=7))  # 15:07: quarter 15:00
    built = dict(session.get(RollupWatermark, "analytics").detail)
    again = _run("rollups", sessions, offline_settings, NOW + timedelta(minutes=14))  # the same quarter
    later = _run("rollups", sessions, offline_settings, NOW + timedelta(minutes=16))  # 15:15

    assert (first.status, first.period) == (JobStatus.OK, "2026-11-21T15:00")
    # Rows: orders, GMV and commission of 2 hours (6); buyers: b1's first purchase (prior: none) and its purchase
    # today (prior: Nov 18 14:00) = 2, the same 2 by prior day, and 1 keyed by its prior hour; the 14:40 purchase
    # follows one in its own hour (never a window's first: no row). 11 in all.
    assert first.rows == 11
    # The full build: from the first event's hour (Nov 18 14:00) to 15:00 today = 73 hours.
    assert (built["full"], built["hours"]) == (True, 73)
    assert (again.status, again.detail) == (JobStatus.SKIPPED, "period already done")
    assert (later.status, later.period) == (JobStatus.OK, "2026-11-21T15:15")
    mark = session.get(RollupWatermark, "analytics")
    assert (mark.detail["full"], mark.detail["hours"], mark.detail["ranges"]) == (False, 48, 1)  # the last two days
    gmv = {
        (bucket, value)
        for bucket, value in session.execute(
            select(AnalyticsRollup.bucket_start, AnalyticsRollup.value).where(AnalyticsRollup.metric == "gmv_cents")
        )
    }
    assert gmv == {
        (datetime(2026, 11, 18, 14, tzinfo=UTC), Decimal(1200)),
        (datetime(2026, 11, 21, 14, tzinfo=UTC), Decimal(900)),
    }
    assert mark.through == NOW  # 15:00: the last complete hour's end
