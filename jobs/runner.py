"""The long-running jobs loop: a `schedule.Scheduler` of the registry's jobs, catch-up of missed periods, clean stop.

- Each job is wrapped: an exception is logged (and recorded by `run_job`), never raised out of
  `run_pending`, so one job's failure never stops the loop or the other jobs.
- Catch-up: at start and every `catch_up_seconds` the runner runs a claimed job whose slot in the
  current period has passed but whose period is not claimed (the runner was down at 03:00, or the
  run failed because the database was unreachable), up to `max_failures` failed runs per period.
- Stop: SIGTERM/SIGINT set an event. The loop waits on it (`min(idle, max_idle)`), checks it between
  jobs, and database-retry backoff waits on it; a job in flight finishes or rolls back.
- Heartbeat (`core.ops.heartbeat`): a beat at start and on every pass of the loop (at least every `max_idle`,
  `LOOP_SECONDS` = 60 s), stopped_at on a clean exit; the Jobs page calls a runner alive within 3 intervals.
  A beat that cannot be written (database down) is logged and the loop goes on.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime

import schedule
from sqlalchemy import Engine

from core.ai.door import AIDoor
from core.config import Settings
from core.db import utcnow
from core.ops import (
    LOOP_SECONDS,
    JobOutcome,
    RetryPolicy,
    SessionFactory,
    as_session_factory,
    failed_attempts,
    is_period_claimed,
    record_beat,
    record_start,
    record_stop,
)
from jobs.dispatch import run_job
from jobs.registry import JOBS
from jobs.spec import JobSpec

log = logging.getLogger("jobs.runner")

WEEKDAY_UNITS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def build_scheduler(settings: Settings, run: Callable[[str], object]) -> schedule.Scheduler:
    """A private `schedule.Scheduler` (not the module-global one) with every job at its local time."""
    scheduler = schedule.Scheduler()
    tz = settings.app_timezone
    for spec in JOBS.values():
        when = spec.schedule
        if when.cadence == "daily":
            job = scheduler.every().day
        elif when.cadence == "weekly":
            job = getattr(scheduler.every(), WEEKDAY_UNITS[when.weekday or 0])
        elif when.cadence == "minutes":
            # `schedule` cannot align `every(15).minutes` to the clock: one hourly job per minute past the hour.
            for minute in when.minutes_past():
                scheduler.every().hour.at(f":{minute:02d}", tz).do(run, spec.name).tag(spec.name)
            continue
        else:
            job = scheduler.every().hour
        job.at(when.at, tz).do(run, spec.name).tag(spec.name)
    return scheduler


class Runner:
    def __init__(
        self,
        *,
        sessions: Engine | SessionFactory,
        settings: Settings,
        stop: threading.Event | None = None,
        claimed_by: str,
        ai: AIDoor | None = None,
        retry: RetryPolicy | None = None,
        catch_up: bool = True,
        catch_up_seconds: float = 300.0,
        max_failures: int = 5,
        max_idle: float = LOOP_SECONDS,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.sessions = as_session_factory(sessions)
        self.settings = settings
        self.stop = stop or threading.Event()
        self.claimed_by = claimed_by
        self.ai = ai
        self.retry = retry or RetryPolicy()
        self.catch_up = catch_up
        self.catch_up_seconds = catch_up_seconds
        self.max_failures = max_failures
        self.max_idle = max_idle
        self.clock = clock
        self.scheduler = build_scheduler(settings, self.run_safely)
        self.outcomes: list[JobOutcome] = []  # this process's runs, newest last (for tests and logs)

    def run_once(self, name: str, *, record_idle: bool = False) -> JobOutcome:
        outcome = run_job(
            name,
            sessions=self.sessions,
            now=self.clock(),
            claimed_by=self.claimed_by,
            settings=self.settings,
            ai=self.ai,
            retry=self.retry,
            sleep=self.stop.wait,  # returns True once a stop was asked: backoff ends early
            record_idle=record_idle,
        )
        self.outcomes.append(outcome)
        return outcome

    def run_safely(self, name: str) -> None:
        """The scheduled call: never raises, and does not start a job once a stop was asked."""
        if self.stop.is_set():
            return
        try:
            outcome = self.run_once(name)
            log.info("job %s (%s): %s%s", name, outcome.period, outcome.status.value,
                     f" — {outcome.error or outcome.detail}" if outcome.error or outcome.detail else "")  # fmt: skip
        except Exception:
            log.exception("job %s crashed outside its own error handling", name)

    def due_for_catch_up(self, spec: JobSpec, now: datetime) -> bool:
        """A claimed job whose slot in the current period passed, period not claimed, failures below the cap."""
        tz = self.settings.timezone
        if not spec.claimed or now < spec.current_slot(now, tz):
            return False
        period = spec.period_label(now, tz)
        with self.sessions() as session:
            if is_period_claimed(session, job_name=spec.name, period=period):
                return False
            failures = failed_attempts(session, job_name=spec.name, period=period)
        if failures >= self.max_failures:
            log.warning("job %s (%s) failed %d times: no more catch-up this period", spec.name, period, failures)
            return False
        return True

    def catch_up_pass(self) -> None:
        for spec in JOBS.values():
            if self.stop.is_set():
                return
            try:
                due = self.due_for_catch_up(spec, self.clock())
            except Exception as exc:
                log.warning("catch-up check of %s failed (will try again): %s", spec.name, str(exc).splitlines()[0])
                continue
            if due:
                log.info("catching up job %s", spec.name)
                self.run_safely(spec.name)

    def heartbeat(self, write: Callable[..., None] = record_beat) -> bool:
        """Write one heartbeat row change (`record_start`, `record_beat` or `record_stop`); False when it failed."""
        try:
            with self.sessions() as session:
                write(session, runner=self.claimed_by, now=self.clock())
                session.commit()
        except Exception as exc:
            log.warning("heartbeat of %s not written (will try again): %s", self.claimed_by,
                        str(exc).splitlines()[0] if str(exc) else type(exc).__name__)  # fmt: skip
            return False
        return True

    def run_forever(self) -> None:
        tz = self.settings.app_timezone
        log.info("runner started (%s): %s", self.claimed_by,
                 "; ".join(f"{s.name} {s.describe(tz)}" for s in JOBS.values()))  # fmt: skip
        self.heartbeat(record_start)
        try:
            self._loop()
        finally:
            self.heartbeat(record_stop)

    def _loop(self) -> None:
        next_catch_up = 0.0
        while not self.stop.is_set():
            self.heartbeat()
            if self.catch_up and time.monotonic() >= next_catch_up:
                self.catch_up_pass()
                next_catch_up = time.monotonic() + self.catch_up_seconds
            if self.stop.is_set():
                break
            self.scheduler.run_pending()
            idle = self.scheduler.idle_seconds
            wait = self.max_idle if idle is None else max(0.0, min(idle, self.max_idle))
            self.stop.wait(wait)
        log.info("runner stopped")
