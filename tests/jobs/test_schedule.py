"""The schedule: every job at its local time in APP_TIMEZONE, the morning order, and the pure next-run computation."""

from __future__ import annotations

from datetime import UTC, datetime, time

from core.config import load_settings
from jobs.registry import BENCHMARKS, JOBS, WEEKLY_DIGEST, next_run_times, period_for
from jobs.runner import build_scheduler

NEW_YORK = load_settings(env={"APP_TIMEZONE": "America/New_York"})
MORNING = [
    "benchmarks",
    "goal-deadlines",
    "opportunity-alerts",
    "listing-scores",
    "ai-cache-purge",
    "sign-in-purge",
    "recommendation-outcomes",
    "seller-alerts",
    "anomalies",
    "daily-digest",
]
REST = ["weekly-digest", "email-outbox", "rollups", "alert-rules", "first-sale-emails", "creator-pipeline"]


def test_scheduler_registers_the_jobs_at_local_times() -> None:
    scheduler = build_scheduler(NEW_YORK, lambda name: None)
    jobs = {next(iter(job.tags)): job for job in scheduler.get_jobs()}

    assert set(jobs) == {*MORNING, *REST}
    # Every 15 minutes, on the quarter hours: one hourly `schedule` job per minute past the hour.
    quarters = sorted(job.at_time for job in scheduler.get_jobs() if "rollups" in job.tags)
    assert quarters == [time(0, 0), time(0, 15), time(0, 30), time(0, 45)]
    fives = sorted(job.at_time for job in scheduler.get_jobs() if "alert-rules" in job.tags)
    assert fives == [time(0, minute) for minute in range(0, 60, 5)]
    daily = {name: (jobs[name].unit, jobs[name].interval, jobs[name].at_time, jobs[name].start_day) for name in MORNING}
    assert daily == {
        "benchmarks": ("days", 1, time(3, 0), None),
        "goal-deadlines": ("days", 1, time(3, 15), None),
        "opportunity-alerts": ("days", 1, time(3, 30), None),
        "listing-scores": ("days", 1, time(3, 45), None),
        "ai-cache-purge": ("days", 1, time(4, 0), None),
        "sign-in-purge": ("days", 1, time(4, 15), None),
        "recommendation-outcomes": ("days", 1, time(4, 30), None),
        "seller-alerts": ("days", 1, time(6, 30), None),
        "anomalies": ("days", 1, time(7, 30), None),
        "daily-digest": ("days", 1, time(8, 0), None),
    }
    digest, outbox = jobs["weekly-digest"], jobs["email-outbox"]
    assert (digest.unit, digest.at_time, digest.start_day) == ("weeks", time(9, 0), "monday")
    assert (outbox.unit, outbox.at_time) == ("hours", time(0, 5))
    assert (jobs["first-sale-emails"].unit, jobs["first-sale-emails"].at_time) == ("hours", time(0, 20))
    assert (jobs["creator-pipeline"].unit, jobs["creator-pipeline"].at_time) == ("hours", time(0, 40))
    assert {str(j.at_time_zone) for j in jobs.values()} == {"America/New_York"}
    assert jobs["goal-deadlines"].job_func.args == ("goal-deadlines",)


def test_the_table_lists_the_morning_in_its_order() -> None:
    # The table's order is the catch-up order after a restart: the morning's jobs first, at their times' order.
    assert list(JOBS) == [*MORNING, *REST]
    assert [JOBS[name].schedule.at for name in MORNING] == [
        "03:00", "03:15", "03:30", "03:45", "04:00", "04:15", "04:30", "06:30", "07:30", "08:00"
    ]  # fmt: skip
    # Unclaimed: the outbox (row locks per message) and listing scores (commits per chunk, reruns only what is due).
    assert [name for name in JOBS if not JOBS[name].claimed] == ["listing-scores", "email-outbox"]
    assert WEEKLY_DIGEST.then == ("email-outbox",)
    assert JOBS["alert-rules"].then == JOBS["first-sale-emails"].then == JOBS["daily-digest"].then == ("email-outbox",)


def test_next_run_times_in_app_timezone() -> None:
    # 2026-11-21 15:00 UTC is Saturday 10:00 EST (UTC−5).
    now = datetime(2026, 11, 21, 15, 0, tzinfo=UTC)
    upcoming = next_run_times(now, settings=NEW_YORK)

    assert upcoming["benchmarks"].astimezone(UTC) == datetime(2026, 11, 22, 8, 0, tzinfo=UTC)  # Sun 03:00 EST
    assert upcoming["goal-deadlines"].astimezone(UTC) == datetime(2026, 11, 22, 8, 15, tzinfo=UTC)  # Sun 03:15 EST
    assert upcoming["opportunity-alerts"].astimezone(UTC) == datetime(2026, 11, 22, 8, 30, tzinfo=UTC)
    assert upcoming["ai-cache-purge"].astimezone(UTC) == datetime(2026, 11, 22, 9, 0, tzinfo=UTC)  # Sun 04:00 EST
    assert upcoming["weekly-digest"].astimezone(UTC) == datetime(2026, 11, 23, 14, 0, tzinfo=UTC)  # Mon 09:00 EST
    assert upcoming["email-outbox"].astimezone(UTC) == datetime(2026, 11, 21, 15, 5, tzinfo=UTC)  # 10:05 EST
    assert upcoming["rollups"].astimezone(UTC) == datetime(2026, 11, 21, 15, 15, tzinfo=UTC)  # 10:15 EST
    assert str(upcoming["benchmarks"].tzinfo) == "America/New_York"


def test_next_run_keeps_local_time_across_dst() -> None:
    # Saturday 2026-03-07 12:00 EST; clocks go forward on Sunday 03-08 at 02:00, so 03:00 is EDT (UTC−4).
    now = datetime(2026, 3, 7, 17, 0, tzinfo=UTC)
    upcoming = next_run_times(now, settings=NEW_YORK)

    assert upcoming["benchmarks"].astimezone(UTC) == datetime(2026, 3, 8, 7, 0, tzinfo=UTC)
    assert upcoming["weekly-digest"].astimezone(UTC) == datetime(2026, 3, 9, 13, 0, tzinfo=UTC)


def test_periods_and_slots_follow_the_local_calendar() -> None:
    tz = NEW_YORK.timezone
    # Monday 2026-11-23 04:30 UTC is still Sunday 23:30 in New York: the week and day are Sunday's.
    late_sunday = datetime(2026, 11, 23, 4, 30, tzinfo=UTC)
    assert period_for("benchmarks", late_sunday, tz) == "2026-11-22"
    assert period_for("ai-cache-purge", late_sunday, tz) == "2026-11-22"
    assert period_for("weekly-digest", late_sunday, tz) == "2026-W47"
    assert period_for("weekly-digest", datetime(2026, 11, 23, 14, 0, tzinfo=UTC), tz) == "2026-W48"
    assert period_for("email-outbox", late_sunday, tz) == "2026-11-22T23"
    assert WEEKLY_DIGEST.current_slot(late_sunday, tz).astimezone(UTC) == datetime(2026, 11, 16, 14, 0, tzinfo=UTC)
    assert BENCHMARKS.current_slot(late_sunday, tz).astimezone(UTC) == datetime(2026, 11, 22, 8, 0, tzinfo=UTC)
    assert BENCHMARKS.describe("UTC") == "daily at 03:00 (UTC)"
    assert JOBS["email-outbox"].describe("UTC") == "hourly at :05"
    assert WEEKLY_DIGEST.describe("Europe/Berlin") == "Mondays at 09:00 (Europe/Berlin)"


def test_every_15_minutes_next_run_and_period() -> None:
    tz = NEW_YORK.timezone
    spec = JOBS["rollups"]
    assert spec.describe("UTC") == "every 15 minutes"
    # 10:07:30 EST -> 10:15; exactly 10:15 -> 10:30 (strictly after); 10:59:59 -> 11:00.
    for now, expected in [
        (datetime(2026, 11, 21, 15, 7, 30, tzinfo=UTC), datetime(2026, 11, 21, 15, 15, tzinfo=UTC)),
        (datetime(2026, 11, 21, 15, 15, tzinfo=UTC), datetime(2026, 11, 21, 15, 30, tzinfo=UTC)),
        (datetime(2026, 11, 21, 15, 59, 59, tzinfo=UTC), datetime(2026, 11, 21, 16, 0, tzinfo=UTC)),
    ]:
        assert spec.next_run(now, tz).astimezone(UTC) == expected
    assert period_for("rollups", datetime(2026, 11, 21, 15, 44, 59, tzinfo=UTC), tz) == "2026-11-21T10:30"
    assert period_for("rollups", datetime(2026, 11, 21, 15, 45, tzinfo=UTC), tz) == "2026-11-21T10:45"
    # A half-hour zone: 15:20 UTC is 20:50 in Kolkata, the quarter 20:45; the next run 21:00 local = 15:30 UTC.
    kolkata = load_settings(env={"APP_TIMEZONE": "Asia/Kolkata"}).timezone
    assert period_for("rollups", datetime(2026, 11, 21, 15, 20, tzinfo=UTC), kolkata) == "2026-11-21T20:45"
    assert spec.next_run(datetime(2026, 11, 21, 15, 20, tzinfo=UTC), kolkata).astimezone(UTC) == datetime(
        2026, 11, 21, 15, 30, tzinfo=UTC
    )
    # The night clocks go back (New York, 2026-11-01 02:00 EDT -> 01:00 EST): 01:45 EDT is followed by 01:00 EST,
    # 15 real minutes later, not by 02:00.
    before_fallback = datetime(2026, 11, 1, 5, 50, tzinfo=UTC)  # 01:50 EDT
    assert spec.next_run(before_fallback, tz).astimezone(UTC) == datetime(2026, 11, 1, 6, 0, tzinfo=UTC)


def test_every_minutes_must_divide_the_hour() -> None:
    import pytest

    from jobs.spec import every_minutes

    assert every_minutes(20).minutes_past() == [0, 20, 40]
    with pytest.raises(ValueError, match="divide 60"):
        every_minutes(25)
