"""A seller's own settings (issue 6): read and save the weekly coaching e-mail opt-in, scoped to one seller.

The weekly digest job (`core.messaging.digest.digest_recipients`) skips sellers whose `weekly_digest_opt_in` is false;
this module is the only place the Settings page changes it. Nothing here commits: the caller's
`session_scope()` owns the transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db import utcnow
from core.models import SellerProfile, User
from core.privacy import mask_email

__all__ = ["SellerSettings", "get_seller_settings", "save_seller_settings"]


@dataclass(frozen=True)
class SellerSettings:
    """What the Settings page shows the seller about their own account."""

    seller_id: str
    display_name: str
    email: str  # the seller's own address: the digest goes there (shown only to the seller themselves)
    weekly_digest_opt_in: bool

    @property
    def email_masked(self) -> str:
        """ "m****@example.com": for any screen someone else might see (operators)."""
        return mask_email(self.email)


def _profile_and_user(session: Session, *, seller_id: str) -> tuple[SellerProfile, User]:
    row = session.execute(
        select(SellerProfile, User)
        .join(User, User.id == SellerProfile.user_id)
        .where(SellerProfile.id == seller_id, SellerProfile.deleted_at.is_(None))
    ).one_or_none()
    if row is None:
        raise LookupError("Seller not found")
    return row[0], row[1]


def _settings(profile: SellerProfile, user: User) -> SellerSettings:
    return SellerSettings(
        seller_id=profile.id,
        display_name=profile.display_name,
        email=user.email,
        weekly_digest_opt_in=bool(profile.weekly_digest_opt_in),
    )


def get_seller_settings(session: Session, *, seller_id: str) -> SellerSettings:
    """The seller's settings; LookupError("Seller not found") for an unknown or deleted seller."""
    profile, user = _profile_and_user(session, seller_id=seller_id)
    return _settings(profile, user)


def save_seller_settings(
    session: Session, *, seller_id: str, weekly_digest_opt_in: bool, now: datetime | None = None
) -> SellerSettings:
    """Store the seller's weekly-digest choice (flushed; the caller commits) and return the saved settings.

    Only a real bool is accepted (a stray "false" string would be truthy and silently opt the seller in).
    LookupError("Seller not found") for an unknown or deleted seller; nothing is written then.
    """
    if not isinstance(weekly_digest_opt_in, bool):
        raise TypeError(f"weekly_digest_opt_in must be a bool, not {type(weekly_digest_opt_in).__name__}")
    profile, user = _profile_and_user(session, seller_id=seller_id)
    if profile.weekly_digest_opt_in != weekly_digest_opt_in:
        profile.weekly_digest_opt_in = weekly_digest_opt_in
        profile.updated_at = now or utcnow()
        session.flush()
    return _settings(profile, user)
