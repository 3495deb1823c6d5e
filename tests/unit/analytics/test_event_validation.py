"""Ingestion's checks of one event (`validate_event`): every refusal reason, and what a good event becomes."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from core.analytics import events as ev
from core.analytics.event_types import EVENT_TYPES
from core.analytics.events import validate_event

NOW = datetime(2026, 11, 21, 15, 0, tzinfo=UTC)
GOOD: dict[str, Any] = {
    "event_id": "6f1c7a52-3b7e-4f0a-9d53-2c1e8b4a9f10",
    "event_type": "page_view",
    "occurred_at": "2026-11-21T15:59:00+01:00",
    "person_id": "visitor-1",
}


def event(**changes: Any) -> dict[str, Any]:
    merged = {**GOOD, **changes}
    return {k: v for k, v in merged.items() if v is not ...}


BAD_CASES = [
    ("not JSON", '{"event_id": nope', ev.REASON_MALFORMED),
    ("JSON array", "[1, 2]", ev.REASON_NOT_OBJECT),
    ("JSON number", 42, ev.REASON_NOT_OBJECT),
    ("unknown field", event(colour="red"), f"{ev.REASON_UNKNOWN_FIELD} 'colour'"),
    ("missing event_id", event(event_id=...), ev.REASON_EVENT_ID),
    ("event_id not a UUID", event(event_id="1234"), ev.REASON_EVENT_ID),
    ("event_id a number", event(event_id=7), ev.REASON_EVENT_ID),
    ("unknown type", event(event_type="teleport"), f"{ev.REASON_EVENT_TYPE} 'teleport'"),
    ("type a number", event(event_type=3), f"{ev.REASON_EVENT_TYPE} 3"),
    ("type missing", event(event_type=...), f"{ev.REASON_EVENT_TYPE} (event_type is missing)"),
    ("no timestamp", event(occurred_at=...), ev.REASON_TIMESTAMP),
    ("timestamp garbage", event(occurred_at="yesterday"), ev.REASON_TIMESTAMP),
    ("timestamp a number", event(occurred_at=1763737200), ev.REASON_TIMESTAMP),
    ("naive timestamp", event(occurred_at="2026-11-21T14:00:00"), ev.REASON_NAIVE),
    # 15:05:01 UTC is 5 minutes and 1 second after NOW.
    ("future timestamp", event(occurred_at="2026-11-21T16:05:01+01:00"), ev.REASON_FUTURE),
    ("no person", event(person_id=...), ev.REASON_PERSON),
    ("empty person", event(person_id=""), ev.REASON_PERSON),
    ("person too long", event(person_id="p" * 37), ev.REASON_PERSON),
    ("person a number", event(person_id=5), ev.REASON_PERSON),
    ("session too long", event(session_id="s" * 37), f"session_id {ev.REASON_ID_FIELD}"),
    ("user id a list", event(user_id=["u"]), f"user_id {ev.REASON_TEXT_FIELD}"),
    ("url a number", event(url=5), f"url {ev.REASON_TEXT_FIELD}"),
    ("NUL in referrer", event(referrer="https://a.example/\x00"), f"referrer {ev.REASON_NUL}"),
    (
        "lone surrogate in person",
        '{"event_id": "6f1c7a52-3b7e-4f0a-9d53-2c1e8b4a9f10", "event_type": "login", '
        '"occurred_at": "2026-11-21T15:00:00Z", "person_id": "\\ud800"}',
        f"person_id {ev.REASON_ENCODING}",
    ),
    ("lone surrogate in properties", event(properties={"v": "\ud800"}), f"properties {ev.REASON_ENCODING}"),
    ("properties a list", event(properties=[1]), ev.REASON_PROPERTIES),
    ("properties a string", event(properties="{}"), ev.REASON_PROPERTIES),
    ("properties NaN", event(properties={"v": float("nan")}), ev.REASON_PROPERTIES),
    ("properties NUL", event(properties={"v": "a\x00b"}), f"properties {ev.REASON_NUL}"),
    # {"x":"…"} with 8,185 x's is 8,193 bytes of compact JSON: one over.
    ("properties 8 KB + 1", event(properties={"x": "a" * 8185}), f"{ev.REASON_PROPERTIES_SIZE} (8,193 bytes)"),
    ("country three letters", event(country="DEU"), ev.REASON_COUNTRY),
    ("country digits", event(country="12"), ev.REASON_COUNTRY),
    ("country non-ASCII", event(country="ÄÖ"), ev.REASON_COUNTRY),
]


@pytest.mark.parametrize(("case", "raw", "reason"), BAD_CASES, ids=[c[0] for c in BAD_CASES])
def test_each_bad_event_is_refused_with_its_reason(case: str, raw: Any, reason: str) -> None:
    answer = validate_event(raw, now=NOW)
    assert isinstance(answer, str), case
    assert answer.startswith(reason), (case, answer)


def test_every_reason_constant_is_exercised_by_the_table() -> None:
    reasons = {v for k, v in vars(ev).items() if k.startswith("REASON_")}
    # Unknown users and endpoint-limited types need the database or an endpoint: tests/db/analytics/test_ingest_*.
    exercised = {r for r in reasons for _, _, reason in BAD_CASES if reason.startswith(r) or r in reason}
    assert reasons - exercised == {ev.REASON_USER, ev.REASON_NOT_HERE}


def test_a_good_event_becomes_a_row_in_utc_with_its_source_and_device() -> None:
    raw = event(
        event_id="6F1C7A52-3B7E-4F0A-9D53-2C1E8B4A9F10",  # upper case: stored in the canonical lower case
        session_id="sess-1",
        url="https://shop.example.com/p/planner?utm_source=newsletter&utm_medium=email&utm_campaign=nov",
        referrer="https://mail.google.com/",
        user_agent="Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/124.0.0.0 Safari/537.36",
        country="de",
        properties={"product_id": "p-1", "value": 12.5},
    )
    row = validate_event(json.dumps(raw).encode(), now=NOW)
    assert isinstance(row, dict)
    assert row["event_id"] == "6f1c7a52-3b7e-4f0a-9d53-2c1e8b4a9f10"
    assert row["occurred_at"] == datetime(2026, 11, 21, 14, 59, tzinfo=UTC)
    assert row["recorded_at"] == NOW
    assert (row["source"], row["utm_source"], row["utm_medium"], row["utm_campaign"]) == (
        "email",
        "newsletter",
        "email",
        "nov",
    )
    assert (row["device_type"], row["browser"], row["os"]) == ("desktop", "Chrome", "Windows")
    assert row["country"] == "DE"
    assert json.loads(row["properties"]) == {"product_id": "p-1", "value": 12.5}
    assert row["user_id"] is None


def test_limits_are_inclusive() -> None:
    # Exactly 5 minutes ahead, exactly 8,192 bytes of properties, 36-character ids: accepted.
    at_limit = event(
        occurred_at=(NOW + timedelta(minutes=5)).isoformat(),
        properties={"x": "a" * 8184},
        person_id="p" * 36,
        session_id="s" * 36,
    )
    row = validate_event(at_limit, now=NOW)
    assert isinstance(row, dict)
    assert len(row["properties"].encode()) == 8192


def test_empty_optional_fields_are_absent_and_properties_default_to_an_object() -> None:
    row = validate_event(event(session_id="", url="", properties=None), now=NOW)
    assert isinstance(row, dict)
    assert (row["session_id"], row["url"], row["properties"], row["source"]) == (None, None, "{}", "direct")


def test_the_type_list_holds_the_seeds_and_the_demo_types() -> None:
    seed_004 = {"page_view", "signup", "creator_started", "first_sale", "email_bounced", "error", "webhook_failed"}
    seed_001 = {"product_view", "add_to_cart", "checkout_start", "purchase", "search"}
    demo = {"login", "email_sent", "email_delivered", "creator_published"}
    assert seed_004 | seed_001 | demo <= EVENT_TYPES
    assert "teleport" not in EVENT_TYPES
