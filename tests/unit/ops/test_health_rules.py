"""The health checks' colours exactly at and around their thresholds (pure rules of `core.ops.health`), and a job's
state against its schedule (`core.ops.job_signals.judge_job`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal as D

import pytest

from core.ops import health
from core.ops.health import GREEN, RED, YELLOW, Thresholds
from core.ops.job_signals import JobSchedule, JobState, judge_job, period_of_label

NOW = datetime(2026, 11, 21, 15, 0, tzinfo=UTC)
DAY = timedelta(days=1)

# (thresholds, the values just below / at / just above yellow and red, as stated in the module's table)
TABLE = [
    (health.OUTBOX_DEPTH, 100, 500, 1),
    (health.OLDEST_QUEUED_MINUTES, 15, 60, 1),
    (health.SEND_FAILURES_24H, 0, 10, 1),
    (health.BOUNCE_RATE_PERCENT, D("2"), D("5"), D("0.0001")),
    (health.WEBHOOK_FAILURES_15M, 0, 5, 1),
    (health.ERRORS_VS_MEDIAN, D("2"), D("5"), D("0.01")),
    (health.DB_ROUND_TRIP_MS, D("20"), D("100"), D("0.1")),
    (health.DB_SIZE_MB, D("50000"), D("100000"), D("0.1")),
    (health.AI_FAILURES_24H, 0, 5, 1),
    (health.AI_FALLBACK_PERCENT, D("10"), D("50"), D("0.0001")),
    (health.INGESTION_REJECT_PERCENT, D("1"), D("10"), D("0.0001")),
]


@pytest.mark.parametrize(("limits", "yellow", "red", "step"), TABLE)
def test_each_threshold_keeps_the_better_colour_at_the_threshold_and_changes_just_above(
    limits: Thresholds, yellow: D | int, red: D | int, step: D | int
) -> None:
    assert (limits.yellow, limits.red) == (D(yellow), D(red))  # the stated constants
    assert limits.colour(yellow) == GREEN
    assert limits.colour(yellow + step) == YELLOW
    assert limits.colour(red) == YELLOW
    assert limits.colour(red + step) == RED
    assert limits.colour(None) == GREEN  # nothing to measure
    if yellow - step >= 0:
        assert limits.colour(yellow - step) == GREEN


def test_the_bounce_rate_flag_is_the_seeds_two_percent() -> None:
    assert health.BOUNCE_RATE_PERCENT.yellow == D(2)
    assert health.BOUNCE_RATE_PERCENT.colour(D("2.0000")) == GREEN
    assert health.BOUNCE_RATE_PERCENT.colour(D("2.0001")) == YELLOW


def test_ai_colour_is_the_worse_of_failures_and_the_fallback_share() -> None:
    assert health.ai_colour(calls=0, failures=0, fallbacks=0) == GREEN
    assert health.ai_colour(calls=100, failures=0, fallbacks=10) == GREEN  # 10 % exactly
    assert health.ai_colour(calls=100, failures=0, fallbacks=11) == YELLOW
    assert health.ai_colour(calls=100, failures=0, fallbacks=50) == YELLOW
    assert health.ai_colour(calls=100, failures=0, fallbacks=51) == RED
    assert health.ai_colour(calls=100, failures=1, fallbacks=0) == YELLOW
    assert health.ai_colour(calls=100, failures=5, fallbacks=0) == YELLOW
    assert health.ai_colour(calls=100, failures=6, fallbacks=0) == RED
    assert health.ai_colour(calls=1000, failures=1, fallbacks=600) == RED  # fallbacks red beats failures yellow


DAILY = JobSchedule("benchmarks", "Market benchmarks", DAY)
QUARTER = JobSchedule("rollups", "Operator roll-ups", timedelta(minutes=15))
OUTBOX = JobSchedule("email-outbox", "E-mail delivery", timedelta(hours=1), records_idle=False)


def judge(schedule: JobSchedule, *, ok: datetime | None, first: datetime | None, status: str | None = "ok") -> str:
    return judge_job(
        schedule, now=NOW, last_success_at=ok, last_run_at=ok or first, last_status=status, first_run_at=first
    )


def test_a_job_is_late_only_when_its_last_success_is_more_than_two_periods_old() -> None:
    assert judge(DAILY, ok=NOW - 2 * DAY, first=NOW - 9 * DAY) == "ok"  # exactly two periods
    assert judge(DAILY, ok=NOW - 2 * DAY - timedelta(seconds=1), first=NOW - 9 * DAY) == "late"
    assert judge(QUARTER, ok=NOW - timedelta(minutes=30), first=NOW - DAY) == "ok"
    assert judge(QUARTER, ok=NOW - timedelta(minutes=31), first=NOW - DAY) == "late"
    # The outbox leaves no run when idle: its silence is not lateness.
    assert judge(OUTBOX, ok=NOW - 5 * DAY, first=NOW - 9 * DAY) == "ok"


def test_failed_and_never_ran() -> None:
    assert judge(DAILY, ok=None, first=None, status=None) == "never ran"
    assert judge(OUTBOX, ok=None, first=None, status=None) == "ok"  # an idle outbox leaves no run at all
    # Latest run failed, last success recent: failed, not late yet.
    assert judge(DAILY, ok=NOW - DAY, first=NOW - 9 * DAY, status="failed") == "failed"
    # Never succeeded, first attempt within two periods: failed; older than that: late.
    assert judge(DAILY, ok=None, first=NOW - DAY, status="failed") == "failed"
    assert judge(DAILY, ok=None, first=NOW - 3 * DAY, status="failed") == "late"
    # Late wins over failed.
    assert judge(DAILY, ok=NOW - 3 * DAY, first=NOW - 9 * DAY, status="failed") == "late"


def state(name: str, kind: str) -> JobState:
    return JobState(name, name, DAY, None, None, None, None, None, kind)


def test_jobs_colour() -> None:
    assert health.jobs_colour([]) == GREEN
    assert health.jobs_colour([state("a", "ok"), state("b", "ok")]) == GREEN
    assert health.jobs_colour([state("a", "ok"), state("b", "never ran")]) == YELLOW
    assert health.jobs_colour([state("a", "failed"), state("b", "ok")]) == YELLOW
    assert health.jobs_colour([state("a", "failed"), state("b", "late")]) == RED


def test_period_labels_give_the_period() -> None:
    assert period_of_label("2026-11-21") == DAY
    assert period_of_label("2026-W48") == 7 * DAY
    assert period_of_label("2026-11-21T15") == timedelta(hours=1)
    assert period_of_label("2026-11-21T15:45") == timedelta(minutes=15)
    assert period_of_label("2026-11-21T15:40") == timedelta(minutes=5)
    assert period_of_label("manual") is None


def test_worst_colour() -> None:
    assert health.worst() == GREEN
    assert health.worst(GREEN, YELLOW, GREEN) == YELLOW
    assert health.worst(YELLOW, RED) == RED


def test_the_jobs_table_becomes_schedules_by_hand() -> None:
    from components.data.health import job_schedules

    periods = {s.name: (s.period, s.records_idle) for s in job_schedules()}
    assert periods["benchmarks"] == (DAY, True)  # daily at 03:00
    assert periods["weekly-digest"] == (7 * DAY, True)  # Mondays at 09:00
    assert periods["rollups"] == (timedelta(minutes=15), True)  # every 15 minutes
    assert periods["email-outbox"] == (timedelta(hours=1), False)  # hourly; an idle pass leaves no run
