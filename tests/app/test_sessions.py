"""Login cookies and server-side sessions in the app (AppTest): every malformed cookie shows the login form and is
deleted (never an exception), a cookie replayed after logout is refused, and sessions end on the server's clock
(idle 7 days, absolute 30 days), when signed out elsewhere, and when the user is deactivated."""

from __future__ import annotations

import base64
import json
import logging
import warnings
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from jwt.warnings import InsecureKeyLengthWarning
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from core.config import DEV_COOKIE_KEY
from core.models import User, UserSession
from tests.app.conftest import World, cookie_calls, new_app, pin_clock, start_server_session

LOGIN_FORM = ["Username", "Password"]
# Seconds since the epoch, as the library's cookie wrote `exp_date`.
TOMORROW = (datetime.now(UTC) + timedelta(days=1)).timestamp()
NEXT_CENTURY = datetime(2100, 1, 1, tzinfo=UTC).timestamp()


def _b64(data: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _unsigned(header: dict, payload: object) -> str:  # type: ignore[type-arg]
    return f"{_b64(header)}.{_b64(payload)}."


def _hs512(payload: dict) -> str:  # type: ignore[type-arg]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InsecureKeyLengthWarning)  # the dev key is short for SHA-512
        return jwt.encode(payload, DEV_COOKIE_KEY, algorithm="HS512")


# The cookies of issue #12, item 2, as the old library cookie (`sgt_auth`, a JWT): each used to raise a `jwt`
# exception on every reload. Each is now deleted unread (the app no longer honours the library's JWT at all).
LEGACY_JWTS = {
    "alg none": _unsigned({"alg": "none", "typ": "JWT"}, {"username": "admin", "exp_date": NEXT_CENTURY}),
    "HS512": _hs512({"username": "admin", "exp_date": TOMORROW}),
    "no exp_date": jwt.encode({"username": "admin"}, DEV_COOKIE_KEY, algorithm="HS256"),
    "string exp_date": jwt.encode({"username": "admin", "exp_date": "tomorrow"}, DEV_COOKIE_KEY, algorithm="HS256"),
    "expired exp": jwt.encode(
        {"username": "admin", "exp_date": TOMORROW, "exp": 1_000_000_000}, DEV_COOKIE_KEY, algorithm="HS256"
    ),
    "future nbf": jwt.encode(
        {"username": "admin", "exp_date": TOMORROW, "nbf": NEXT_CENTURY}, DEV_COOKIE_KEY, algorithm="HS256"
    ),
    "list username": jwt.encode({"username": ["admin"], "exp_date": TOMORROW}, DEV_COOKIE_KEY, algorithm="HS256"),
    "exp_date in 2100": jwt.encode({"username": "admin", "exp_date": NEXT_CENTURY}, DEV_COOKIE_KEY, algorithm="HS256"),
    "valid old cookie": jwt.encode({"username": "maya", "exp_date": TOMORROW}, DEV_COOKIE_KEY, algorithm="HS256"),
    "garbage": "%%%not-a-token%%%",
}

# Values in our own cookie (`sgt_session`) that the app did not sign, or that point at no good session.
SESSION_COOKIES = {
    **{f"JWT: {name}": value for name, value in LEGACY_JWTS.items()},
    "empty": "",
    "NUL and bidi characters": "abc\x00\u202edef",
    "non-ASCII digits": "٣" * 43 + "." + "٣" * 64,
    "overlong": "A" * 10_000,
    "signed, unknown session": "A" * 43 + ".",  # completed below with a real signature
}


def assert_login_form_and_no_session(at: AppTest) -> None:
    assert not at.exception
    assert [t.label for t in at.text_input] == LOGIN_FORM
    assert at.session_state["authentication_status"] is None
    assert "sgt_session_id" not in at.session_state
    assert not at.error  # no message at all: the login form is simply shown


@pytest.mark.parametrize("variant", list(LEGACY_JWTS))
def test_a_legacy_jwt_cookie_is_deleted_and_the_login_form_shown(
    variant: str, app_env: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    app_env["sgt_auth"] = LEGACY_JWTS[variant]
    with caplog.at_level(logging.WARNING, logger="components.shell.sessions"):
        at = new_app().run()
    assert_login_form_and_no_session(at)
    assert ("delete", "sgt_auth") in cookie_calls(at)
    assert any("deleted a sgt_auth cookie" in r.getMessage() for r in caplog.records)
    # The cookie's content never reaches the log.
    assert LEGACY_JWTS[variant] not in caplog.text


@pytest.mark.parametrize("variant", list(SESSION_COOKIES))
def test_a_session_cookie_the_app_cannot_verify_is_deleted_and_the_login_form_shown(
    variant: str, app_env: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    from core.accounts import sign_token

    value = SESSION_COOKIES[variant]
    if variant == "signed, unknown session":
        value = sign_token("A" * 43, DEV_COOKIE_KEY)
    app_env["sgt_session"] = value
    with caplog.at_level(logging.WARNING, logger="components.shell.sessions"):
        at = new_app().run()
    assert_login_form_and_no_session(at)
    assert ("delete", "sgt_session") in cookie_calls(at)
    assert any("deleted a session cookie" in r.getMessage() for r in caplog.records)


def test_the_same_bad_cookie_is_handled_once_per_browser_session(
    app_env: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    # The request's cookies stay what they were when the tab connected: later runs must not log it again.
    app_env["sgt_session"] = "garbage"
    at = new_app().run()
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="components.shell.sessions"):
        at.run()
    assert_login_form_and_no_session(at)
    assert not [r for r in caplog.records if r.name == "components.shell.sessions"]
    assert ("delete", "sgt_session") not in cookie_calls(at)


def revoked(world: World, session_id: str) -> UserSession:
    with Session(world.engine) as session:
        stored = session.get(UserSession, session_id)
    assert stored is not None
    return stored


def test_a_cookie_replayed_after_logout_shows_the_login_form(world: World, app_env: dict[str, str]) -> None:
    session_id, cookie = start_server_session("maya")
    app_env["sgt_session"] = cookie
    first = new_app().run()
    assert [t.value for t in first.title] == ["Welcome back, Maya"]
    first.sidebar.button(key="sgt_logout").click()
    first.run()
    assert [t.label for t in first.text_input] == LOGIN_FORM
    assert revoked(world, session_id).revoked_reason == "logout"

    # Someone copied the cookie before the logout and replays it in another browser.
    replay = new_app().run()
    assert_login_form_and_no_session(replay)
    assert ("delete", "sgt_session") in cookie_calls(replay)


def test_a_session_idle_for_7_days_ends_on_the_server(
    world: World, app_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    start = datetime.now(UTC).replace(microsecond=0)
    pin_clock(monkeypatch, start)
    session_id, app_env["sgt_session"] = start_server_session("noah")
    at = new_app().run()
    assert at.session_state["username"] == "noah"

    pin_clock(monkeypatch, start + timedelta(days=7) - timedelta(seconds=1))
    at.run()
    assert at.session_state["username"] == "noah"  # used again: the idle week starts anew

    pin_clock(monkeypatch, start + timedelta(days=14) - timedelta(seconds=1))
    at.run()
    assert not at.exception
    assert [t.label for t in at.text_input] == LOGIN_FORM
    assert "You were away for a while, so you have been logged out. Please log in again." in [i.value for i in at.info]
    assert ("delete", "sgt_session") in cookie_calls(at)
    # A new browser with the same cookie gets the login form too.
    assert_login_form_and_no_session(new_app().run())
    assert revoked(world, session_id).revoked_at is not None


def test_a_session_ends_30_days_after_login_even_when_used_every_day(
    app_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    start = datetime.now(UTC).replace(microsecond=0)
    pin_clock(monkeypatch, start)
    _, app_env["sgt_session"] = start_server_session("noah")
    at = new_app().run()
    for day in (6, 12, 18, 24, 29):
        pin_clock(monkeypatch, start + timedelta(days=day))
        at.run()
        assert at.session_state["username"] == "noah", day
    pin_clock(monkeypatch, start + timedelta(days=30))
    at.run()
    assert [t.label for t in at.text_input] == LOGIN_FORM
    assert "Your session has expired. Please log in again." in [i.value for i in at.info]


def test_signing_out_everywhere_ends_the_session_in_every_open_browser(world: World, app_env: dict[str, str]) -> None:
    _, app_env["sgt_session"] = start_server_session("maya")
    laptop = new_app().run()
    _, app_env["sgt_session"] = start_server_session("maya")
    phone = new_app().run()
    assert laptop.session_state["username"] == phone.session_state["username"] == "maya"

    from core.accounts import revoke_all_for_user

    with Session(world.engine) as session:
        maya_id = session.scalar(select(User.id).where(User.username == "maya"))
        assert revoke_all_for_user(session, user_id=maya_id, now=datetime.now(UTC), reason="test") >= 2
        session.commit()
    for browser in (laptop, phone):
        browser.run()
        assert [t.label for t in browser.text_input] == LOGIN_FORM
        assert "You have been signed out. Please log in again." in [i.value for i in browser.info]


def test_deactivation_ends_every_session_of_the_user(world: World, app_env: dict[str, str]) -> None:
    with Session(world.engine) as session:
        session.execute(update(User).where(User.username == "gone").values(is_active=True))
        session.commit()
    try:
        first, app_env["sgt_session"] = start_server_session("gone")
        at = new_app().run()
        assert at.session_state["username"] == "gone"
        second, _ = start_server_session("gone")  # another browser of the same person
        with Session(world.engine) as session:
            session.execute(update(User).where(User.username == "gone").values(is_active=False))
            session.commit()
        at.run()
        assert [t.label for t in at.text_input] == LOGIN_FORM
        assert "Your account is no longer active. Contact the marketplace team." in [i.value for i in at.info]
        assert revoked(world, first).revoked_reason == revoked(world, second).revoked_reason == "account deactivated"
    finally:
        with Session(world.engine) as session:
            session.execute(update(User).where(User.username == "gone").values(is_active=False))
            session.commit()
