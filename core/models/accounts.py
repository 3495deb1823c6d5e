"""Sign-in records: server-side login sessions (what a login cookie points at) and every submitted login form."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, IdMixin, utcnow
from core.models.enums import LoginOutcome
from core.models.types import enum_type


class UserSession(IdMixin, Base):
    """One logged-in browser. The cookie holds a random token (signed); only its SHA-256 is stored, so a copy of
    this table opens no session. Logout, deactivation and "sign out everywhere" set `revoked_at`."""

    __tablename__ = "user_sessions"
    __table_args__ = (Index("ix_user_sessions_user_revoked", "user_id", "revoked_at"),)

    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The absolute end (created + SESSION_ABSOLUTE_DAYS); the idle end is computed from last_seen_at.
    expires_at: Mapped[datetime] = mapped_column()
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)
    revoked_reason: Mapped[str | None] = mapped_column(String(40), default=None)
    user_agent: Mapped[str | None] = mapped_column(String(300), default=None)
    address: Mapped[str | None] = mapped_column(String(64), default=None)


class LoginAttempt(IdMixin, Base):
    """One submitted login form: who was typed, from where, when, and the outcome. Failures count towards the
    throttle until they leave the window or are cleared (an admin's unlock, or that username's next success)."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_username_time", "username", "attempted_at"),
        Index("ix_login_attempts_address_time", "address", "attempted_at"),
        Index("ix_login_attempts_attempted_at", "attempted_at"),
    )

    username: Mapped[str] = mapped_column(String(64))  # as typed (lower-cased, cut to 64), known or not
    address: Mapped[str | None] = mapped_column(String(64), default=None)
    outcome: Mapped[LoginOutcome] = mapped_column(enum_type(LoginOutcome, "login_outcome"))
    attempted_at: Mapped[datetime] = mapped_column(default=utcnow)
    cleared_at: Mapped[datetime | None] = mapped_column(default=None)
    user_agent: Mapped[str | None] = mapped_column(String(300), default=None)
