"""The jobs runner's heartbeat (`jobs.runner.Runner.run_forever`): a beat at start and on each pass of the loop,
stopped_at on a clean exit, and a beat that cannot be written does not stop the loop."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.config import Settings
from core.models import JobRunnerHeartbeat
from core.ops import runner_status
from jobs.runner import Runner

T0 = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)  # Tuesday noon: no job is due, the loop only waits and beats


def test_the_runner_beats_every_pass_and_marks_its_stop(
    sessions: Callable[[], Session], session: Session, offline_settings: Settings
) -> None:
    ticks = iter(T0 + timedelta(seconds=i) for i in range(1000))
    stop = threading.Event()
    passes = []

    def clock() -> datetime:
        now = next(ticks)
        passes.append(now)
        if len(passes) >= 4:  # start, two loop beats … then stop
            stop.set()
        return now

    runner = Runner(sessions=sessions, settings=offline_settings, claimed_by="host:77", stop=stop, catch_up=False,
                    max_idle=0.01, clock=clock)  # fmt: skip
    runner.run_forever()

    row = session.scalars(select(JobRunnerHeartbeat).where(JobRunnerHeartbeat.runner == "host:77")).one()
    session.refresh(row)
    # Clock calls: start (T0), beat (T0+1 s), beat (T0+2 s), … the stop (the last call).
    assert row.started_at == T0
    assert row.beat_at >= T0 + timedelta(seconds=2)
    assert row.stopped_at == passes[-1] and row.stopped_at > row.beat_at
    assert not runner_status(session, now=passes[-1]).alive


def test_a_failed_beat_is_logged_and_the_loop_goes_on(offline_settings: Settings) -> None:
    def broken() -> Session:
        raise ConnectionError("database is down")

    stop = threading.Event()
    calls = []

    def clock() -> datetime:
        calls.append(1)
        return T0

    runner = Runner(sessions=broken, settings=offline_settings, claimed_by="host:78", stop=stop, catch_up=False,
                    max_idle=0.01, clock=clock)  # fmt: skip
    assert runner.heartbeat() is False
    threading.Timer(0.2, stop.set).start()
    runner.run_forever()  # returns once stopped, never raises
    assert stop.is_set()
