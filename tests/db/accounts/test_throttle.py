"""Login attempts and the throttle's records on both databases: failures counted per username and per address in
the window, cleared by a success or an admin's unlock, refused attempts not counted, the held-back list."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.accounts.throttle import (
    ThrottlePolicy,
    held_back,
    recent_attempts,
    recent_failures,
    record_attempt,
    unlock,
    verdict,
)
from core.models import LoginAttempt, LoginOutcome
from tests.conftest import NOW

POLICY = ThrottlePolicy()
SECOND = timedelta(seconds=1)
ADDRESS = "203.0.113.7"


def fail(session: Session, username: str, at, address: str | None = ADDRESS, times: int = 1) -> None:  # type: ignore[no-untyped-def]
    for _ in range(times):
        record_attempt(session, username=username, address=address, outcome=LoginOutcome.FAILURE, now=at)


def counts(session: Session, username: str, address: str | None = ADDRESS, now=NOW) -> list[tuple[str, int]]:  # type: ignore[no-untyped-def]
    found = recent_failures(session, username=username, address=address, now=now, policy=POLICY)
    return [(f.kind, f.count) for f in found]


def test_failures_count_per_username_and_per_address_within_the_window(session: Session) -> None:
    last = NOW - SECOND
    fail(session, "thr_a", last - timedelta(minutes=15))  # exactly one window before the last failure: out
    fail(session, "thr_a", last - timedelta(minutes=15) + SECOND)  # in
    fail(session, "thr_a", last, address="198.51.100.1")  # in, another address
    fail(session, "thr_b", last)  # another username, same address
    record_attempt(session, username="thr_a", address=ADDRESS, outcome=LoginOutcome.THROTTLED, now=NOW)  # not counted
    assert counts(session, "thr_a") == [("username", 2), ("address", 2)]
    assert counts(session, "THR_A ", address=None) == [("username", 2)]  # no address: per username only
    found = recent_failures(session, username="thr_a", address=None, now=NOW, policy=POLICY)[0]
    assert found.last_at == last


def test_failures_older_than_any_wait_are_not_read(session: Session) -> None:
    # 10 failures 31 minutes ago: their lock (15 min after the last) is long over, and the rows are not even read.
    fail(session, "thr_old", NOW - timedelta(minutes=31), address=None, times=10)
    assert counts(session, "thr_old", address=None) == [("username", 0)]
    # 10 failures 29 minutes ago ended their lock 14 minutes ago; they are read but nothing waits.
    fail(session, "thr_old2", NOW - timedelta(minutes=29), address=None, times=10)
    found = recent_failures(session, username="thr_old2", address=None, now=NOW, policy=POLICY)
    assert [(f.count, f.last_at) for f in found] == [(10, NOW - timedelta(minutes=29))]
    assert verdict(found, now=NOW, policy=POLICY).allowed


def test_a_lock_lasts_15_minutes_while_the_earlier_failures_leave_the_window(session: Session) -> None:
    # One failure a minute: the 10th at NOW + 9 min locks until NOW + 24 min, though by then the first nine are
    # more than 15 minutes old.
    for n in range(10):
        fail(session, "thr_slow", NOW + timedelta(minutes=n), address=None)
    later = NOW + timedelta(minutes=23, seconds=59)
    found = recent_failures(session, username="thr_slow", address=None, now=later, policy=POLICY)
    result = verdict(found, now=later, policy=POLICY)
    assert (result.allowed, result.locked, result.retry_at) == (False, True, NOW + timedelta(minutes=24))
    at_end = NOW + timedelta(minutes=24)
    found = recent_failures(session, username="thr_slow", address=None, now=at_end, policy=POLICY)
    assert verdict(found, now=at_end, policy=POLICY).allowed


def test_the_fifth_failure_starts_the_back_off_and_the_tenth_locks(session: Session) -> None:
    for n in range(1, 11):
        fail(session, "thr_boundary", NOW + n * SECOND, address=None)
        found = recent_failures(session, username="thr_boundary", address=None, now=NOW + n * SECOND, policy=POLICY)
        result = verdict(found, now=NOW + n * SECOND, policy=POLICY)
        assert result.allowed == (n < 5), n
        assert result.locked == (n >= 10), n
    assert result.retry_at == NOW + 10 * SECOND + timedelta(minutes=15)


def test_a_success_clears_the_usernames_failures(session: Session) -> None:
    fail(session, "thr_ok", NOW - timedelta(minutes=2), times=4)
    fail(session, "thr_other", NOW - timedelta(minutes=2), times=2)
    record_attempt(session, username="Thr_OK", address=ADDRESS, outcome=LoginOutcome.SUCCESS, now=NOW - SECOND)
    assert counts(session, "thr_ok") == [("username", 0), ("address", 2)]  # the other user's failures still count
    assert counts(session, "thr_other", address=None) == [("username", 2)]


def test_unlock_clears_a_username_or_an_address(session: Session) -> None:
    fail(session, "thr_locked", NOW - timedelta(minutes=1), times=10)
    assert unlock(session, kind="username", key="thr_locked", now=NOW) == 10
    assert counts(session, "thr_locked") == [("username", 0), ("address", 0)]  # the same rows were cleared
    fail(session, "thr_x", NOW - SECOND, address="192.0.2.9", times=3)
    fail(session, "thr_y", NOW - SECOND, address="192.0.2.9", times=3)
    assert unlock(session, kind="address", key="192.0.2.9", now=NOW) == 6
    assert counts(session, "thr_x", address="192.0.2.9") == [("username", 0), ("address", 0)]
    assert unlock(session, kind="address", key="192.0.2.9", now=NOW) == 0


def test_held_back_lists_waiting_usernames_and_addresses(session: Session) -> None:
    fail(session, "thr_held_lock", NOW - timedelta(minutes=3), address="192.0.2.50", times=10)
    fail(session, "thr_held_wait", NOW - 5 * SECOND, address=None, times=5)  # waits until NOW + 10 s
    fail(session, "thr_held_done", NOW - timedelta(seconds=20), address=None, times=5)  # its 15 s are over
    fail(session, "thr_held_few", NOW, address=None, times=4)
    found = [h for h in held_back(session, now=NOW, policy=POLICY) if "thr_held" in h.key or h.kind == "address"]
    assert [(h.kind, h.key, h.failures, h.locked, h.retry_at) for h in found] == [
        ("address", "192.0.2.50", 10, True, NOW + timedelta(minutes=12)),
        ("username", "thr_held_lock", 10, True, NOW + timedelta(minutes=12)),
        ("username", "thr_held_wait", 5, False, NOW + 10 * SECOND),
    ]


def test_attempts_are_listed_newest_first_and_typed_text_is_stored_safely(session: Session) -> None:
    record_attempt(
        session, username="thr_list\x00<b>", address=None, outcome=LoginOutcome.FAILURE, now=NOW, user_agent="UA\x00x"
    )
    record_attempt(session, username="thr_list", address=ADDRESS, outcome=LoginOutcome.SUCCESS, now=NOW + SECOND)
    rows = [r for r in recent_attempts(session, limit=50) if r.username.startswith("thr_list")]
    assert [(r.username, r.address, r.outcome, r.user_agent) for r in rows] == [
        ("thr_list", ADDRESS, LoginOutcome.SUCCESS, None),
        ("thr_list<b>", None, LoginOutcome.FAILURE, "UAx"),
    ]
    stored = session.scalars(select(LoginAttempt).where(LoginAttempt.username == "thr_list<b>")).one()
    assert stored.attempted_at == NOW and stored.cleared_at is None
