"""The admin Home's daily business digest read: the newest stored digest (`core.messaging.daily_digest`), cached
for a few minutes under the operators' "analytics" topic (the `daily-digest` job writes one a day, at 08:00)."""

from __future__ import annotations

from datetime import date

from components.data import cached
from core.db import session_scope
from core.messaging.daily_digest import DigestView, latest_digest

DIGEST_TTL_SECONDS = 300


@cached("analytics", ttl=DIGEST_TTL_SECONDS)
def load_latest_digest(today: date) -> DigestView | None:
    """The newest digest of a day before `today` (`today` is the cache key: a new day, a new read)."""
    with session_scope() as session:
        return latest_digest(session, today=today)
