"""The seller's settings: the cached read and the save of the weekly coaching e-mail choice."""

from __future__ import annotations

from components.data import cached, forget_seller
from core.accounts import SellerSettings, get_seller_settings, save_seller_settings
from core.db import session_scope

SETTINGS_TTL_SECONDS = 300


@cached("settings", ttl=SETTINGS_TTL_SECONDS)
def seller_settings(seller_id: str) -> SellerSettings:
    with session_scope() as session:
        return get_seller_settings(session, seller_id=seller_id)


def save_digest_choice(seller_id: str, *, weekly_digest_opt_in: bool) -> None:
    """One transaction; raises the database's error or LookupError (nothing saved). The cache is forgotten either
    way, so the switch shows what is stored."""
    try:
        with session_scope() as session:
            save_seller_settings(session, seller_id=seller_id, weekly_digest_opt_in=weekly_digest_opt_in)
    finally:
        forget_seller(seller_id, "settings")
