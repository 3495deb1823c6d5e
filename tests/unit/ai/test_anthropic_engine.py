"""The Anthropic path through the real SDK against a stub API: good answers, and every failure falling back."""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, replace
from datetime import timedelta
from decimal import Decimal as D
from typing import Any

import pytest

from core.ai import NO_API_KEY, AIDoor, PersonalDataError, Task, get_ai, pricing_advice
from core.ai.tasks.pricing_advice import INPUT_SCHEMA, PRICING_ADVICE, SYSTEM_PROMPT
from core.ai.tasks.pricing_offline import offline_pricing_advice
from core.ai.tasks.pricing_types import PriceRange
from core.config import load_settings
from tests.ai_stub import (
    GOOD_PRICING_ANSWER,
    STUB_MODEL,
    StubAnthropic,
    connect_error,
    error_response,
    invalid_json_response,
    overloaded_response,
    pricing_payload,
    read_timeout,
    stub_settings,
    text_response,
    tool_use_response,
)

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")


def good_reply(answer: dict[str, Any] | None = None):
    return tool_use_response("pricing_advice", answer or GOOD_PRICING_ANSWER)


def test_a_good_answer_is_parsed_and_labelled_with_the_model() -> None:
    stub = StubAnthropic(good_reply())
    result = pricing_advice(pricing_payload(), ai=stub.door())

    assert result.engine == f"anthropic:{STUB_MODEL}"
    assert result.fallback_reason is None
    assert result.cached is False
    assert result.value.suggested_price == D("18.99")
    assert result.value.price_range == PriceRange(min=D("15.99"), max=D("23.99"))
    assert result.value.reasoning.startswith("Your $12.00 sits below")
    assert result.engine_label == f"Written by Claude ({STUB_MODEL})"
    assert len(stub.requests) == 1


def test_the_request_forces_a_strict_tool_with_the_settings_model_and_timeout() -> None:
    stub = StubAnthropic(good_reply())
    pricing_advice(pricing_payload(), ai=stub.door(stub_settings(ANTHROPIC_TIMEOUT_SECONDS="7.5")))

    request = stub.requests[0]
    body = stub.bodies[0]
    assert request.url.path == "/v1/messages"
    assert body["model"] == STUB_MODEL
    assert body["tool_choice"] == {"type": "tool", "name": "pricing_advice"}
    assert [tool["name"] for tool in body["tools"]] == ["pricing_advice"]
    assert body["tools"][0]["strict"] is True
    assert body["tools"][0]["input_schema"] == INPUT_SCHEMA
    assert body["system"] == SYSTEM_PROMPT
    assert body["max_tokens"] == 1024
    # The allowed band [0.8 × 15.00, 1.2 × 24.00] is spelled out for the model.
    assert "Allowed range for suggested_price and price_range: $12.00 to $28.80." in body["messages"][0]["content"]
    # Every call is bounded by the configured timeout.
    assert request.extensions["timeout"] == {"connect": 7.5, "read": 7.5, "write": 7.5, "pool": 7.5}
    assert not EMAIL.search(request.content.decode())


def _objects(schema: dict[str, Any]):
    if schema.get("type") == "object":
        yield schema
    for value in schema.get("properties", {}).values():
        yield from _objects(value)
    if "items" in schema:
        yield from _objects(schema["items"])


def test_the_schema_is_in_the_subset_strict_mode_accepts() -> None:
    # Strict mode wants additionalProperties false and every property required on each object,
    # and rejects numeric/length bounds (those are enforced by the validator instead).
    for obj in _objects(INPUT_SCHEMA):
        assert obj["additionalProperties"] is False
        assert sorted(obj["required"]) == sorted(obj["properties"])
    text = json.dumps(INPUT_SCHEMA)
    for keyword in ("minimum", "maximum", "maxLength", "minLength", "pattern"):
        assert f'"{keyword}"' not in text


def test_an_email_address_in_the_payload_text_never_leaves_the_process() -> None:
    stub = StubAnthropic(good_reply())
    pricing_advice(pricing_payload(title="Planner - questions to jane.doe+shop@example.com"), ai=stub.door())

    sent = stub.requests[0].content.decode()
    assert "jane.doe" not in sent and not EMAIL.search(sent)
    assert "Planner - questions to [e-mail removed]" in stub.bodies[0]["messages"][0]["content"]


def assert_offline_fallback(result, reason: str) -> None:
    assert result.engine == "offline"
    assert result.fallback_reason == reason
    assert result.cached is False
    assert result.value == offline_pricing_advice(pricing_payload())


def test_invalid_json_falls_back_to_the_offline_engine() -> None:
    stub = StubAnthropic(invalid_json_response())
    assert_offline_fallback(pricing_advice(pricing_payload(), ai=stub.door()), "invalid JSON")


def test_a_text_answer_instead_of_the_tool_call_falls_back() -> None:
    stub = StubAnthropic(text_response("I think $19 would be a fine price."))
    result = pricing_advice(pricing_payload(), ai=stub.door())
    assert_offline_fallback(result, "invalid answer: no pricing_advice tool call (got text)")


def test_a_call_cut_off_at_max_tokens_falls_back() -> None:
    stub = StubAnthropic(tool_use_response("pricing_advice", GOOD_PRICING_ANSWER, stop_reason="max_tokens"))
    result = pricing_advice(pricing_payload(), ai=stub.door())
    assert_offline_fallback(result, "invalid answer: cut off at max_tokens")


def _without(answer: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in answer.items() if k != key}


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        (
            {**GOOD_PRICING_ANSWER, "suggested_price": 140},
            "schema violation: suggested_price 140.00 outside the allowed range [12.00, 28.80]",
        ),
        (
            {**GOOD_PRICING_ANSWER, "suggested_price": 11.99, "price_range": {"min": 11.99, "max": 20}},
            "schema violation: suggested_price 11.99 outside the allowed range [12.00, 28.80]",
        ),
        (_without(GOOD_PRICING_ANSWER, "reasoning"), "schema violation: missing field reasoning"),
        (
            {**GOOD_PRICING_ANSWER, "suggested_price": "about 19"},
            "schema violation: suggested_price is 'about 19', not a number",
        ),
        (
            {**GOOD_PRICING_ANSWER, "price_range": {"min": 15.99, "max": 30}},
            "schema violation: price_range.max 30.00 outside the allowed range [12.00, 28.80]",
        ),
        (
            {**GOOD_PRICING_ANSWER, "price_range": {"min": 19.99, "max": 23.99}},
            "schema violation: suggested_price 18.99 outside its own price_range [19.99, 23.99]",
        ),
        (
            {**GOOD_PRICING_ANSWER, "price_range": {"min": 15.99}},
            "schema violation: missing field max in price_range",
        ),
        (
            {**GOOD_PRICING_ANSWER, "reasoning": "x" * 601},
            "schema violation: reasoning has 601 characters, more than 600",
        ),
        ({**GOOD_PRICING_ANSWER, "confidence": 140}, "schema violation: unexpected field confidence"),
    ],
)
def test_a_schema_violation_falls_back_and_names_the_field(answer: dict[str, Any], reason: str) -> None:
    stub = StubAnthropic(good_reply(answer))
    assert_offline_fallback(pricing_advice(pricing_payload(), ai=stub.door()), reason)


def test_a_timeout_falls_back() -> None:
    stub = StubAnthropic(read_timeout)
    assert_offline_fallback(pricing_advice(pricing_payload(), ai=stub.door()), "timeout")
    assert len(stub.requests) == 1  # max_retries 0


def test_an_overload_falls_back_after_the_bounded_retries() -> None:
    stub = StubAnthropic(overloaded_response())
    assert_offline_fallback(pricing_advice(pricing_payload(), ai=stub.door()), "overloaded (529)")
    assert len(stub.requests) == 1  # max_retries 0: one attempt

    stub = StubAnthropic(overloaded_response())
    door = stub.door(stub_settings(ANTHROPIC_MAX_RETRIES="1"))
    assert_offline_fallback(pricing_advice(pricing_payload(), ai=door), "overloaded (529)")
    assert len(stub.requests) == 2  # one attempt + one retry, then it gives up
    assert [r.headers["x-stainless-retry-count"] for r in stub.requests] == ["0", "1"]


def test_a_retry_that_succeeds_gives_the_model_answer() -> None:
    stub = StubAnthropic(overloaded_response(), good_reply())
    result = pricing_advice(pricing_payload(), ai=stub.door(stub_settings(ANTHROPIC_MAX_RETRIES="1")))
    assert result.engine == f"anthropic:{STUB_MODEL}"
    assert result.value.suggested_price == D("18.99")
    assert len(stub.requests) == 2


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        (error_response(429, "rate_limit_error", "Slow down"), "rate limited (429)"),
        (error_response(500, "api_error", "Internal error"), "API error (500)"),
        (error_response(401, "authentication_error", "invalid x-api-key"), "API key refused (401)"),
        (error_response(400, "invalid_request_error", "tools.0: bad schema"), "API error (400)"),
        (connect_error, "connection error"),
    ],
)
def test_other_api_failures_fall_back_with_their_reason(reply, reason: str) -> None:
    stub = StubAnthropic(reply)
    assert_offline_fallback(pricing_advice(pricing_payload(), ai=stub.door()), reason)


def test_the_fallback_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    stub = StubAnthropic(overloaded_response())
    with caplog.at_level(logging.WARNING, logger="core.ai.door"):
        pricing_advice(pricing_payload(), ai=stub.door())
    assert any(
        "pricing_advice fell back to the offline engine" in r.getMessage() and "overloaded (529)" in r.getMessage()
        for r in caplog.records
    )


def test_without_a_key_the_offline_engine_answers_and_no_request_is_made() -> None:
    door = get_ai(load_settings(env={}))
    assert door.client is None
    result = pricing_advice(pricing_payload(), ai=door)
    assert result.engine == "offline"
    assert result.fallback_reason == NO_API_KEY == "no API key"
    assert result.value == offline_pricing_advice(pricing_payload())
    assert result.engine_label == "Written by the offline engine (no API key)"


def test_an_injected_client_wins_over_the_settings() -> None:
    stub = StubAnthropic(good_reply())
    client = stub.door().client
    door = AIDoor(load_settings(env={"ANTHROPIC_MODEL": "claude-other"}), client=client)
    result = door.run(PRICING_ADVICE, pricing_payload())
    assert result.engine == "anthropic:claude-other"
    assert stub.bodies[0]["model"] == "claude-other"


# --- the generic mechanism, on a toy task -------------------------------------------------------


@dataclass(frozen=True)
class Greeting:
    text: str


@dataclass(frozen=True)
class SellerNote:
    product_count: int
    email: str  # must never be allowed into a payload


@dataclass(frozen=True)
class Counts:
    product_count: int


def _toy_task() -> Task[Any, Greeting]:
    return Task(
        name="toy",
        version=1,
        description="toy",
        input_schema={"type": "object", "properties": {}, "required": [], "additionalProperties": False},
        system_prompt="toy",
        build_message=lambda p: f"{p.product_count} products",
        parse=lambda raw, p: Greeting(text=str(raw)),
        offline=lambda p: Greeting(text=f"{p.product_count} products, offline"),
        cache_ttl=timedelta(hours=1),
    )


def test_a_payload_with_a_personal_field_is_refused_before_any_request() -> None:
    stub = StubAnthropic(good_reply())
    with pytest.raises(PersonalDataError, match=r"payload\.email"):
        stub.door().run(_toy_task(), SellerNote(product_count=3, email="a@example.com"))
    assert stub.requests == []


def test_a_task_is_plain_data_any_core_module_can_define() -> None:
    result = get_ai(load_settings(env={})).run(_toy_task(), Counts(product_count=3))
    assert result.value == Greeting(text="3 products, offline")
    assert (result.engine, result.fallback_reason) == ("offline", "no API key")


def test_an_unexpected_error_still_gives_an_offline_answer(caplog: pytest.LogCaptureFixture) -> None:
    def buggy_parse(raw: Any, payload: Counts) -> Greeting:
        return Greeting(text=raw["no such field"])  # a validator bug, not a SchemaViolation

    task = replace(_toy_task(), parse=buggy_parse)
    stub = StubAnthropic(tool_use_response("toy", {}))
    with caplog.at_level(logging.ERROR, logger="core.ai.door"):
        result = stub.door().run(task, Counts(product_count=3))
    assert (result.engine, result.fallback_reason) == ("offline", "unexpected error (KeyError)")
    assert result.value == Greeting(text="3 products, offline")
    assert any(r.exc_info for r in caplog.records)  # the traceback is kept for whoever reads the log
