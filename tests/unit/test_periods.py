"""core.periods: complete-day windows, filling days without sales, totals, and aware-time checks."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from core.periods import (
    DailyPoint,
    Window,
    complete_days,
    fill_missing_days,
    iso_week,
    local_day,
    start_of_day,
    window_totals,
)


def test_complete_days_end_yesterday() -> None:
    window = complete_days(30, today=date(2026, 12, 6))
    assert (window.start, window.end, window.days) == (date(2026, 11, 6), date(2026, 12, 5), 30)


def test_previous_window_has_the_same_length_and_touches() -> None:
    window = Window(date(2026, 11, 6), date(2026, 12, 5))
    assert window.previous() == Window(date(2026, 10, 7), date(2026, 11, 5))


def test_window_refuses_an_end_before_its_start() -> None:
    with pytest.raises(ValueError, match="ends on or after"):
        Window(date(2026, 1, 2), date(2026, 1, 1))
    with pytest.raises(ValueError, match="at least one day"):
        complete_days(0, today=date(2026, 1, 1))


def test_fill_missing_days_zero_fills_and_ignores_outside_rows() -> None:
    window = Window(date(2026, 3, 1), date(2026, 3, 4))
    rows = [
        (date(2026, 2, 28), Decimal("99"), 9),  # outside: ignored
        (date(2026, 3, 2), Decimal("10.50"), 2),
        (date(2026, 3, 4), Decimal("5"), 1),
    ]
    points = fill_missing_days(rows, window)
    assert [(p.day.day, p.revenue, p.units) for p in points] == [
        (1, Decimal("0.00"), 0),
        (2, Decimal("10.50"), 2),
        (3, Decimal("0.00"), 0),
        (4, Decimal("5"), 1),
    ]
    assert window_totals(points, Window(date(2026, 3, 2), date(2026, 3, 3))) == (Decimal("10.50"), 2)
    assert window_totals(points, window) == (Decimal("15.50"), 3)


def test_local_day_and_start_of_day_across_time_zones() -> None:
    new_york = ZoneInfo("America/New_York")
    late_evening_utc = datetime(2026, 12, 6, 3, 30, tzinfo=UTC)  # 22:30 on Dec 5 in New York
    assert local_day(late_evening_utc, new_york) == date(2026, 12, 5)
    assert start_of_day(date(2026, 12, 5), new_york) == datetime(2026, 12, 5, 5, 0, tzinfo=UTC)
    assert local_day(late_evening_utc, timezone(timedelta(hours=5))) == date(2026, 12, 6)
    with pytest.raises(ValueError, match="timezone-aware"):
        local_day(datetime(2026, 12, 6, 3, 30), new_york)


def test_iso_week_is_the_local_iso_week() -> None:
    new_york = ZoneInfo("America/New_York")
    # Monday 2026-11-23 04:30 UTC is still Sunday the 22nd (23:30) in New York: ISO week 47; at 05:00 UTC it is
    # Monday 00:00 there, the first moment of week 48.
    assert iso_week(datetime(2026, 11, 23, 4, 30, tzinfo=UTC), new_york) == "2026-W47"
    assert iso_week(datetime(2026, 11, 23, 5, 0, tzinfo=UTC), new_york) == "2026-W48"
    assert iso_week(datetime(2026, 1, 5, 12, 0, tzinfo=UTC), UTC) == "2026-W02"  # zero-padded week


def test_iso_week_year_can_differ_from_the_calendar_year() -> None:
    # 2026 starts on a Thursday, so it has 53 ISO weeks; week 53 runs Monday Dec 28, 2026 to Sunday Jan 3, 2027.
    assert iso_week(datetime(2027, 1, 1, 12, 0, tzinfo=UTC), UTC) == "2026-W53"
    assert iso_week(datetime(2027, 1, 3, 23, 59, tzinfo=UTC), UTC) == "2026-W53"
    assert iso_week(datetime(2027, 1, 4, 0, 0, tzinfo=UTC), UTC) == "2027-W01"
    # 2025-12-29 is the Monday of the week holding Thursday Jan 1, 2026: ISO week 1 of 2026 starts in December.
    assert iso_week(datetime(2025, 12, 29, 9, 0, tzinfo=UTC), UTC) == "2026-W01"
    with pytest.raises(ValueError, match="timezone-aware"):
        iso_week(datetime(2027, 1, 1, 12, 0), UTC)


def test_daily_point_is_a_value() -> None:
    assert DailyPoint(date(2026, 1, 1), Decimal("1.00"), 1) == DailyPoint(date(2026, 1, 1), Decimal("1.00"), 1)
