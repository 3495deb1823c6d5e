"""Admin Sign-ins page (AppTest, clock pinned): the throttle's held-back usernames and addresses with Unlock, who is
signed in with "Sign out everywhere" behind a confirmation, and the latest attempts; sellers can't open it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from core.accounts import record_attempt
from core.models import LoginOutcome, User, UserSession
from tests.app.conftest import World, logged_in_app, login_through_form, new_app, pin_clock, start_server_session

PAGE = "pages/admin/sign_ins.py"
NOW = datetime(2026, 12, 7, 9, 30, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _pinned_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    pin_clock(monkeypatch, NOW)


def attempts(world: World, *rows: tuple[str, str | None, LoginOutcome, datetime]) -> None:
    with Session(world.engine) as session:
        for username, address, outcome, moment in rows:
            record_attempt(
                session, username=username, address=address, outcome=outcome, now=moment, user_agent="Firefox/140"
            )
        session.commit()


def open_page() -> AppTest:
    at = logged_in_app("admin", "admin", "Ada Admin").run()
    at.switch_page(PAGE)
    return at.run()


def markdown(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown]


def captions(at: AppTest) -> list[str]:
    return [c.value for c in at.caption]


def test_held_back_usernames_and_addresses_and_unlock(world: World) -> None:
    # mallory: 10 failures from one address, the last 2 minutes ago -> locked until 09:43:00.
    # 198.51.100.9: 5 failures spread over 5 usernames, the last 5 s ago -> backing off until 09:30:10.
    attempts(world, *[("mallory", "203.0.113.66", LoginOutcome.FAILURE, NOW - timedelta(minutes=2))] * 10)
    attempts(
        world, *[(f"guess{n}", "198.51.100.9", LoginOutcome.FAILURE, NOW - timedelta(seconds=5)) for n in range(5)]
    )
    at = open_page()
    assert not at.exception
    assert [t.value for t in at.title] == ["Sign-ins"]
    held = [m for m in markdown(at) if "badge[" in m]
    assert held == [
        r"Address **203\.0\.113\.66** :red-badge[Locked]",
        r"Username **mallory** :red-badge[Locked]",
        r"Address **198\.51\.100\.9** :orange-badge[Backing off]",
    ]
    assert "10 failed log-ins, the last at Dec 07, 09:28:00 · may try again at Dec 07, 09:43:00" in captions(at)
    assert "5 failed log-ins, the last at Dec 07, 09:29:55 · may try again at Dec 07, 09:30:10" in captions(at)

    unlock = [b for b in at.button if b.label == "Unlock"]
    assert len(unlock) == 3
    unlock[1].click()  # the username mallory
    at.run()
    assert not at.exception
    assert "Username “mallory” unlocked: 10 failed log-ins no longer count." in [s.value for s in at.success]
    # The same rows were the address's failures: both are free now.
    assert [m for m in markdown(at) if "badge[" in m] == [r"Address **198\.51\.100\.9** :orange-badge[Backing off]"]
    # And mallory may log in at once (with the right password, which she does not have: a plain wrong password).
    assert [e.value for e in login_through_form(new_app(), "mallory", "guess").error] == [
        "Incorrect username or password."
    ]


def test_sign_out_everywhere_asks_first_then_ends_every_session(world: World, app_env: dict[str, str]) -> None:
    laptop_id, cookie = start_server_session("maya")
    phone_id, _ = start_server_session("maya")
    at = open_page()
    buttons = {b.key: b for b in at.button if b.label == "Sign out everywhere…"}
    with Session(world.engine) as session:
        maya_id = session.scalar(select(User.id).where(User.username == "maya"))
    assert f"sign_ins_sign_out_{maya_id}" in buttons
    assert "**Maya Lopez (maya)** · Seller" in markdown(at)
    assert any(c.startswith("2 sessions · last active Dec 07, 09:30:00") for c in captions(at))

    buttons[f"sign_ins_sign_out_{maya_id}"].click()
    at.run()
    assert [w.value for w in at.warning] == [
        "Sign out Maya Lopez (maya) everywhere? All 2 sessions end at once: the next page they open shows the "
        "login form, and a copied cookie no longer works."
    ]
    with Session(world.engine) as session:  # nothing happened yet
        assert session.get(UserSession, laptop_id).revoked_at is None  # type: ignore[union-attr]
    at.button(key="sign_ins_confirm").click()
    at.run()
    assert "Maya Lopez (maya) is signed out everywhere: 2 sessions ended." in [s.value for s in at.success]
    with Session(world.engine) as session:
        for session_id in (laptop_id, phone_id):
            stored = session.get(UserSession, session_id)
            assert stored is not None and stored.revoked_at == NOW
            assert stored.revoked_reason == "signed out everywhere by an admin"
    # Maya's browser with its cookie now gets the login form.
    app_env["sgt_session"] = cookie
    maya = new_app().run()
    assert [t.label for t in maya.text_input] == ["Username", "Password"]


def test_cancel_keeps_the_sessions(world: World) -> None:
    session_id, _ = start_server_session("noah")
    at = open_page()
    with Session(world.engine) as session:
        noah_id = session.scalar(select(User.id).where(User.username == "noah"))
    at.button(key=f"sign_ins_sign_out_{noah_id}").click()
    at.run()
    assert any("Sign out Noah Kim" in w.value for w in at.warning)
    at.button(key="sign_ins_cancel").click()
    at.run()
    assert not at.warning
    with Session(world.engine) as session:
        assert session.get(UserSession, session_id).revoked_at is None  # type: ignore[union-attr]


def test_the_latest_attempts_table(world: World) -> None:
    attempts(
        world,
        ("pia", None, LoginOutcome.FAILURE, NOW - timedelta(minutes=3)),
        ("<b>x</b>", "192.0.2.1", LoginOutcome.THROTTLED, NOW - timedelta(minutes=2)),
        ("pia", None, LoginOutcome.SUCCESS, NOW - timedelta(minutes=1)),
    )
    at = open_page()
    frame = at.dataframe[0].value
    assert list(frame.columns) == ["When", "Username", "Address", "Result", "Browser"]
    ours = frame[frame["Username"].isin(["pia", "<b>x</b>"])].to_dict("records")
    assert ours == [
        {
            "When": "Dec 07, 09:29:00",
            "Username": "pia",
            "Address": "local",
            "Result": "Logged in",
            "Browser": "Firefox/140",
        },
        {
            "When": "Dec 07, 09:28:00",
            "Username": "<b>x</b>",  # as typed: a table cell never renders markup
            "Address": "192.0.2.1",
            "Result": "Refused: too many failures",
            "Browser": "Firefox/140",
        },
        {
            "When": "Dec 07, 09:27:00",
            "Username": "pia",
            "Address": "local",
            "Result": "Wrong username or password (cleared)",  # pia's success cleared it
            "Browser": "Firefox/140",
        },
    ]


def test_a_seller_cannot_reach_the_page() -> None:
    at = logged_in_app("maya", "seller", "Maya Lopez").run()
    with pytest.raises(ValueError):
        at.switch_page(PAGE)


def test_the_page_itself_stops_a_seller() -> None:
    from core.config import PROJECT_ROOT
    from tests.app.conftest import RUN_TIMEOUT

    at = AppTest.from_file(str(PROJECT_ROOT / PAGE), default_timeout=RUN_TIMEOUT)
    at.session_state["authentication_status"] = True
    at.session_state["username"] = "maya"
    at.session_state["roles"] = ["seller"]
    at.run()
    assert [e.value for e in at.error] == ["This page is only for admins."]
    assert not at.dataframe and not at.button
