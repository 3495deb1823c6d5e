"""The sales-forecast model's arithmetic: pure functions over one seller's daily revenue history.

`core.sales.forecast` states the rules in words (its module docstring) and turns these numbers into
a `SalesForecast`; this module only computes. A *history* is a list of daily revenue values, one per
day from `start` (the first day with a sale in the window) to the last known day, with days without
a sale as 0.0. Every constant below is quoted in the explanation a seller reads.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

MIN_HISTORY_DAYS = 14
HISTORY_WINDOW_DAYS = 180
GROWTH_WINDOW_DAYS = 30
MOVING_AVERAGE_DAYS = 7
GROWTH_LIMIT = 0.5  # own and market monthly growth are clamped to ±50 %
OWN_WEIGHT = 0.8
MARKET_WEIGHT = 0.2
DAMPING = 0.5  # month m ahead adds growth × DAMPING**m
DAYS_PER_GROWTH_STEP = 30
SPIKE_REFERENCE_RANK = 3  # the third-biggest day is the reference "big day"
SPIKE_FACTOR = 1.5  # no day counts for more than 1.5 × that reference
SIGNIFICANCE_SE = 3.0  # a seasonal effect is used only beyond 3 standard errors of its mean
WEEKDAY_MIN_DAYS = 2  # usable days per weekday needed for a weekday pattern
MONTH_POSITION_MIN_HISTORY = 90
MONTH_POSITION_HALF_WINDOW = 15  # the local level is the centred 31-day mean
MONTH_POSITION_MIN_DAYS = 15  # usable days per part of the month
MONTH_POSITION_LIMITS = (0.8, 1.2)
MONTH_POSITION_DEAD_ZONE = 0.05
MONTH_PARTS = ("days 1–10", "days 11–20", "days 21–end")
BAND_HORIZON_DAYS = 30  # the range checks the method at the horizon a seller reads: 30-day totals
BAND_ORIGIN_STEP_DAYS = 7  # … started every 7 days back from the latest possible start
BAND_MIN_CHECKS = 3
BAND_QUANTILES = (0.10, 0.90)
FALLBACK_BAND = 0.5  # ±50 % for 30 days when fewer than BAND_MIN_CHECKS past starts can be checked
BACKTEST_DAYS = 30
BACKTEST_MIN_HISTORY = MIN_HISTORY_DAYS + BACKTEST_DAYS


def month_part(day: date) -> int:
    """0 for days 1–10 of a month, 1 for days 11–20, 2 for day 21 to the end."""
    return min((day.day - 1) // 10, 2)


def growth_factor(monthly_growth: float, month: int) -> float:
    """The damped cumulative growth factor for the `month`-th month ahead (1-based).

    Month 1 × (1 + g·½), month 2 × (1 + g·½)(1 + g·¼), month 3 also × (1 + g·⅛): the trend is assumed to fade.
    """
    factor = 1.0
    for step in range(1, month + 1):
        factor *= 1 + monthly_growth * DAMPING**step
    return factor


def quantile(values: Sequence[float], q: float) -> float:
    """The `q` quantile with linear interpolation between the two nearest ranks (numpy's default)."""
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    lower = math.floor(position)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


@dataclass(frozen=True)
class SpikeGuard:
    """Days that counted for less than they sold: `cap` is 1.5 × the third-biggest day (None: nothing capped)."""

    cap: float | None
    capped_days: tuple[tuple[date, float], ...]  # (day, what it really sold)


def cap_spikes(values: Sequence[float], start: date) -> tuple[list[float], SpikeGuard]:
    """The history with every day above 1.5 × the third-biggest day lowered to that cap.

    One or two exceptional days (a viral post, a bulk purchase) should not set the level of the next
    months; three or more big days are a pattern and are left alone (the third-biggest is then big too).
    Nothing is capped when the third-biggest day is zero: a shop with one or two sales has no typical day.
    """
    if len(values) < SPIKE_REFERENCE_RANK:
        return list(values), SpikeGuard(None, ())
    reference = sorted(values, reverse=True)[SPIKE_REFERENCE_RANK - 1]
    if reference <= 0:
        return list(values), SpikeGuard(None, ())
    cap = SPIKE_FACTOR * reference
    capped = [min(v, cap) for v in values]
    days = tuple((start + timedelta(days=i), v) for i, v in enumerate(values) if v > cap)
    return capped, SpikeGuard(cap if days else None, days)


@dataclass(frozen=True)
class Growth:
    """How the monthly growth rate used in the projection was reached."""

    last_30: float | None  # spike-capped revenue of the last 30 days (None: fewer than 60 days of history)
    previous_30: float | None
    own_measured: float | None  # last_30 ÷ previous_30 − 1, before the ±50 % limit
    own: float  # after the limit; 0 when it cannot be measured
    market: float | None  # the market trend after the limit; None when unknown
    used: float  # OWN_WEIGHT × own + MARKET_WEIGHT × market (unknown parts count as 0)


def measure_growth(capped: Sequence[float], market_trend: float | None) -> Growth:
    n = len(capped)
    market = None if market_trend is None else _clamp(market_trend, -GROWTH_LIMIT, GROWTH_LIMIT)
    last = previous = measured = None
    own = 0.0
    if n >= 2 * GROWTH_WINDOW_DAYS:
        last = sum(capped[n - GROWTH_WINDOW_DAYS :])
        previous = sum(capped[n - 2 * GROWTH_WINDOW_DAYS : n - GROWTH_WINDOW_DAYS])
        if previous > 0:
            measured = last / previous - 1
            own = _clamp(measured, -GROWTH_LIMIT, GROWTH_LIMIT)
        elif last > 0:
            own = GROWTH_LIMIT  # from nothing to something: as much growth as the model ever assumes
    used = OWN_WEIGHT * own + MARKET_WEIGHT * (market or 0.0)
    return Growth(last, previous, measured, own, market, used)


def weekday_multipliers(capped: Sequence[float], start: date) -> tuple[float, ...] | None:
    """Monday…Sunday multipliers from the ratio of each day to its centred 7-day mean (classical decomposition).

    Dividing by the centred mean removes the trend (for a straight-line trend every ratio is exactly 1).
    A weekday keeps its own multiplier only when it stands out from 1 by more than 3 standard
    errors (the spread of its ratios ÷ √their number), so a few lucky Wednesdays are not read as a pattern;
    the others count as 1. The seven are then normalised to average 1, so a week's total is unchanged.
    None when a weekday has fewer than 2 usable days (a day is usable when its 7-day mean is above 0).
    """
    ratios: list[list[float]] = [[] for _ in range(7)]
    half = MOVING_AVERAGE_DAYS // 2
    for i in range(half, len(capped) - half):
        centred = sum(capped[i - half : i + half + 1]) / MOVING_AVERAGE_DAYS
        if centred > 0:
            ratios[(start.weekday() + i) % 7].append(capped[i] / centred)
    if min(len(r) for r in ratios) < WEEKDAY_MIN_DAYS:
        return None
    return _significant_and_normalised(ratios)


def _significant_and_normalised(ratios: Sequence[Sequence[float]]) -> tuple[float, ...] | None:
    """Mean ratio per group, normalised to average 1, with groups within 3 standard errors of 1 set to 1."""
    means = [_mean(r) for r in ratios]
    overall = _mean(means)
    if overall <= 0:
        return None
    kept = []
    for group, mean in zip(ratios, means, strict=True):
        standard_error = _sample_sd(group, mean) / math.sqrt(len(group)) / overall
        effect = mean / overall
        kept.append(effect if abs(effect - 1) > SIGNIFICANCE_SE * standard_error else 1.0)
    norm = _mean(kept)
    return tuple(k / norm for k in kept)


def month_position_multipliers(
    capped: Sequence[float], start: date, weekdays: Sequence[float] | None
) -> tuple[float, float, float] | None:
    """Multipliers for the start / middle / end of a month, from the same parts of the months seen.

    Each day is compared with its centred 31-day mean (which a straight-line trend doesn't move) times its
    weekday multiplier; the ratios are averaged per part of the month and kept only beyond 3 standard errors
    (as for weekdays), normalised to average 1, limited to [0.8, 1.2], and an effect under 5 % is set to
    exactly 1 (the data don't show one). None with fewer than
    90 days of history or fewer than 15 usable days in a part.
    """
    n = len(capped)
    if n < MONTH_POSITION_MIN_HISTORY:
        return None
    half = MONTH_POSITION_HALF_WINDOW
    prefix = [0.0]
    for v in capped:
        prefix.append(prefix[-1] + v)
    ratios: list[list[float]] = [[], [], []]
    for i in range(half, n - half):
        day = start + timedelta(days=i)
        level = (prefix[i + half + 1] - prefix[i - half]) / (2 * half + 1)
        expected = level * (weekdays[day.weekday()] if weekdays else 1.0)
        if expected > 0:
            ratios[month_part(day)].append(capped[i] / expected)
    if min(len(r) for r in ratios) < MONTH_POSITION_MIN_DAYS:
        return None
    normalised = _significant_and_normalised(ratios)
    if normalised is None:
        return None
    low, high = MONTH_POSITION_LIMITS
    effects = []
    for effect in normalised:
        limited = _clamp(effect, low, high)
        effects.append(1.0 if abs(limited - 1) < MONTH_POSITION_DEAD_ZONE else limited)
    return (effects[0], effects[1], effects[2])


@dataclass(frozen=True)
class ModelParameters:
    """Everything the projection uses, fitted on one history."""

    start: date
    as_of: date
    history_days: int
    spike_guard: SpikeGuard
    moving_average: float  # mean of the last 7 spike-capped days, each ÷ its time-of-month multiplier
    growth: Growth
    weekday: tuple[float, ...] | None  # Monday..Sunday; None = no weekday pattern
    month_position: tuple[float, float, float] | None  # None = not measurable; (1, 1, 1) = no effect found

    def seasonal_multiplier(self, day: date) -> float:
        weekday = self.weekday[day.weekday()] if self.weekday else 1.0
        position = self.month_position[month_part(day)] if self.month_position else 1.0
        return weekday * position


def fit(values: Sequence[float], start: date, market_trend: float | None) -> ModelParameters:
    """Fit the model on a history of at least MIN_HISTORY_DAYS days starting at `start`."""
    if len(values) < MIN_HISTORY_DAYS:
        raise ValueError(f"a history of at least {MIN_HISTORY_DAYS} days is needed, got {len(values)}")
    capped, guard = cap_spikes(values, start)
    weekdays = weekday_multipliers(capped, start)
    positions = month_position_multipliers(capped, start, weekdays)
    # The last 7 days hold one of each weekday, so their mean is already free of the weekday pattern; a
    # time-of-month effect is divided out, or a forecast made on the 30th would carry end-of-month sales
    # into the next month's start.
    last_week = range(len(values) - MOVING_AVERAGE_DAYS, len(values))
    level = sum(capped[i] / (positions[month_part(start + timedelta(days=i))] if positions else 1.0) for i in last_week)
    return ModelParameters(
        start=start,
        as_of=start + timedelta(days=len(values) - 1),
        history_days=len(values),
        spike_guard=guard,
        moving_average=level / MOVING_AVERAGE_DAYS,
        growth=measure_growth(capped, market_trend),
        weekday=weekdays,
        month_position=positions,
    )


def project(params: ModelParameters, horizon: int) -> list[float]:
    """Daily revenue for the `horizon` days after `as_of`: moving average × damped growth × seasonal multiplier."""
    projections = []
    for h in range(1, horizon + 1):
        day = params.as_of + timedelta(days=h)
        month = (h - 1) // DAYS_PER_GROWTH_STEP + 1
        value = params.moving_average * growth_factor(params.growth.used, month) * params.seasonal_multiplier(day)
        projections.append(max(0.0, value))
    return projections


@dataclass(frozen=True)
class ErrorBand:
    """How far the method's own 30-day forecasts landed from what happened, as actual ÷ forecast ratios."""

    ratios: tuple[float, ...]  # one per checked past start, most recent first
    unscorable: int  # past starts forecast at $0 that then had sales (no ratio exists)
    low_ratio: float  # 10th percentile of the ratios
    high_ratio: float  # 90th percentile
    measured: bool  # False: fewer than 3 ratios, a fixed ±50 % is used

    @property
    def down(self) -> float:
        return max(0.0, 1 - self.low_ratio)

    @property
    def up(self) -> float:
        return max(0.0, self.high_ratio - 1)

    def factors(self, horizon_days: int) -> tuple[float, float]:
        """(low, high) multipliers for a projection `horizon_days` ahead: the 30-day spread × √(days / 30).

        Within the first 30 days the measured spread applies as it is; further out it widens with the square
        root of time, as the uncertainty of a drifting level does.
        """
        widening = math.sqrt(max(horizon_days, BAND_HORIZON_DAYS) / BAND_HORIZON_DAYS)
        return max(0.0, 1 - self.down * widening), 1 + self.up * widening


def measure_error_band(values: Sequence[float], start: date, market_trend: float | None) -> ErrorBand:
    """Re-run the method from past starting points and compare its next-30-day total with what was sold.

    The starts are the last known day minus 30, 37, 44, … days, as long as the history up to a start has at
    least MIN_HISTORY_DAYS days (180 days of history give 20 starts; the first is the backtest's). Actual
    totals are the real (uncapped) sales.
    """
    n = len(values)
    ratios: list[float] = []
    unscorable = 0
    known = n - BAND_HORIZON_DAYS
    while known >= MIN_HISTORY_DAYS:
        forecast = sum(project(fit(values[:known], start, market_trend), BAND_HORIZON_DAYS))
        actual = sum(values[known : known + BAND_HORIZON_DAYS])
        if forecast > 0:
            ratios.append(actual / forecast)
        elif actual <= 0:
            ratios.append(1.0)  # forecast nothing, sold nothing: exactly right
        else:
            unscorable += 1
        known -= BAND_ORIGIN_STEP_DAYS
    if len(ratios) < BAND_MIN_CHECKS:
        return ErrorBand(tuple(ratios), unscorable, 1 - FALLBACK_BAND, 1 + FALLBACK_BAND, measured=False)
    low_q, high_q = BAND_QUANTILES
    return ErrorBand(tuple(ratios), unscorable, quantile(ratios, low_q), quantile(ratios, high_q), measured=True)


@dataclass(frozen=True)
class BacktestDay:
    date: date
    actual: float
    forecast: float
    naive: float  # what the same weekday of the week before sold


@dataclass(frozen=True)
class Backtest:
    """The method forecasting the last 30 known days from the days before them, against a naive guess."""

    first_day: date
    last_day: date
    days_scored: int  # days with sales: a percentage error needs a non-zero actual
    mape_pct: float | None  # mean of |actual − forecast| ÷ actual over the scored days, in %, 1 decimal
    naive_mape_pct: float | None  # the same for "same as the same weekday last week"
    forecast_total: float
    actual_total: float
    total_error_pct: float | None  # (forecast total − actual total) ÷ actual total, in %, 1 decimal
    verdict: str
    days: tuple[BacktestDay, ...]


def run_backtest(values: Sequence[float], start: date, market_trend: float | None) -> Backtest | None:
    """None when the history is shorter than BACKTEST_MIN_HISTORY (44) days."""
    n = len(values)
    if n < BACKTEST_MIN_HISTORY:
        return None
    known = n - BACKTEST_DAYS
    forecasts = project(fit(values[:known], start, market_trend), BACKTEST_DAYS)
    days = tuple(
        BacktestDay(
            date=start + timedelta(days=known + j),
            actual=values[known + j],
            forecast=forecasts[j],
            naive=values[known + j - 7],
        )
        for j in range(BACKTEST_DAYS)
    )
    scored = [d for d in days if d.actual > 0]
    mape = naive = None
    if scored:
        mape = round(100 * sum(abs(d.actual - d.forecast) / d.actual for d in scored) / len(scored), 1)
        naive = round(100 * sum(abs(d.actual - d.naive) / d.actual for d in scored) / len(scored), 1)
    forecast_total = sum(d.forecast for d in days)
    actual_total = sum(d.actual for d in days)
    total_error = round(100 * (forecast_total - actual_total) / actual_total, 1) if actual_total > 0 else None
    return Backtest(
        first_day=days[0].date,
        last_day=days[-1].date,
        days_scored=len(scored),
        mape_pct=mape,
        naive_mape_pct=naive,
        forecast_total=round(forecast_total, 2),
        actual_total=round(actual_total, 2),
        total_error_pct=total_error,
        verdict=backtest_verdict(mape, naive),
        days=days,
    )


def backtest_verdict(mape_pct: float | None, naive_mape_pct: float | None) -> str:
    """One plain sentence comparing the method with the naive guess (percentages as shown, whole numbers)."""
    if mape_pct is None or naive_mape_pct is None:
        return "You had no sales in the last 30 days, so the forecast's accuracy could not be measured."
    ours, guess = round(mape_pct), round(naive_mape_pct)
    if ours == guess == 0:
        return "Over the last 30 days both the forecast and a simple same-as-last-week guess were exact."
    head = (
        f"The forecast was off by {ours}% on average over the last 30 days; "
        f"a simple same-as-last-week guess was off by {guess}%,"
    )
    if ours < guess:
        return f"{head} so the forecast is more useful than a guess."
    if ours == guess:
        return f"{head} so the forecast is about as good as a guess."
    return f"{head} so treat the forecast with caution: for your shop a simple guess did better lately."


def _clamp(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values)


def _sample_sd(values: Sequence[float], mean: float) -> float:
    return math.sqrt(sum((v - mean) ** 2 for v in values) / (len(values) - 1))
