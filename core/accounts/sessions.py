"""Server-side login sessions: the signed cookie value that points at one, the rule that says whether one is still
good (revoked, idle, past its absolute end, user deactivated), and starting, checking, touching and revoking them.

The cookie holds `<token>.<signature>`: a random token (32 bytes, URL-safe base64) and its HMAC-SHA256 under the
cookie key. Only the token's SHA-256 is stored, so neither a copy of the table nor a guessed id opens a session,
and a cookie the app did not sign is refused before the database is asked.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from core.config import Settings
from core.models import User, UserRole, UserSession

TOKEN_BYTES = 32
_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")  # what secrets.token_urlsafe(32) gives; ASCII only
_SIGNATURE = re.compile(r"[0-9a-f]{64}")
# Longer than any value we write (43 + 1 + 64): anything longer is refused without parsing.
MAX_COOKIE_LENGTH = 120
USER_AGENT_LENGTH = 300
ADDRESS_LENGTH = 64


class SessionStatus(StrEnum):
    """Why a session is (not) good; `OK` is the only good one."""

    OK = "ok"
    UNSIGNED = "unsigned"  # a cookie value this app did not sign (garbage, a JWT, another key): no database look-up
    UNKNOWN = "unknown"  # no such session (never existed, or its row is gone)
    REVOKED = "revoked"  # logout, "sign out everywhere", deactivation
    IDLE = "idle"  # not used for `SessionPolicy.idle`
    EXPIRED = "expired"  # past its absolute end
    INACTIVE = "inactive"  # the user was deactivated


# Why a session was revoked (stored in `user_sessions.revoked_reason`).
REASON_LOGOUT = "logout"
REASON_SIGN_OUT_EVERYWHERE = "signed out everywhere by an admin"
REASON_DEACTIVATED = "account deactivated"
REASON_PASSWORD_CHANGED = "password changed"


@dataclass(frozen=True)
class SessionPolicy:
    """How long a session lives: `idle` since it was last used, `absolute` since its login. `touch_every` bounds
    the writes: last use is stamped at most once per that span."""

    idle: timedelta = timedelta(days=7)
    absolute: timedelta = timedelta(days=30)
    touch_every: timedelta = timedelta(minutes=1)


@dataclass(frozen=True)
class SessionUser:
    """What the app puts in the browser session when a cookie logs someone in."""

    user_id: str
    username: str
    name: str
    email: str
    role: UserRole


@dataclass(frozen=True)
class SessionCheck:
    status: SessionStatus
    session_id: str | None = None
    user: SessionUser | None = None
    last_seen_at: datetime | None = None
    expires_at: datetime | None = None

    @property
    def ok(self) -> bool:
        return self.status == SessionStatus.OK


# ---------------------------------------------------------------- the cookie value (pure)


def session_policy(settings: Settings) -> SessionPolicy:
    """The policy the settings ask for (`SESSION_IDLE_DAYS`, `SESSION_ABSOLUTE_DAYS`)."""
    return SessionPolicy(
        idle=timedelta(days=settings.session_idle_days), absolute=timedelta(days=settings.session_absolute_days)
    )


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def _signature(token: str, key: str) -> str:
    return hmac.new(key.encode("utf-8"), token.encode("ascii"), hashlib.sha256).hexdigest()


def sign_token(token: str, key: str) -> str:
    """The cookie value for `token`: `<token>.<HMAC-SHA256 hex>`."""
    if not _TOKEN.fullmatch(token):
        raise ValueError("not a session token")
    return f"{token}.{_signature(token, key)}"


def verified_token(cookie_value: object, key: str) -> str | None:
    """The token inside a cookie value this app signed with `key`; None for anything else, whatever its type,
    length or content (a JWT, garbage, another key's signature, non-ASCII). Never raises."""
    if not isinstance(cookie_value, str) or len(cookie_value) > MAX_COOKIE_LENGTH:
        return None
    token, dot, signature = cookie_value.partition(".")
    if not dot or not _TOKEN.fullmatch(token) or not _SIGNATURE.fullmatch(signature):
        return None
    return token if hmac.compare_digest(_signature(token, key), signature) else None


# ---------------------------------------------------------------- the rule (pure)


def session_status(
    *,
    last_seen_at: datetime,
    expires_at: datetime,
    revoked_at: datetime | None,
    user_active: bool,
    now: datetime,
    policy: SessionPolicy,
) -> str:
    """`OK`, or why the session is over. A clock that reads earlier than the last use (a test's pinned clock, a
    replica's skew) is not idleness."""
    if revoked_at is not None:
        return SessionStatus.REVOKED
    if not user_active:
        return SessionStatus.INACTIVE
    if now >= expires_at:
        return SessionStatus.EXPIRED
    if now - last_seen_at >= policy.idle:
        return SessionStatus.IDLE
    return SessionStatus.OK


# ---------------------------------------------------------------- the rows


def _cut(text: str | None, length: int) -> str | None:
    if not text:
        return None
    # PostgreSQL refuses NUL in text; a header or address never needs control characters.
    cleaned = "".join(ch for ch in text if ch.isprintable())
    return cleaned[:length] or None


def start_session(
    session: Session,
    *,
    user_id: str,
    now: datetime,
    policy: SessionPolicy,
    user_agent: str | None = None,
    address: str | None = None,
) -> tuple[str, str]:
    """Write a new session for `user_id`; returns (session id, token). The token goes into the cookie (signed)
    and is never stored."""
    token = new_token()
    row = UserSession(
        token_hash=hash_token(token),
        user_id=user_id,
        created_at=now,
        last_seen_at=now,
        expires_at=now + policy.absolute,
        user_agent=_cut(user_agent, USER_AGENT_LENGTH),
        address=_cut(address, ADDRESS_LENGTH),
    )
    session.add(row)
    session.flush()
    return row.id, token


def check_session(
    session: Session,
    *,
    now: datetime,
    policy: SessionPolicy,
    session_id: str | None = None,
    token: str | None = None,
) -> SessionCheck:
    """Whether the session (by id, or by the token from a cookie) is good now, and whose it is. Reads only."""
    query = select(UserSession, User).join(User, User.id == UserSession.user_id)
    if session_id is not None:
        query = query.where(UserSession.id == session_id)
    elif token is not None:
        query = query.where(UserSession.token_hash == hash_token(token))
    else:
        return SessionCheck(SessionStatus.UNKNOWN)
    row = session.execute(query).first()
    if row is None:
        return SessionCheck(SessionStatus.UNKNOWN)
    stored, user = row
    status = session_status(
        last_seen_at=stored.last_seen_at,
        expires_at=stored.expires_at,
        revoked_at=stored.revoked_at,
        user_active=user.is_active,
        now=now,
        policy=policy,
    )
    who = SessionUser(user.id, user.username, user.name, user.email, UserRole(user.role))
    return SessionCheck(status, stored.id, who, stored.last_seen_at, stored.expires_at)


def touch_session(session: Session, *, session_id: str, now: datetime, policy: SessionPolicy) -> bool:
    """Stamp the session's last use, at most once per `policy.touch_every`; True when a stamp was written."""
    result = session.execute(
        update(UserSession)
        .where(
            UserSession.id == session_id,
            UserSession.revoked_at.is_(None),
            UserSession.last_seen_at <= now - policy.touch_every,
        )
        .values(last_seen_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)


def revoke_session(session: Session, *, session_id: str, now: datetime, reason: str = REASON_LOGOUT) -> bool:
    """End one session (logout); True when it was still open."""
    result = session.execute(
        update(UserSession)
        .where(UserSession.id == session_id, UserSession.revoked_at.is_(None))
        .values(revoked_at=now, revoked_reason=reason[:40])
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)


def revoke_all_for_user(session: Session, *, user_id: str, now: datetime, reason: str) -> int:
    """End every open session of `user_id` (sign out everywhere, deactivation, a new password); how many ended.

    Call it wherever a password is set or a user is deactivated: a copied cookie must not outlive either."""
    result = session.execute(
        update(UserSession)
        .where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None))
        .values(revoked_at=now, revoked_reason=reason[:40])
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)


@dataclass(frozen=True)
class ActiveSessions:
    """A user's sessions that are good now, for the admin's "sign out everywhere"."""

    user_id: str
    username: str
    name: str
    role: UserRole
    sessions: int
    last_seen_at: datetime
    first_login_at: datetime


def active_sessions_by_user(session: Session, *, now: datetime, policy: SessionPolicy) -> list[ActiveSessions]:
    """Users with at least one good session (not revoked, not idle, not expired), most recently seen first."""
    rows = session.execute(
        select(
            User.id,
            User.username,
            User.name,
            User.role,
            func.count(UserSession.id),
            func.max(UserSession.last_seen_at),
            func.min(UserSession.created_at),
        )
        .join(UserSession, UserSession.user_id == User.id)
        .where(
            UserSession.revoked_at.is_(None),
            UserSession.expires_at > now,
            UserSession.last_seen_at > now - policy.idle,
            User.is_active.is_(True),
        )
        .group_by(User.id, User.username, User.name, User.role)
        .order_by(func.max(UserSession.last_seen_at).desc(), User.username)
    ).all()
    return [
        ActiveSessions(user_id, username, name, UserRole(role), int(count), _aware(last_seen), _aware(first))
        for user_id, username, name, role, count, last_seen, first in rows
    ]


def _aware(moment: datetime) -> datetime:
    """min()/max() keep the column's UTC type; this only guards a driver that hands back a naive UTC value."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
