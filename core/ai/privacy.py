"""Keeps personal data away from language models: refuses personal fields and strips e-mail addresses."""

from __future__ import annotations

import re
from typing import Any

# Keys that name a person or reach one. A payload carrying one is a programming error:
# tasks describe products and aggregates, never the people behind them.
PERSONAL_KEYS = frozenset(
    {
        "name",
        "full_name",
        "first_name",
        "last_name",
        "display_name",
        "username",
        "user_name",
        "seller_name",
        "phone",
        "phone_number",
        "address",
        "street",
        "ip",
        "ip_address",
        "password",
        "birthday",
        "date_of_birth",
    }
)
PERSONAL_KEY_PARTS = ("email", "e_mail", "password", "phone")
EMAIL_PATTERN = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
EMAIL_PLACEHOLDER = "[e-mail removed]"


class PersonalDataError(ValueError):
    """A task payload carries a field that identifies a person."""


def is_personal_key(key: str) -> bool:
    normalized = key.strip().lower().replace("-", "_")
    return normalized in PERSONAL_KEYS or any(part in normalized for part in PERSONAL_KEY_PARTS)


def assert_no_personal_keys(payload: Any, path: str = "payload") -> None:
    """Raise `PersonalDataError` when any key at any depth of the JSON `payload` names personal data."""
    if isinstance(payload, dict):
        for key, value in payload.items():
            where = f"{path}.{key}"
            if is_personal_key(str(key)):
                raise PersonalDataError(f"{where} looks like personal data and must not be sent to a model")
            assert_no_personal_keys(value, where)
    elif isinstance(payload, list):
        for index, item in enumerate(payload):
            assert_no_personal_keys(item, f"{path}[{index}]")


def redact_emails(text: str) -> str:
    """`text` with every e-mail address replaced (a seller may type one into a product title)."""
    return EMAIL_PATTERN.sub(EMAIL_PLACEHOLDER, text)


def contains_email(text: str) -> bool:
    return EMAIL_PATTERN.search(text) is not None
