"""System health's reads (`core.ops.health`): the strip of checks, each check's 7-day series and the recent errors,
read together and reused for `HEALTH_TTL_SECONDS` (the page is for noticing trouble: it must not lag by much); and
the jobs table's schedules turned into what the jobs check judges them by."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from components.data import cached, clock
from core.db import session_scope
from core.ops.health import HealthCheck, system_health
from core.ops.health_history import HealthSeries, RecentError, health_series, recent_errors
from core.ops.job_signals import JobSchedule
from jobs.registry import EMAIL_OUTBOX, JOBS
from jobs.spec import Schedule

HEALTH_TTL_SECONDS = 30
RECENT_ERRORS = 20
CADENCE_LENGTH = {"daily": timedelta(days=1), "weekly": timedelta(days=7), "hourly": timedelta(hours=1)}


@dataclass(frozen=True)
class HealthPage:
    checks: tuple[HealthCheck, ...]
    series: dict[str, HealthSeries]
    errors: tuple[RecentError, ...]


def job_schedules() -> list[JobSchedule]:
    """Every job of the jobs table with its period. The outbox's scheduled pass that found no mail is not recorded
    (`jobs.registry`), so its silence is neither lateness nor "never ran"."""
    return [
        JobSchedule(spec.name, spec.title, schedule_period(spec.schedule), records_idle=spec.name != EMAIL_OUTBOX.name)
        for spec in JOBS.values()
    ]


def schedule_period(schedule: Schedule) -> timedelta:
    """The time between two scheduled runs: a day, a week, an hour, or every N minutes."""
    return CADENCE_LENGTH.get(schedule.cadence) or timedelta(minutes=schedule.every)


@cached("analytics", ttl=HEALTH_TTL_SECONDS)  # the operator's reads
def _health(freshness: int) -> HealthPage:
    # `freshness` changes every HEALTH_TTL_SECONDS: the cache key; the figures are at the clock's now.
    now = clock.now()
    with session_scope() as session:
        checks = system_health(session, now=now, schedules=job_schedules())
        series = health_series(session, now=now)
        errors = recent_errors(session, now=now, limit=RECENT_ERRORS)
    return HealthPage(tuple(checks), series, tuple(errors))


def load_health() -> HealthPage:
    """The page's checks, series and recent errors, at most HEALTH_TTL_SECONDS old."""
    return _health(int(clock.now().timestamp() // HEALTH_TTL_SECONDS))
