"""How numbers read on the pages: money, counts, changes and day ranges."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from components.format import format_change, format_count, format_day_range, format_metric_money, format_money


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


def test_format_metric_money_drops_cents_only_for_big_amounts() -> None:
    assert format_metric_money(Decimal("99055.02")) == "$99,055.02"
    assert format_metric_money(Decimal("1247781.49")) == "$1,247,781"
    assert format_metric_money(Decimal("1247781.50")) == "$1,247,782"  # half up
    assert format_metric_money(Decimal("-250000")) == "-$250,000"
