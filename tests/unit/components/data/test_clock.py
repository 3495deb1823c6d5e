"""The app's one clock: `today()` is the marketplace's calendar day of `now()` (components/data/clock.py)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest

from components.data import clock
from core.config import reset_settings

LATE_EVENING_UTC = datetime(2026, 11, 23, 23, 30, tzinfo=UTC)


@pytest.fixture
def pinned(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(clock, "now", lambda: LATE_EVENING_UTC)
    yield
    reset_settings()


def test_now_is_aware_utc() -> None:
    moment = clock.now()
    assert moment.tzinfo is not None and moment.utcoffset() == UTC.utcoffset(moment)


@pytest.mark.parametrize(
    ("zone", "day"),
    [
        ("UTC", date(2026, 11, 23)),
        ("America/New_York", date(2026, 11, 23)),  # 18:30 the same day
        ("Asia/Tokyo", date(2026, 11, 24)),  # 08:30 the next morning
    ],
)
def test_today_is_the_marketplace_day_of_the_one_clock(
    pinned: None, monkeypatch: pytest.MonkeyPatch, zone: str, day: date
) -> None:
    monkeypatch.setenv("APP_TIMEZONE", zone)
    reset_settings()
    assert clock.today() == day
    assert clock.utc_today() == date(2026, 11, 23)
