"""The login throttle's rule: the wait after N failures (exponential back-off from 5, a lock from 10), the verdict
at the exact boundaries, the later of the username's and the address's waits, and the key a typed name counts under."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.accounts.throttle import Failures, ThrottlePolicy, horizon, summarize, username_key, verdict, wait_after
from tests.conftest import NOW

POLICY = ThrottlePolicy()  # 5 / 10 failures, 15-minute window, 15-minute lock, 15 s first wait
SECOND = timedelta(seconds=1)


@pytest.mark.parametrize(
    ("failures", "wait"),
    [
        (0, timedelta(0)),
        (4, timedelta(0)),  # the 4th failure costs nothing yet
        (5, timedelta(seconds=15)),  # the 5th starts the back-off: 15 s
        (6, timedelta(seconds=30)),  # 15 x 2
        (7, timedelta(seconds=60)),  # 15 x 4
        (8, timedelta(seconds=120)),  # 15 x 8
        (9, timedelta(seconds=240)),  # 15 x 16
        (10, timedelta(minutes=15)),  # the 10th locks for 15 minutes
        (25, timedelta(minutes=15)),  # and the lock does not grow
    ],
)
def test_wait_after_n_failures(failures: int, wait: timedelta) -> None:
    assert wait_after(failures, POLICY) == wait


def test_the_waits_are_settings() -> None:
    policy = ThrottlePolicy(backoff_after=3, lock_after=4, lock=timedelta(hours=1), backoff=timedelta(seconds=2))
    assert [wait_after(n, policy) for n in (2, 3, 4)] == [timedelta(0), timedelta(seconds=2), timedelta(hours=1)]


def username(count: int, last_at=NOW) -> Failures:  # type: ignore[no-untyped-def]
    return Failures("username", "maya", count, last_at if count else None)


def test_four_failures_never_wait() -> None:
    assert verdict([username(4)], now=NOW, policy=POLICY).allowed


def test_five_failures_wait_exactly_15_seconds() -> None:
    waiting = verdict([username(5)], now=NOW + 15 * SECOND - timedelta(microseconds=1), policy=POLICY)
    assert not waiting.allowed and not waiting.locked
    assert waiting.retry_at == NOW + 15 * SECOND
    assert verdict([username(5)], now=NOW + 15 * SECOND, policy=POLICY).allowed


def test_nine_failures_wait_4_minutes() -> None:
    assert not verdict([username(9)], now=NOW + 239 * SECOND, policy=POLICY).allowed
    assert verdict([username(9)], now=NOW + 240 * SECOND, policy=POLICY).allowed


def test_ten_failures_lock_for_15_minutes() -> None:
    locked = verdict([username(10)], now=NOW + timedelta(minutes=14, seconds=59), policy=POLICY)
    assert (locked.allowed, locked.locked, locked.retry_at) == (False, True, NOW + timedelta(minutes=15))
    assert verdict([username(10)], now=NOW + timedelta(minutes=15), policy=POLICY).allowed


def test_the_later_wait_of_username_and_address_wins() -> None:
    by_name = Failures("username", "maya", 5, NOW)  # may retry at NOW + 15 s
    by_address = Failures("address", "203.0.113.7", 10, NOW - timedelta(minutes=1))  # locked until NOW + 14 min
    result = verdict([by_name, by_address], now=NOW + SECOND, policy=POLICY)
    assert (result.allowed, result.locked, result.retry_at) == (False, True, NOW + timedelta(minutes=14))
    # Past the username's back-off, the address's lock still holds.
    assert not verdict([by_name, by_address], now=NOW + timedelta(minutes=10), policy=POLICY).allowed


def test_the_count_is_the_window_up_to_the_last_failure() -> None:
    times = [NOW - timedelta(minutes=15), NOW - timedelta(minutes=14, seconds=59), NOW - timedelta(minutes=1), NOW]
    assert summarize("username", "maya", times, POLICY) == Failures("username", "maya", 3, NOW)
    assert summarize("address", "203.0.113.7", [], POLICY) == Failures("address", "203.0.113.7", 0, None)


def test_a_lock_outlasts_the_window_of_its_failures() -> None:
    # Ten failures, one a minute: the lock runs 15 minutes from the 10th, whatever the window does meanwhile.
    times = [NOW + timedelta(minutes=n) for n in range(10)]
    failures = summarize("username", "maya", times, POLICY)
    assert failures.count == 10
    result = verdict([failures], now=NOW + timedelta(minutes=23, seconds=59), policy=POLICY)
    assert (result.allowed, result.locked, result.retry_at) == (False, True, NOW + timedelta(minutes=24))


def test_the_horizon_is_the_window_plus_the_longest_wait() -> None:
    assert horizon(POLICY) == timedelta(minutes=30)  # 15-minute window + 15-minute lock (> the 4 min back-off)
    slow = ThrottlePolicy(lock=timedelta(minutes=1), backoff=timedelta(minutes=1))  # back-off up to 16 min
    assert horizon(slow) == timedelta(minutes=15 + 16)


def test_no_failures_no_wait() -> None:
    assert verdict([], now=NOW, policy=POLICY).allowed
    assert verdict([username(0)], now=NOW, policy=POLICY).retry_at is None


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("  MaYa ", "maya"),  # as the login form reads it (stripped, lower-cased)
        ("ma\x00ya", "maya"),  # PostgreSQL text refuses NUL: control characters are dropped
        ("ma\u202eya", "maya"),  # so is a bidirectional override (not printable)
        ("x" * 100, "x" * 64),  # the column's length
        ("Ünïcode", "ünïcode"),
    ],
)
def test_username_key(typed: str, key: str) -> None:
    assert username_key(typed) == key
