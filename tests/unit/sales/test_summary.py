"""Pure helpers behind the home pages: the day windows, filling days without sales, percentage change.

Filling, totals and the change are `core.periods`' and `core.money`'s; these are the home pages' cases."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from core.money import percent_change
from core.periods import DailyPoint, Window, fill_missing_days, window_totals
from core.sales.summary import home_windows


def test_windows_end_yesterday_and_are_adjacent() -> None:
    period, previous, series = home_windows(date(2026, 3, 1))
    # Yesterday is Feb 28 (2026 is not a leap year); 30 days back from it starts Jan 30.
    assert period == Window(date(2026, 1, 30), date(2026, 2, 28))
    assert previous == Window(date(2025, 12, 31), date(2026, 1, 29))
    assert series == Window(date(2025, 12, 1), date(2026, 2, 28))
    assert (period.days, previous.days, series.days) == (30, 30, 90)


def test_fill_missing_days_puts_zero_days_between_sales() -> None:
    rows = [
        (date(2026, 5, 3), Decimal("12.50"), 1),
        (date(2026, 5, 1), Decimal("7.00"), 2),
        (date(2026, 4, 30), Decimal("99.00"), 9),  # before start: dropped
        (date(2026, 5, 5), Decimal("99.00"), 9),  # after end: dropped
    ]
    points = fill_missing_days(rows, Window(date(2026, 5, 1), date(2026, 5, 4)))
    assert points == [
        DailyPoint(date(2026, 5, 1), Decimal("7.00"), 2),
        DailyPoint(date(2026, 5, 2), Decimal("0.00"), 0),
        DailyPoint(date(2026, 5, 3), Decimal("12.50"), 1),
        DailyPoint(date(2026, 5, 4), Decimal("0.00"), 0),
    ]


def test_fill_missing_days_without_rows_and_for_one_day() -> None:
    assert fill_missing_days([], Window(date(2026, 1, 1), date(2026, 1, 1))) == [
        DailyPoint(date(2026, 1, 1), Decimal("0.00"), 0)
    ]
    assert len(fill_missing_days([], Window(date(2024, 2, 1), date(2024, 3, 1)))) == 30  # 29 Feb days + Mar 1


def test_window_totals_sum_only_the_days_inside() -> None:
    points = [
        DailyPoint(date(2026, 5, 1), Decimal("7.00"), 2),
        DailyPoint(date(2026, 5, 2), Decimal("0.00"), 0),
        DailyPoint(date(2026, 5, 3), Decimal("12.50"), 1),
        DailyPoint(date(2026, 5, 4), Decimal("3.25"), 1),
    ]
    # May 2..4: 0.00 + 12.50 + 3.25 = 15.75 from 0 + 1 + 1 = 2 units
    assert window_totals(points, Window(date(2026, 5, 2), date(2026, 5, 4))) == (Decimal("15.75"), 2)
    assert window_totals(points, Window(date(2026, 6, 1), date(2026, 6, 30))) == (Decimal("0.00"), 0)


@pytest.mark.parametrize(
    ("current", "previous", "expected"),
    [
        (Decimal("150.50"), Decimal("50.00"), Decimal("201.0")),  # (150.50 - 50) / 50
        (3, 4, Decimal("-25.0")),  # (3 - 4) / 4
        (Decimal("0"), Decimal("80"), Decimal("-100.0")),
        (5, 5, Decimal("0.0")),
        (Decimal("10"), Decimal("0"), None),  # nothing to compare with
        (0, 0, Decimal("0.0")),  # nothing sold in either period: no change (the house rule of core.money)
    ],
)
def test_percent_change(current: Decimal | int, previous: Decimal | int, expected: Decimal | None) -> None:
    assert percent_change(current, previous) == expected
