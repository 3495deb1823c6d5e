"""Small checks that turn a model's tool input into typed values, raising `SchemaViolation` on anything off."""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from decimal import Decimal
from typing import Any

from core.money import to_cents


class SchemaViolation(ValueError):
    """The model's answer does not match the task's schema or bounds; the message names the field."""


def require_object(raw: Any, keys: Collection[str], where: str = "answer") -> Mapping[str, Any]:
    """`raw` as a mapping with exactly `keys` (missing or unexpected fields are violations)."""
    if not isinstance(raw, Mapping):
        raise SchemaViolation(f"{where} is {type(raw).__name__}, not an object")
    missing = [k for k in keys if k not in raw]
    if missing:
        raise SchemaViolation(f"missing field {', '.join(missing)}" + ("" if where == "answer" else f" in {where}"))
    extra = sorted(set(raw) - set(keys))
    if extra:
        raise SchemaViolation(f"unexpected field {', '.join(extra)}" + ("" if where == "answer" else f" in {where}"))
    return raw


def require_number(raw: Any, field: str) -> float:
    # bool is an int in Python but never a valid number in an answer.
    if isinstance(raw, bool) or not isinstance(raw, int | float) or not math.isfinite(raw):
        raise SchemaViolation(f"{field} is {raw!r}, not a number")
    return float(raw)


def require_money(raw: Any, field: str) -> Decimal:
    """A positive amount, rounded to cents."""
    amount = to_cents(require_number(raw, field))
    if amount <= 0:
        raise SchemaViolation(f"{field} {amount} is not a positive amount")
    return amount


def require_text(raw: Any, field: str, *, max_chars: int, min_chars: int = 1) -> str:
    if not isinstance(raw, str):
        raise SchemaViolation(f"{field} is {type(raw).__name__}, not text")
    text = " ".join(raw.split())
    if len(text) < min_chars:
        raise SchemaViolation(f"{field} is empty" if min_chars == 1 else f"{field} is shorter than {min_chars} chars")
    if len(text) > max_chars:
        raise SchemaViolation(f"{field} has {len(text)} characters, more than {max_chars}")
    return text


def require_choice(raw: Any, field: str, choices: Collection[str]) -> str:
    if raw not in choices:
        raise SchemaViolation(f"{field} {raw!r} is not one of {', '.join(sorted(choices))}")
    return str(raw)


def require_list(raw: Any, field: str, *, min_items: int, max_items: int) -> list[Any]:
    if not isinstance(raw, list):
        raise SchemaViolation(f"{field} is {type(raw).__name__}, not a list")
    if not min_items <= len(raw) <= max_items:
        raise SchemaViolation(f"{field} has {len(raw)} items, expected {min_items}–{max_items}")
    return raw
