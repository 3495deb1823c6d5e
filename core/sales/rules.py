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


def _clamp(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values)


def _sample_sd(values: Sequence[float], mean: float) -> float:
    return math.sqrt(sum((v - mean) ** 2 for v in values) / (len(values) - 1))
