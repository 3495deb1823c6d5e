"""Login and logout around streamlit-authenticator: the authenticator, the login screen, the account box.

Traps handled here (see FIELD-NOTES): build ONE `Authenticate` per run; pass bcrypt hashes with
`auto_hash=False`; wait ~1 s before the rerun after a form login so the cookie is written; never
rerun after logout (the cookie deletion would be lost).
"""

from __future__ import annotations

import time
from collections.abc import Callable

import streamlit as st
import streamlit_authenticator as stauth
from streamlit_authenticator.utilities import LoginError

from components.data import accounts
from components.shell import access, streamlit_internals
from components.ui.text import md
from core.accounts import Account
from core.config import Settings
from core.models import SellerStatus

WRONG_LOGIN_MESSAGE = "Incorrect username or password."
# Session key remembering whose login was already stamped in `users.last_login_at`.
_RECORDED_KEY = "sgt_login_recorded_for"
# Session key of the one-line notice the login screen shows after a logout.
_NOTICE_KEY = "sgt_logout_notice"
# Session key of the page (url_path, query params) a logged-out visitor asked for, opened after login.
_RETURN_TO_KEY = "sgt_return_to"
# Seconds to let the browser store the login cookie before the rerun (upstream #276).
COOKIE_SETTLE_SECONDS = 1.0
LOGIN_FIELDS = {"Form name": "Log in", "Username": "Username", "Password": "Password", "Login": "Log in"}


def build_authenticator(settings: Settings) -> stauth.Authenticate:
    """The one authenticator of this run, over the active users' bcrypt hashes."""
    return stauth.Authenticate(
        accounts.credentials(),
        settings.auth_cookie_name,
        settings.auth_cookie_key,
        settings.auth_cookie_expiry_days,
        auto_hash=False,
    )


def restore_login(authenticator: stauth.Authenticate) -> None:
    """Log a returning browser in from its cookie, without drawing anything."""
    if access.is_logged_in():
        return
    try:
        authenticator.login(location="unrendered")
    except LoginError:
        # The cookie names a user who is no longer active: forget it and show the login form.
        st.session_state["logout"] = True
        authenticator.cookie_controller.delete_cookie()
        _clear_auth_state()
        return
    if access.is_logged_in():
        _note_login(st.session_state["username"])


def _clear_auth_state() -> None:
    for key in ("authentication_status", "username", "name", "roles", "email"):
        st.session_state[key] = None
    st.session_state.pop(_RECORDED_KEY, None)


def _note_login(username: str) -> None:
    """Stamp `last_login_at` once per login; a database hiccup here must not block the login (it is logged)."""
    st.session_state.pop(_NOTICE_KEY, None)
    if st.session_state.get(_RECORDED_KEY) == username:
        return
    accounts.record_login(username)
    st.session_state[_RECORDED_KEY] = username


def end_stale_session(authenticator: stauth.Authenticate) -> bool:
    """Log out a session whose user was deactivated since login; True when that happened."""
    if access.is_logged_in() and access.logged_in_account() is None:
        authenticator.logout(location="unrendered")
        _clear_auth_state()
        st.session_state[_NOTICE_KEY] = "Your account is no longer active. Contact the marketplace team."
        return True
    return False


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
            authenticator.login(location="main", fields=LOGIN_FIELDS, key="login")
            status = st.session_state.get("authentication_status")
            if status is False:
                st.error(WRONG_LOGIN_MESSAGE, icon=":material/error:")
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
            callback=lambda _details: st.session_state.pop(_RECORDED_KEY, None),
        )
    if not access.is_logged_in():
        st.session_state[_NOTICE_KEY] = "You have been logged out."


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
            st.warning(
                "Your seller application was not approved. Contact the marketplace team if you think "
                "this is a mistake.",
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
