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


def load_credentials(session: Session) -> dict[str, Any]:
    """Active users in streamlit-authenticator's credentials format, with bcrypt hashes (never passwords).

    A pending or suspended seller is still an active user: they may log in and are then shown a
    notice instead of the seller tools (the router decides that from `Account`).
    """
    rows = session.execute(
        select(User.username, User.name, User.email, User.password_hash, User.role)
        .where(User.is_active.is_(True))
        .order_by(User.username)
    ).all()
    usernames: dict[str, dict[str, Any]] = {}
    for username, name, email, password_hash, role in rows:
        # The library lower-cases usernames on login; key them the same way so the lookup matches.
        usernames[username.lower()] = {
            "name": name,
            "email": email,
            "password": password_hash,
            "roles": [UserRole(role).value],
        }
    return {"usernames": usernames}


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
