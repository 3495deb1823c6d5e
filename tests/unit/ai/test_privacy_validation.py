"""What the AI door refuses to send, how answers are checked, and how results describe their engine."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal as D
from enum import StrEnum

import pytest

from core.ai import AIResult
from core.ai.cache import input_hash
from core.ai.privacy import PersonalDataError, assert_no_personal_keys, contains_email, is_personal_key, redact_emails
from core.ai.serialize import canonical_json, to_jsonable
from core.ai.validation import SchemaViolation, require_choice, require_list, require_money, require_text


@pytest.mark.parametrize("key", ["email", "seller_email", "E-Mail", "name", "username", "last_name", "phone_number"])
def test_personal_keys_are_recognised(key: str) -> None:
    assert is_personal_key(key)


@pytest.mark.parametrize("key", ["title", "category_name", "product_type", "tag_count", "median_price"])
def test_product_keys_are_allowed(key: str) -> None:
    assert not is_personal_key(key)


def test_a_personal_key_at_any_depth_is_refused_with_its_path() -> None:
    assert_no_personal_keys({"product": {"title": "Planner", "tags": ["a", "b"]}})
    with pytest.raises(PersonalDataError, match=r"payload\.sellers\[1\]\.username"):
        assert_no_personal_keys({"sellers": [{"id": 1}, {"username": "jdoe"}]})


def test_email_addresses_are_removed_from_text() -> None:
    text = "Questions? j.doe+shop@mail.example.co.uk or support@example.com. Price $12.00 @ 50% off."
    assert redact_emails(text) == "Questions? [e-mail removed] or [e-mail removed]. Price $12.00 @ 50% off."
    assert contains_email(text) and not contains_email(redact_emails(text))


class Colour(StrEnum):
    RED = "RED"


@dataclass(frozen=True)
class Sample:
    price: D
    colour: Colour
    day: date
    at: datetime
    counts: tuple[int, ...]
    rating: float | None


def test_payloads_become_plain_json_and_hash_the_same_however_spelled() -> None:
    sample = Sample(D("12.50"), Colour.RED, date(2026, 11, 21), datetime(2026, 11, 21, 15, tzinfo=UTC), (1, 2), None)
    assert to_jsonable(sample) == {
        "price": 12.5,
        "colour": "RED",
        "day": "2026-11-21",
        "at": "2026-11-21T15:00:00+00:00",
        "counts": [1, 2],
        "rating": None,
    }
    assert canonical_json({"b": 1, "a": D("2.00")}) == '{"a":2.0,"b":1}'
    # 12.50 and 12.5 are the same price, so the same cache key; the task version is part of the key.
    same = input_hash("t", 1, to_jsonable({"p": D("12.50")})) == input_hash("t", 1, to_jsonable({"p": D("12.5")}))
    assert same
    assert input_hash("t", 1, {"p": 1}) != input_hash("t", 2, {"p": 1})
    assert input_hash("t", 1, {"p": 1}) != input_hash("u", 1, {"p": 1})
    with pytest.raises(ValueError, match="finite"):
        to_jsonable(float("nan"))


def test_validators_name_the_field_and_the_problem() -> None:
    assert require_money(18.994, "price") == D("18.99")
    assert require_money(18.995, "price") == D("19.00")  # half-up on the decimal spelling
    with pytest.raises(SchemaViolation, match=r"^price is True, not a number$"):
        require_money(True, "price")
    with pytest.raises(SchemaViolation, match=r"^price -1\.00 is not a positive amount$"):
        require_money(-1, "price")
    assert require_text("  two\n words ", "t", max_chars=9) == "two words"
    with pytest.raises(SchemaViolation, match="t is empty"):
        require_text("   ", "t", max_chars=9)
    with pytest.raises(SchemaViolation, match="impact 'huge' is not one of high, low, medium"):
        require_choice("huge", "impact", ("high", "medium", "low"))
    with pytest.raises(SchemaViolation, match="items has 3 items, expected 0–2"):
        require_list([1, 2, 3], "items", min_items=0, max_items=2)


def test_results_say_which_engine_wrote_them() -> None:
    claude = AIResult(value=1, engine="anthropic:claude-sonnet-4-6")
    assert (claude.is_offline, claude.model) == (False, "claude-sonnet-4-6")
    assert claude.engine_label == "Written by Claude (claude-sonnet-4-6)"
    cached = AIResult(value=1, engine="anthropic:claude-sonnet-4-6", cached=True)
    assert cached.engine_label == "Written by Claude (claude-sonnet-4-6), from the cache"
    offline = AIResult(value=1, engine="offline", fallback_reason="timeout")
    assert (offline.is_offline, offline.model) == (True, None)
    assert offline.engine_label == "Written by the offline engine (timeout)"
