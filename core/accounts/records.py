"""Keeping the sign-in records bounded: ended server sessions and old login attempts are deleted daily.

The admin's Sign-ins page shows who is signed in and the latest attempts; nothing needs an ended session or an
old attempt for long. Ended sessions stay `SESSIONS_KEPT` after they ended (revoked, past their absolute end, or
idle past the policy) so a recent "signed out everywhere" can still be looked at; attempts stay `ATTEMPTS_KEPT`,
far longer than any throttle window or lock, so the back-off never loses a failure it still counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, or_
from sqlalchemy.orm import Session

from core.accounts.sessions import SessionPolicy
from core.models import LoginAttempt, UserSession
from core.periods import require_aware

SESSIONS_KEPT = timedelta(days=30)
ATTEMPTS_KEPT = timedelta(days=90)


@dataclass(frozen=True)
class PurgeReport:
    sessions: int
    attempts: int

    @property
    def rows(self) -> int:
        return self.sessions + self.attempts


def purge_sign_in_records(session: Session, *, now: datetime, policy: SessionPolicy | None = None) -> PurgeReport:
    """Delete sessions that ended more than `SESSIONS_KEPT` ago and attempts older than `ATTEMPTS_KEPT`."""
    require_aware(now)
    policy = policy or SessionPolicy()
    cutoff = now - SESSIONS_KEPT
    ended_long_ago = or_(
        UserSession.revoked_at <= cutoff,
        UserSession.expires_at <= cutoff,
        UserSession.last_seen_at <= cutoff - policy.idle,
    )
    sessions = session.execute(delete(UserSession).where(ended_long_ago)).rowcount or 0
    attempts = session.execute(delete(LoginAttempt).where(LoginAttempt.attempted_at <= now - ATTEMPTS_KEPT)).rowcount
    return PurgeReport(sessions=int(sessions), attempts=int(attempts or 0))
