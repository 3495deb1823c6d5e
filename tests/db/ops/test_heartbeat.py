"""The runner heartbeat in the database (SQLite and PostgreSQL): start, beats and stop upsert one row per runner,
and `runner_status` reports the live runner (or the last one, not alive)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.models import JobRunnerHeartbeat
from core.ops import record_beat, record_start, record_stop, runner_status

T0 = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def test_start_beats_and_stop_keep_one_row_per_runner(session: Session) -> None:
    assert runner_status(session, now=T0).runner is None

    record_start(session, runner="a:1", now=T0)
    record_beat(session, runner="a:1", now=T0 + timedelta(seconds=60))
    record_beat(session, runner="a:1", now=T0 + timedelta(seconds=120))

    assert session.scalar(select(func.count()).select_from(JobRunnerHeartbeat)) == 1
    status = runner_status(session, now=T0 + timedelta(seconds=160))
    assert (status.alive, status.runner, status.seconds_since_beat) == (True, "a:1", 40.0)
    assert status.started_at == T0 and status.beat_at == T0 + timedelta(seconds=120)
    # Stale: 181 s after the last beat.
    assert not runner_status(session, now=T0 + timedelta(seconds=301)).alive

    record_stop(session, runner="a:1", now=T0 + timedelta(seconds=130))
    stopped = runner_status(session, now=T0 + timedelta(seconds=131))
    assert (stopped.alive, stopped.stopped_at) == (False, T0 + timedelta(seconds=130))

    # The same host:pid starting again clears the stop.
    record_start(session, runner="a:1", now=T0 + timedelta(hours=1))
    again = runner_status(session, now=T0 + timedelta(hours=1, seconds=1))
    assert again.alive and again.stopped_at is None and again.started_at == T0 + timedelta(hours=1)


def test_a_live_runner_wins_over_a_stopped_one(session: Session) -> None:
    record_start(session, runner="old:1", now=T0)
    record_stop(session, runner="old:1", now=T0 + timedelta(seconds=30))
    record_start(session, runner="new:2", now=T0 - timedelta(seconds=10))
    record_beat(session, runner="new:2", now=T0 + timedelta(seconds=20))

    status = runner_status(session, now=T0 + timedelta(seconds=40))

    assert (status.alive, status.runner) == (True, "new:2")
