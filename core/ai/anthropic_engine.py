"""One forced-tool-use call to the Anthropic Messages API, with every failure turned into a fallback reason."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import anthropic
import httpx2

from core.config import Settings


class AIFallback(Exception):
    """The model gave no usable answer; `reason` says why in words a page can show."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def build_anthropic_client(
    settings: Settings, *, http_client: httpx2.Client | None = None
) -> anthropic.Anthropic | None:
    """An SDK client bounded by the settings' timeout and retries, or None without `ANTHROPIC_API_KEY`.

    `http_client` lets tests put an `httpx2.MockTransport` under the real SDK.
    """
    if not settings.anthropic_api_key:
        return None
    return anthropic.Anthropic(
        api_key=settings.anthropic_api_key,
        timeout=httpx2.Timeout(settings.anthropic_timeout_seconds),
        max_retries=settings.anthropic_max_retries,
        http_client=http_client,
    )


def status_reason(status_code: int) -> str:
    if status_code == 529:
        return "overloaded (529)"
    if status_code == 429:
        return "rate limited (429)"
    if status_code in (401, 403):
        return f"API key refused ({status_code})"
    return f"API error ({status_code})"


def request_tool_input(
    client: anthropic.Anthropic,
    *,
    model: str,
    tool_name: str,
    tool_description: str,
    input_schema: Mapping[str, Any],
    system_prompt: str,
    user_message: str,
    max_tokens: int,
) -> Mapping[str, Any]:
    """Ask `model` to answer by calling the one tool `tool_name`, and return that call's input.

    The tool is forced (`tool_choice`) and strict, so a well-behaved answer is exactly one
    object matching `input_schema`; everything else raises `AIFallback`. The SDK itself
    retries connection errors, 408/409/429 and 5xx (529 included) up to `max_retries`.
    """
    try:
        message = client.messages.create(
            model=model,
            max_tokens=max_tokens,
            system=system_prompt,
            messages=[{"role": "user", "content": user_message}],
            tools=[
                {
                    "name": tool_name,
                    "description": tool_description,
                    "input_schema": dict(input_schema),
                    "strict": True,
                }
            ],
            tool_choice={"type": "tool", "name": tool_name},
        )
    except anthropic.APITimeoutError as exc:  # before APIConnectionError: it is a subclass
        raise AIFallback("timeout") from exc
    except anthropic.APIStatusError as exc:
        raise AIFallback(status_reason(exc.status_code)) from exc
    except anthropic.APIConnectionError as exc:
        raise AIFallback("connection error") from exc
    except json.JSONDecodeError as exc:  # the SDK parses the body with json.loads and lets this through
        raise AIFallback("invalid JSON") from exc
    except anthropic.AnthropicError as exc:
        raise AIFallback(f"API error ({type(exc).__name__})") from exc

    content = getattr(message, "content", None) or []
    if not isinstance(content, list):  # a lenient parse of an odd body can leave any JSON value here
        raise AIFallback("invalid answer: content is not a list of blocks")
    for block in content:
        if getattr(block, "type", None) == "tool_use" and getattr(block, "name", None) == tool_name:
            tool_input = block.input
            if not isinstance(tool_input, Mapping):
                raise AIFallback("invalid answer: tool input is not an object")
            if getattr(message, "stop_reason", None) == "max_tokens":
                raise AIFallback("invalid answer: cut off at max_tokens")
            return tool_input
    kinds = ", ".join(str(getattr(block, "type", "?")) for block in content) or "nothing"
    raise AIFallback(f"invalid answer: no {tool_name} tool call (got {kinds})")
