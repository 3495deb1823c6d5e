"""Login throttling: the pure rule (how long a typed username or a client address waits after its recent failed
logins: exponential back-off, then a temporary lock) and its records (every attempt, recent failures, unlock).

A key's wait runs from its last failure and depends on how many uncleared failures it had in the `window` up to
that failure: so a lock lasts its full time even while the earlier failures leave the window. An admin's unlock
clears failures, and so does a successful login of that username. A refused attempt (THROTTLED) is recorded but
never counts: the password was not checked, and a person retrying during a lock must not lengthen it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.models import LoginAttempt, LoginOutcome

Kind = Literal["username", "address"]
USERNAME_LENGTH = 64
ADDRESS_LENGTH = 64
USER_AGENT_LENGTH = 300


@dataclass(frozen=True)
class ThrottlePolicy:
    backoff_after: int = 5  # failures in the window before the first wait
    lock_after: int = 10  # failures in the window that lock the key for `lock`
    window: timedelta = timedelta(minutes=15)
    lock: timedelta = timedelta(minutes=15)
    backoff: timedelta = timedelta(seconds=15)  # the first wait; each further failure doubles it


@dataclass(frozen=True)
class Failures:
    """One key's uncleared failures: how many in the window up to the last one, and when that one happened."""

    kind: Kind
    key: str
    count: int
    last_at: datetime | None


@dataclass(frozen=True)
class Verdict:
    """May a login be tried now? If not, from when (the later of the username's and the address's waits)."""

    allowed: bool
    retry_at: datetime | None = None
    locked: bool = False  # the wait is a lock (lock_after reached), not a back-off


# ---------------------------------------------------------------- the rule (pure)


def wait_after(failures: int, policy: ThrottlePolicy) -> timedelta:
    """How long a key waits after its last failure: nothing below `backoff_after`; then `backoff` doubling with
    each failure (15 s, 30 s, 1 min, 2 min, 4 min by default); from `lock_after` on, the lock."""
    if failures >= policy.lock_after:
        return policy.lock
    if failures >= policy.backoff_after:
        return policy.backoff * 2 ** (failures - policy.backoff_after)
    return timedelta(0)


def longest_wait(policy: ThrottlePolicy) -> timedelta:
    return max((wait_after(n, policy) for n in range(policy.backoff_after, policy.lock_after + 1)), default=policy.lock)


def horizon(policy: ThrottlePolicy) -> timedelta:
    """How far back a failure can still matter: the window before a last failure whose wait is not over yet."""
    return policy.window + longest_wait(policy)


def summarize(kind: Kind, key: str, times: Sequence[datetime], policy: ThrottlePolicy) -> Failures:
    """A key's failure times (uncleared, any order) as the rule reads them: the last one, and how many fell within
    the window up to and including it."""
    if not times:
        return Failures(kind, key, 0, None)
    last = max(times)
    return Failures(kind, key, sum(1 for t in times if t > last - policy.window), last)


def retry_at(failures: Failures, policy: ThrottlePolicy) -> datetime | None:
    """When the key may try again; None when it never had to wait."""
    wait = wait_after(failures.count, policy)
    if not wait or failures.last_at is None:
        return None
    return failures.last_at + wait


def verdict(failures: Sequence[Failures], *, now: datetime, policy: ThrottlePolicy) -> Verdict:
    """Allowed unless one of the keys still waits; the latest wait wins."""
    latest: datetime | None = None
    locked = False
    for item in failures:
        until = retry_at(item, policy)
        if until is None or until <= now:
            continue
        if latest is None or until > latest:
            latest = until
        locked = locked or item.count >= policy.lock_after
    return Verdict(allowed=latest is None, retry_at=latest, locked=locked)


def username_key(typed: str) -> str:
    """The key a typed username is counted under: as the login form reads it (stripped, lower-cased), without
    control characters (PostgreSQL text refuses NUL), at most 64 characters. Unknown names count too, so the
    throttle never tells whether a username exists."""
    cleaned = "".join(ch for ch in typed.strip().lower() if ch.isprintable())
    return cleaned[:USERNAME_LENGTH]


def _cut(text: str | None, length: int) -> str | None:
    if not text:
        return None
    cleaned = "".join(ch for ch in text if ch.isprintable())
    return cleaned[:length] or None


# ---------------------------------------------------------------- the records


def _open_failures(since: datetime):  # type: ignore[no-untyped-def]
    return (
        LoginAttempt.outcome == LoginOutcome.FAILURE,
        LoginAttempt.cleared_at.is_(None),
        LoginAttempt.attempted_at > since,
    )


def recent_failures(
    session: Session, *, username: str, address: str | None, now: datetime, policy: ThrottlePolicy
) -> list[Failures]:
    """The username's and (when known) the address's uncleared failures that can still make them wait at `now`."""
    since = now - horizon(policy)
    username = username_key(username)
    keys: list[tuple[Kind, str, object]] = [("username", username, LoginAttempt.username == username)]
    if address:
        keys.append(("address", address, LoginAttempt.address == address))
    found = []
    for kind, key, match in keys:
        # The newest `lock_after` are enough: the count saturates there.
        times = session.scalars(
            select(LoginAttempt.attempted_at)
            .where(match, *_open_failures(since))
            .order_by(LoginAttempt.attempted_at.desc())
            .limit(policy.lock_after)
        ).all()
        found.append(summarize(kind, key, times, policy))
    return found


def record_attempt(
    session: Session,
    *,
    username: str,
    address: str | None,
    outcome: LoginOutcome,
    now: datetime,
    user_agent: str | None = None,
) -> None:
    """Write one attempt. A success also clears the username's open failures (the right person got in)."""
    session.add(
        LoginAttempt(
            username=username_key(username),
            address=_cut(address, ADDRESS_LENGTH),
            outcome=outcome,
            attempted_at=now,
            user_agent=_cut(user_agent, USER_AGENT_LENGTH),
        )
    )
    if outcome == LoginOutcome.SUCCESS:
        _clear(session, LoginAttempt.username == username_key(username), now)
    session.flush()


def _clear(session: Session, match: object, now: datetime) -> int:
    result = session.execute(
        update(LoginAttempt)
        .where(match, LoginAttempt.outcome == LoginOutcome.FAILURE, LoginAttempt.cleared_at.is_(None))
        .values(cleared_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)


def unlock(session: Session, *, kind: Kind, key: str, now: datetime) -> int:
    """An admin's unlock: clear every open failure of the username or address; how many were cleared."""
    column = LoginAttempt.username if kind == "username" else LoginAttempt.address
    return _clear(session, column == key, now)


@dataclass(frozen=True)
class HeldBack:
    """A username or address that may not try a login right now."""

    kind: Kind
    key: str
    failures: int
    last_failure_at: datetime
    retry_at: datetime
    locked: bool


def held_back(session: Session, *, now: datetime, policy: ThrottlePolicy) -> list[HeldBack]:
    """Every username and address waiting now (back-off or lock), the longest wait first."""
    since = now - horizon(policy)
    found: list[HeldBack] = []
    for kind, column in (("username", LoginAttempt.username), ("address", LoginAttempt.address)):
        times: dict[str, list[datetime]] = {}
        for key, moment in session.execute(
            select(column, LoginAttempt.attempted_at).where(column.is_not(None), *_open_failures(since))
        ):
            times.setdefault(key, []).append(moment)
        for key, moments in times.items():
            failures = summarize(kind, key, moments, policy)  # type: ignore[arg-type]
            until = retry_at(failures, policy)
            if until is not None and until > now and failures.last_at is not None:
                locked = failures.count >= policy.lock_after
                found.append(HeldBack(kind, key, failures.count, failures.last_at, until, locked))  # type: ignore[arg-type]
    return sorted(found, key=lambda h: (-h.retry_at.timestamp(), h.kind, h.key))


@dataclass(frozen=True)
class AttemptRow:
    attempted_at: datetime
    username: str
    address: str | None
    outcome: LoginOutcome
    cleared: bool
    user_agent: str | None


def recent_attempts(session: Session, *, limit: int = 200, outcome: LoginOutcome | None = None) -> list[AttemptRow]:
    """The latest attempts, newest first (optionally of one outcome)."""
    query = select(LoginAttempt).order_by(LoginAttempt.attempted_at.desc(), LoginAttempt.id).limit(limit)
    if outcome is not None:
        query = query.where(LoginAttempt.outcome == outcome)
    return [
        AttemptRow(
            a.attempted_at, a.username, a.address, LoginOutcome(a.outcome), a.cleared_at is not None, a.user_agent
        )
        for a in session.scalars(query)
    ]
