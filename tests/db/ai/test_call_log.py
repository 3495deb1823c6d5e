"""The AI door records each answer given with a session in `ai_call_log` (task, engine, outcome, latency), on SQLite
and PostgreSQL, against the stub API; a log that cannot be written never fails the answer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from core.ai import AIDoor, pricing_advice
from core.ai.door import PENDING_KEY, Task, call_outcome, write_call_log
from core.ai.privacy import PersonalDataError
from core.config import load_settings
from core.models import AICallLog
from tests.ai_stub import (
    GOOD_PRICING_ANSWER,
    STUB_MODEL,
    StubAnthropic,
    overloaded_response,
    pricing_payload,
    tool_use_response,
)
from tests.conftest import NOW
from tests.db.statements import Statements


def logged(session: Session) -> list[tuple[str, str, str, str | None]]:
    assert write_call_log(session)  # what a commit does first
    rows = session.scalars(select(AICallLog).order_by(AICallLog.created_at, AICallLog.id)).all()
    return [(r.task, r.engine, r.outcome, r.detail) for r in rows]


def fixed_clock(door: AIDoor) -> AIDoor:
    """The door on a clock that moves one second per reading from NOW, so the log's order is the calls' order."""
    ticks = iter(range(10_000))
    return AIDoor(door.settings, client=door.client, clock=lambda: NOW + timedelta(seconds=next(ticks)))


def test_model_then_cache_answers_are_logged(session: Session) -> None:
    door = fixed_clock(StubAnthropic(tool_use_response("pricing_advice", GOOD_PRICING_ANSWER)).door())
    first = pricing_advice(pricing_payload(), ai=door, session=session)
    second = pricing_advice(pricing_payload(), ai=door, session=session)
    assert (first.cached, second.cached) == (False, True)
    engine = f"anthropic:{STUB_MODEL}"
    assert logged(session) == [("pricing_advice", engine, "model", None), ("pricing_advice", engine, "cache", None)]
    rows = session.scalars(select(AICallLog)).all()
    assert all(NOW <= r.created_at < NOW + timedelta(minutes=1) and r.latency_ms >= 0 for r in rows)


def test_a_model_failure_is_logged_as_a_fallback_with_its_reason(session: Session) -> None:
    door = fixed_clock(StubAnthropic(overloaded_response()).door())
    answer = pricing_advice(pricing_payload(), ai=door, session=session)
    assert answer.is_offline and answer.fallback_reason
    assert logged(session) == [("pricing_advice", "offline", "fallback", answer.fallback_reason[:255])]


def test_no_api_key_is_an_offline_answer(session: Session) -> None:
    door = AIDoor(load_settings({"ANTHROPIC_API_KEY": ""}), client=None, clock=lambda: NOW)
    answer = pricing_advice(pricing_payload(), ai=door, session=session)
    assert answer.is_offline
    assert logged(session) == [("pricing_advice", "offline", "offline", "no API key")]


def test_without_a_session_nothing_is_logged(session: Session) -> None:
    door = AIDoor(load_settings({"ANTHROPIC_API_KEY": ""}), client=None, clock=lambda: NOW)
    pricing_advice(pricing_payload(), ai=door, session=None)
    assert logged(session) == []


@dataclass(frozen=True)
class Leaky:
    email: str


@dataclass(frozen=True)
class Plain:
    n: int


def task_of(offline: object) -> Task:  # type: ignore[type-arg]
    return Task(
        name="probe", version=1, description="d", input_schema={"type": "object"}, system_prompt="s",
        build_message=lambda p: "m", parse=lambda raw, p: raw, offline=offline,  # type: ignore[arg-type]
        cache_ttl=timedelta(days=1),
    )  # fmt: skip


def test_the_door_raising_is_logged_as_a_failure_and_still_raises(session: Session) -> None:
    door = AIDoor(load_settings({"ANTHROPIC_API_KEY": ""}), client=None, clock=lambda: NOW)
    with pytest.raises(PersonalDataError):
        door.run(task_of(lambda p: p), Leaky("a@example.com"), session=session)

    def broken(_: Plain) -> None:
        raise RuntimeError("offline engine broke")

    with pytest.raises(RuntimeError):
        door.run(task_of(broken), Plain(1), session=session)
    rows = logged(session)
    assert [(t, o) for t, _, o, _ in rows] == [("probe", "failure"), ("probe", "failure")]
    details = sorted(d or "" for *_, d in rows)  # both at the fixed clock's moment: compare without order
    assert details[0].startswith("PersonalDataError") and details[1] == "RuntimeError: offline engine broke"


def test_a_log_that_cannot_be_written_does_not_fail_the_answer(session: Session) -> None:
    # The table is gone (inside the test's transaction, rolled back after it): the INSERT fails in its savepoint.
    session.execute(text("DROP TABLE ai_call_log"))
    door = AIDoor(load_settings({"ANTHROPIC_API_KEY": ""}), client=None, clock=lambda: NOW)
    answer = pricing_advice(pricing_payload(), ai=door, session=session)
    assert answer.is_offline
    assert write_call_log(session) is False  # what a commit does first: the INSERT fails in its savepoint …
    # … and the session is still usable: the failed INSERT was rolled back to its savepoint only.
    assert session.execute(text("SELECT 1")).scalar() == 1
    assert PENDING_KEY not in session.info


def test_many_answers_are_written_in_one_statement_at_commit(session: Session) -> None:
    """Twelve answers queue twelve rows and one INSERT writes them (the statement counter sees one INSERT into
    ai_call_log), here when the test calls what a commit calls."""
    door = AIDoor(load_settings({"ANTHROPIC_API_KEY": ""}), client=None, clock=lambda: NOW)
    for _ in range(12):
        pricing_advice(pricing_payload(), ai=door, session=session)
    assert len(session.info[PENDING_KEY]) == 12
    statements = Statements(session)
    try:
        assert write_call_log(session)
    finally:
        statements.close()
    assert sum("INSERT INTO ai_call_log" in s for s in statements.seen) == 1
    assert len(logged(session)) == 12


def test_call_outcome_names() -> None:
    assert call_outcome(None) == "failure"
