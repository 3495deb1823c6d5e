"""The forecasting methods a seller's forecast chooses from, their backtest on the seller's own history, and the choice.

Pure: a history (spike-capped daily revenue, one value per day from the first sale, never below 0) in, numbers out.
The candidates (issue 21):

- **damped**: the explainable model of `core.sales.rules` (last week's level × damped growth × weekday and
  time-of-month multipliers);
- **seasonal_naive**: "the same as the same weekday last week", repeated;
- **ets_additive** / **ets_multiplicative**: exponential smoothing with a damped additive trend and a weekly
  (7-day) additive or multiplicative pattern, from `statsmodels` (the multiplicative one only when every day of the
  history sold something: it cannot multiply a pattern of $0);
- **combination**: the day-by-day mean of the two candidates above that were the most accurate.

**Backtest.** Each candidate forecasts from past starting points (origins) as if the days after them were unknown:
the last known day minus 30, 37, 44, … days (weekly), each with at least 28 days of history before it. The first 8
of them (the last 8 weeks) choose the method: the score is the mean absolute scaled error (MASE) over their 30 days,
i.e. the mean absolute daily error ÷ the mean absolute error of "same as last week" inside the history before that
origin, averaged over the origins. The lowest score wins; a tie goes to the earlier candidate in the list above,
so the explainable model wins ties. The chosen method is then also run from the older origins (up to 18 in 180
days), whose errors give the range (`core.sales.ranges`).

**Estimation.** The smoothing parameters of each exponential-smoothing model are estimated once, on the history
before the most recent origin (all but the last 30 days), so the latest 30 days the choice is judged on never shaped
them; at each origin the model is re-started from that origin's own history with those parameters (re-estimating
them at every origin would cost ten times as long). The older origins check days the parameters were estimated on,
which flatters smoothing a little there. The method chosen is estimated again on the whole history for the
projection. Measured on four real series (issue 21), estimating on the history before the *oldest* choosing origin
(nothing seen) chose worse methods (daily error 0.86–1.04 × repeating last week, against 0.84–1.02 × this way),
and estimating on the whole history chose slightly worse ones too (0.85–1.02 ×).

Fewer than 58 days of history leave no origin to check (28 days before + 30 to check): the damped model is used.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from core.sales import rules as fm

SEASON_DAYS = 7
MIN_TRAIN_DAYS = 28  # two full weeks are the least exponential smoothing starts from; four give a steadier start
CHECK_DAYS = 30  # the selection compares 30-day forecasts
SELECTION_ORIGINS = 8  # … from the last 8 weekly origins
ORIGIN_STEP_DAYS = 7
MAX_HORIZON = 90
MAX_ORIGINS = 18  # every weekly origin 180 days of history allow (28 before + 30 after)
MIN_SCALE_SHARE = 0.01  # a history that repeats itself exactly: scale errors by 1 % of its mean instead of 0

DAMPED = "damped"
SEASONAL_NAIVE = "seasonal_naive"
ETS_ADDITIVE = "ets_additive"
ETS_MULTIPLICATIVE = "ets_multiplicative"
COMBINATION = "combination"
CANDIDATES = (DAMPED, SEASONAL_NAIVE, ETS_ADDITIVE, ETS_MULTIPLICATIVE)
LABELS = {
    DAMPED: "level × weekly pattern × damped growth",
    SEASONAL_NAIVE: "the same as the same weekday last week",
    ETS_ADDITIVE: "exponential smoothing with a weekly pattern (added)",
    ETS_MULTIPLICATIVE: "exponential smoothing with a weekly pattern (in proportion)",
    COMBINATION: "the average of the two most accurate methods",
}

Forecaster = Callable[[int, int], list[float]]  # (origin, horizon) -> daily forecasts for the days after origin


@dataclass(frozen=True)
class Origin:
    """One past starting point of the backtest: days [0, index) known, the days after it checked."""

    index: int  # the number of days known (the first checked day is values[index])
    level: float  # mean of the 28 days before it (the whole history before it if those sold nothing)
    scale: float  # mean |day − same weekday a week earlier| over the history before it (MASE's denominator)
    actual: tuple[float, ...]  # the (spike-capped) days after it, at most 90
    forecasts: dict[str, tuple[float, ...]]  # method -> its forecast for the same days


@dataclass(frozen=True)
class MethodScore:
    method: str
    mase: float  # mean over the selection origins


@dataclass(frozen=True)
class MethodChoice:
    """The method chosen for this history and the evidence for it."""

    method: str
    label: str
    scores: tuple[MethodScore, ...]  # every candidate scored, best first; empty when nothing could be checked
    parts: tuple[str, ...]  # the two methods averaged by the combination; () otherwise
    selection_origins: int  # origins the choice was made on (≤ 8)
    origins: tuple[Origin, ...]  # every origin checked, most recent first (the chosen method's forecasts in each)
    projection: tuple[float, ...]  # the chosen method's daily forecast after the last known day, 90 days

    @property
    def closer_than_naive(self) -> float | None:
        """1 − MASE(chosen) ÷ MASE(same as last week): 0.18 = 18 % closer; None when not measured."""
        by_name = {s.method: s.mase for s in self.scores}
        mine, naive = by_name.get(self.method), by_name.get(SEASONAL_NAIVE)
        if mine is None or naive is None or naive <= 0:
            return None
        return 1 - mine / naive


def choose_method(
    values: Sequence[float], start: date, market_trend: float | None, candidates: Sequence[str] = CANDIDATES
) -> MethodChoice:
    """Backtest the candidates on `values` (capped, ≥ 0, at least MIN_HISTORY_DAYS) and forecast with the best.

    `candidates`: a subset of CANDIDATES to choose from (the damped model is always fitted: it is the fallback).
    """
    n = len(values)
    indexes = [
        n - CHECK_DAYS - ORIGIN_STEP_DAYS * j
        for j in range(MAX_ORIGINS)
        if n - CHECK_DAYS - ORIGIN_STEP_DAYS * j >= MIN_TRAIN_DAYS
    ]
    selection = indexes[:SELECTION_ORIGINS]
    # Parameters from the history before the most recent origin (module docstring, "Estimation").
    forecasters = _forecasters(values, start, market_trend, candidates, selection[0] if selection else n)
    if not selection:
        projection = fm.project(fm.fit(values, start, market_trend), MAX_HORIZON)
        return MethodChoice(DAMPED, LABELS[DAMPED], (), (), 0, (), tuple(projection))
    checked = [_origin(values, i, {m: f for m, f in forecasters.items()}) for i in selection]
    scores = {m: _mean([_mase(o, m) for o in checked]) for m in forecasters}
    ranked = sorted(forecasters, key=lambda m: (scores[m], CANDIDATES.index(m)))
    parts = (ranked[0], ranked[1]) if len(ranked) >= 2 else ()
    if parts:
        for o in checked:
            o.forecasts[COMBINATION] = _average(o.forecasts[parts[0]], o.forecasts[parts[1]])
        scores[COMBINATION] = _mean([_mase(o, COMBINATION) for o in checked])
    order = [*CANDIDATES, COMBINATION]
    method = min(scores, key=lambda m: (scores[m], order.index(m)))
    needed = parts if method == COMBINATION else (method,)
    older = [_origin(values, i, {m: forecasters[m] for m in needed}) for i in indexes[len(selection) :]]
    origins = []
    for o in [*checked, *older]:
        kept = _average(o.forecasts[parts[0]], o.forecasts[parts[1]]) if method == COMBINATION else o.forecasts[method]
        origins.append(Origin(o.index, o.level, o.scale, o.actual, {method: kept}))
    if method == COMBINATION:
        projection = _average(forecasters[parts[0]](n, MAX_HORIZON), forecasters[parts[1]](n, MAX_HORIZON))
    else:
        projection = tuple(forecasters[method](n, MAX_HORIZON))
    ordered_scores = tuple(MethodScore(m, scores[m]) for m in sorted(scores, key=lambda m: (scores[m], order.index(m))))
    return MethodChoice(
        method=method,
        label=LABELS[method],
        scores=ordered_scores,
        parts=parts if method == COMBINATION else (),
        selection_origins=len(selection),
        origins=tuple(origins),
        projection=projection,
    )


def level_before(values: Sequence[float], index: int) -> float:
    """The mean of the 28 days before `index` (the whole history before it when those 28 sold nothing)."""
    recent = values[max(0, index - MIN_TRAIN_DAYS) : index]
    level = _mean(recent)
    return level if level > 0 else _mean(values[:index])


def _origin(values: Sequence[float], index: int, forecasters: dict[str, Forecaster]) -> Origin:
    horizon = min(MAX_HORIZON, len(values) - index)
    history = values[:index]
    diffs = [abs(history[i] - history[i - SEASON_DAYS]) for i in range(SEASON_DAYS, index)]
    level = level_before(values, index)
    scale = max(_mean(diffs), MIN_SCALE_SHARE * _mean(history), 1e-9)
    forecasts = {m: tuple(f(index, horizon)) for m, f in forecasters.items()}
    return Origin(index, level, scale, tuple(values[index : index + horizon]), forecasts)


def _mase(origin: Origin, method: str) -> float:
    forecast, actual = origin.forecasts[method][:CHECK_DAYS], origin.actual[:CHECK_DAYS]
    return _mean([abs(a - f) for a, f in zip(actual, forecast, strict=True)]) / origin.scale


def _forecasters(
    values: Sequence[float], start: date, market_trend: float | None, candidates: Sequence[str], estimate_until: int
) -> dict[str, Forecaster]:
    def damped(index: int, horizon: int) -> list[float]:
        return fm.project(fm.fit(values[:index], start, market_trend), horizon)

    def seasonal_naive(index: int, horizon: int) -> list[float]:
        last_week = values[index - SEASON_DAYS : index]
        return [last_week[h % SEASON_DAYS] for h in range(horizon)]

    found: dict[str, Forecaster | None] = {DAMPED: damped, SEASONAL_NAIVE: seasonal_naive}
    checkable = len(values) >= MIN_TRAIN_DAYS + CHECK_DAYS  # ETS is fitted only when it can be checked
    if checkable and ETS_ADDITIVE in candidates:
        found[ETS_ADDITIVE] = _smoothing(values, "add", estimate_until)
    if checkable and ETS_MULTIPLICATIVE in candidates and min(values) > 0:
        found[ETS_MULTIPLICATIVE] = _smoothing(values, "mul", estimate_until)
    chosen = {m: f for m, f in found.items() if f is not None and m in candidates}
    return chosen or {DAMPED: damped}  # the damped model is the fallback when nothing asked for can run


def _smoothing(values: Sequence[float], seasonal: str, estimate_until: int) -> Forecaster | None:
    """Exponential smoothing (damped additive trend, weekly pattern): for the origins before the end of `values`, with
    parameters estimated on `values[:estimate_until]`; for the projection after the last day, estimated on all of
    `values` (once, when asked for).

    None when statsmodels cannot fit it (the candidate is then left out, and says nothing about the others).
    """
    past = _smoothing_parameters(values[:estimate_until], seasonal)
    if past is None:
        return None
    cache: dict[int, list[float]] = {}

    def forecast(index: int, horizon: int) -> list[float]:
        if index not in cache:
            params = past if index < len(values) else (_smoothing_parameters(values, seasonal) or past)
            cache[index] = _smoothing_forecast(values[:index], seasonal, params, MAX_HORIZON)
        return cache[index][:horizon]

    return forecast


_PARAMETERS = ("smoothing_level", "smoothing_trend", "smoothing_seasonal", "damping_trend")


def _model(values: Sequence[float], seasonal: str):
    # Imported here: statsmodels takes about a second to import, which no page should pay before it forecasts.
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    return ExponentialSmoothing(
        list(values),
        trend="add",
        damped_trend=True,
        seasonal=seasonal,
        seasonal_periods=SEASON_DAYS,
        initialization_method="heuristic",
    )


def _smoothing_parameters(values: Sequence[float], seasonal: str) -> dict[str, float] | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fitted = _model(values, seasonal).fit(use_brute=False)
    except (ValueError, ArithmeticError, IndexError, TypeError):
        return None
    params = {name: float(fitted.params[name]) for name in _PARAMETERS}
    if not all(math.isfinite(v) for v in params.values()):
        return None
    return params


def _smoothing_forecast(history: Sequence[float], seasonal: str, params: dict[str, float], horizon: int) -> list[float]:
    """The model re-started on `history` with fixed parameters; a failed or non-finite run falls back to last week."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fitted = _model(history, seasonal).fit(optimized=False, **params)
            forecast = [float(v) for v in fitted.forecast(horizon)]
    except (ValueError, ArithmeticError, IndexError, TypeError):
        forecast = []
    if len(forecast) != horizon or not all(math.isfinite(v) for v in forecast):
        last_week = history[-SEASON_DAYS:]
        forecast = [last_week[h % SEASON_DAYS] for h in range(horizon)]
    return [max(0.0, v) for v in forecast]


def _average(a: Sequence[float], b: Sequence[float]) -> tuple[float, ...]:
    return tuple((x + y) / 2 for x, y in zip(a, b, strict=True))


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0
