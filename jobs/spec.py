"""What a job is: its name, its schedule at a local time, the period one run claims, and what its work gets (pure).

No `schedule` and no database here: the app imports this (through `jobs.registry`) for the admin Jobs page and
the next run times; `jobs.runner` turns the same specs into `schedule` jobs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from enum import StrEnum
from typing import Any, Literal
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from core.ai.door import AIDoor, default_ai
from core.config import Settings
from core.periods import iso_week, local_day

Progress = Callable[[int, int], Any]
WEEKDAYS = ("Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays", "Sundays")


class Period(StrEnum):
    """What one run claims: a job runs at most once per period (its claim row is `(job name, period label)`)."""

    DAY = "day"  # the local date: 2026-11-21
    ISO_WEEK = "iso-week"  # the local ISO week: 2026-W48
    HOUR = "hour"  # the local hour: 2026-11-21T15
    QUARTER_HOUR = "quarter-hour"  # the local quarter of an hour, by its start: 2026-11-21T15:45
    FIVE_MINUTES = "five-minutes"  # the local five minutes, by their start: 2026-11-21T15:40

    def label(self, now: datetime, tz: ZoneInfo) -> str:
        if self is Period.ISO_WEEK:
            return iso_week(now, tz)
        if self is Period.HOUR:
            return now.astimezone(tz).strftime("%Y-%m-%dT%H")
        if self in (Period.QUARTER_HOUR, Period.FIVE_MINUTES):
            step = 15 if self is Period.QUARTER_HOUR else 5
            local = now.astimezone(tz)
            return local.replace(minute=local.minute - local.minute % step).strftime("%Y-%m-%dT%H:%M")
        return local_day(now, tz).isoformat()


@dataclass(frozen=True)
class Schedule:
    """When a job fires, in APP_TIMEZONE: daily or weekly at "HH:MM", hourly at ":MM", or every N minutes (N divides
    60; at :00, :N, :2N … of every hour)."""

    cadence: Literal["daily", "weekly", "hourly", "minutes"]
    at: str
    weekday: int | None = None  # 0 = Monday, for weekly jobs
    every: int = 60  # minutes, for the "minutes" cadence

    def __post_init__(self) -> None:
        if self.cadence == "minutes" and (self.every < 1 or 60 % self.every):
            raise ValueError(f"every must divide 60 minutes; got {self.every}")

    def describe(self, tz_name: str) -> str:
        if self.cadence == "daily":
            return f"daily at {self.at} ({tz_name})"
        if self.cadence == "weekly":
            return f"{WEEKDAYS[self.weekday or 0]} at {self.at} ({tz_name})"
        if self.cadence == "minutes":
            return f"every {self.every} minutes"
        return f"hourly at {self.at}"

    def minutes_past(self) -> list[int]:
        """The minutes past each hour at which an every-N-minutes job fires: [0, 15, 30, 45] for N = 15."""
        return list(range(0, 60, self.every))

    def hour_minute(self) -> tuple[int, int]:
        hours, _, minutes = self.at.partition(":")
        return (int(hours) if hours else 0), int(minutes)

    def current_slot(self, now: datetime, tz: ZoneInfo) -> datetime:
        """The scheduled moment inside `now`'s period (today 03:00, this week's Monday 09:00, this hour's :05)."""
        local = now.astimezone(tz)
        hour, minute = self.hour_minute()
        if self.cadence == "hourly":
            return local.replace(minute=minute, second=0, microsecond=0)
        if self.cadence == "minutes":
            return local.replace(minute=local.minute - local.minute % self.every, second=0, microsecond=0)
        day = local.date()
        if self.cadence == "weekly":
            day -= timedelta(days=(day.weekday() - (self.weekday or 0)) % 7)
        return datetime.combine(day, clock_time(hour, minute), tzinfo=tz)

    def next_run(self, now: datetime, tz: ZoneInfo) -> datetime:
        """The next scheduled moment strictly after `now`, in `tz` (what the runner's schedule will fire)."""
        slot = self.current_slot(now, tz)
        if slot > now:
            return slot
        if self.cadence == "hourly":
            return (slot + timedelta(hours=1)).astimezone(tz)
        if self.cadence == "minutes":
            # In UTC: a wall-clock step would repeat or skip a quarter in the hour a DST change repeats or skips.
            return (slot.astimezone(UTC) + timedelta(minutes=self.every)).astimezone(tz)
        step = timedelta(days=7 if self.cadence == "weekly" else 1)
        # Add calendar days to the local date and rebuild the wall-clock time, so a DST change keeps 03:00 at 03:00.
        return datetime.combine(slot.date() + step, slot.timetz().replace(tzinfo=None), tzinfo=tz)


def daily(at: str) -> Schedule:
    return Schedule("daily", at)


def weekly(weekday: int, at: str) -> Schedule:
    return Schedule("weekly", at, weekday=weekday)


def hourly(at: str) -> Schedule:
    return Schedule("hourly", at)


def every_minutes(minutes: int) -> Schedule:
    return Schedule("minutes", ":00", every=minutes)


@dataclass(frozen=True)
class JobContext:
    """What one run's work gets besides its session: the moment it runs as, the settings, the AI door, callbacks."""

    now: datetime
    settings: Settings
    door: AIDoor | None = None
    progress: Progress | None = None  # progress(done, total), e.g. per seller of the digest
    sleep: Callable[[float], Any] | None = None  # waits between paced e-mails (the runner's stop event's `wait`)

    @property
    def ai(self) -> AIDoor:
        return self.door or default_ai()


@dataclass(frozen=True)
class WorkDone:
    """What an unclaimed job's work reports: rows, a one-line detail, partial errors, and whether it was idle."""

    rows: int
    detail: str | None = None
    errors: str | None = None  # recorded on the ok run (the `error` column) so the admin sees partial failures
    idle: bool = False  # nothing to do: a scheduled idle pass is not recorded


Work = Callable[[Session, JobContext], int | WorkDone]


@dataclass(frozen=True)
class JobSpec:
    """One row of the jobs table: `work(session, job)` runs once per `period`, fired by `schedule`.

    `claimed`: the run takes the period's claim and commits its work with its `ok` run in one transaction
    (`core.ops.claims.run_claimed`); unclaimed work (the outbox) makes its own commits and is recorded after.
    `then`: unclaimed jobs run right after this one's commit (the digest's queued mail is delivered at once).
    """

    name: str
    title: str
    schedule: Schedule
    period: Period
    work: Work
    claimed: bool = True
    then: tuple[str, ...] = ()

    def describe(self, tz_name: str) -> str:
        return self.schedule.describe(tz_name)

    def period_label(self, now: datetime, tz: ZoneInfo) -> str:
        return self.period.label(now, tz)

    def current_slot(self, now: datetime, tz: ZoneInfo) -> datetime:
        return self.schedule.current_slot(now, tz)

    def next_run(self, now: datetime, tz: ZoneInfo) -> datetime:
        return self.schedule.next_run(now, tz)
