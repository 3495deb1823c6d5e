"""Time windows, one rule: whole days in the marketplace's time zone, complete days only, inclusive ranges.

Today is still being sold, so windows that are compared end yesterday; a partial day would make every
comparison look like a drop. `DailyPoint` is the one shape of a day's revenue and units.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from decimal import Decimal


@dataclass(frozen=True)
class DailyPoint:
    """One day's revenue and units (a day without sales is a zero point, never a missing one)."""

    day: date
    revenue: Decimal
    units: int


@dataclass(frozen=True)
class MonthPoint:
    """One calendar month's revenue and units (`month` is the first day of the month; an empty month is zero)."""

    month: date
    revenue: Decimal
    units: int


@dataclass(frozen=True)
class Window:
    """An inclusive range of whole days."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"a window ends on or after its start; got {self.start} .. {self.end}")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end

    def each_day(self) -> Iterator[date]:
        for offset in range(self.days):
            yield self.start + timedelta(days=offset)

    def previous(self) -> Window:
        """The window of the same length right before this one."""
        return Window(self.start - timedelta(days=self.days), self.start - timedelta(days=1))


def format_day(day: date | str) -> str:
    """The pages' one day format: "Dec 6, 2026", from a day or its ISO text ("2026-12-06")."""
    value = date.fromisoformat(day) if isinstance(day, str) else day
    return f"{value:%b} {value.day}, {value.year}"


def require_aware(moment: datetime) -> None:
    """Refuse a naive datetime: every moment in the product is timezone-aware."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("a timezone-aware datetime is required")


def local_day(moment: datetime, tz: tzinfo) -> date:
    """The calendar day `moment` falls on in `tz`."""
    require_aware(moment)
    return moment.astimezone(tz).date()


def iso_week(moment: datetime, tz: tzinfo) -> str:
    """`2026-W48`: the ISO week `moment` falls in, in `tz` (ISO years start on a Monday: 2027-01-01 is 2026-W53)."""
    year, week, _ = local_day(moment, tz).isocalendar()
    return f"{year}-W{week:02d}"


def start_of_day(day: date, tz: tzinfo) -> datetime:
    """Midnight at the start of `day` in `tz`, as an aware UTC datetime."""
    return datetime.combine(day, time.min, tzinfo=tz).astimezone(UTC)


def complete_days(days: int, *, today: date) -> Window:
    """The last `days` complete days: the window that ends yesterday."""
    if days < 1:
        raise ValueError(f"a window has at least one day; got {days}")
    end = today - timedelta(days=1)
    return Window(end - timedelta(days=days - 1), end)


def fill_missing_days(rows: Iterable[tuple[date, Decimal, int]], window: Window) -> list[DailyPoint]:
    """One point per day of `window`; days without a row are zero days and rows outside it are ignored."""
    by_day: dict[date, tuple[Decimal, int]] = {}
    for day, revenue, units in rows:
        if day in window:
            by_day[day] = (Decimal(revenue), int(units))
    zero = (Decimal("0.00"), 0)
    return [DailyPoint(day, *by_day.get(day, zero)) for day in window.each_day()]


def window_totals(points: Iterable[DailyPoint], window: Window) -> tuple[Decimal, int]:
    """Revenue and units of the points that fall in `window`."""
    revenue, units = Decimal("0.00"), 0
    for point in points:
        if point.day in window:
            revenue += point.revenue
            units += point.units
    return revenue, units
