"""How numbers and dates read on every page: money, counts, percentage changes and day ranges."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal


def format_money(amount: Decimal | float | int, *, currency_symbol: str = "$") -> str:
    """`Decimal("1234.5")` -> `"$1,234.50"`; negatives read `"-$12.00"`."""
    cents = Decimal(str(amount)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    sign = "-" if cents < 0 else ""
    return f"{sign}{currency_symbol}{abs(cents):,.2f}"


def format_metric_money(amount: Decimal | float | int) -> str:
    """Money for a big metric tile: cents until $100,000, whole dollars above (cents only add noise there)."""
    value = Decimal(str(amount))
    if abs(value) < 100_000:
        return format_money(value)
    whole = value.quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    return f"{'-' if whole < 0 else ''}${abs(whole):,.0f}"


def format_count(value: int) -> str:
    """`12345` -> `"12,345"`."""
    return f"{int(value):,}"


def format_change(percent: float | None) -> str | None:
    """A signed percentage for `st.metric(delta=...)`, or None when there is nothing to compare with."""
    if percent is None:
        return None
    rounded = round(percent, 1)
    if rounded == 0:
        return "0.0%"
    return f"{rounded:+.1f}%"


def format_day_range(start: date, end: date) -> str:
    """`Oct 22 – Nov 20, 2026`; the year is written once when both days share it."""
    if start.year == end.year:
        return f"{start:%b} {start.day} – {end:%b} {end.day}, {end.year}"
    return f"{start:%b} {start.day}, {start.year} – {end:%b} {end.day}, {end.year}"
