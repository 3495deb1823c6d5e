"""The `product_recommendation` task: its strict schema, `parse` refusing what is out of bounds, Claude through the
stub, and the offline rules answering without a key or after a bad answer."""

from __future__ import annotations

from typing import Any

import pytest

from core.ai import get_ai
from core.ai.tasks.product_recommendation import (
    ACTIONS,
    INPUT_SCHEMA,
    ProductRecommendation,
    build_recommendation_message,
    parse_product_recommendation,
    product_recommendation,
)
from core.ai.validation import SchemaViolation
from core.config import load_settings
from core.sales.recommendation_rules import recommend
from tests.ai_stub import STUB_MODEL, StubAnthropic, tool_use_response
from tests.unit.sales.test_recommendation_rules import BASE

GOOD = {"action": "promote", "confidence": 72, "reason": "Your product converts at 5% against a 2% median."}


def test_schema_is_strict() -> None:
    assert INPUT_SCHEMA["additionalProperties"] is False
    assert set(INPUT_SCHEMA["required"]) == {"action", "confidence", "reason"}
    assert INPUT_SCHEMA["properties"]["action"]["enum"] == ["keep", "promote", "reprice", "drop"]
    assert INPUT_SCHEMA["properties"]["confidence"]["type"] == "integer"


def test_parse_accepts_a_good_answer() -> None:
    assert parse_product_recommendation(GOOD, BASE) == ProductRecommendation("promote", 72, GOOD["reason"])
    # A whole float is an integer; the bounds are inclusive.
    assert parse_product_recommendation({**GOOD, "confidence": 100.0}, BASE).confidence == 100
    assert parse_product_recommendation({**GOOD, "confidence": 0}, BASE).confidence == 0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"confidence": 101}, "confidence 101 is outside 0–100"),
        ({"confidence": -1}, "confidence -1 is outside 0–100"),
        ({"confidence": 70.5}, "confidence 70.5 is not a whole number"),
        ({"confidence": True}, "confidence is True, not an integer"),
        ({"confidence": "70"}, "confidence is '70', not an integer"),
        ({"action": "sell"}, "action 'sell' is not one of drop, keep, promote, reprice"),
        ({"action": "Keep"}, "action 'Keep' is not one of"),
        ({"reason": "x" * 701}, "reason has 701 characters, more than 700"),
        ({"reason": "too short"}, "reason is shorter than 20 chars"),
        ({"extra": 1}, "unexpected field extra"),
    ],
)
def test_parse_refuses(change: dict[str, Any], message: str) -> None:
    with pytest.raises(SchemaViolation, match=message.replace("(", r"\(")):
        parse_product_recommendation({**GOOD, **change}, BASE)


def test_parse_refuses_a_missing_field() -> None:
    with pytest.raises(SchemaViolation, match="missing field confidence"):
        parse_product_recommendation({"action": "keep", "reason": GOOD["reason"]}, BASE)


def test_claude_answer_through_the_stub() -> None:
    stub = StubAnthropic(tool_use_response("product_recommendation", GOOD))
    result = product_recommendation(BASE, offline=recommend, ai=stub.door())
    assert result.engine == f"anthropic:{STUB_MODEL}"
    assert result.value == ProductRecommendation("promote", 72, GOOD["reason"])
    body = stub.bodies[0]
    assert body["tools"][0]["name"] == "product_recommendation"
    # The message carries the product's numbers.
    assert "views 300, add-to-cart 20, orders 6" in body["messages"][0]["content"]


@pytest.mark.parametrize(
    ("bad", "reason"), [({**GOOD, "confidence": 150}, "confidence 150"), ({**GOOD, "action": "sell"}, "action 'sell'")]
)
def test_out_of_bounds_answer_falls_back_to_the_rules(bad: dict[str, Any], reason: str) -> None:
    stub = StubAnthropic(tool_use_response("product_recommendation", bad))
    result = product_recommendation(BASE, offline=recommend, ai=stub.door())
    assert result.engine == "offline"
    assert result.fallback_reason is not None and reason in result.fallback_reason
    assert result.value == recommend(BASE)


def test_without_a_key_the_rules_answer() -> None:
    result = product_recommendation(BASE, offline=recommend, ai=get_ai(load_settings(env={})))
    assert (result.engine, result.fallback_reason) == ("offline", "no API key")
    assert result.value == recommend(BASE)
    assert result.value.action in ACTIONS


def test_the_message_names_the_segment_and_benchmark() -> None:
    text = build_recommendation_message(BASE)
    assert "Segment (planner listings in Finance), 40 products with at least 20 views:" in text
    assert "- median conversion 2.00%" in text
    assert "- benchmark median price $20.00 over 40 listings" in text
