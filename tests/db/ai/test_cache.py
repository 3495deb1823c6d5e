"""The AI cache on SQLite and PostgreSQL: upsert, TTL, and the door's hits and misses against the stub API."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal as D

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.ai import AIDoor, pricing_advice
from core.ai.cache import input_hash, load_cached_answer, purge_expired_answers, save_cached_answer
from core.ai.serialize import to_jsonable
from core.ai.tasks.pricing_advice import PRICING_ADVICE
from core.config import load_settings
from core.models import AICache
from tests.ai_stub import (
    GOOD_PRICING_ANSWER,
    STUB_MODEL,
    StubAnthropic,
    overloaded_response,
    pricing_payload,
    stub_settings,
    tool_use_response,
)
from tests.conftest import NOW

DAY = timedelta(days=1)
KEY = "a" * 64


def rows(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(AICache)) or 0


def test_put_then_get_returns_the_answer(session: Session) -> None:
    result = {"suggested_price": 18.99, "price_range": {"min": 15.99, "max": 23.99}, "reasoning": "Because."}
    assert save_cached_answer(session, "pricing_advice", KEY, engine="anthropic:m", result=result, ttl=DAY, now=NOW)

    hit = load_cached_answer(session, "pricing_advice", KEY, now=NOW)
    assert hit is not None
    assert (hit.engine, hit.result, hit.created_at, hit.expires_at) == ("anthropic:m", result, NOW, NOW + DAY)
    assert load_cached_answer(session, "pricing_advice", "b" * 64, now=NOW) is None  # other input
    assert load_cached_answer(session, "listing_suggestions", KEY, now=NOW) is None  # other task


def test_an_answer_expires_after_its_ttl(session: Session) -> None:
    save_cached_answer(session, "t", KEY, engine="anthropic:m", result={"v": 1}, ttl=DAY, now=NOW)
    assert load_cached_answer(session, "t", KEY, now=NOW + DAY - timedelta(seconds=1)) is not None
    assert load_cached_answer(session, "t", KEY, now=NOW + DAY) is None  # expires_at is exclusive


def test_saving_again_overwrites_the_row(session: Session) -> None:
    save_cached_answer(session, "t", KEY, engine="anthropic:old", result={"v": 1}, ttl=DAY, now=NOW)
    # Expired, then written again two days later: one row, new answer, new expiry.
    later = NOW + 2 * DAY
    save_cached_answer(session, "t", KEY, engine="anthropic:new", result={"v": 2}, ttl=DAY, now=later)
    assert rows(session) == 1
    hit = load_cached_answer(session, "t", KEY, now=later)
    assert hit is not None and (hit.engine, hit.result, hit.expires_at) == ("anthropic:new", {"v": 2}, later + DAY)


def test_purge_deletes_only_expired_answers(session: Session) -> None:
    save_cached_answer(session, "t", "1" * 64, engine="anthropic:m", result={}, ttl=DAY, now=NOW - 2 * DAY)
    save_cached_answer(session, "t", "2" * 64, engine="anthropic:m", result={}, ttl=DAY, now=NOW)
    assert purge_expired_answers(session, now=NOW) == 1
    assert rows(session) == 1


def door_at(stub: StubAnthropic, now_box: list) -> AIDoor:
    door = stub.door()
    return AIDoor(door.settings, client=door.client, clock=lambda: now_box[0])


def test_the_same_payload_is_answered_from_the_cache_without_a_second_request(session: Session) -> None:
    stub = StubAnthropic(tool_use_response("pricing_advice", GOOD_PRICING_ANSWER))
    clock = [NOW]
    door = door_at(stub, clock)

    first = pricing_advice(pricing_payload(), ai=door, session=session)
    second = pricing_advice(pricing_payload(), ai=door, session=session)

    assert (first.cached, second.cached) == (False, True)
    assert second.engine == f"anthropic:{STUB_MODEL}" and second.fallback_reason is None
    assert second.value == first.value and second.value.suggested_price == D("18.99")
    assert len(stub.requests) == 1
    row = session.scalars(select(AICache)).one()
    expected_key = input_hash("pricing_advice", PRICING_ADVICE.version, to_jsonable(pricing_payload()))
    assert (row.task, row.input_hash, row.engine) == ("pricing_advice", expected_key, f"anthropic:{STUB_MODEL}")
    assert row.expires_at == NOW + DAY  # pricing answers live one day


def test_a_different_payload_misses(session: Session) -> None:
    stub = StubAnthropic(tool_use_response("pricing_advice", GOOD_PRICING_ANSWER))
    door = door_at(stub, [NOW])
    pricing_advice(pricing_payload(), ai=door, session=session)
    other = pricing_advice(pricing_payload(current_price=D("13.00")), ai=door, session=session)
    assert other.cached is False
    assert len(stub.requests) == 2
    assert rows(session) == 2


def test_an_expired_answer_is_asked_for_again_and_replaced(session: Session) -> None:
    stub = StubAnthropic(tool_use_response("pricing_advice", GOOD_PRICING_ANSWER))
    clock = [NOW]
    door = door_at(stub, clock)
    pricing_advice(pricing_payload(), ai=door, session=session)
    clock[0] = NOW + DAY  # the TTL has just run out
    again = pricing_advice(pricing_payload(), ai=door, session=session)
    assert again.cached is False
    assert len(stub.requests) == 2
    assert session.scalars(select(AICache.expires_at)).one() == NOW + 2 * DAY


def test_use_cache_false_asks_again_and_refreshes_the_row(session: Session) -> None:
    changed = {**GOOD_PRICING_ANSWER, "suggested_price": 17.99}
    stub = StubAnthropic(
        tool_use_response("pricing_advice", GOOD_PRICING_ANSWER), tool_use_response("pricing_advice", changed)
    )
    door = door_at(stub, [NOW])
    pricing_advice(pricing_payload(), ai=door, session=session)
    fresh = pricing_advice(pricing_payload(), ai=door, session=session, use_cache=False)
    assert (fresh.cached, fresh.value.suggested_price) == (False, D("17.99"))
    assert pricing_advice(pricing_payload(), ai=door, session=session).value.suggested_price == D("17.99")
    assert len(stub.requests) == 2


def test_offline_answers_and_fallbacks_are_not_cached(session: Session) -> None:
    offline = pricing_advice(pricing_payload(), ai=AIDoor(load_settings(env={})), session=session)
    assert offline.engine == "offline"
    stub = StubAnthropic(overloaded_response(), tool_use_response("pricing_advice", GOOD_PRICING_ANSWER))
    door = door_at(stub, [NOW])
    fallback = pricing_advice(pricing_payload(), ai=door, session=session)
    assert (fallback.engine, fallback.fallback_reason) == ("offline", "overloaded (529)")
    assert rows(session) == 0
    # So the next call asks Claude again instead of serving the fallback for a day.
    assert pricing_advice(pricing_payload(), ai=door, session=session).engine == f"anthropic:{STUB_MODEL}"
    assert len(stub.requests) == 2


def test_a_cached_answer_that_no_longer_validates_is_ignored(session: Session) -> None:
    key = input_hash("pricing_advice", PRICING_ADVICE.version, to_jsonable(pricing_payload()))
    bad = {**GOOD_PRICING_ANSWER, "suggested_price": 99.0}  # outside today's band [12.00, 28.80]
    save_cached_answer(session, "pricing_advice", key, engine="anthropic:old", result=bad, ttl=DAY, now=NOW)
    stub = StubAnthropic(tool_use_response("pricing_advice", GOOD_PRICING_ANSWER))
    result = pricing_advice(pricing_payload(), ai=door_at(stub, [NOW]), session=session)
    assert (result.cached, result.value.suggested_price) == (False, D("18.99"))
    assert session.scalars(select(AICache.engine)).one() == f"anthropic:{STUB_MODEL}"  # overwritten


def test_without_a_session_nothing_is_cached(session: Session) -> None:
    stub = StubAnthropic(tool_use_response("pricing_advice", GOOD_PRICING_ANSWER))
    door = stub.door(stub_settings())
    pricing_advice(pricing_payload(), ai=door)
    assert pricing_advice(pricing_payload(), ai=door).cached is False
    assert len(stub.requests) == 2
    assert rows(session) == 0


def test_a_failed_cache_write_keeps_the_answer_and_the_transaction(session: Session, backend: str) -> None:
    # `ai_cache.engine` is VARCHAR(40): PostgreSQL refuses a longer value, SQLite stores it.
    long_model = "claude-" + "x" * 40
    stub = StubAnthropic(tool_use_response("pricing_advice", GOOD_PRICING_ANSWER))
    door = stub.door(stub_settings(ANTHROPIC_MODEL=long_model))
    result = pricing_advice(pricing_payload(), ai=door, session=session)
    assert result.engine == f"anthropic:{long_model}"
    assert result.value.suggested_price == D("18.99")
    # The failed INSERT was inside a savepoint, so the session still works.
    assert rows(session) == (0 if backend == "postgresql" else 1)
