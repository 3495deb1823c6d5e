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
   same way, and the limit is mentioned only when it was hit. The market trend is the segment's own monthly
   growth measured so that seasons cancel (`core.sales.trends.monthly_growth`: the same 90 days a year earlier,
   else a line through its complete months); a 30-day comparison would read every holiday peak as growth.
   Growth used g = 80 % own + 20 % market, an unknown part counting as 0. It is **damped**:
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
7. **Method and range** (issue 21). Steps 2–6 are the explainable model a seller reads; the projection itself
   comes from the method that forecast this seller's own last 8 weeks best (`core.sales.methods`: the damped model,
   "same as last week", exponential smoothing with a weekly pattern (statsmodels), or the mean of the best two),
   and its 80 % range from that method's own past errors at the same horizon (`core.sales.ranges`). Days with more
   refunds than sales count as $0; exceptional days count at the spike cap (step 2) in the backtest too.
8. **The trend the seller sees** (`core.sales.trends`) bounds the projection: when the last 90 days fell
   against the 90 before, the growth used is at most 0 (no growth the recent trend does not support); when the
   seller is declining (the documented rule), the projected total is at most the last 90 days' revenue per day
   × the days projected — every projected day (and its range) is lowered by the same factor, so the weekly
   shape stays (for a method other than the damped model, no growth holds the total to the last 28 days'
   mean a day). The range and the backtest measure the unbounded method.

Money is returned as `Decimal` rounded to cents; rates as floats (0.05 = 5 %).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy.orm import Session

from core.money import format_money, format_share, to_cents
from core.sales import ranges
from core.sales import rules as fm
from core.sales.forecast_text import assumptions
from core.sales.methods import CANDIDATES, DAMPED, MethodChoice, choose_method, level_before
from core.sales.queries import (
    DailySales,
    cached_market_growth,
    load_daily_sales,
    load_market_trend,
    load_seller_trend,
    utc_yesterday,
)
from core.sales.ranges import Coverage, Spread
from core.sales.rules import ModelParameters
from core.sales.trends import SellerTrend, decline_clause, growth_supported, run_rate_per_day

__all__ = [
    "FORECAST_DAYS",
    "ConfidenceInterval",
    "Coverage",
    "DailyProjection",
    "DailySales",
    "MethodChoice",
    "ModelParameters",
    "SalesForecast",
    "Spread",
    "bound_by_trend",
    "forecast_for_seller",
    "forecast_revenue",
    "load_daily_sales",
    "load_market_trend",
]

FORECAST_DAYS = (30, 60, 90)
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
    model: ModelParameters | None  # the explainable model's parts (weekly pattern, growth, market trend)
    method: MethodChoice | None  # the method the forecast was made with, chosen by its backtest (issue 21)
    spread: Spread | None  # the measured errors the range of the total came from
    coverage: Coverage | None  # how often that kind of range held the actual 30-day total in the backtest
    average_unit_price: Decimal | None
    trend: SellerTrend | None = None  # the seller's trend, when the forecast was bounded by it
    trend_limit: str | None = None  # the sentence saying how the trend bounded this forecast; None: it did not


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
    trend: SellerTrend | None = None,
    market_method: str | None = None,
    candidates: Sequence[str] = CANDIDATES,
) -> SalesForecast:
    """Forecast the next `days` days of revenue from a daily series (see the module docstring for the rules).

    `daily_revenue` / `daily_units`: {day: value} or [(day, value)] (repeated days are added up; missing days
    are $0 / 0 units). `market_trend`: the segment's monthly growth (0.03 = +3 %), None when unknown, and
    `market_method` how it was measured (`core.sales.trends.MonthlyGrowth.method`). `as_of`: the last known
    day (default: the latest day in the inputs); later days are ignored. `trend`: the seller's trend, which
    bounds the projection (rule 8); None: unbounded. `candidates`: the methods to choose from (`core.sales.methods`).
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

    raw = [revenue.get(start + timedelta(days=i), 0.0) for i in range(history_days)]
    refunds = sum(1 for v in raw if v < 0)
    values = [max(0.0, v) for v in raw]  # refunds netted below zero: a day sells at least nothing (rule 1)
    params = fm.fit(values, start, market_trend)
    capped, _ = fm.cap_spikes(values, start)
    choice = choose_method(capped, start, market_trend, candidates)
    projected = fm.project(params, days) if choice.method == DAMPED else list(choice.projection[:days])
    level = level_before(capped, len(capped))
    params, projected, limit = bound_by_trend(params, projected, trend, damped=choice.method == DAMPED, level=level)

    day_spreads = ranges.day_spreads(choice.origins, choice.method, days)
    daily = []
    for h, value in enumerate(projected, start=1):
        low, high = day_spreads[(h - 1) // ranges.DAY_BLOCK].bounds(value, level, 1)
        day = as_of + timedelta(days=h)
        daily.append(DailyProjection(day, _cents(value), _cents(min(low, value)), _cents(max(high, value))))
    total = sum((d.revenue for d in daily), Decimal("0.00"))
    spread = ranges.total_spread(choice.origins, choice.method, days)
    low, high = spread.bounds(float(total), level, days)
    interval = ConfidenceInterval(_cents(min(low, float(total))), _cents(max(high, float(total))))
    coverage = ranges.coverage(choice.origins, choice.method)

    price = _average_unit_price(revenue, units, start, as_of)
    sales = int((total / price).quantize(Decimal(1), ROUND_HALF_UP)) if price else None
    lines = assumptions(
        params,
        choice,
        spread,
        coverage,
        days,
        total,
        interval,
        price,
        sales,
        market_measured=market_trend,
        market_method=market_method,
        limit=limit,
        refunds=refunds,
    )
    return SalesForecast(
        forecast_days=days,
        as_of=as_of,
        available=True,
        reason=None,
        projected_revenue=total,
        projected_sales=sales,
        confidence_interval=interval,
        daily_projections=tuple(daily),
        assumptions=tuple(lines),
        model=params,
        method=choice,
        spread=spread,
        coverage=coverage,
        average_unit_price=price,
        trend=trend,
        trend_limit=limit,
    )


def bound_by_trend(
    params: ModelParameters,
    projected: list[float],
    trend: SellerTrend | None,
    *,
    damped: bool = True,
    level: float = 0.0,
) -> tuple[ModelParameters, list[float], str | None]:
    """Rule 8: no growth against a falling 90 days; a declining seller's total at most the 90-day run rate.

    `damped`: the projection is the damped model's (its growth is then set to 0); otherwise "no growth" holds the
    projected total to `level` (the last 28 days' mean) a day. Returns the parameters (with the growth used), the
    bounded daily projections and the sentence saying what was bounded (None when nothing was).
    """
    if trend is None:
        return params, projected, None
    notes = []
    if not damped and not growth_supported(trend) and sum(projected) > level * len(projected) > 0:
        flat = level * len(projected)
        share = 1 - flat / sum(projected)
        projected = [value * flat / sum(projected) for value in projected]
        notes.append(
            f"Your last 90 days brought less than the 90 days before, so no growth is projected: every projected day "
            f"is lowered by {format_share(share, places=0)}, to your last 28 days' {format_money(level)} a day."
        )
    if damped and not growth_supported(trend) and params.growth.used > 0:
        held = params.growth.used
        params = replace(params, growth=replace(params.growth, used=0.0))
        projected = fm.project(params, len(projected))
        change = trend.change_90_days or Decimal(0)
        notes.append(
            f"Your last 90 days brought {format_money(trend.last_90)}, {format_share(abs(change) / 100, places=1)} "
            f"less than the 90 days before ({format_money(trend.previous_90)}), so no growth is projected: growth "
            f"used 0.0% a month instead of {held:+.1%}."
        )
    if trend.declining:
        ceiling = float(run_rate_per_day(trend)) * len(projected)
        total = sum(projected)
        if total > ceiling:
            projected = [value * ceiling / total for value in projected]
            notes.append(
                f"Your sales are declining ({decline_clause(trend)}), so the forecast is held to your last 90 days' "
                f"run rate, {format_money(run_rate_per_day(trend))} a day: every projected day is lowered by "
                f"{format_share(1 - ceiling / total, places=0)}."
            )
        else:
            notes.append(
                f"Your sales are declining ({decline_clause(trend)}); the projection is already below your last 90 "
                f"days' run rate of {format_money(run_rate_per_day(trend))} a day."
            )
    return params, projected, " ".join(notes) or None


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
    return SalesForecast(days, as_of, False, reason, None, None, None, (), (reason,), None, None, None, None, None)


# --- loading from the database ---------------------------------------------------------------------------


def forecast_for_seller(session: Session, *, seller_id: str, days: int, now: datetime) -> SalesForecast:
    """The forecast of one seller from the database, with yesterday (UTC) as the last known day, bounded by the
    seller's trend over the same days (rule 8)."""
    check_forecast_days(days)
    as_of = utc_yesterday(now)
    sales = load_daily_sales(session, seller_id=seller_id, as_of=as_of)
    market = cached_market_growth(session, seller_id=seller_id, as_of=as_of, now=now)
    trend = load_seller_trend(session, seller_id=seller_id, today=as_of + timedelta(days=1))
    return forecast_revenue(
        sales.revenue,
        sales.units,
        days=days,
        market_trend=market.rate,
        as_of=as_of,
        trend=trend,
        market_method=market.method,
    )
