"""How numbers read on the pages: money (the house format of `core.money`, used by every page), counts, changes,
day ranges, durations and the short money of a shared tile."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from components.ui.format import format_change, format_count, format_day_range, format_duration, format_money_short
from core.money import format_money, format_money_compact


def test_format_money() -> None:
    assert format_money(Decimal("1234.56")) == "$1,234.56"
    assert format_money(Decimal("1234.5")) == "$1,234.50"
    assert format_money(0) == "$0.00"
    assert format_money(Decimal("0.005")) == "$0.01"  # half up, like a receipt
    assert format_money(Decimal("-12")) == "-$12.00"
    assert format_money(1234567.891) == "$1,234,567.89"


def test_format_count_and_change() -> None:
    assert format_count(12345) == "12,345"
    assert format_change(201.0) == "+201.0%"
    assert format_change(-18.75) == "-18.8%"
    assert format_change(0.04) == "0.0%"
    assert format_change(None) is None


def test_format_day_range() -> None:
    assert format_day_range(date(2026, 10, 22), date(2026, 11, 20)) == "Oct 22 – Nov 20, 2026"
    assert format_day_range(date(2025, 12, 31), date(2026, 1, 29)) == "Dec 31, 2025 – Jan 29, 2026"


def test_metric_money_drops_cents_only_for_big_amounts() -> None:
    assert format_money_compact(Decimal("99055.02")) == "$99,055.02"
    assert format_money_compact(Decimal("1247781.49")) == "$1,247,781"
    assert format_money_compact(Decimal("1247781.50")) == "$1,247,782"  # half up
    assert format_money_compact(Decimal("-250000")) == "-$250,000"


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (None, "—"),
        (0, "0 s"),
        (59.4, "59 s"),
        (60, "1 min"),
        (55 * 60, "55 min"),
        (3600, "1.0 h"),
        (47.9 * 3600, "47.9 h"),
        (48 * 3600, "2.0 days"),
        (8 * 86400 - 7200, "7.9 days"),  # 8 days - 2 h = 7.917 days
    ],
)
def test_durations_read_in_human_units(seconds: float | None, text: str) -> None:
    assert format_duration(seconds) == text


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (Decimal("950.40"), "$950.40"),  # under $1,000: to the cent
        (Decimal("1335.69"), "$1,336"),  # $1,000 to $9,999: whole dollars, half up
        (Decimal("9999.49"), "$9,999"),
        (Decimal("12345"), "$12.3k"),  # 12.345k to one decimal
        (Decimal("278400"), "$278k"),
        (Decimal("1250000"), "$1.25M"),
        (Decimal("-12345"), "-$12.3k"),
    ],
)
def test_short_money_fits_two_amounts_in_a_tile(amount: Decimal, text: str) -> None:
    assert format_money_short(amount) == text
