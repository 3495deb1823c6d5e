"""A seller's (or a segment's) revenue trend over the horizon a person reads: 12 months, a year earlier, 90 days (pure).

The rules, stated once; Home, the insights, the weekly digest, the forecast and the admin's stage all read them
from here (the admin's stage repeats the declining rule in SQL, `core.sellers.overview`, and a test keeps the two
in step):

- **Days** are complete days ending yesterday (`core.periods.complete_days`); **months** are the 12 complete
  calendar months before the running one, oldest first (the running month would look like a drop).
- **Change from a year earlier**: the 12 months' revenue against the 12 months before them; only when the
  seller was already selling when that earlier year began (a shop that opened half-way through it would show
  a growth it never had). Otherwise None.
- **Change from the best month**: the last complete month against the best of the 12 (`share_of_peak` = last ÷
  best; 1 when the last month is the best).
- **90 days**: the last 90 complete days against the 90 before them.
- **Declining** (the one definition): the last 90 days brought less than 60 % of the same 90 days a year
  earlier — when the seller was already selling on the first of those days (a year of history) — or else less
  than 60 % of their best 90 days. The best 90 days are the best of the four 90-day blocks ending yesterday
  (days 1–90, 91–180, 181–270, 271–360 back), so a shop is compared with its own best season of the last
  year; the last 90 days are one of the blocks, so a shop at its best is never declining. A year-earlier
  comparison keeps the seasons apart: December is compared with December, not with the summer before.
- **Verdict**: one plain sentence from these numbers (`trend_verdict`).

Money is `Decimal` to the cent (`core.money`); sums come in as integer cents, so both databases agree.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal

from core.money import format_money, format_share, percent_change
from core.periods import MonthPoint, Window, complete_days

TREND_MONTHS = 12
QUARTER_DAYS = 90
BLOCKS = 4  # 90-day blocks searched for the best 90 days: the last 360 days
YEAR_DAYS = 365
DECLINE_SHARE = Decimal("0.60")  # declining: the last 90 days under 60 % of the comparison 90 days
FAR_BELOW_PEAK = Decimal("0.50")  # the verdict names the peak when the last month is under half of it
MIN_GROWTH_MONTHS = 6  # a monthly growth rate is fitted through at least 6 complete months with sales
BLOCK_NAMES = ("last_90", "previous_90", "block_3", "block_4", "year_earlier_90")
_HUNDRED = Decimal(100)


# ---------------------------------------------------------------- calendar


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(month: date, count: int) -> date:
    """The first day of the month `count` months after (or before, when negative) `month`'s."""
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def complete_months(today: date, count: int) -> list[date]:
    """The first days of the `count` complete calendar months before `today`'s month, oldest first."""
    current = month_start(today)
    return [add_months(current, -k) for k in range(count, 0, -1)]


@dataclass(frozen=True)
class TrendWindows:
    """Every period the trend reads, for one `today` (see the module docstring)."""

    today: date
    months: tuple[date, ...]  # the 12 complete months, oldest first
    earlier_months: tuple[date, ...]  # the 12 months before them
    blocks: tuple[Window, ...]  # last 90, previous 90, the two 90-day blocks before, the 90 days a year earlier

    @property
    def as_of(self) -> date:
        return self.blocks[0].end

    @property
    def last_90(self) -> Window:
        return self.blocks[0]

    @property
    def year_earlier_90(self) -> Window:
        return self.blocks[BLOCKS]

    @property
    def first_block_day(self) -> date:
        """The first day of the earliest 90-day block (the year-earlier one)."""
        return min(b.start for b in self.blocks)

    @property
    def first_day(self) -> date:
        """The first day any of the periods needs (what the one query loads from)."""
        return min(self.earlier_months[0], *(b.start for b in self.blocks))


def trend_windows(today: date) -> TrendWindows:
    last = complete_days(QUARTER_DAYS, today=today)
    blocks = [last]
    for _ in range(BLOCKS - 1):
        blocks.append(blocks[-1].previous())
    year = timedelta(days=YEAR_DAYS)
    blocks.append(Window(last.start - year, last.end - year))
    months = complete_months(today, 2 * TREND_MONTHS)
    return TrendWindows(today, tuple(months[TREND_MONTHS:]), tuple(months[:TREND_MONTHS]), tuple(blocks))


# ---------------------------------------------------------------- what the query hands over


@dataclass(frozen=True)
class History:
    """A revenue history as the one aggregate query returns it: per month and per 90-day block, in cents."""

    month_cents: Mapping[date, int]  # first day of the month -> revenue in cents
    month_units: Mapping[date, int]
    block_cents: tuple[int, ...]  # in the order of `TrendWindows.blocks`
    first_sale: date | None  # the first day with a sale ever (not only in the loaded range)


def _money(cents: int) -> Decimal:
    return Decimal(int(cents)).scaleb(-2)


# ---------------------------------------------------------------- the rule


def is_declining(last_90: Decimal, base: Decimal | None) -> bool:
    """The last 90 days under 60 % of `base` (exact in cents: last × 100 < base × 60); never without a base."""
    if base is None or base <= 0:
        return False
    return last_90 * _HUNDRED < base * DECLINE_SHARE * _HUNDRED


def has_year_of_history(first_sale: date | None, windows: TrendWindows) -> bool:
    """True when the seller was already selling on the first day of the 90 days a year earlier."""
    return first_sale is not None and first_sale <= windows.year_earlier_90.start


@dataclass(frozen=True)
class SellerTrend:
    """The trend of one seller (or segment); every figure is explained in the module docstring."""

    as_of: date  # the last complete day
    months: tuple[MonthPoint, ...]  # 12 complete months, oldest first
    revenue_12_months: Decimal
    revenue_year_earlier: Decimal | None  # the 12 months before; None without a year of history
    change_vs_year_earlier: Decimal | None  # percent, 1 decimal
    peak_month: date | None  # the best of the 12 months (the latest of equals); None without a sale
    share_of_peak: Decimal | None  # last month ÷ peak month, 0..1 (4 decimals)
    change_vs_best_month: Decimal | None  # percent, 1 decimal (0 or negative)
    last_90: Decimal
    previous_90: Decimal
    change_90_days: Decimal | None  # percent, 1 decimal
    best_90: Decimal  # the best of the four 90-day blocks of the last 360 days
    year_earlier_90: Decimal | None  # None without a year of history
    decline_base: str  # "year_earlier" or "best_90_days": what the last 90 days are compared with
    declining: bool
    first_sale: date | None
    verdict: str

    @property
    def comparison_90(self) -> Decimal | None:
        """The 90 days the declining rule compares the last 90 with."""
        return self.year_earlier_90 if self.decline_base == "year_earlier" else self.best_90

    @property
    def far_below_peak(self) -> bool:
        return self.share_of_peak is not None and self.share_of_peak < FAR_BELOW_PEAK


def build_trend(history: History, windows: TrendWindows) -> SellerTrend:
    """The trend from the loaded history (pure; see the module docstring for every rule)."""
    months = tuple(
        MonthPoint(m, _money(history.month_cents.get(m, 0)), int(history.month_units.get(m, 0))) for m in windows.months
    )
    total = sum((p.revenue for p in months), Decimal("0.00"))
    earlier_known = history.first_sale is not None and history.first_sale <= windows.earlier_months[0]
    earlier = (
        sum((_money(history.month_cents.get(m, 0)) for m in windows.earlier_months), Decimal("0.00"))
        if earlier_known
        else None
    )
    peak = max(months, key=lambda p: (p.revenue, p.month)) if total > 0 else None
    share = None
    if peak is not None:
        share = (months[-1].revenue / peak.revenue).quantize(Decimal("0.0001"))
    blocks = [_money(c) for c in history.block_cents]
    last, previous = blocks[0], blocks[1]
    best = max(blocks[:BLOCKS])
    year_ago = blocks[BLOCKS] if has_year_of_history(history.first_sale, windows) else None
    base_name = "year_earlier" if year_ago is not None else "best_90_days"
    declining = is_declining(last, year_ago if year_ago is not None else best)
    trend = SellerTrend(
        as_of=windows.as_of,
        months=months,
        revenue_12_months=total,
        revenue_year_earlier=earlier,
        change_vs_year_earlier=None if earlier is None else percent_change(total, earlier),
        peak_month=None if peak is None else peak.month,
        share_of_peak=share,
        change_vs_best_month=None if peak is None else percent_change(months[-1].revenue, peak.revenue),
        last_90=last,
        previous_90=previous,
        change_90_days=percent_change(last, previous),
        best_90=best,
        year_earlier_90=year_ago,
        decline_base=base_name,
        declining=declining,
        first_sale=history.first_sale,
        verdict="",
    )
    return replace(trend, verdict=trend_verdict(trend))


# ---------------------------------------------------------------- the words


def _below(share: Decimal) -> str:
    return format_share(Decimal(1) - share, places=0)


def decline_clause(trend: SellerTrend) -> str:
    """`the last 90 days brought $1,200.00, 58% less than the same 90 days a year earlier` (declining sellers)."""
    base = trend.comparison_90 or Decimal(0)
    against = "the same 90 days a year earlier" if trend.decline_base == "year_earlier" else "your best 90 days"
    less = format_share(Decimal(1) - trend.last_90 / base, places=0) if base > 0 else "—"
    return f"the last 90 days brought {format_money(trend.last_90)}, {less} less than {against}"


def trend_verdict(trend: SellerTrend) -> str:
    """One plain sentence a seller can read without a chart: the biggest thing the 12 months say."""
    if trend.peak_month is None or trend.share_of_peak is None:
        if trend.last_90 > 0:
            return "Your first sales are in the last weeks: a 12-month trend will show once a month is complete."
        return "No sales in the last 12 months."
    peak = f"{trend.peak_month:%B}"
    if trend.declining:
        if trend.share_of_peak < 1:
            return f"Revenue is {_below(trend.share_of_peak)} below its {peak} peak: {decline_clause(trend)}."
        return f"Revenue is falling: {decline_clause(trend)}."
    if trend.share_of_peak == 1:
        return f"Revenue is at its 12-month high: {peak} was your best month."
    if trend.far_below_peak:
        return f"Revenue is {_below(trend.share_of_peak)} below its {peak} peak."
    change = trend.change_90_days
    if change is None:
        return f"Your best month of the last 12 was {peak}; the 90 days before the last 90 had no sales."
    if abs(change) < 5:
        return f"Revenue is steady: the last 90 days are within 5% of the 90 before ({peak} was your best month)."
    direction = "up" if change > 0 else "down"
    return f"Revenue is {direction} {format_share(abs(change) / 100, places=0)} on the 90 days before."


# ---------------------------------------------------------------- the forecast's bounds


def growth_supported(trend: SellerTrend | None) -> bool:
    """Growth may be projected only when the last 90 days did not fall against the 90 before (or nothing says)."""
    return trend is None or trend.change_90_days is None or trend.change_90_days >= 0


def run_rate_per_day(trend: SellerTrend) -> Decimal:
    """The last 90 days' average revenue per day (the ceiling of a declining seller's forecast)."""
    return trend.last_90 / QUARTER_DAYS


# ---------------------------------------------------------------- a segment's monthly growth


@dataclass(frozen=True)
class MonthlyGrowth:
    """A segment's monthly growth rate and how it was measured (`method` says which of the two rules)."""

    rate: float | None
    method: str  # "year_over_year", "12_month_fit" or "unknown"
    months_used: int = 0


def monthly_growth(history: History, windows: TrendWindows) -> MonthlyGrowth:
    """The segment's own growth per month, measured so that the seasons cancel out.

    With a year of history: (last 90 days ÷ the same 90 days a year earlier)^(1/12) − 1, season against the same
    season. Otherwise a least-squares line through the logarithm of the complete months after the first sale's
    month (at least 6, all with sales; at most the 12): e^slope − 1. Each season appears at most once in such a
    fit, so a holiday peak cannot pass for a trend the way it does in "last 30 days ÷ the 30 before". The
    segment's launch is left out too: the months before the first one that sold at least half of its median
    month (a market filling up with its first sellers is an opening, not a rate it keeps growing at).
    """
    blocks = history.block_cents
    if has_year_of_history(history.first_sale, windows) and blocks[BLOCKS] > 0:
        ratio = blocks[0] / blocks[BLOCKS]
        rate = ratio ** (1 / 12) - 1 if ratio > 0 else -1.0
        return MonthlyGrowth(rate, "year_over_year", 24)
    if history.first_sale is None:
        return MonthlyGrowth(None, "unknown")
    after_first = [m for m in windows.months if m > month_start(history.first_sale)]
    values = [history.month_cents.get(m, 0) for m in after_first]
    if values:
        half_median = statistics.median(values) / 2
        launched = next(i for i, v in enumerate(values) if v >= half_median)
        values = values[launched:]
    if len(values) < MIN_GROWTH_MONTHS or min(values) <= 0:
        return MonthlyGrowth(None, "unknown", len(values))
    return MonthlyGrowth(math.exp(log_slope(values)) - 1, "12_month_fit", len(values))


def log_slope(values: Sequence[float | int]) -> float:
    """The least-squares slope of ln(value) against 0, 1, 2, … (all values positive)."""
    n = len(values)
    logs = [math.log(v) for v in values]
    mean_x, mean_y = (n - 1) / 2, sum(logs) / n
    num = sum((i - mean_x) * (y - mean_y) for i, y in enumerate(logs))
    den = sum((i - mean_x) ** 2 for i in range(n))
    return num / den
