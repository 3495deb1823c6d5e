"""The router and login: who gets which pages, wrong passwords, logout, and the seller home's numbers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from core.config import PROJECT_ROOT
from core.models import SellerProfile, User, UserSession
from tests.app.conftest import (
    PASSWORDS,
    World,
    cookie_calls,
    logged_in_app,
    login_through_form,
    new_app,
    start_server_session,
)
from tests.factories import make_seller


def registered_pages(at: AppTest) -> dict[str, str]:
    """url path -> script of every page `st.navigation` registered in the last run (AppTest keeps the map)."""
    return {info["url_pathname"]: Path(str(info["script_path"])).name for info in at._registered_pages.values()}


def role_page_files(role: str) -> set[str]:
    """Every page file of a role: all of them must be registered for that role, and only them."""
    root = Path(__file__).resolve().parents[2]
    return {str(p.relative_to(root)) for p in (root / "pages" / role).glob("*.py") if p.name != "__init__.py"}


def registered_scripts(at: AppTest) -> set[str]:
    return {
        str(Path(str(info["script_path"])).relative_to(PROJECT_ROOT))
        for info in at._registered_pages.values()
        if str(info.get("script_path", "")).endswith(".py") and Path(str(info["script_path"])).is_file()
    }


def test_login_form_is_shown_to_a_visitor() -> None:
    at = new_app().run()
    assert not at.exception
    assert [t.label for t in at.text_input] == ["Username", "Password"]
    assert at.session_state["authentication_status"] is None
    assert not at.error


def test_wrong_password_is_refused_with_one_message_and_no_session() -> None:
    at = login_through_form(new_app(), "maya", "not-her-password")
    assert not at.exception
    assert [e.value for e in at.error] == ["Incorrect username or password."]
    assert at.session_state["authentication_status"] is False
    assert at.session_state["username"] is None
    assert at.session_state["roles"] is None


def test_unknown_user_gets_the_same_message() -> None:
    at = login_through_form(new_app(), "nobody", "whatever-pass")
    assert [e.value for e in at.error] == ["Incorrect username or password."]


def test_inactive_user_cannot_log_in() -> None:
    at = login_through_form(new_app(), "gone", "gone-test-pass")
    assert [e.value for e in at.error] == ["Incorrect username or password."]
    assert at.session_state["authentication_status"] is False


def test_an_account_created_after_the_credentials_were_cached_can_log_in_at_once(world: World) -> None:
    # The run's credential list is cached for a minute: the first visit caches it without the new seller ...
    login_through_form(new_app(), "maya", "not-her-password")
    with Session(world.engine) as session:
        fay = make_seller(session, username="fresh_fay", password="fresh-fay-pass", name="Fay Fresh")
        session.commit()
        user_id, profile_id = fay.user_id, fay.id
    try:
        # ... yet her first login is judged by the database as it is now.
        at = login_through_form(new_app(), "fresh_fay", "fresh-fay-pass")
        assert not at.exception
        assert at.session_state["authentication_status"] is True and at.session_state["username"] == "fresh_fay"
        # And an account deactivated after the list was cached is refused at once.
        with Session(world.engine) as session:
            session.execute(update(User).where(User.id == user_id).values(is_active=False))
            session.commit()
        again = login_through_form(new_app(), "fresh_fay", "fresh-fay-pass")
        assert [e.value for e in again.error] == ["Incorrect username or password."]
    finally:  # the world is shared: leave no extra seller behind
        with Session(world.engine) as session:
            session.execute(delete(UserSession).where(UserSession.user_id == user_id))
            session.execute(delete(SellerProfile).where(SellerProfile.id == profile_id))
            session.execute(delete(User).where(User.id == user_id))
            session.commit()


def test_seller_logs_in_and_gets_only_seller_pages(world: World) -> None:
    started = datetime.now(UTC)
    at = login_through_form(new_app(), "maya", PASSWORDS["maya"])
    assert not at.exception
    assert at.session_state["authentication_status"] is True
    assert at.session_state["username"] == "maya"
    assert at.session_state["roles"] == ["seller"]
    assert registered_scripts(at) == role_page_files("seller")
    assert [t.value for t in at.title] == ["Welcome back, Maya"]
    assert not at.text_input  # the login form is gone after the rerun
    # The login was stamped once, at about now.
    with Session(world.engine) as session:
        stamped = session.scalar(select(User.last_login_at).where(User.username == "maya"))
    assert stamped is not None and started - timedelta(seconds=1) <= stamped <= datetime.now(UTC)


def test_seller_cannot_open_an_admin_page() -> None:
    at = logged_in_app("maya", "seller", "Maya Lopez").run()
    assert registered_scripts(at) == role_page_files("seller")
    with pytest.raises(ValueError):
        at.switch_page("pages/admin/home.py")


def test_admin_gets_only_admin_pages() -> None:
    at = logged_in_app("admin", "admin", "Ada Admin").run()
    assert not at.exception
    assert registered_scripts(at) == role_page_files("admin")
    assert [t.value for t in at.title] == ["Marketplace overview"]
    with pytest.raises(ValueError):
        at.switch_page("pages/seller/home.py")


def test_admin_logs_in_through_the_form() -> None:
    at = login_through_form(new_app(), "admin", PASSWORDS["admin"])
    assert at.session_state["roles"] == ["admin"]
    assert [t.value for t in at.title] == ["Marketplace overview"]


def test_seller_home_shows_the_hand_computed_numbers(world: World) -> None:
    at = logged_in_app("maya", "seller", "Maya Lopez").run()
    assert not at.exception
    metrics = {m.label: (m.value, m.delta) for m in at.metric}
    # Current 30 full days: 100.00 (yesterday) + 50.50 (30 days ago) = 150.50 from 2 + 1 = 3 units.
    # Previous 30 days: 40.00 + 10.00 = 50.00 from 2 units. Change: (150.50 - 50.00) / 50.00 = +201.0 %;
    # units (3 - 2) / 2 = +50.0 %. Today's 77.00, the 999.00 of 61 days ago and Otto's 500.00 are out.
    assert metrics["Revenue · last 30 days"] == ("$150.50", "+201.0%")
    assert metrics["Units sold · last 30 days"] == ("3", "+50.0%")
    # One published product; the draft, the archived and the deleted one are not live.
    assert metrics["Live products"] == ("1", "")
    # The 12-month chart comes first (tests/app/seller/test_home.py), the daily one with its 7-day average last.
    spec = at.get("vega_lite_chart")[-1].proto.spec
    assert "rolling_average" in spec and "Daily revenue" in [s.value for s in at.subheader]


def test_seller_without_sales_sees_the_empty_state() -> None:
    at = logged_in_app("noah", "seller", "Noah Kim").run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {"Revenue · last 30 days": "$0.00", "Units sold · last 30 days": "0", "Live products": "1"}
    assert any(i.value.startswith("No sales yet") for i in at.info)
    assert not at.get("vega_lite_chart")


def test_pending_seller_sees_only_the_account_notice() -> None:
    at = logged_in_app("pia", "seller", "Pia Pending").run()
    assert not at.exception
    assert registered_scripts(at) == set()  # only the notice page (a function), no seller page files
    assert [t.value for t in at.title] == ["Your seller account"]
    assert "waiting for approval" in at.info[0].value
    with pytest.raises(ValueError):
        at.switch_page("pages/seller/home.py")


def test_logout_clears_the_session_and_shows_the_login_form(world: World) -> None:
    at = logged_in_app("maya", "seller", "Maya Lopez").run()
    session_id = at.session_state["sgt_session_id"]
    at.sidebar.button(key="sgt_logout").click()
    at.run()
    assert not at.exception
    for key in ("authentication_status", "username", "name", "roles"):
        assert at.session_state[key] is None
    assert at.session_state["logout"] is True
    assert "sgt_session_id" not in at.session_state
    assert [t.label for t in at.text_input] == ["Username", "Password"]
    assert "You have been logged out." in [i.value for i in at.info]
    assert registered_scripts(at) == set()
    # The session ended on the server, and the browser was told to delete its cookie.
    with Session(world.engine) as session:
        stored = session.get(UserSession, session_id)
    assert stored is not None and stored.revoked_at is not None and stored.revoked_reason == "logout"
    assert ("delete", "sgt_session") in cookie_calls(at)


def test_cookie_logs_a_returning_browser_in(app_env: dict[str, str]) -> None:
    session_id, cookie = start_server_session("maya")
    app_env["sgt_session"] = cookie
    at = new_app().run()
    assert at.session_state["username"] == "maya"
    assert at.session_state["roles"] == ["seller"]
    assert at.session_state["sgt_session_id"] == session_id
    assert [t.value for t in at.title] == ["Welcome back, Maya"]
    assert not [call for call in cookie_calls(at) if call[0] == "delete"]


def test_cookie_signed_with_another_key_is_ignored(app_env: dict[str, str]) -> None:
    from core.accounts import sign_token

    _, cookie = start_server_session("admin")
    token = cookie.split(".")[0]
    app_env["sgt_session"] = sign_token(token, "forged-key")
    at = new_app().run()
    assert not at.exception
    assert at.session_state["authentication_status"] is None
    assert [t.label for t in at.text_input] == ["Username", "Password"]
    assert ("delete", "sgt_session") in cookie_calls(at)


def test_production_with_the_dev_cookie_key_refuses_to_start(monkeypatch: pytest.MonkeyPatch) -> None:
    from core.config import reset_settings

    monkeypatch.setenv("APP_ENV", "production")
    reset_settings()
    at = new_app().run()
    assert len(at.error) == 1 and at.error[0].value.startswith("The app cannot start: APP_ENV=production")
    assert not at.text_input


def test_a_deactivated_user_is_logged_out_on_the_next_run() -> None:
    # "gone" is inactive in the database but the session still says logged in (as before deactivation).
    at = logged_in_app("gone", "seller", "Gone User").run()
    assert not at.exception
    assert at.session_state["authentication_status"] is None
    assert [t.label for t in at.text_input] == ["Username", "Password"]
    assert "Your account is no longer active. Contact the marketplace team." in [i.value for i in at.info]


def test_admin_pages_check_the_role_themselves() -> None:
    # Run the admin page's guard directly in a seller's session, as if the menu had been bypassed.
    def page() -> None:
        from components import data
        from components.shell import access
        from core.config import get_settings

        data.use_database(get_settings().database_url)
        access.require_role("admin")
        import streamlit as st

        st.write("admin content")

    at = AppTest.from_function(page, default_timeout=30)
    at.session_state["authentication_status"] = True
    at.session_state["username"] = "maya"
    at.session_state["roles"] = ["seller"]
    at.run()
    assert [e.value for e in at.error] == ["This page is only for admins."]
    assert not at.markdown


def test_admin_home_shows_the_hand_computed_numbers() -> None:
    at = logged_in_app("admin", "admin", "Ada Admin").run()
    metrics = {m.label: (m.value, m.delta) for m in at.metric}
    # GMV, last 30 full days: Maya 100.00 + 50.50 and Otto 500.00 = 650.50; previous: 40.00 + 10.00 = 50.00;
    # (650.50 - 50.00) / 50.00 = +1201.0 %.
    assert metrics["GMV · last 30 days"] == ("$650.50", "+1201.0%")
    # Profiles: maya, noah, otto approved + pia pending = 4; two of them sold in the period (Maya, Otto).
    assert metrics["Sellers"] == ("4", "")
    assert metrics["Selling · 30 days"] == ("2", "")
    # Live: Maya's budget planner, Noah's e-book and Otto's product.
    assert metrics["Live products"] == ("3", "")
    assert "1 seller application is waiting for approval." in [i.value for i in at.info]
    assert at.get("vega_lite_chart")
