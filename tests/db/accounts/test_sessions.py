"""Server-side login sessions on both databases: start, check by cookie token and by id, touch at most once a
minute, idle and absolute expiry with a controlled clock, revoke one or all, deactivation, and the admin's list."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.accounts.sessions import (
    REASON_LOGOUT,
    REASON_SIGN_OUT_EVERYWHERE,
    SessionPolicy,
    SessionStatus,
    active_sessions_by_user,
    check_session,
    hash_token,
    revoke_all_for_user,
    revoke_session,
    start_session,
    touch_session,
)
from core.models import UserRole, UserSession
from tests.conftest import NOW
from tests.factories import make_seller, make_user

POLICY = SessionPolicy()  # idle 7 days, absolute 30 days, touch at most once a minute
MINUTE = timedelta(minutes=1)


def test_a_started_session_is_found_by_its_token_and_its_id(session: Session) -> None:
    maya = make_seller(session, username="sess_maya", name="Maya Lopez").user
    session_id, token = start_session(
        session, user_id=maya.id, now=NOW, policy=POLICY, user_agent="Mozilla/5.0 (X11)", address="203.0.113.7"
    )
    stored = session.get(UserSession, session_id)
    assert stored is not None
    # Only the token's SHA-256 is stored; the absolute end is 30 days after the login.
    assert stored.token_hash == hash_token(token) and token not in stored.token_hash
    assert (stored.created_at, stored.last_seen_at, stored.expires_at) == (NOW, NOW, NOW + timedelta(days=30))
    assert (stored.user_agent, stored.address, stored.revoked_at) == ("Mozilla/5.0 (X11)", "203.0.113.7", None)

    by_token = check_session(session, token=token, now=NOW + MINUTE, policy=POLICY)
    assert by_token.ok and by_token.session_id == session_id
    assert by_token.user is not None
    assert (by_token.user.username, by_token.user.name, by_token.user.role) == (
        "sess_maya",
        "Maya Lopez",
        UserRole.SELLER,
    )
    assert check_session(session, session_id=session_id, now=NOW, policy=POLICY).ok
    assert check_session(session, token="x" * 43, now=NOW, policy=POLICY).status == SessionStatus.UNKNOWN
    assert check_session(session, session_id="no-such-id", now=NOW, policy=POLICY).status == SessionStatus.UNKNOWN
    assert check_session(session, now=NOW, policy=POLICY).status == SessionStatus.UNKNOWN


def test_user_agent_and_address_are_cut_and_cleaned(session: Session) -> None:
    user = make_user(session, username="sess_agent")
    session_id, _ = start_session(
        session, user_id=user.id, now=NOW, policy=POLICY, user_agent="A\x00" + "b" * 400, address=""
    )
    stored = session.get(UserSession, session_id)
    assert stored is not None and stored.user_agent == "A" + "b" * 299 and stored.address is None


def test_last_use_is_stamped_at_most_once_a_minute(session: Session) -> None:
    user = make_user(session, username="sess_touch")
    session_id, _ = start_session(session, user_id=user.id, now=NOW, policy=POLICY)
    assert not touch_session(session, session_id=session_id, now=NOW + timedelta(seconds=59), policy=POLICY)
    assert touch_session(session, session_id=session_id, now=NOW + MINUTE, policy=POLICY)
    assert not touch_session(session, session_id=session_id, now=NOW + MINUTE + timedelta(seconds=30), policy=POLICY)
    session.expire_all()
    assert session.scalar(select(UserSession.last_seen_at).where(UserSession.id == session_id)) == NOW + MINUTE


def test_idle_expiry_counts_from_the_last_use(session: Session) -> None:
    user = make_user(session, username="sess_idle")
    session_id, _ = start_session(session, user_id=user.id, now=NOW, policy=POLICY)
    # Used on day 6: the idle week starts again from then.
    assert touch_session(session, session_id=session_id, now=NOW + timedelta(days=6), policy=POLICY)
    later = NOW + timedelta(days=12)
    assert check_session(session, session_id=session_id, now=later, policy=POLICY).ok
    idle_end = NOW + timedelta(days=13)  # 7 days after the last use
    assert check_session(session, session_id=session_id, now=idle_end, policy=POLICY).status == SessionStatus.IDLE


def test_absolute_expiry_even_when_used_every_day(session: Session) -> None:
    user = make_user(session, username="sess_abs")
    session_id, _ = start_session(session, user_id=user.id, now=NOW, policy=POLICY)
    for day in range(1, 30):
        touch_session(session, session_id=session_id, now=NOW + timedelta(days=day), policy=POLICY)
    just_before = NOW + timedelta(days=30) - timedelta(seconds=1)
    assert check_session(session, session_id=session_id, now=just_before, policy=POLICY).ok
    at_end = check_session(session, session_id=session_id, now=NOW + timedelta(days=30), policy=POLICY)
    assert at_end.status == SessionStatus.EXPIRED


def test_logout_revokes_one_session_and_a_replayed_token_is_refused(session: Session) -> None:
    user = make_user(session, username="sess_logout")
    laptop, laptop_token = start_session(session, user_id=user.id, now=NOW, policy=POLICY)
    phone, _ = start_session(session, user_id=user.id, now=NOW, policy=POLICY)
    assert revoke_session(session, session_id=laptop, now=NOW + MINUTE, reason=REASON_LOGOUT)
    assert not revoke_session(session, session_id=laptop, now=NOW + 2 * MINUTE)  # already over
    replay = check_session(session, token=laptop_token, now=NOW + 2 * MINUTE, policy=POLICY)
    assert replay.status == SessionStatus.REVOKED
    assert check_session(session, session_id=phone, now=NOW + 2 * MINUTE, policy=POLICY).ok
    stored = session.get(UserSession, laptop)
    assert stored is not None and (stored.revoked_at, stored.revoked_reason) == (NOW + MINUTE, "logout")
    # A revoked session is not touched back to life.
    assert not touch_session(session, session_id=laptop, now=NOW + timedelta(hours=1), policy=POLICY)


def test_revoke_all_for_user_ends_only_that_users_open_sessions(session: Session) -> None:
    user = make_user(session, username="sess_all")
    other = make_user(session, username="sess_other")
    first, _ = start_session(session, user_id=user.id, now=NOW, policy=POLICY)
    start_session(session, user_id=user.id, now=NOW, policy=POLICY)
    revoke_session(session, session_id=first, now=NOW)  # already logged out: not counted again
    kept, _ = start_session(session, user_id=other.id, now=NOW, policy=POLICY)
    assert revoke_all_for_user(session, user_id=user.id, now=NOW + MINUTE, reason=REASON_SIGN_OUT_EVERYWHERE) == 1
    assert revoke_all_for_user(session, user_id=user.id, now=NOW + MINUTE, reason=REASON_SIGN_OUT_EVERYWHERE) == 0
    assert check_session(session, session_id=kept, now=NOW + MINUTE, policy=POLICY).ok


def test_a_deactivated_users_session_is_over(session: Session) -> None:
    user = make_user(session, username="sess_gone")
    session_id, _ = start_session(session, user_id=user.id, now=NOW, policy=POLICY)
    user.is_active = False
    session.flush()
    assert check_session(session, session_id=session_id, now=NOW, policy=POLICY).status == SessionStatus.INACTIVE


def test_active_sessions_by_user_counts_only_good_sessions(session: Session) -> None:
    ada = make_user(session, username="sess_list_ada", role=UserRole.ADMIN, name="Ada")
    sam = make_user(session, username="sess_list_sam", name="Sam")
    gone = make_user(session, username="sess_list_gone", name="Gone")
    start_session(session, user_id=ada.id, now=NOW - timedelta(days=2), policy=POLICY)
    start_session(session, user_id=ada.id, now=NOW - timedelta(hours=1), policy=POLICY)
    old, _ = start_session(session, user_id=sam.id, now=NOW - timedelta(days=8), policy=POLICY)  # idle now
    revoked, _ = start_session(session, user_id=sam.id, now=NOW, policy=POLICY)
    revoke_session(session, session_id=revoked, now=NOW)
    start_session(session, user_id=gone.id, now=NOW, policy=POLICY)
    gone.is_active = False
    session.flush()

    found = [a for a in active_sessions_by_user(session, now=NOW, policy=POLICY) if a.username.startswith("sess_list")]
    assert [(a.username, a.sessions, a.role) for a in found] == [("sess_list_ada", 2, UserRole.ADMIN)]
    assert found[0].last_seen_at == NOW - timedelta(hours=1)
    assert found[0].first_login_at == NOW - timedelta(days=2)
    assert old  # Sam's only sessions are idle and revoked: he is not listed
