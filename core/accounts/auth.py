"""Who may log in and as what: login credentials from the users table, the logged-in account, last-login stamps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from core.models import SellerProfile, SellerStatus, User, UserRole


@dataclass(frozen=True)
class Account:
    """The logged-in person as the app needs them: role, and for a seller the profile it may see."""

    user_id: str
    username: str
    name: str
    role: UserRole
    seller_id: str | None = None
    seller_status: SellerStatus | None = None
    seller_display_name: str | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == UserRole.ADMIN

    @property
    def is_seller(self) -> bool:
        return self.role == UserRole.SELLER

    @property
    def can_use_seller_pages(self) -> bool:
        """Only an approved seller with a live profile gets the seller tools; others see a notice."""
        return self.is_seller and self.seller_id is not None and self.seller_status == SellerStatus.APPROVED


def _credential_rows(session: Session, *, username: str | None = None) -> list[Any]:
    query = select(User.username, User.name, User.email, User.password_hash, User.role).where(User.is_active.is_(True))
    if username is not None:
        query = query.where(func.lower(User.username) == username.strip().lower())
    return list(session.execute(query.order_by(User.username)).all())


def _credential(name: str, email: str | None, password_hash: str, role: str) -> dict[str, Any]:
    return {"name": name, "email": email, "password": password_hash, "roles": [UserRole(role).value]}


def load_credentials(session: Session) -> dict[str, Any]:
    """Active users in streamlit-authenticator's credentials format, with bcrypt hashes (never passwords).

    A pending or suspended seller is still an active user: they may log in and are then shown a
    notice instead of the seller tools (the router decides that from `Account`).
    """
    # The library lower-cases usernames on login; key them the same way so the lookup matches.
    usernames = {row.username.lower(): _credential(*row[1:]) for row in _credential_rows(session)}
    return {"usernames": usernames}


def load_credential(session: Session, *, username: str) -> dict[str, Any] | None:
    """The one active user's entry of `load_credentials` for a typed `username` (case-insensitive), or None.

    Read fresh at every submitted login, so an account created, approved or deactivated a moment ago is judged
    by what the database says now, not by a cached list."""
    if "\x00" in username:  # no stored username has one, and PostgreSQL text cannot hold it
        return None
    rows = _credential_rows(session, username=username)
    return _credential(*rows[0][1:]) if rows else None


def load_account(session: Session, *, username: str) -> Account | None:
    """The active account for `username` (case-insensitive), with its seller profile if it has one."""
    row = session.execute(
        select(User, SellerProfile)
        .outerjoin(SellerProfile, (SellerProfile.user_id == User.id) & SellerProfile.deleted_at.is_(None))
        .where(func.lower(User.username) == username.lower(), User.is_active.is_(True))
    ).first()
    if row is None:
        return None
    user, profile = row
    return Account(
        user_id=user.id,
        username=user.username,
        name=user.name,
        role=UserRole(user.role),
        seller_id=profile.id if profile is not None else None,
        seller_status=SellerStatus(profile.status) if profile is not None else None,
        seller_display_name=profile.display_name if profile is not None else None,
    )


def record_login(session: Session, *, username: str, now: datetime) -> bool:
    """Stamp `users.last_login_at` for a successful login; False when no active user has that name."""
    result = session.execute(
        update(User)
        .where(func.lower(User.username) == username.lower(), User.is_active.is_(True))
        .values(last_login_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)
