"""The daily sign-in clean-up on both databases: which sessions and attempts go, which stay (hand-built rows)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.accounts.records import ATTEMPTS_KEPT, SESSIONS_KEPT, purge_sign_in_records
from core.accounts.sessions import SessionPolicy
from core.models import LoginAttempt, LoginOutcome, UserSession
from tests.conftest import NOW
from tests.factories import make_user

DAY = timedelta(days=1)
POLICY = SessionPolicy()  # idle 7 days


def _session(session: Session, user_id: str, label: str, **fields: object) -> None:
    values = {"created_at": NOW - 60 * DAY, "last_seen_at": NOW - DAY, "expires_at": NOW + 10 * DAY} | fields
    session.add(UserSession(token_hash=label.ljust(64, "0"), user_id=user_id, user_agent=label, **values))


def test_ended_sessions_go_after_30_days_and_old_attempts_after_90(session: Session) -> None:
    user = make_user(session, username="purge_ada")
    cutoff = NOW - SESSIONS_KEPT  # 30 days ago
    _session(session, user.id, "live")  # in use yesterday, ends in 10 days: stays
    _session(session, user.id, "revoked-long-ago", revoked_at=cutoff - DAY)  # goes
    _session(session, user.id, "revoked-recently", revoked_at=cutoff + DAY)  # stays: 29 days ago
    _session(session, user.id, "expired-long-ago", expires_at=cutoff)  # goes: exactly 30 days ago counts
    _session(session, user.id, "expired-recently", expires_at=NOW - DAY)  # stays
    # Idle since 38 days: idle-ended 31 days ago (goes); idle since 36 days: idle-ended 29 days ago (stays).
    _session(session, user.id, "idle-long-ago", last_seen_at=cutoff - POLICY.idle - DAY)
    _session(session, user.id, "idle-recently", last_seen_at=cutoff - POLICY.idle + DAY)
    for age, name in ((ATTEMPTS_KEPT + DAY, "old"), (ATTEMPTS_KEPT, "edge"), (ATTEMPTS_KEPT - DAY, "recent")):
        session.add(LoginAttempt(username=name, outcome=LoginOutcome.FAILURE, attempted_at=NOW - age))
    session.flush()

    report = purge_sign_in_records(session, now=NOW, policy=POLICY)

    assert (report.sessions, report.attempts, report.rows) == (3, 2, 5)
    left = set(session.scalars(select(UserSession.user_agent)))
    assert left == {"live", "revoked-recently", "expired-recently", "idle-recently"}
    assert set(session.scalars(select(LoginAttempt.username))) == {"recent"}
    assert purge_sign_in_records(session, now=NOW, policy=POLICY).rows == 0  # nothing left to purge
