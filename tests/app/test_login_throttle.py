"""Login throttling in the app (AppTest, the app's clock pinned): the 5th failure in 15 minutes starts an exponential
back-off, the 10th locks for 15 minutes; while waiting, even the right password is refused, with a message that
says when to try again and never which of username or password was wrong; per username and per client address."""

from __future__ import annotations

import types
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from core.models import LoginAttempt, LoginOutcome
from tests.app.conftest import PASSWORDS, World, login_through_form, new_app, pin_clock

WRONG = "Incorrect username or password."
# A pinned "now" (APP_TIMEZONE is UTC in these tests, so the message's clock times read as below).
T0 = datetime(2026, 12, 7, 15, 0, 0, tzinfo=UTC)


def at_time(monkeypatch: pytest.MonkeyPatch, moment: datetime) -> None:
    pin_clock(monkeypatch, moment)


def attempt(username: str, password: str) -> AppTest:
    """One submitted login form in a fresh browser (the throttle lives on the server, not in the tab)."""
    return login_through_form(new_app(), username, password)


def errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


def logged_in(at: AppTest) -> bool:
    return at.session_state["authentication_status"] is True and not at.text_input


def test_back_off_from_the_fifth_failure_then_the_right_password_works(monkeypatch: pytest.MonkeyPatch) -> None:
    at_time(monkeypatch, T0)
    for n in range(1, 5):
        assert errors(attempt("noah", f"wrong-{n}")) == [WRONG], n
    # The 5th failure within 15 minutes: the next try must wait 15 s.
    fifth = errors(attempt("noah", "wrong-5"))
    assert fifth == [f"{WRONG} Too many failed log-in attempts. Try again in 15 s (at 15:00:15 UTC)."]

    # Even the right password is refused while waiting, without checking it.
    at_time(monkeypatch, T0 + timedelta(seconds=14))
    refused = attempt("noah", PASSWORDS["noah"])
    assert errors(refused) == ["Too many failed log-in attempts. Try again in 1 s (at 15:00:15 UTC)."]
    assert not logged_in(refused) and refused.session_state["username"] is None

    at_time(monkeypatch, T0 + timedelta(seconds=15))
    assert logged_in(attempt("noah", PASSWORDS["noah"]))
    # The success cleared noah's failures: a new wrong password is an ordinary one again.
    assert errors(attempt("noah", "wrong-6")) == [WRONG]


def test_the_tenth_failure_locks_for_15_minutes(monkeypatch: pytest.MonkeyPatch, world: World) -> None:
    # Each try when the previous wait is over: 5 at once, then after 15 s, 30 s, 1 min, 2 min, 4 min.
    moment = T0 + timedelta(hours=1)
    schedule = [0, 0, 0, 0, 0, 15, 30, 60, 120, 240]
    expected_waits = {5: "15 s", 6: "30 s", 7: "1 min", 8: "2 min", 9: "4 min"}
    for n, pause in enumerate(schedule, start=1):
        moment += timedelta(seconds=pause)
        at_time(monkeypatch, moment)
        messages = errors(attempt("admin", f"wrong-{n}"))
        if n < 5:
            assert messages == [WRONG], n
        elif n < 10:
            assert messages[0].startswith(f"{WRONG} Too many failed log-in attempts. Try again in {expected_waits[n]} ")
        else:
            until = moment + timedelta(minutes=15)
            assert messages == [
                f"{WRONG} Too many failed log-in attempts: logging in is locked for now. Try again in 15 min "
                f"(at {until:%H:%M:%S} UTC), or ask the marketplace team to unlock it."
            ]
    locked_at = moment

    at_time(monkeypatch, locked_at + timedelta(minutes=14, seconds=59))
    refused = attempt("admin", PASSWORDS["admin"])
    assert not logged_in(refused)
    locked_message = "Too many failed log-in attempts: logging in is locked for now. Try again in 1 s "
    assert errors(refused)[0].startswith(locked_message)

    at_time(monkeypatch, locked_at + timedelta(minutes=15))
    assert logged_in(attempt("admin", PASSWORDS["admin"]))

    # Every form was recorded: 10 failures (cleared by the success), 1 refusal, 1 success.
    with Session(world.engine) as session:
        rows = session.execute(
            select(LoginAttempt.outcome, LoginAttempt.cleared_at.is_not(None)).where(LoginAttempt.username == "admin")
        ).all()
    assert sorted((LoginOutcome(o).value, c) for o, c in rows) == sorted(
        [("failure", True)] * 10 + [("throttled", False), ("success", False)]
    )


def test_an_unknown_username_is_throttled_the_same_way(monkeypatch: pytest.MonkeyPatch) -> None:
    at_time(monkeypatch, T0 + timedelta(hours=2))
    for _ in range(4):
        assert errors(attempt("nobody-here", "whatever")) == [WRONG]
    fifth = errors(attempt("nobody-here", "whatever"))
    assert fifth == [f"{WRONG} Too many failed log-in attempts. Try again in 15 s (at 17:00:15 UTC)."]


@contextmanager
def from_address(address: str, app_env: dict[str, str]) -> Iterator[None]:
    client = types.SimpleNamespace(cookies=app_env, headers=[("User-Agent", "AppTest")], remote_ip=address)
    with mock.patch("streamlit.runtime.context._get_client_context", return_value=client):
        yield


def test_one_address_trying_many_usernames_is_held_back(
    monkeypatch: pytest.MonkeyPatch, app_env: dict[str, str], world: World
) -> None:
    at_time(monkeypatch, T0 + timedelta(hours=3))
    with from_address("203.0.113.7", app_env):
        for name in ("spray-1", "spray-2", "spray-3", "spray-4"):
            assert errors(attempt(name, "guess")) == [WRONG]
        assert errors(attempt("spray-5", "guess"))[0].startswith(f"{WRONG} Too many failed log-in attempts.")
        # From that address even maya's right password must wait.
        refused = attempt("maya", PASSWORDS["maya"])
        assert errors(refused) == ["Too many failed log-in attempts. Try again in 15 s (at 18:00:15 UTC)."]
    # Another address is not held back for maya.
    with from_address("198.51.100.20", app_env):
        assert logged_in(attempt("maya", PASSWORDS["maya"]))
    with Session(world.engine) as session:
        addresses = set(session.scalars(select(LoginAttempt.address).where(LoginAttempt.username == "spray-1")))
    assert addresses == {"203.0.113.7"}
