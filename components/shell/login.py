"""Login and logout around streamlit-authenticator: the authenticator (its form and bcrypt check, with our throttle
in front and our server-side session behind), the login screen, the account box, and ending a stale session.

Traps handled here (see FIELD-NOTES): build ONE `Authenticate` per run; pass bcrypt hashes with
`auto_hash=False`; wait ~1 s before the rerun after a form login so the cookie is written; never
rerun after logout (the cookie deletion would be lost). The library's own JWT cookie is switched off
(`components.shell.sessions.SessionCookies` says why); the session cookie is ours.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

import streamlit as st
import streamlit_authenticator as stauth

from components.data import accounts, applications, clock, database_errors
from components.shell import access, sessions, streamlit_internals
from components.ui.format import format_duration, format_local
from components.ui.text import md
from core.accounts import (
    REASON_DEACTIVATED,
    REASON_LOGOUT,
    Account,
    SessionStatus,
    Verdict,
    username_key,
)
from core.config import Settings
from core.models import LoginOutcome, SellerStatus

WRONG_LOGIN_MESSAGE = "Incorrect username or password."
# Session key remembering whose login was already stamped in `users.last_login_at`.
_RECORDED_KEY = "sgt_login_recorded_for"
# Session key of the one-line notice the login screen shows after a logout.
_NOTICE_KEY = "sgt_logout_notice"
# Session key of the page (url_path, query params) a logged-out visitor asked for, opened after login.
_RETURN_TO_KEY = "sgt_return_to"
# Session key of the throttle's message for the last submitted form (replaces the wrong-password message).
_REFUSAL_KEY = "sgt_login_refusal"
# Seconds to let the browser store the login cookie before the rerun (upstream #276).
COOKIE_SETTLE_SECONDS = 1.0
LOGIN_FIELDS = {"Form name": "Log in", "Username": "Username", "Password": "Password", "Login": "Log in"}
LOGGED_OUT_NOTICE = "You have been logged out."
DEACTIVATED_NOTICE = "Your account is no longer active. Contact the marketplace team."
# What the login screen says when a session ended on the server's side.
SESSION_ENDED_NOTICES = {
    SessionStatus.REVOKED: "You have been signed out. Please log in again.",
    SessionStatus.IDLE: "You were away for a while, so you have been logged out. Please log in again.",
    SessionStatus.EXPIRED: "Your session has expired. Please log in again.",
    SessionStatus.INACTIVE: DEACTIVATED_NOTICE,
}
PLEASE_LOG_IN_AGAIN = "Please log in again."


def build_authenticator(settings: Settings) -> stauth.Authenticate:
    """The one authenticator of this run, over the active users' bcrypt hashes: its login form and password check
    stay; its JWT cookie is replaced by our session cookie, and every form submit passes the throttle first."""
    authenticator = stauth.Authenticate(
        accounts.credentials(),
        settings.auth_cookie_name,
        settings.auth_cookie_key,
        0,  # no library cookie: its set_cookie() does nothing at 0 days
        auto_hash=False,
    )
    # The library's cookie model made the run's one cookie component (key "init"); ours reuses it.
    authenticator.cookie_controller = sessions.SessionCookies(
        authenticator.cookie_controller.cookie_model.cookie_manager
    )
    authenticator.authentication_controller = _ThrottledLogin(authenticator.authentication_controller)
    return authenticator


def _cookies(authenticator: stauth.Authenticate) -> sessions.SessionCookies:
    return authenticator.cookie_controller  # type: ignore[return-value]


class _ThrottledLogin:
    """The library's authentication controller behind the throttle: a submitted form whose username or address
    still waits is refused without checking the password; every submitted form is recorded."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def login(self, username: str | None = None, password: str | None = None, *args: Any, **kwargs: Any) -> Any:
        st.session_state.pop(_REFUSAL_KEY, None)
        if not username or kwargs.get("token"):
            return self._inner.login(username, password, *args, **kwargs)
        key = username_key(username)
        address = sessions.client_address()
        agent = sessions.client_user_agent()
        before = accounts.login_verdict(key, address)
        if not before.allowed:
            accounts.record_attempt(key, address, LoginOutcome.THROTTLED, user_agent=agent)
            st.session_state["authentication_status"] = False
            st.session_state[_REFUSAL_KEY] = refusal_message(before)
            return False
        self._refresh_credential(username)
        succeeded = self._inner.login(username, password, *args, **kwargs)
        outcome = LoginOutcome.SUCCESS if succeeded else LoginOutcome.FAILURE
        after = accounts.record_attempt(key, address, outcome, user_agent=agent)
        if not succeeded and not after.allowed:
            st.session_state[_REFUSAL_KEY] = f"{WRONG_LOGIN_MESSAGE} {refusal_message(after)}"
        return succeeded

    def _refresh_credential(self, username: str) -> None:
        """Judge the typed username by the database as it is now: the run's credential list is cached for a
        minute, so a seller created or re-activated a moment ago would otherwise be told the password is wrong."""
        entries = self._inner.authentication_model.credentials["usernames"]
        typed = username.strip().lower()  # the library's own normalisation before its lookup
        entry = accounts.credential_for(typed)
        if entry is None:
            entries.pop(typed, None)
        else:
            entries[typed] = entry


def refusal_message(verdict: Verdict) -> str:
    """When to try again: never which of username and password was wrong, nor whether the username exists."""
    if verdict.retry_at is None:
        return ""
    seconds = max(1, math.ceil((verdict.retry_at - clock.now()).total_seconds()))
    when = f"in {format_duration(seconds)} (at {format_local(verdict.retry_at, '%H:%M:%S %Z')})"
    if verdict.locked:
        return (
            f"Too many failed log-in attempts: logging in is locked for now. Try again {when}, "
            "or ask the marketplace team to unlock it."
        )
    return f"Too many failed log-in attempts. Try again {when}."


def restore_login(authenticator: stauth.Authenticate) -> None:
    """Log a returning browser in from its session cookie, without drawing anything (a bad cookie is deleted)."""
    if access.is_logged_in():
        return
    if sessions.restore_from_cookie(_cookies(authenticator)):
        _note_login(st.session_state["username"])


def _clear_auth_state() -> None:
    for key in sessions.AUTH_KEYS:
        st.session_state[key] = None
    st.session_state.pop(_RECORDED_KEY, None)
    st.session_state.pop(sessions.SESSION_ID_KEY, None)


def _note_login(username: str) -> None:
    """Stamp `last_login_at` once per login; a database hiccup here must not block the login (it is logged)."""
    st.session_state.pop(_NOTICE_KEY, None)
    if st.session_state.get(_RECORDED_KEY) == username:
        return
    accounts.record_login(username)
    st.session_state[_RECORDED_KEY] = username


def end_stale_session(authenticator: stauth.Authenticate) -> bool:
    """Log out a tab whose server-side session is over (logged out elsewhere, signed out by an admin, idle, expired)
    or whose user was deactivated since login; True when that happened. Deactivation revokes all the user's
    sessions."""
    if not access.is_logged_in():
        return False
    check = sessions.current_check()
    if check.ok and access.logged_in_account() is not None:
        return False
    deactivated = check.status == SessionStatus.INACTIVE or check.ok
    if deactivated and check.user is not None:
        accounts.end_all_sessions(check.user.user_id, REASON_DEACTIVATED)
    # Already revoked, or over by the clock (then marked "idle" / "expired"): either way the cookie goes.
    sessions.end(_cookies(authenticator), REASON_DEACTIVATED if deactivated else check.status.value)
    authenticator.logout(location="unrendered")
    _clear_auth_state()
    notice = DEACTIVATED_NOTICE if deactivated else SESSION_ENDED_NOTICES.get(check.status, PLEASE_LOG_IN_AGAIN)
    st.session_state[_NOTICE_KEY] = notice
    return True


def login_screen(authenticator: stauth.Authenticate) -> Callable[[], None]:
    """The page function that shows the login form (also used for every page URL while logged out)."""

    def show_login() -> None:
        # Nothing lives in the sidebar while logged out; fold away the one left from before a logout.
        st.set_page_config(initial_sidebar_state="collapsed")
        _, middle, _ = st.columns([1, 2, 1])
        with middle:
            st.markdown("## :material/storefront: Seller Growth Toolkit")
            st.caption("Sellers: see what to do next to sell more. Admins: keep the marketplace healthy.")
            # Kept until the next login: the cookie component's own rerun would otherwise wipe it at once.
            notice = st.session_state.get(_NOTICE_KEY)
            if notice:
                st.info(notice, icon=":material/info:")
            with database_errors():
                authenticator.login(location="main", fields=LOGIN_FIELDS, key="login")
                status = st.session_state.get("authentication_status")
                if status is True and not sessions.begin(_cookies(authenticator), st.session_state["username"]):
                    _clear_auth_state()  # deactivated between the form and now
                    status = False
            if status is False:
                refusal = st.session_state.get(_REFUSAL_KEY)
                st.error(refusal or WRONG_LOGIN_MESSAGE, icon=":material/error:")
            elif status is True:
                _note_login(st.session_state["username"])
                # Let the cookie component reach the browser before the rerun replaces the page.
                time.sleep(COOKIE_SETTLE_SECONDS)
                st.rerun()

    return show_login


def sidebar_account(authenticator: stauth.Authenticate, account: Account) -> None:
    """Who is logged in, and the logout button (handled before the navigation is built; no rerun after)."""
    st.set_page_config(initial_sidebar_state="expanded")
    with st.sidebar:
        role = access.ROLE_LABELS.get(account.role.value, account.role.value)
        detail = account.seller_display_name if account.is_seller and account.seller_display_name else None
        st.markdown(f"**{md(account.name)}**")
        st.caption(f"{role} · {md(detail)}" if detail and detail != account.name else role)
        authenticator.logout(
            button_name="Log out",
            location="sidebar",
            key="sgt_logout",  # not "logout": the library keeps its own flag under that name
            use_container_width=True,
            callback=lambda _details: _on_logout(authenticator),
        )
    if not access.is_logged_in():
        st.session_state[_NOTICE_KEY] = LOGGED_OUT_NOTICE


def _on_logout(authenticator: stauth.Authenticate) -> None:
    """The logout button: end the session on the server (a copied cookie no longer works) and delete the cookie."""
    st.session_state.pop(_RECORDED_KEY, None)
    sessions.end(_cookies(authenticator), REASON_LOGOUT)


def account_notice(account: Account) -> Callable[[], None]:
    """The only page a seller who is not (yet, or no longer) approved gets."""

    def show_notice() -> None:
        st.title("Your seller account")
        status = account.seller_status
        if account.seller_id is None:
            st.info("Your seller profile hasn't been set up yet. The marketplace team will be in touch.")
        elif status == SellerStatus.PENDING:
            st.info(
                "Thanks for applying! Your seller account is waiting for approval. You'll get access to "
                "insights, pricing and listing tools as soon as it is approved.",
                icon=":material/hourglass_top:",
            )
        elif status == SellerStatus.SUSPENDED:
            st.warning(
                "Your seller account is suspended, so the seller tools are not available. "
                "Please contact the marketplace team to resolve it.",
                icon=":material/pause_circle:",
            )
        else:
            decision = applications.seller_decision(account.seller_id)
            reason = f" Their reason: {md(decision.reason)}" if decision and decision.reason else ""
            st.warning(
                "Your seller application was not approved." + reason + " Contact the marketplace team if you "
                "think this is a mistake.",
                icon=":material/info:",
            )

    return show_notice


def remember_requested_page() -> None:
    """First thing in app.py: note the page (and query, e.g. `?product=…`) a browser asked for by URL.

    A bookmark, an e-mail link, a typed address or a reload starts a new session whose first run is
    logged out until the login cookie has been read. That cookie read reruns the script, and the rerun
    no longer names the requested page, so without this the visitor lands on Home. Only the first run
    of a request by URL carries the page name (Streamlit's `intended_page_name`; in-app navigation
    sends a page hash instead), so this never fires for ordinary clicks.
    """
    requested = streamlit_internals.intended_page_name()
    if requested and requested != "login":
        st.session_state[_RETURN_TO_KEY] = (requested, st.query_params.to_dict())


def open_requested_page(current: st.Page, sections: dict[str, list[st.Page]]) -> None:
    """Once logged in: switch to the page remembered by `remember_requested_page`, if this role has it.

    Pages of another role are never opened: only `sections` (the logged-in role's pages) are searched.
    """
    target = st.session_state.pop(_RETURN_TO_KEY, None)
    if not target:
        return
    url_path, params = target
    if url_path == current.url_path:
        return
    for page in (p for pages in sections.values() for p in pages):
        if page.url_path == url_path:
            st.switch_page(page, query_params=params)
