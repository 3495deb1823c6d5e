"""Session cookies and the session rule: only a value this app signed is read (every malformed or foreign value is
refused without raising), and a session ends when revoked, idle 7 days, 30 days old, or its user deactivated."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import pytest

from core.accounts.sessions import (
    SessionPolicy,
    SessionStatus,
    hash_token,
    new_token,
    session_status,
    sign_token,
    verified_token,
)
from tests.conftest import NOW

KEY = "a-test-cookie-key-that-is-long-enough-0123456789"
POLICY = SessionPolicy()  # idle 7 days, absolute 30 days


def test_a_signed_token_reads_back() -> None:
    token = new_token()
    value = sign_token(token, KEY)
    assert len(token) == 43 and value.startswith(token + ".") and len(value) == 43 + 1 + 64
    assert verified_token(value, KEY) == token
    assert new_token() != token  # random
    assert hash_token(token) != token and len(hash_token(token)) == 64


def _b64(data: dict | list) -> str:  # type: ignore[type-arg]
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _forged_variants() -> dict[str, object]:
    token = "A" * 43
    good = sign_token(token, KEY)
    signature = good.split(".")[1]
    return {
        "empty": "",
        "garbage": "not a cookie",
        "jwt alg none": f"{_b64({'alg': 'none'})}.{_b64({'username': 'admin', 'exp_date': 4102444800})}.",
        "other key": sign_token(token, "another-key"),
        "token changed": "B" + good[1:],
        "signature changed": good[:-1] + ("0" if good[-1] != "0" else "1"),
        "upper-case signature": f"{token}.{signature.upper()}",
        "no signature": token,
        "two dots": good + ".x",
        "short token": f"{token[:-1]}.{signature}",
        "non-ASCII digits in the signature": f"{token}.{'٣' * 64}",
        "full-width letters in the token": f"{'Ａ' * 43}.{signature}",
        "overlong": good + "=" * 200,
        "NUL inside": good[:10] + "\x00" + good[11:],
        "None": None,
        "a number": 12345,
        "a list": [good],
    }


@pytest.mark.parametrize("name", list(_forged_variants()))
def test_every_other_cookie_value_is_refused_without_raising(name: str) -> None:
    assert verified_token(_forged_variants()[name], KEY) is None


def test_sign_token_refuses_what_is_not_a_token() -> None:
    with pytest.raises(ValueError):
        sign_token("short", KEY)


def status(**changes: object) -> SessionStatus:
    values: dict[str, object] = {
        "last_seen_at": NOW - timedelta(hours=1),
        "expires_at": NOW + timedelta(days=10),
        "revoked_at": None,
        "user_active": True,
        "now": NOW,
        "policy": POLICY,
    }
    values.update(changes)
    return session_status(**values)  # type: ignore[arg-type]


def test_a_fresh_session_is_good() -> None:
    assert status() == SessionStatus.OK


def test_revoked_and_inactive_sessions_are_over() -> None:
    assert status(revoked_at=NOW - timedelta(seconds=1)) == SessionStatus.REVOKED
    assert status(user_active=False) == SessionStatus.INACTIVE


def test_idle_boundary_is_seven_days_since_last_use() -> None:
    assert status(last_seen_at=NOW - timedelta(days=7) + timedelta(seconds=1)) == SessionStatus.OK
    assert status(last_seen_at=NOW - timedelta(days=7)) == SessionStatus.IDLE


def test_absolute_boundary_is_the_stored_end() -> None:
    assert status(expires_at=NOW + timedelta(seconds=1)) == SessionStatus.OK
    assert status(expires_at=NOW) == SessionStatus.EXPIRED


def test_a_clock_behind_the_last_use_is_not_idleness() -> None:
    assert status(last_seen_at=NOW + timedelta(days=3)) == SessionStatus.OK
