"""Accounts for the shell: the active users' login credentials, the logged-in account, and stamping a login."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from components.data import cached, clock
from core.accounts import auth
from core.db import session_scope

log = logging.getLogger(__name__)

# How long a cached answer may be shown before it is read again.
CREDENTIALS_TTL_SECONDS = 60
ACCOUNT_TTL_SECONDS = 60


@cached("accounts", ttl=CREDENTIALS_TTL_SECONDS)
def credentials() -> dict[str, Any]:
    """Login credentials of the active users (a fresh copy per call: the authenticator mutates it)."""
    with session_scope() as session:
        return auth.load_credentials(session)


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
