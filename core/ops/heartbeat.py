"""The jobs runner's heartbeat: one `job_runner_heartbeats` row per runner process (`host:pid`), written at start and
on every pass of its loop, marked stopped on a clean exit; and whether a runner is alive, for the Jobs page.

- **Loop interval**: the runner's loop wakes at least every `LOOP_SECONDS` (60 s, `jobs.runner.Runner`'s
  `max_idle`, which defaults to this constant) and beats each time it wakes.
- **Alive** = a runner whose last beat is at most `ALIVE_FACTOR` × `LOOP_SECONDS` (3 × 60 s = 180 s) old and that
  has not stopped. Three intervals leave room for a late wake-up, not for a crash. A single job that runs longer
  than that (a digest to many sellers) pauses the beats: the page then says the last beat's age, and the job's
  run shows as running.

Writers flush and leave the commit to the caller.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.db import insert_for, new_id
from core.models import JobRunnerHeartbeat

LOOP_SECONDS = 60.0
ALIVE_FACTOR = 3
ALIVE_WITHIN = timedelta(seconds=ALIVE_FACTOR * LOOP_SECONDS)


@dataclass(frozen=True)
class RunnerStatus:
    alive: bool
    runner: str | None  # host:pid of the most recent beat (alive or not); None when no runner ever beat
    started_at: datetime | None
    beat_at: datetime | None
    stopped_at: datetime | None
    seconds_since_beat: float | None


def _aware(now: datetime) -> datetime:
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return now


def record_start(session: Session, *, runner: str, now: datetime) -> None:
    """A runner (re)starts: its row's started_at and beat_at become `now`, stopped_at is cleared (an upsert)."""
    _aware(now)
    statement = insert_for(session, JobRunnerHeartbeat).values(
        id=new_id(), runner=runner, started_at=now, beat_at=now, stopped_at=None
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["runner"], set_={"started_at": now, "beat_at": now, "stopped_at": None}
        )
    )


def record_beat(session: Session, *, runner: str, now: datetime) -> None:
    """One beat: beat_at = `now` (the row is created when a start was never recorded)."""
    _aware(now)
    statement = insert_for(session, JobRunnerHeartbeat).values(
        id=new_id(), runner=runner, started_at=now, beat_at=now, stopped_at=None
    )
    session.execute(
        statement.on_conflict_do_update(index_elements=["runner"], set_={"beat_at": now, "stopped_at": None})
    )


def record_stop(session: Session, *, runner: str, now: datetime) -> None:
    """A clean exit: stopped_at = `now`, so the page knows at once that this runner is gone."""
    session.execute(
        update(JobRunnerHeartbeat).where(JobRunnerHeartbeat.runner == runner).values(stopped_at=_aware(now))
    )


def is_alive(beat_at: datetime | None, stopped_at: datetime | None, *, now: datetime) -> bool:
    """The rule of the module docstring (pure): a beat at most 3 loop intervals old, and no stop since."""
    return beat_at is not None and stopped_at is None and now - beat_at <= ALIVE_WITHIN


def runner_status(session: Session, *, now: datetime) -> RunnerStatus:
    """The most recently beating runner, and whether it is alive (any live runner wins over a stopped one)."""
    _aware(now)
    h = JobRunnerHeartbeat
    row = session.execute(
        select(h.runner, h.started_at, h.beat_at, h.stopped_at)
        .order_by(h.stopped_at.is_not(None), h.beat_at.desc(), h.runner)
        .limit(1)
    ).first()
    if row is None:
        return RunnerStatus(False, None, None, None, None, None)
    runner, started_at, beat_at, stopped_at = row
    return RunnerStatus(
        alive=is_alive(beat_at, stopped_at, now=now),
        runner=runner,
        started_at=started_at,
        beat_at=beat_at,
        stopped_at=stopped_at,
        seconds_since_beat=max(0.0, (now - beat_at).total_seconds()),
    )
