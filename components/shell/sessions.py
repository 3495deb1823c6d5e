"""The login session in the browser: the signed session cookie (read from the request, written and deleted through
the cookie component), the server-side session it points at, and the client's address and browser for the records.

Why the cookie is ours and not streamlit-authenticator's: its cookie is a JWT `{username, exp_date}` that the
server cannot revoke, whose expiry is whatever the payload says, and whose decoding raises on malformed tokens
(`alg: none`, HS512, missing or string `exp_date`, `exp`/`nbf` claims, a list username). Ours holds only
`<random token>.<HMAC-SHA256>`; everything else lives in `user_sessions`.

`st.context.cookies` is the cookie header of the request that opened the websocket: it does not change after a
login or logout in the same browser tab. So each cookie value is acted on once per tab session (remembered by
digest), and after a logout the stale value is never read again.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
from datetime import datetime
from typing import Any

import streamlit as st

from components.data import accounts
from core.accounts import SessionCheck, SessionStatus
from core.config import get_settings

log = logging.getLogger(__name__)

SESSION_ID_KEY = "sgt_session_id"
# Digests of the cookie values this tab already acted on (see the module's docstring).
_HANDLED_KEY = "sgt_cookies_handled"
# The keys streamlit-authenticator reads; a cookie login fills them as its form login does.
AUTH_KEYS = ("authentication_status", "username", "name", "roles", "email")


class SessionCookies:
    """Stands in for streamlit-authenticator's cookie controller: the library neither reads nor writes its JWT
    cookie any more (`get_cookie` finds nothing, `set_cookie` and `delete_cookie` do nothing); the app writes and
    deletes its own session cookie through the same cookie component, one call per cookie per run."""

    def __init__(self, cookie_manager: Any) -> None:
        self._manager = cookie_manager
        self._done: set[tuple[str, str]] = set()

    # The library's interface (streamlit_authenticator.controllers.CookieController).
    def get_cookie(self) -> None:
        return None

    def set_cookie(self) -> None:
        return None

    def delete_cookie(self) -> None:
        return None

    # Ours.
    def write(self, name: str, value: str, expires_at: datetime) -> None:
        if ("set", name) in self._done:
            return
        self._done.add(("set", name))
        secure = get_settings().app_base_url.startswith("https://")
        self._manager.set(
            name, value, key=f"sgt_cookie_set_{name}", expires_at=expires_at, same_site="strict", secure=secure or None
        )

    def delete(self, name: str) -> None:
        if ("delete", name) in self._done:
            return
        self._done.add(("delete", name))
        # The component's copy of the cookies (filled a run later) may not know the cookie yet (KeyError after the
        # delete was sent): the browser still receives the delete.
        with contextlib.suppress(KeyError):
            self._manager.delete(name, key=f"sgt_cookie_delete_{name}")


def client_address() -> str | None:
    """The client's address, or None (a local browser, or no client at all: throttling is then per username)."""
    try:
        return st.context.ip_address
    except AttributeError:  # a client context without an address (the test runtime)
        return None


def client_user_agent() -> str | None:
    try:
        return st.context.headers.get("User-Agent")
    except (AttributeError, ValueError, TypeError):
        return None


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8", "replace")).hexdigest()


def _first_time(value: str) -> bool:
    """True the first time this tab sees `value`, and remembers it."""
    handled: frozenset[str] = st.session_state.get(_HANDLED_KEY, frozenset())
    digest = _digest(value)
    if digest in handled:
        return False
    st.session_state[_HANDLED_KEY] = handled | {digest}
    return True


def restore_from_cookie(cookies: SessionCookies) -> bool:
    """Log this tab in from its session cookie; True when that happened. A cookie that cannot be decoded or
    verified, or whose session is over, is deleted (with a log line) and the login form stays."""
    settings = get_settings()
    jar = st.context.cookies
    legacy_name = settings.auth_cookie_name
    if legacy_name != settings.session_cookie_name:
        legacy = jar.get(legacy_name)
        if legacy is not None and _first_time(f"{legacy_name}={legacy}"):
            log.warning(
                "deleted a %s cookie: login cookies are server-side sessions now (%s)", legacy_name, _shape(legacy)
            )
            cookies.delete(legacy_name)
    value = jar.get(settings.session_cookie_name)
    if value is None or not _first_time(value):
        return False
    check = accounts.session_from_cookie(value)
    if not check.ok or check.user is None:
        log.warning("deleted a session cookie: %s (%s)", check.status.value, _shape(value))
        cookies.delete(settings.session_cookie_name)
        return False
    _fill_auth_state(check)
    return True


def _shape(value: object) -> str:
    """What the log may say about a refused cookie: its length, never its content."""
    return f"{len(value)} characters" if isinstance(value, str) else type(value).__name__


def _fill_auth_state(check: SessionCheck) -> None:
    user = check.user
    assert user is not None
    st.session_state["authentication_status"] = True
    st.session_state["username"] = user.username.lower()  # as the login form keys it
    st.session_state["name"] = user.name
    st.session_state["email"] = user.email
    st.session_state["roles"] = [user.role.value]
    st.session_state[SESSION_ID_KEY] = check.session_id


def begin(cookies: SessionCookies, username: str) -> bool:
    """After a form login: write the server-side session and its cookie; False when the user is not active."""
    started = accounts.start_session(username, user_agent=client_user_agent(), address=client_address())
    if started is None:
        return False
    st.session_state[SESSION_ID_KEY] = started.session_id
    _first_time(started.cookie_value)  # never restore from our own new cookie in this tab
    cookies.write(get_settings().session_cookie_name, started.cookie_value, started.expires_at)
    return True


def current_check() -> SessionCheck:
    """The server's view of this tab's session (checked on every run while logged in)."""
    session_id = st.session_state.get(SESSION_ID_KEY)
    if not session_id:
        return SessionCheck(SessionStatus.UNKNOWN)
    return accounts.check_session(session_id)


def end(cookies: SessionCookies, reason: str) -> None:
    """Revoke this tab's session server-side and delete its cookie (logout, or a session found over)."""
    session_id = st.session_state.pop(SESSION_ID_KEY, None)
    if session_id:
        accounts.end_session(session_id, reason)
    cookies.delete(get_settings().session_cookie_name)
