"""Accounts: who may log in and as what, their login sessions and login throttling, and a seller's own settings.

The face of the package: what components and jobs call, re-exported from its modules."""

from __future__ import annotations

from core.accounts.auth import Account
from core.accounts.preferences import SellerSettings, get_seller_settings, save_seller_settings
from core.accounts.sessions import (
    REASON_DEACTIVATED,
    REASON_LOGOUT,
    REASON_PASSWORD_CHANGED,
    REASON_SIGN_OUT_EVERYWHERE,
    ActiveSessions,
    SessionCheck,
    SessionPolicy,
    SessionStatus,
    SessionUser,
    active_sessions_by_user,
    check_session,
    revoke_all_for_user,
    revoke_session,
    sign_token,
    start_session,
    touch_session,
    verified_token,
)
from core.accounts.throttle import (
    AttemptRow,
    HeldBack,
    ThrottlePolicy,
    Verdict,
    held_back,
    recent_attempts,
    recent_failures,
    record_attempt,
    unlock,
    username_key,
    verdict,
)

__all__ = [
    "REASON_DEACTIVATED",
    "REASON_LOGOUT",
    "REASON_PASSWORD_CHANGED",
    "REASON_SIGN_OUT_EVERYWHERE",
    "Account",
    "ActiveSessions",
    "AttemptRow",
    "HeldBack",
    "SellerSettings",
    "SessionCheck",
    "SessionPolicy",
    "SessionStatus",
    "SessionUser",
    "ThrottlePolicy",
    "Verdict",
    "active_sessions_by_user",
    "check_session",
    "get_seller_settings",
    "held_back",
    "recent_attempts",
    "recent_failures",
    "record_attempt",
    "revoke_all_for_user",
    "revoke_session",
    "save_seller_settings",
    "sign_token",
    "start_session",
    "touch_session",
    "unlock",
    "username_key",
    "verdict",
    "verified_token",
]
