"""Accounts: who may log in and as what, and a seller's own settings.

The face of the package: what components and jobs call, re-exported from its modules."""

from __future__ import annotations

from core.accounts.auth import Account
from core.accounts.preferences import SellerSettings, get_seller_settings, save_seller_settings

__all__ = ["Account", "SellerSettings", "get_seller_settings", "save_seller_settings"]
