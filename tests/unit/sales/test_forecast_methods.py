"""The choice between forecasting methods (`core.sales.methods`) and the forecast's answer to bad input."""

from __future__ import annotations

import math
import random
from datetime import date, timedelta
from decimal import Decimal

import pytest

from core.sales import methods
from core.sales.forecast import forecast_revenue

AS_OF = date(2026, 3, 27)


def history(values: list[float], *, as_of: date = AS_OF) -> dict[date, float]:
    start = as_of - timedelta(days=len(values) - 1)
    return {start + timedelta(days=i): v for i, v in enumerate(values)}


def weekly_shop(days: int = 180, seed: int = 5, noise: float = 10.0) -> list[float]:
    rng = random.Random(seed)
    pattern = (80, 90, 100, 100, 110, 160, 60)
    return [max(0.0, pattern[i % 7] + rng.gauss(0, noise)) for i in range(days)]


def test_a_flat_history_with_a_rising_market_chooses_repeating_last_week():
    # $130 every day; the damped model adds 20 % of a +50 % market trend (136.50 a day) and is off by 6.50 every day,
    # while repeating last week is exact: MASE 0 wins.
    forecast = forecast_revenue(history([130.0] * 120), {}, days=30, market_trend=0.5)
    assert forecast.method.method == "seasonal_naive"
    assert forecast.projected_revenue == Decimal("3900.00")
    assert any("simply repeating last week was the most accurate" in line for line in forecast.assumptions)


def test_origins_are_the_last_weeks_and_scores_are_mase():
    values = weekly_shop()
    choice = methods.choose_method(values, AS_OF - timedelta(days=179), None)
    # 180 days: origins 150, 143, … 31 (18 of them, each ≥ 28 days in); the first 8 choose.
    assert [o.index for o in choice.origins] == [150 - 7 * j for j in range(18)]
    assert choice.selection_origins == 8
    first = choice.origins[0]
    # MASE's denominator: the mean |day − same weekday a week earlier| of the 150 days before the first origin.
    expected_scale = sum(abs(values[i] - values[i - 7]) for i in range(7, 150)) / 143
    assert first.scale == pytest.approx(expected_scale)
    assert first.level == pytest.approx(sum(values[122:150]) / 28)
    assert first.actual == tuple(values[150:180])
    # Repeating last week from origin 150 repeats days 143–149; its error ÷ the scale is that origin's MASE.
    naive = [values[143 + h % 7] for h in range(30)]
    by_name = {s.method: s.mase for s in choice.scores}
    assert set(by_name) == {"damped", "seasonal_naive", "ets_additive", "ets_multiplicative", "combination"}
    naive_first = sum(abs(a - f) for a, f in zip(values[150:180], naive, strict=True)) / 30 / expected_scale
    assert naive_first > 0 and by_name["seasonal_naive"] > 0
    # The winner has the lowest score, and the sentence's share is 1 − its score ÷ repeating last week's.
    assert choice.scores[0].method == choice.method
    assert choice.closer_than_naive == pytest.approx(1 - by_name[choice.method] / by_name["seasonal_naive"])
    assert choice.method != "seasonal_naive"  # a stable pattern with noise: smoothing beats one noisy week


def test_the_combination_is_the_mean_of_the_best_two():
    choice = methods.choose_method(weekly_shop(seed=9), AS_OF - timedelta(days=179), None)
    ranked = [s.method for s in choice.scores if s.method != "combination"]
    if choice.method == "combination":
        assert choice.parts == tuple(ranked[:2])
    else:
        assert choice.parts == ()


def test_short_histories_use_the_damped_model_and_say_why():
    forecast = forecast_revenue(history(weekly_shop(40)), {}, days=30, market_trend=None)
    assert forecast.method.method == "damped" and forecast.method.scores == ()
    assert forecast.spread.how == "fixed"
    text = "\n".join(forecast.assumptions)
    assert "too short to check methods against each other" in text
    assert "fixed ±50% of your current daily level" in text


def test_the_page_sentence_says_how_much_closer_than_last_week():
    forecast = forecast_revenue(history(weekly_shop()), {}, days=30, market_trend=None)
    share = round(100 * forecast.method.closer_than_naive)
    assert f"On your last 8 weeks this method was {share}% closer than simply repeating last week." in (
        forecast.assumptions
    )


# --- bad input: a defined answer, never an exception or NaN ---------------------------------------------------------


def _finite(forecast) -> bool:
    numbers = [forecast.projected_revenue, forecast.confidence_interval.low, forecast.confidence_interval.high]
    numbers += [v for d in forecast.daily_projections for v in (d.revenue, d.low, d.high)]
    return all(isinstance(v, Decimal) and v.is_finite() and v >= 0 for v in numbers)


def test_all_zero_history_has_no_forecast_and_says_why():
    forecast = forecast_revenue(history([0.0] * 120), {}, days=30, market_trend=None)
    assert not forecast.available
    assert forecast.reason == "No sales in the last 180 days, so there is nothing to project from."


@pytest.mark.parametrize("days", [30, 60, 90])
def test_refunds_below_zero_count_as_zero_days(days):
    values = weekly_shop(120)
    values[100] = values[110] = -250.0  # refunds netted below zero
    forecast = forecast_revenue(history(values), {}, days=days, market_trend=None)
    assert forecast.available and _finite(forecast)
    assert "2 days with more refunds than sales count as $0 (a day sells at least nothing)." in forecast.assumptions


def test_gaps_and_future_days_are_handled():
    series = history(weekly_shop(120))
    for back in range(20, 40):  # three weeks without any row
        del series[AS_OF - timedelta(days=back)]
    series[AS_OF + timedelta(days=3)] = 1e9  # a day after the last known day: ignored
    forecast = forecast_revenue(series, {}, days=90, market_trend=None, as_of=AS_OF)
    assert forecast.available and _finite(forecast)
    assert forecast.daily_projections[0].date == AS_OF + timedelta(days=1)
    assert forecast.projected_revenue < Decimal("1e6")


def test_a_single_viral_day_neither_blows_up_nor_collapses_the_range():
    calm_values = weekly_shop(180)
    viral_values = list(calm_values)
    viral_values[160] = 50_000.0  # 20 days ago, ×400 a normal day
    calm = forecast_revenue(history(calm_values), {}, days=30, market_trend=None)
    viral = forecast_revenue(history(viral_values), {}, days=30, market_trend=None)
    assert _finite(viral)

    def width(f) -> Decimal:
        return f.confidence_interval.high - f.confidence_interval.low

    assert viral.projected_revenue < calm.projected_revenue * Decimal("1.1")
    assert Decimal("0.5") * width(calm) < width(viral) < Decimal(2) * width(calm)


def test_a_launch_inside_the_history_does_not_blow_up_the_range():
    # 100 days at about $10 a day, then a product launch: 80 days at about $100 a day.
    rng = random.Random(3)
    values = [max(0.0, 10 + rng.gauss(0, 3)) for _ in range(100)] + weekly_shop(80)
    forecast = forecast_revenue(history(values), {}, days=30, market_trend=None)
    assert _finite(forecast)
    low, high = forecast.confidence_interval.low, forecast.confidence_interval.high
    # The level after the launch is ≈ $100 a day, ≈ $3,000 in 30 days. Origins just before the launch were off by
    # far more than the level; each counts as +100 %, so the high end is at most the projection + 30 × the level.
    assert Decimal(1500) < forecast.projected_revenue < Decimal(4500)
    level = sum(values[-28:]) / 28
    assert low < forecast.projected_revenue < high <= forecast.projected_revenue + Decimal(round(30 * level + 0.01, 2))


def test_a_sparse_shop_with_many_zero_days_gets_a_range_from_zero():
    rng = random.Random(11)
    values = [20.0 if rng.random() < 0.15 else 0.0 for _ in range(150)]
    values[0] = 20.0
    forecast = forecast_revenue(history(values), {}, days=90, market_trend=None)
    assert _finite(forecast)
    assert forecast.confidence_interval.low <= forecast.projected_revenue <= forecast.confidence_interval.high
    assert "ets_multiplicative" not in {s.method for s in forecast.method.scores}  # no pattern of $0 to multiply
    assert not any(math.isnan(s.mase) for s in forecast.method.scores)
