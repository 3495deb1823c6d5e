"""The sales forecast a seller sees (seed 000 step 2e, issue 4): `forecast_revenue` (pure) and `forecast_for_seller`.

The method, stated so that a seller can check every number (the arithmetic is in `core.sales.rules`):

1. **History.** Daily revenue up to the last known day `as_of` (for `forecast_for_seller`: yesterday in UTC,
   because today is still running). Only the last 180 days are used, starting at the first day with a sale
   in them: a shop that opened 20 days ago has 20 days of history, not 160 days of zero sales before it,
   which would drag every average and growth rate toward nothing. After the first sale a day without a
   sale counts as $0. Fewer than 14 days of history (or no sale at all) → no projection, and the reason.
2. **Spike guard.** No day counts for more than 1.5 × the third-biggest day of the history (when that day
   sold anything), so one or two exceptional days cannot set the level or the growth of the next months.
   Forecast errors and the backtest are measured against what was really sold.
3. **Level.** The mean of the last 7 days (one of each weekday, so the weekly pattern cancels out), each
   day first divided by its time-of-month multiplier when one is used (step 5).
4. **Growth.** Own monthly growth = (last 30 days ÷ the 30 days before) − 1, with 60+ days of history
   (otherwise 0: flat), limited to ±50 %. The market trend (the segment's monthly growth) is limited the
   same way. Growth used g = 80 % own + 20 % market, an unknown part counting as 0. It is **damped**:
   days 1–30 ahead × (1 + g/2), days 31–60 × (1 + g/2)(1 + g/4), days 61–90 × (1 + g/2)(1 + g/4)(1 + g/8),
   so a trend is assumed to fade rather than compound for ever.
5. **Seasonality.** Weekday multipliers: each day ÷ its centred 7-day mean, averaged per weekday (needs 2
   usable days per weekday; else none). Time of month ("same period in prior months"): each day ÷ (its
   centred 31-day mean × its weekday multiplier), averaged over days 1–10, 11–20 and 21–end (needs 90 days
   of history). In both, an average within 3 standard errors of 1 counts as exactly 1 (chance, not a
   pattern), and the multipliers are normalised to average 1; time-of-month ones are then limited to
   [0.8, 1.2] and ignored below 5 %.
6. **Projection.** projected_daily = level × growth factor × weekday multiplier × time-of-month multiplier,
   never below 0, rounded to cents; `projected_revenue` is the sum of the rounded days. `projected_sales` =
   projected revenue ÷ the average revenue per unit sold over the last 30 days (the whole history if no
   unit was sold in them), rounded half up; None when no units were recorded at all.
7. **Range.** The same method is re-run from past starting points (30, 37, 44, … days before `as_of`, each
   with at least 14 days of history before it; 180 days of history give 20) and its next-30-day total
   compared with what was really sold (actual ÷ forecast). The 10th and 90th percentiles of those ratios
   give the spread below and above a 30-day projection; for a day or total `h` days ahead beyond 30 it is
   widened by √(h ÷ 30); the low end is never below $0. Fewer than 3 checkable starts (under 58 days of
   history) → a stated ±50 % for 30 days, widened the same way.
8. **Backtest.** With 44+ days of history, the method forecasts the last 30 known days from the days before
   them (same market trend), and the mean absolute percentage error over the days with sales is set beside
   that of the naive guess "same as the same weekday last week" on the same days.

Money is returned as `Decimal` rounded to cents; rates as floats (0.05 = 5 %).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from core.db import hundredths
from core.models import DigitalProduct, RevenueRecord
from core.money import format_money, to_cents
from core.periods import require_aware
from core.sales import rules as fm
from core.sales.rules import Backtest, BacktestDay, ErrorBand, ModelParameters

__all__ = [
    "FORECAST_DAYS",
    "Backtest",
    "BacktestDay",
    "ConfidenceInterval",
    "DailyProjection",
    "DailySales",
    "ModelParameters",
    "SalesForecast",
    "forecast_for_seller",
    "forecast_revenue",
    "load_daily_sales",
    "load_market_trend",
]

FORECAST_DAYS = (30, 60, 90)
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_NO_HISTORY = "No sales history yet: a forecast needs at least 14 days since the first sale."

DailyValues = Mapping[date, float | Decimal | int] | Iterable[tuple[date, float | Decimal | int]]


@dataclass(frozen=True)
class ConfidenceInterval:
    low: Decimal
    high: Decimal


@dataclass(frozen=True)
class DailyProjection:
    date: date
    revenue: Decimal
    low: Decimal
    high: Decimal


@dataclass(frozen=True)
class SalesForecast:
    """A forecast, or (available False) the reason there is none; then every projected figure is None/empty."""

    forecast_days: int
    as_of: date | None
    available: bool
    reason: str | None
    projected_revenue: Decimal | None
    projected_sales: int | None
    confidence_interval: ConfidenceInterval | None
    daily_projections: tuple[DailyProjection, ...]
    assumptions: tuple[str, ...]
    backtest: Backtest | None
    model: ModelParameters | None
    error_band: ErrorBand | None
    average_unit_price: Decimal | None


def check_forecast_days(days: int) -> None:
    if isinstance(days, bool) or days not in FORECAST_DAYS:
        raise ValueError(f"days must be 30, 60 or 90 (a forecast horizon in days), got {days!r}")


def forecast_revenue(
    daily_revenue: DailyValues,
    daily_units: DailyValues,
    *,
    days: int,
    market_trend: float | None,
    as_of: date | None = None,
) -> SalesForecast:
    """Forecast the next `days` days of revenue from a daily series (see the module docstring for the rules).

    `daily_revenue` / `daily_units`: {day: value} or [(day, value)] (repeated days are added up; missing days
    are $0 / 0 units). `market_trend`: the segment's monthly growth (0.03 = +3 %), None when unknown.
    `as_of`: the last known day (default: the latest day in the inputs); later days are ignored.
    """
    check_forecast_days(days)
    revenue = _by_day(daily_revenue)
    units = _by_day(daily_units)
    if as_of is None:
        known_days = [*revenue, *units]
        if not known_days:
            return _unavailable(days, None, _NO_HISTORY)
        as_of = max(known_days)
    window_start = as_of - timedelta(days=fm.HISTORY_WINDOW_DAYS - 1)
    sale_days = [d for d, v in revenue.items() if window_start <= d <= as_of and v > 0]
    if not sale_days:
        reason = "No sales in the last 180 days, so there is nothing to project from." if revenue else _NO_HISTORY
        return _unavailable(days, as_of, reason)
    start = min(sale_days)
    history_days = (as_of - start).days + 1
    if history_days < fm.MIN_HISTORY_DAYS:
        ready = start + timedelta(days=fm.MIN_HISTORY_DAYS - 1)
        reason = (
            f"Your sales history is {history_days} day{'s' if history_days != 1 else ''} long (first sale on "
            f"{start:%b %d, %Y}): fewer than 14 days, the minimum for a forecast. It will be available once "
            f"{ready:%b %d, %Y} is over."
        )
        return _unavailable(days, as_of, reason)

    values = [revenue.get(start + timedelta(days=i), 0.0) for i in range(history_days)]
    params = fm.fit(values, start, market_trend)
    band = fm.measure_error_band(values, start, market_trend)
    backtest = fm.run_backtest(values, start, market_trend)

    daily = []
    for h, value in enumerate(fm.project(params, days), start=1):
        low, high = band.factors(h)
        daily.append(
            DailyProjection(as_of + timedelta(days=h), _cents(value), _cents(value * low), _cents(value * high))
        )
    total = sum((d.revenue for d in daily), Decimal("0.00"))
    low, high = band.factors(days)
    interval = ConfidenceInterval(_cents(float(total) * low), _cents(float(total) * high))

    price = _average_unit_price(revenue, units, start, as_of)
    sales = int((total / price).quantize(Decimal(1), ROUND_HALF_UP)) if price else None
    assumptions = _assumptions(params, band, backtest, days, total, interval, price, sales)
    return SalesForecast(
        forecast_days=days,
        as_of=as_of,
        available=True,
        reason=None,
        projected_revenue=total,
        projected_sales=sales,
        confidence_interval=interval,
        daily_projections=tuple(daily),
        assumptions=tuple(assumptions),
        backtest=backtest,
        model=params,
        error_band=band,
        average_unit_price=price,
    )


def _by_day(values: DailyValues) -> dict[date, float]:
    pairs = values.items() if isinstance(values, Mapping) else values
    totals: dict[date, float] = {}
    for day, value in pairs:
        key = day.date() if isinstance(day, datetime) else day
        totals[key] = totals.get(key, 0.0) + float(value or 0)
    return totals


def _cents(value: float) -> Decimal:
    # Through the float's shortest text (core.money), so 201.445 rounds like the number a person reads.
    return to_cents(max(0.0, value))


def _average_unit_price(
    revenue: dict[date, float], units: dict[date, float], start: date, as_of: date
) -> Decimal | None:
    """Revenue per unit over the last 30 days, or over the whole history when no unit was sold in them."""
    for first in (max(start, as_of - timedelta(days=fm.GROWTH_WINDOW_DAYS - 1)), start):
        money = sum(v for d, v in revenue.items() if first <= d <= as_of)
        count = sum(v for d, v in units.items() if first <= d <= as_of)
        if money > 0 and count > 0:
            return _cents(money / count)
    return None


def _unavailable(days: int, as_of: date | None, reason: str) -> SalesForecast:
    return SalesForecast(days, as_of, False, reason, None, None, None, (), (reason,), None, None, None, None)


def _assumptions(
    params: ModelParameters,
    band: ErrorBand,
    backtest: Backtest | None,
    days: int,
    total: Decimal,
    interval: ConfidenceInterval,
    price: Decimal | None,
    sales: int | None,
) -> list[str]:
    """The forecast explained in plain sentences, each with the numbers it used."""
    g = params.growth
    lines = [
        f"Based on your sales from {params.start:%b %d, %Y} to {params.as_of:%b %d, %Y} ({params.history_days} "
        "days, at most the last 180; days without a sale count as $0, days before your first sale are not counted)."
    ]
    if params.spike_guard.cap is not None:
        spikes = ", ".join(f"{d:%b %d} ({format_money(v)})" for d, v in params.spike_guard.capped_days)
        lines.append(
            f"Exceptional days count as {format_money(params.spike_guard.cap)} (1.5 × your third-biggest day) so that "
            f"a one-off spike doesn't inflate the forecast: {spikes}."
        )
    adjusted = (
        " (adjusted for the time of month)" if params.month_position and set(params.month_position) != {1.0} else ""
    )
    lines.append(f"Starting level: your last 7 days averaged {format_money(params.moving_average)} a day{adjusted}.")
    if g.own_measured is not None:
        limited = " (limited to ±50%)" if g.own != g.own_measured else ""
        lines.append(
            f"Your last 30 days brought {format_money(g.last_30)} against {format_money(g.previous_30)} in the "
            f"30 days before: {g.own_measured:+.1%} a month{limited}."
        )
    elif g.previous_30 is not None:
        lines.append("You had no sales in the 30 days before the last 30, so your growth is taken at the +50% limit.")
    else:
        lines.append("Fewer than 60 days of history, so your own growth can't be measured yet and counts as flat.")
    if g.market is None:
        lines.append("The market trend for your product types is unknown and counts as flat.")
    else:
        lines.append(f"The market for your product types is changing by {g.market:+.1%} a month.")
    month_factors = ", ".join(
        f"days {30 * (m - 1) + 1}–{30 * m} {fm.growth_factor(g.used, m) - 1:+.1%}" for m in range(1, days // 30 + 1)
    )
    lines.append(
        f"Growth used: 80% of yours and 20% of the market's = {g.used:+.1%} a month, damped so a trend fades "
        f"instead of compounding (half of it in the first month, a quarter more in the next, …): {month_factors}."
    )
    if params.weekday is None:
        lines.append("No weekday pattern is used: there are too few days with sales to measure one.")
    elif set(params.weekday) == {1.0}:
        lines.append("No weekday stands out from chance in your sales, so every day of the week counts the same.")
    else:
        pattern = ", ".join(f"{name} ×{m:.2f}" for name, m in zip(_WEEKDAYS, params.weekday, strict=True))
        lines.append(f"Weekday pattern from your history (1.00 = an average day): {pattern}.")
    if params.month_position is None and params.history_days < fm.MONTH_POSITION_MIN_HISTORY:
        lines.append("Fewer than 90 days of history, so no start/middle/end-of-month effect is used.")
    elif params.month_position is None:
        lines.append("Too few days with sales to compare parts of past months, so no time-of-month effect is used.")
    elif all(m == 1.0 for m in params.month_position):
        lines.append("Your sales show no start/middle/end-of-month effect of 5% or more, so none is used.")
    else:
        parts = ", ".join(f"{name} ×{m:.2f}" for name, m in zip(fm.MONTH_PARTS, params.month_position, strict=True))
        lines.append(f"Time of month, from the same parts of past months (limited to ×0.80–×1.20): {parts}.")
    if price is None:
        lines.append("No units were recorded with your sales, so the number of sales can't be projected.")
    else:
        per_unit = f"your average {format_money(price)} per unit sold"
        lines.append(f"Sales: {format_money(total)} ÷ {per_unit} = {sales} sales.")
    lines.append(_band_sentence(band, days, interval))
    if backtest is None:
        lines.append("Accuracy check unavailable: it needs at least 44 days of history (30 to check, 14 before).")
    else:
        lines.append(backtest.verdict)
    return lines


def _band_sentence(band: ErrorBand, days: int, interval: ConfidenceInterval) -> str:
    widening = math.sqrt(days / fm.BAND_HORIZON_DAYS)
    widened = f", widened ×{widening:.2f} (√({days}/30)) for {days} days" if days > fm.BAND_HORIZON_DAYS else ""
    head = f"Likely range for the {days} days: {format_money(interval.low)} to {format_money(interval.high)}"
    if not band.measured:
        return (
            f"{head}. There is too little history to check this method against its own past forecasts, so the "
            f"range is a fixed ±50% for 30 days{widened}."
        )
    missed = (
        f" {band.unscorable} more past forecasts said $0 and sales came anyway; they can't be expressed as a ratio,"
        " so the high end may be too low."
        if band.unscorable
        else ""
    )
    return (
        f"{head}, from how far this method's 30-day forecasts were off when started at {len(band.ratios)} past "
        f"days (10th–90th percentile: {band.low_ratio - 1:+.0%} to {band.high_ratio - 1:+.0%}){widened}.{missed}"
    )


# --- loading from the database ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DailySales:
    revenue: dict[date, Decimal]
    units: dict[date, int]


def load_daily_sales(session: Session, *, seller_id: str, as_of: date) -> DailySales:
    """The seller's revenue and units per day for the 180 days ending `as_of` (one GROUP BY query)."""
    first = as_of - timedelta(days=fm.HISTORY_WINDOW_DAYS - 1)
    rows = session.execute(
        select(
            RevenueRecord.day,
            func.sum(hundredths(RevenueRecord.revenue)),
            func.sum(RevenueRecord.units),
        )
        .where(RevenueRecord.seller_id == seller_id, RevenueRecord.day >= first, RevenueRecord.day <= as_of)
        .group_by(RevenueRecord.day)
        .order_by(RevenueRecord.day)
    ).all()
    return DailySales(
        revenue={day: Decimal(int(cents)) / 100 for day, cents, _ in rows},
        units={day: int(count) for day, _, count in rows},
    )


def load_market_trend(session: Session, *, seller_id: str, as_of: date) -> float | None:
    """Monthly growth of the other sellers' revenue in this seller's product types (last 30 days ÷ 30 before − 1).

    `market_benchmarks` holds a snapshot, not a trend, so the trend is measured from `revenue_records` in one
    aggregate query. The seller's own sales are left out: the market is a second opinion on their trend, not
    an echo of it. None when the other sellers sold nothing in the earlier 30 days.
    """
    split = as_of - timedelta(days=fm.GROWTH_WINDOW_DAYS)
    first = as_of - timedelta(days=2 * fm.GROWTH_WINDOW_DAYS - 1)
    cents = hundredths(RevenueRecord.revenue)
    seller_types = select(DigitalProduct.type).where(DigitalProduct.seller_id == seller_id).distinct()
    recent, previous = session.execute(
        select(
            func.sum(case((RevenueRecord.day > split, cents), else_=0)),
            func.sum(case((RevenueRecord.day <= split, cents), else_=0)),
        )
        .join(DigitalProduct, DigitalProduct.id == RevenueRecord.product_id)
        .where(
            RevenueRecord.seller_id != seller_id,
            RevenueRecord.day >= first,
            RevenueRecord.day <= as_of,
            DigitalProduct.type.in_(seller_types),
        )
    ).one()
    if not previous or previous <= 0:
        return None
    return float(Decimal(int(recent or 0)) / Decimal(int(previous)) - 1)


def forecast_for_seller(session: Session, *, seller_id: str, days: int, now: datetime) -> SalesForecast:
    """The forecast of one seller from the database, with yesterday (UTC) as the last known day."""
    check_forecast_days(days)
    require_aware(now)
    as_of = now.astimezone(UTC).date() - timedelta(days=1)
    sales = load_daily_sales(session, seller_id=seller_id, as_of=as_of)
    market = load_market_trend(session, seller_id=seller_id, as_of=as_of)
    return forecast_revenue(sales.revenue, sales.units, days=days, market_trend=market, as_of=as_of)
