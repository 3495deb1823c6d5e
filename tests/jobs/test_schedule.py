"""The schedule: both jobs at their local times in APP_TIMEZONE, and the pure next-run computation (DST included)."""

from __future__ import annotations

from datetime import UTC, datetime, time

from core.config import load_settings
from jobs.registry import BENCHMARKS, JOBS, WEEKLY_DIGEST, current_slot, next_run_times, period_for
from jobs.runner import build_scheduler

NEW_YORK = load_settings(env={"APP_TIMEZONE": "America/New_York"})


def test_scheduler_registers_the_jobs_at_local_times() -> None:
    scheduler = build_scheduler(NEW_YORK, lambda name: None)
    jobs = {next(iter(job.tags)): job for job in scheduler.get_jobs()}

    assert set(jobs) == {"benchmarks", "weekly-digest", "email-outbox"}
    bench, digest, outbox = jobs["benchmarks"], jobs["weekly-digest"], jobs["email-outbox"]
    assert (bench.unit, bench.interval, bench.at_time, bench.start_day) == ("days", 1, time(3, 0), None)
    assert (digest.unit, digest.at_time, digest.start_day) == ("weeks", time(9, 0), "monday")
    assert (outbox.unit, outbox.at_time) == ("hours", time(0, 5))
    assert {str(j.at_time_zone) for j in jobs.values()} == {"America/New_York"}
    assert bench.job_func.args == ("benchmarks",)


def test_next_run_times_in_app_timezone() -> None:
    # 2026-11-21 15:00 UTC is Saturday 10:00 EST (UTC−5).
    now = datetime(2026, 11, 21, 15, 0, tzinfo=UTC)
    upcoming = next_run_times(now, settings=NEW_YORK)

    assert upcoming["benchmarks"].astimezone(UTC) == datetime(2026, 11, 22, 8, 0, tzinfo=UTC)  # Sun 03:00 EST
    assert upcoming["weekly-digest"].astimezone(UTC) == datetime(2026, 11, 23, 14, 0, tzinfo=UTC)  # Mon 09:00 EST
    assert upcoming["email-outbox"].astimezone(UTC) == datetime(2026, 11, 21, 15, 5, tzinfo=UTC)  # 10:05 EST
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
    assert period_for("weekly-digest", late_sunday, tz) == "2026-W47"
    assert period_for("weekly-digest", datetime(2026, 11, 23, 14, 0, tzinfo=UTC), tz) == "2026-W48"
    assert current_slot(WEEKLY_DIGEST, late_sunday, tz).astimezone(UTC) == datetime(2026, 11, 16, 14, 0, tzinfo=UTC)
    assert current_slot(BENCHMARKS, late_sunday, tz).astimezone(UTC) == datetime(2026, 11, 22, 8, 0, tzinfo=UTC)
    assert BENCHMARKS.describe("UTC") == "daily at 03:00 (UTC)" and len(JOBS) == 3
