"""Accounts for the shell: the active users' login credentials, the logged-in account, stamping a login, the
server-side login sessions behind the cookie, login throttling, and the admin's Sign-ins page."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from components.data import cached, clock
from core.accounts import auth, sessions, throttle
from core.config import get_settings
from core.db import session_scope
from core.models import LoginOutcome

log = logging.getLogger(__name__)

# How long a cached answer may be shown before it is read again.
CREDENTIALS_TTL_SECONDS = 60
ACCOUNT_TTL_SECONDS = 60


@cached("accounts", ttl=CREDENTIALS_TTL_SECONDS)
def credentials() -> dict[str, Any]:
    """Login credentials of the active users (a fresh copy per call: the authenticator mutates it)."""
    with session_scope() as session:
        return auth.load_credentials(session)


def credential_for(username: str) -> dict[str, Any] | None:
    """The typed username's current credential entry (never cached: read at each submitted login)."""
    with session_scope() as session:
        return auth.load_credential(session, username=username)


@cached("accounts", ttl=ACCOUNT_TTL_SECONDS)
def account(username: str) -> auth.Account | None:
    """The logged-in account, re-read every minute so a suspension or approval shows up soon."""
    with session_scope() as session:
        return auth.load_account(session, username=username)


def record_login(username: str) -> bool:
    """Stamp the user's last login (one small write; never cached). False when the database did not answer:
    a hiccup here must not block the login."""
    try:
        with session_scope() as session:
            auth.record_login(session, username=username, now=clock.now())
    except SQLAlchemyError:
        log.exception("could not record the login of %s", username)
        return False
    return True


# ---------------------------------------------------------------- login sessions (never cached: every run asks)


def session_policy() -> sessions.SessionPolicy:
    return sessions.session_policy(get_settings())


@dataclass(frozen=True)
class NewSession:
    session_id: str
    cookie_value: str  # `<token>.<signature>`: the only place the token exists
    expires_at: datetime


def start_session(username: str, *, user_agent: str | None, address: str | None) -> NewSession | None:
    """Write a session for the active user `username` (just logged in); None when there is no such active user."""
    settings = get_settings()
    with session_scope() as session:
        found = auth.load_account(session, username=username)
        if found is None:
            return None
        policy = session_policy()
        now = clock.now()
        session_id, token = sessions.start_session(
            session, user_id=found.user_id, now=now, policy=policy, user_agent=user_agent, address=address
        )
    return NewSession(session_id, sessions.sign_token(token, settings.auth_cookie_key), now + policy.absolute)


def check_session(session_id: str) -> sessions.SessionCheck:
    """Whether this browser's session is still good, stamping its last use (at most once a minute)."""
    policy = session_policy()
    now = clock.now()
    with session_scope() as session:
        check = sessions.check_session(session, session_id=session_id, now=now, policy=policy)
        if check.ok:
            sessions.touch_session(session, session_id=session_id, now=now, policy=policy)
    return check


def session_from_cookie(cookie_value: object) -> sessions.SessionCheck:
    """The session a login cookie points at. A value this app did not sign is refused before the database is asked."""
    token = sessions.verified_token(cookie_value, get_settings().auth_cookie_key)
    if token is None:
        return sessions.SessionCheck(sessions.SessionStatus.UNSIGNED)
    policy = session_policy()
    now = clock.now()
    with session_scope() as session:
        check = sessions.check_session(session, token=token, now=now, policy=policy)
        if check.ok and check.session_id is not None:
            sessions.touch_session(session, session_id=check.session_id, now=now, policy=policy)
    return check


def end_session(session_id: str, reason: str = sessions.REASON_LOGOUT) -> bool:
    """Revoke one session server-side (logout). A database hiccup is logged, not raised: the browser is logged out
    anyway, and the session still ends by its idle and absolute limits."""
    try:
        with session_scope() as session:
            return sessions.revoke_session(session, session_id=session_id, now=clock.now(), reason=reason)
    except SQLAlchemyError:
        log.exception("could not revoke session %s", session_id)
        return False


def end_all_sessions(user_id: str, reason: str) -> int:
    """Revoke every session of a user (deactivation, an admin's "sign out everywhere"); how many ended."""
    with session_scope() as session:
        return sessions.revoke_all_for_user(session, user_id=user_id, now=clock.now(), reason=reason)


def active_sessions() -> list[sessions.ActiveSessions]:
    with session_scope() as session:
        return sessions.active_sessions_by_user(session, now=clock.now(), policy=session_policy())


# ---------------------------------------------------------------- login throttling


def throttle_policy() -> throttle.ThrottlePolicy:
    settings = get_settings()
    return throttle.ThrottlePolicy(
        backoff_after=settings.login_backoff_after,
        lock_after=settings.login_lock_after,
        window=timedelta(minutes=settings.login_window_minutes),
        lock=timedelta(minutes=settings.login_lock_minutes),
        backoff=timedelta(seconds=settings.login_backoff_seconds),
    )


def login_verdict(username: str, address: str | None) -> throttle.Verdict:
    """May `username` try a login from `address` now (before the password is checked)?"""
    policy = throttle_policy()
    now = clock.now()
    with session_scope() as session:
        failures = throttle.recent_failures(session, username=username, address=address, now=now, policy=policy)
    return throttle.verdict(failures, now=now, policy=policy)


def record_attempt(
    username: str, address: str | None, outcome: LoginOutcome, *, user_agent: str | None
) -> throttle.Verdict:
    """Record one submitted login form; returns the verdict for the next try (a failure may start a wait)."""
    policy = throttle_policy()
    now = clock.now()
    with session_scope() as session:
        throttle.record_attempt(
            session, username=username, address=address, outcome=outcome, now=now, user_agent=user_agent
        )
        failures = throttle.recent_failures(session, username=username, address=address, now=now, policy=policy)
    return throttle.verdict(failures, now=now, policy=policy)


def held_back() -> list[throttle.HeldBack]:
    with session_scope() as session:
        return throttle.held_back(session, now=clock.now(), policy=throttle_policy())


def recent_attempts(limit: int = 200) -> list[throttle.AttemptRow]:
    with session_scope() as session:
        return throttle.recent_attempts(session, limit=limit)


def unlock(kind: throttle.Kind, key: str) -> int:
    """An admin's unlock of a username or an address: its failures no longer count."""
    with session_scope() as session:
        return throttle.unlock(session, kind=kind, key=key, now=clock.now())
