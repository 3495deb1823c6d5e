"""The sales forecast (`core.sales.forecast`, `core.sales.rules`): the explainable damped model, by hand."""

from __future__ import annotations

import math
from datetime import date, timedelta
from decimal import Decimal

import pytest

from core.sales import rules as fm
from core.sales.forecast import forecast_revenue as chosen_forecast

# A Friday: the 7 days after it start on a Saturday.
AS_OF = date(2026, 3, 27)


def history(values: list[float], *, as_of: date = AS_OF) -> dict[date, float]:
    """{day: value} for consecutive days ending on `as_of`."""
    start = as_of - timedelta(days=len(values) - 1)
    return {start + timedelta(days=i): v for i, v in enumerate(values)}


def forecast_revenue(*args, **kwargs):
    """The forecast with the explainable damped model only: these tests check its arithmetic by hand (the choice
    between methods is tested in test_forecast_methods.py)."""
    return chosen_forecast(*args, candidates=("damped",), **kwargs)


def amounts(forecast) -> list[Decimal]:
    return [d.revenue for d in forecast.daily_projections]


# --- a constant shop ---------------------------------------------------------------------------------------


def test_constant_series_projects_the_same_revenue_with_a_degenerate_range():
    # $100 and 2 units every day for 120 days: level 100, growth 3000 ÷ 3000 − 1 = 0, every weekday ratio 1.
    forecast = chosen_forecast(history([100.0] * 120), history([2] * 120), days=30, market_trend=None)

    assert forecast.available and forecast.reason is None
    assert forecast.projected_revenue == Decimal("3000.00")  # 30 × $100
    assert amounts(forecast) == [Decimal("100.00")] * 30
    assert forecast.daily_projections[0].date == date(2026, 3, 28)
    assert forecast.daily_projections[-1].date == date(2026, 4, 26)
    # Every method is exact on a constant history (scores all 0), and a tie goes to the explainable model.
    assert forecast.method.method == "damped"
    scores = {s.method: s.mase for s in forecast.method.scores}
    assert scores["damped"] == scores["seasonal_naive"] == 0.0
    assert max(scores.values()) < 1e-9  # exponential smoothing is exact up to float rounding
    # Checked from 30, 37, … 86 days back (9 origins, the last leaving 34 ≥ 28 days before it): every error 0.
    assert (forecast.spread.low, forecast.spread.high, forecast.spread.origins) == (0.0, 0.0, 9)
    # Judged out of sample, only the origins 90 and 83 days in have 3 or more origins whose 30 days had passed.
    assert (forecast.coverage.inside, forecast.coverage.checked) == (2, 2)
    assert forecast.confidence_interval.low == forecast.confidence_interval.high == Decimal("3000.00")
    assert all(d.low == d.high == Decimal("100.00") for d in forecast.daily_projections)
    # $3,000 in the last 30 days ÷ 60 units = $50 a unit; $3,000 ÷ $50 = 60 sales.
    assert forecast.average_unit_price == Decimal("50.00")
    assert forecast.projected_sales == 60


def test_the_market_trend_is_blended_at_20_percent_and_damped_per_month():
    # Own growth 0, market +5 %: g = 0.8 × 0 + 0.2 × 0.05 = 0.01 a month.
    # Days 1–30: 100 × (1 + 0.01/2) = 100.50; days 31–60: 100.50 × (1 + 0.01/4) = 100.75125 → 100.75;
    # days 61–90: 100.75125 × (1 + 0.01/8) = 100.877189… → 100.88.
    totals = {
        days: forecast_revenue(history([100.0] * 120), {}, days=days, market_trend=0.05).projected_revenue
        for days in (30, 60, 90)
    }
    assert totals == {
        30: Decimal("3015.00"),  # 30 × 100.50
        60: Decimal("6037.50"),  # 3015.00 + 30 × 100.75
        90: Decimal("9063.90"),  # 6037.50 + 30 × 100.88
    }


# --- trend, damping and the spike guard ----------------------------------------------------------------------


def test_linear_trend_growth_is_measured_blended_and_damped_exactly_as_stated():
    # Day i (0…89) sells 100 + i: 100 … 189. Nothing is capped (189 ≤ 1.5 × 187).
    forecast = forecast_revenue(history([100.0 + i for i in range(90)]), {}, days=90, market_trend=None)
    model = forecast.model

    assert model.spike_guard.cap is None
    assert model.moving_average == 186.0  # mean of 183 … 189
    assert model.growth.last_30 == 5235.0  # 160 + … + 189 = 30 × 174.5
    assert model.growth.previous_30 == 4335.0  # 130 + … + 159 = 30 × 144.5
    assert model.growth.own_measured == pytest.approx(900 / 4335)  # +20.76 %
    assert model.growth.used == pytest.approx(0.8 * 900 / 4335)  # g = 0.166090
    # A straight line's centred means equal its values: no weekday or time-of-month effect.
    assert model.weekday == (1.0,) * 7
    assert model.month_position == (1.0, 1.0, 1.0)
    # Days 1–30:  186 × (1 + g/2)                     = 201.4464 → 201.45
    # Days 31–60: 201.4464 × (1 + g/4)                = 209.8109 → 209.81
    # Days 61–90: 209.8109 × (1 + g/8)                = 214.1669 → 214.17
    assert amounts(forecast) == [Decimal("201.45")] * 30 + [Decimal("209.81")] * 30 + [Decimal("214.17")] * 30
    assert forecast.projected_revenue == Decimal("18762.90")  # 30 × (201.45 + 209.81 + 214.17)


def test_growth_is_limited_to_50_percent_a_month_and_damped_month_after_month():
    # 30 days at $100 then 30 at $300: +200 % measured, limited to +50 %; g = 0.8 × 0.5 = 0.4.
    growth = fm.measure_growth([100.0] * 30 + [300.0] * 30, market_trend=0.9)
    assert growth.own_measured == pytest.approx(2.0)
    assert growth.own == 0.5
    assert growth.market == 0.5  # +90 % is limited too
    assert growth.used == pytest.approx(0.8 * 0.5 + 0.2 * 0.5)  # 0.5
    assert fm.growth_factor(0.4, 1) == pytest.approx(1.2)  # 1 + 0.4/2
    assert fm.growth_factor(0.4, 2) == pytest.approx(1.32)  # 1.2 × (1 + 0.4/4)
    assert fm.growth_factor(0.4, 3) == pytest.approx(1.386)  # 1.32 × (1 + 0.4/8)
    # Falling from $300 to $100: −66.7 % measured, limited to −50 %: 0.8 × −0.5 = −0.4 → 0.8, 0.72, 0.684.
    falling = fm.measure_growth([300.0] * 30 + [100.0] * 30, market_trend=None)
    assert (falling.own, falling.market, falling.used) == (-0.5, None, pytest.approx(-0.4))
    assert fm.growth_factor(-0.4, 3) == pytest.approx(0.8 * 0.9 * 0.95)


def test_fewer_than_60_days_counts_own_growth_as_flat():
    growth = fm.measure_growth([100.0 + i for i in range(59)], market_trend=0.1)
    assert (growth.last_30, growth.own_measured, growth.own) == (None, None, 0.0)
    assert growth.used == pytest.approx(0.02)  # 0.2 × 0.1


def test_a_single_spike_cannot_project_runaway_revenue():
    # $100 a day for 120 days, but 3 days before the end one day sold $5,000 (×50).
    values = [100.0] * 120
    values[117] = 5000.0
    calm = forecast_revenue(history([100.0] * 120), {}, days=30, market_trend=None)
    spiky = forecast_revenue(history(values), {}, days=30, market_trend=None)
    model = spiky.model

    # The third-biggest day is $100, so no day counts for more than $150.
    assert model.spike_guard.cap == 150.0
    assert model.spike_guard.capped_days == ((AS_OF - timedelta(days=2), 5000.0),)
    assert model.moving_average == pytest.approx(750 / 7)  # (6 × 100 + 150) ÷ 7, not (600 + 5000) ÷ 7 = 800
    assert model.growth.own_measured == pytest.approx(3050 / 3000 - 1)  # +1.7 %, not 7900 ÷ 3000 − 1 = +163 %
    assert model.growth.used <= 0.5
    # Without the guard the 30 days would project 800 × 30 = $24,000; with it, within 10 % of the calm $3,000.
    assert calm.projected_revenue == Decimal("3000.00")
    assert Decimal("3000.00") < spiky.projected_revenue <= Decimal("3300.00")
    assert any("1.5 × your third-biggest day" in line for line in spiky.assumptions)


def test_three_big_days_are_a_pattern_not_a_spike():
    values = [10.0] * 30 + [90.0, 80.0, 70.0]
    capped, guard = fm.cap_spikes(values, date(2026, 1, 1))
    assert capped == values  # the third-biggest is 70; 1.5 × 70 = 105 caps nothing
    assert guard.cap is None
    capped, guard = fm.cap_spikes([10.0] * 30 + [90.0, 80.0], date(2026, 1, 1))
    assert capped == [10.0] * 30 + [15.0, 15.0]  # third-biggest 10 → cap 15
    assert guard.capped_days == ((date(2026, 1, 31), 90.0), (date(2026, 2, 1), 80.0))


# --- seasonality ---------------------------------------------------------------------------------------------


def test_weekly_pattern_gives_weekday_multipliers_and_the_projection_follows_it():
    # 12 weeks: weekdays $100, Saturdays and Sundays $200. A week sells 900, a day 900/7 on average.
    values = [200.0 if (AS_OF - timedelta(days=83 - i)).weekday() >= 5 else 100.0 for i in range(84)]
    forecast = forecast_revenue(history(values), {}, days=30, market_trend=None)
    model = forecast.model

    # Weekday 100 ÷ (900/7) = 7/9; weekend 200 ÷ (900/7) = 14/9; (5 × 7/9 + 2 × 14/9) ÷ 7 = 1.
    assert model.weekday == pytest.approx((7 / 9,) * 5 + (14 / 9,) * 2)
    assert model.moving_average == pytest.approx(900 / 7)
    # Last 30 days (from a Friday back): 4 weeks + a Thursday and a Friday = 3600 + 200; the 30 before: 3600 + 200.
    assert model.growth.own_measured == 0.0
    assert model.month_position is None  # fewer than 90 days
    # From Saturday Mar 28: 900/7 × 14/9 = 200 on weekends, 900/7 × 7/9 = 100 on weekdays.
    assert amounts(forecast)[:9] == [
        Decimal(v) for v in ("200", "200", "100", "100", "100", "100", "100", "200", "200")
    ]
    assert forecast.projected_revenue == Decimal("4000.00")  # 4 × 900 + Sat Apr 25 + Sun Apr 26 = 3600 + 400
    assert "Mon ×0.78, Tue ×0.78, Wed ×0.78, Thu ×0.78, Fri ×0.78, Sat ×1.56, Sun ×1.56." in "\n".join(
        forecast.assumptions
    )


def test_one_lucky_wednesday_is_not_read_as_a_weekday_pattern():
    # 8 weeks at $100 a day, one Wednesday at $180 (capped at 1.5 × 100 = 150). Its ratio 150 ÷ (750/7) = 1.4
    # sits among 6 other usable Wednesdays at 1.0: mean 8.4 ÷ 7 = 1.057, sample sd 0.151, standard error
    # 0.151 ÷ √7 = 0.057; 1.057 − 1 is within 3 × 0.057, so Wednesdays count as 1.
    values = [100.0] * 56
    values[25] = 180.0
    forecast = forecast_revenue(history(values), {}, days=30, market_trend=None)
    assert (AS_OF - timedelta(days=30)).weekday() == 2
    assert forecast.model.spike_guard.cap == 150.0
    assert forecast.model.weekday == (1.0,) * 7
    assert forecast.projected_revenue == Decimal("3000.00")


def test_a_start_of_month_effect_is_found_in_prior_months_and_applied():
    # 150 days (Feb 1 … Jun 30): $130 on days 1–10 of each month, $100 otherwise. A centred 31-day mean is
    # ≈ (10 × 130 + 21 × 100) ÷ 31 = 109.7, so days 1–10 run ≈ 130 ÷ 109.7 = 1.185 and the rest ≈ 0.91.
    as_of = date(2026, 6, 30)
    values = [130.0 if (as_of - timedelta(days=149 - i)).day <= 10 else 100.0 for i in range(150)]
    forecast = forecast_revenue(history(values, as_of=as_of), {}, days=30, market_trend=None)
    start, middle, end = forecast.model.month_position

    assert start == pytest.approx(1.185, abs=0.01)
    assert middle == pytest.approx(0.908, abs=0.01)
    assert end == pytest.approx(0.908, abs=0.01)
    # The level divides the end-of-month week by its multiplier: 100 ÷ 0.908 ≈ 110.1; July 1–10 ≈ 130, 11–20 ≈ 100.
    july = amounts(forecast)
    assert all(Decimal("129") < v < Decimal("132") for v in july[:10])
    assert all(Decimal("99") < v < Decimal("101.5") for v in july[10:20])


def test_time_of_month_needs_90_days_and_ignores_effects_under_5_percent():
    assert forecast_revenue(history([100.0] * 89), {}, days=30, market_trend=None).model.month_position is None
    assert forecast_revenue(history([100.0] * 90), {}, days=30, market_trend=None).model.month_position == (1, 1, 1)


# --- not enough history -------------------------------------------------------------------------------------


def test_no_history_gives_no_projection_and_says_why():
    forecast = forecast_revenue({}, {}, days=30, market_trend=0.02)
    assert not forecast.available
    assert forecast.reason == "No sales history yet: a forecast needs at least 14 days since the first sale."
    assert forecast.projected_revenue is None and forecast.confidence_interval is None
    assert forecast.daily_projections == () and forecast.method is None
    assert forecast.assumptions == (forecast.reason,)


def test_no_sale_in_the_last_180_days_gives_no_projection():
    old_sale = {AS_OF - timedelta(days=180): 50.0, AS_OF: 0.0}  # 181 days back is outside the window
    forecast = forecast_revenue(old_sale, {}, days=30, market_trend=None, as_of=AS_OF)
    assert not forecast.available
    assert forecast.reason == "No sales in the last 180 days, so there is nothing to project from."


def test_ten_days_of_history_is_fewer_than_14():
    forecast = forecast_revenue(history([40.0] * 10), {}, days=60, market_trend=None)
    assert not forecast.available
    # First sale Mar 18; Mar 18 + 13 days = Mar 31 is the 14th day.
    assert forecast.reason == (
        "Your sales history is 10 days long (first sale on Mar 18, 2026): fewer than 14 days, "
        "the minimum for a forecast. It will be available once Mar 31, 2026 is over."
    )
    assert forecast_revenue(history([40.0] * 13), {}, days=30, market_trend=None).available is False
    assert forecast_revenue(history([40.0] * 14), {}, days=30, market_trend=None).available is True


def test_history_starts_at_the_first_sale_not_180_days_back():
    # Opened 20 days ago: 20 days of $100, not 160 zero days before them (which would give 20 × 100 ÷ 180 = $11/day).
    forecast = forecast_revenue(history([100.0] * 20), {}, days=30, market_trend=None, as_of=AS_OF)
    assert forecast.model.start == AS_OF - timedelta(days=19)
    assert forecast.model.history_days == 20
    assert forecast.projected_revenue == Decimal("3000.00")


def test_missing_days_after_the_first_sale_are_zero_days():
    # 28 days; in the last week only 4 days have a row: the level is 400 ÷ 7, not 400 ÷ 4.
    series = history([100.0] * 28)
    for back in (1, 3, 5):
        del series[AS_OF - timedelta(days=back)]
    forecast = forecast_revenue(series, {}, days=30, market_trend=None, as_of=AS_OF)
    assert forecast.model.moving_average == pytest.approx(400 / 7)


def test_pairs_and_decimals_are_accepted_and_days_after_as_of_ignored():
    pairs = [(day, Decimal("100.00")) for day in history([0.0] * 30)]
    pairs.append((AS_OF + timedelta(days=1), Decimal("99999")))  # after the last known day: ignored
    forecast = forecast_revenue(pairs, [(AS_OF, 4)], days=30, market_trend=None, as_of=AS_OF)
    assert forecast.projected_revenue == Decimal("3000.00")
    assert forecast.average_unit_price == Decimal("750.00")  # $3,000 in 30 days ÷ 4 units
    assert forecast.projected_sales == 4


@pytest.mark.parametrize("days", [0, 7, 45, 120, True, "30"])
def test_days_must_be_30_60_or_90(days):
    with pytest.raises(ValueError, match=r"days must be 30, 60 or 90"):
        forecast_revenue(history([100.0] * 30), {}, days=days, market_trend=None)


def test_assumptions_state_the_numbers_used():
    forecast = forecast_revenue(history([100.0 + i for i in range(90)]), {}, days=30, market_trend=0.03)
    text = "\n".join(forecast.assumptions)
    assert "from Dec 28, 2025 to Mar 27, 2026 (90 days" in text
    assert "your last 7 days averaged $186.00 a day" in text
    assert "$5,235.00 against $4,335.00" in text and "+20.8% a month" in text
    assert "changing by +3.0% a month" in text
    # g = 0.8 × 0.207612 + 0.2 × 0.03 = 0.172090; first month + g/2 = +8.6 %.
    assert "= +17.2% a month" in text and "days 1–30 +8.6%" in text
    assert math.isclose(forecast.model.growth.used, 0.8 * 900 / 4335 + 0.2 * 0.03)
