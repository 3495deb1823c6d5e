"""How numbers and dates read on every page, beyond money and percent (those are `core.money`'s one format):
counts, a change for a metric tile, day ranges, local times, durations and money short enough to share a tile."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from core.config import get_settings
from core.money import format_money, format_money_whole, format_percent, to_decimal


def format_count(value: int) -> str:
    """`12345` -> `"12,345"`."""
    return f"{int(value):,}"


def format_change(percent: float | Decimal | None, *, places: int = 1) -> str | None:
    """A signed percentage for `st.metric(delta=...)` ("+201.0%", "-18.8%", "0.0%"), or None when there is
    nothing to compare with (so the tile shows no change at all)."""
    if percent is None:
        return None
    return format_percent(percent, places=places, signed=True)


def format_day_range(start: date, end: date) -> str:
    """`Oct 22 – Nov 20, 2026`; the year is written once when both days share it."""
    if start.year == end.year:
        return f"{start:%b} {start.day} – {end:%b} {end.day}, {end.year}"
    return f"{start:%b} {start.day}, {start.year} – {end:%b} {end.day}, {end.year}"


def format_local(moment: datetime | None, pattern: str = "%b %d, %H:%M") -> str:
    """An aware moment as the marketplace's wall clock shows it (APP_TIMEZONE), by `strftime` `pattern`; "" for
    None."""
    if moment is None:
        return ""
    return moment.astimezone(get_settings().timezone).strftime(pattern)


def format_duration(seconds: float | None) -> str:
    """A time span in the unit a person reads it in: "40 s", "12 min", "5.5 h", "3.2 days"; "—" for None."""
    if seconds is None:
        return "—"
    if seconds < 60:
        return f"{seconds:.0f} s"
    if seconds < 3600:
        return f"{seconds / 60:.0f} min"
    if seconds < 48 * 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} days"


def format_money_short(amount: Decimal | float | int) -> str:
    """Two amounts must fit one metric tile: $950.40, $1,336, $12.3k, $278k, $1.25M (the full amount goes in its help;
    "$1,335.69 – $2,059.94" was cut off in a third of a wide page)."""
    value = abs(to_decimal(amount))
    sign = "-" if to_decimal(amount) < 0 else ""
    if value < 1_000:
        return format_money(amount)
    if value < 10_000:
        return format_money_whole(amount)
    if value < 100_000:
        return f"{sign}${value / 1000:.1f}k"
    if value < 1_000_000:
        return f"{sign}${value / 1000:.0f}k"
    return f"{sign}${value / 1_000_000:.2f}M"
