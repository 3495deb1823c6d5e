"""A stand-in for the Anthropic Messages API under the real SDK (an httpx2 MockTransport): replies, requests."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal as D
from typing import Any

import httpx2

from core.ai import AIDoor, get_ai
from core.ai.tasks.pricing_types import MarketContext, PricingPayload, ProductFacts
from core.config import Settings, load_settings

STUB_MODEL = "claude-stub-model"

Reply = httpx2.Response | Callable[[httpx2.Request], httpx2.Response]


def stub_settings(**overrides: str) -> Settings:
    """Settings with a (fake) key, the stub model, a 5 s timeout and no retries unless overridden."""
    env = {
        "ANTHROPIC_API_KEY": "sk-ant-test-not-a-real-key",
        "ANTHROPIC_MODEL": STUB_MODEL,
        "ANTHROPIC_TIMEOUT_SECONDS": "5",
        "ANTHROPIC_MAX_RETRIES": "0",
    }
    env.update(overrides)
    return load_settings(env=env)


def message_response(content: list[dict[str, Any]], *, stop_reason: str = "tool_use") -> httpx2.Response:
    """A real-shaped Messages API response."""
    return httpx2.Response(
        200,
        json={
            "id": "msg_01StubStubStubStubStub",
            "type": "message",
            "role": "assistant",
            "model": STUB_MODEL,
            "content": content,
            "stop_reason": stop_reason,
            "stop_sequence": None,
            "usage": {"input_tokens": 412, "output_tokens": 96},
        },
    )


def tool_use_response(name: str, tool_input: Any, *, stop_reason: str = "tool_use") -> httpx2.Response:
    block = {"type": "tool_use", "id": "toolu_01StubStubStub", "name": name, "input": tool_input}
    return message_response([block], stop_reason=stop_reason)


def text_response(text: str) -> httpx2.Response:
    return message_response([{"type": "text", "text": text}], stop_reason="end_turn")


def invalid_json_response() -> httpx2.Response:
    return httpx2.Response(200, content=b'{"id": "msg_01", "content": [', headers={"content-type": "application/json"})


def error_response(status: int, error_type: str, message: str) -> httpx2.Response:
    # retry-after-ms keeps the SDK's back-off between retries at 1 ms, so retry tests stay fast.
    return httpx2.Response(
        status,
        json={"type": "error", "error": {"type": error_type, "message": message}},
        headers={"retry-after-ms": "1"},
    )


def overloaded_response() -> httpx2.Response:
    return error_response(529, "overloaded_error", "Overloaded")


def read_timeout(request: httpx2.Request) -> httpx2.Response:
    raise httpx2.ReadTimeout("stub: no answer within the timeout", request=request)


def connect_error(request: httpx2.Request) -> httpx2.Response:
    raise httpx2.ConnectError("stub: connection refused", request=request)


class StubAnthropic:
    """Answers each request with the next reply (the last one repeats) and records what was sent."""

    def __init__(self, *replies: Reply) -> None:
        if not replies:
            raise ValueError("give the stub at least one reply")
        self.replies = list(replies)
        self.requests: list[httpx2.Request] = []

    def handler(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        reply = self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]
        if callable(reply):
            return reply(request)
        # A fresh copy each time: a repeated reply (retries) must not share a consumed stream.
        return httpx2.Response(reply.status_code, headers=reply.headers, content=reply.content)

    @property
    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(r.content) for r in self.requests]

    def door(self, settings: Settings | None = None) -> AIDoor:
        """A door whose real SDK client talks to this stub."""
        transport = httpx2.MockTransport(self.handler)
        return get_ai(settings or stub_settings(), http_client=httpx2.Client(transport=transport))


def pricing_payload(**product_changes: Any) -> PricingPayload:
    """An underpriced EBOOK in Productivity; the market's allowed band is [12.00, 28.80]."""
    market = MarketContext(
        average_price=D("20.50"),
        median_price=D("19.00"),
        p25_price=D("15.00"),
        p75_price=D("24.00"),
        min_price=D("5.00"),
        max_price=D("60.00"),
        sample_size=42,
        top_seller_average_price=D("22.00"),
        average_rating=4.2,
        median_conversion_rate=0.02,
    )
    product = ProductFacts(
        title="Deep Work Planner",
        product_type="EBOOK",
        category_name="Productivity",
        current_price=D("12.00"),
        description_words=250,
        image_count=4,
        tag_count=5,
        average_rating=4.6,
        conversion_rate=0.031,
    )
    product = replace(product, **product_changes)
    return PricingPayload(product=product, market=market, competitive_position="underpriced", confidence_score=72)


GOOD_PRICING_ANSWER = {
    "suggested_price": 18.99,
    "price_range": {"min": 15.99, "max": 23.99},
    "reasoning": "Your $12.00 sits below the $15.00 lower quartile of 42 comparable e-books. "
    "A 4.6 rating and 3.1% conversion support moving to $18.99, just under the $19.00 median.",
}
