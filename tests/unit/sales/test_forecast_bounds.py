"""The forecast agrees with the trend the seller sees (`core.sales.forecast.bound_by_trend`, rule 8): no growth
against a falling 90 days, a declining seller held to the last 90 days' run rate. Values computed by hand."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from core.sales.forecast import forecast_revenue as chosen_forecast
from core.sales.trends import History, build_trend, trend_windows

AS_OF = date(2026, 11, 30)
WINDOWS = trend_windows(AS_OF + timedelta(days=1))


def forecast_revenue(*args, **kwargs):
    """The explainable damped model only (its growth is what rule 8 bounds); the chosen method's bound is below."""
    return chosen_forecast(*args, candidates=("damped",), **kwargs)


def flat(value: float, days: int = 120) -> dict[date, float]:
    return {AS_OF - timedelta(days=i): value for i in range(days)}


def trend(last_90: int, previous_90: int, best_other: int = 0):
    """A trend with the given 90-day blocks (dollars) and no year of history."""
    blocks = (last_90 * 100, previous_90 * 100, best_other * 100, 0, 0)
    return build_trend(History({}, {}, blocks, date(2026, 5, 1)), WINDOWS)


def totals(forecast) -> tuple[Decimal, set[Decimal]]:
    return forecast.projected_revenue, {d.revenue for d in forecast.daily_projections}


def test_without_a_trend_the_market_growth_is_projected():
    # $130 a day, own growth 0, market +50 %: g = 0.2 × 0.5 = 0.1; month 1 × (1 + 0.1 / 2) = 136.50 a day.
    forecast = forecast_revenue(flat(130.0), {}, days=30, market_trend=0.5, as_of=AS_OF)
    assert totals(forecast) == (Decimal("4095.00"), {Decimal("136.50")})
    assert forecast.trend_limit is None


def test_a_rising_90_days_keeps_the_growth():
    rising = trend(12_000, 11_000)
    forecast = forecast_revenue(flat(130.0), {}, days=30, market_trend=0.5, as_of=AS_OF, trend=rising)
    assert totals(forecast) == (Decimal("4095.00"), {Decimal("136.50")}) and forecast.trend_limit is None


def test_a_falling_90_days_projects_no_growth():
    # 9,000 against 10,000 (−10 %), not declining (9,000 ≥ 60 % of 10,000): growth used 0 → 130.00 a day.
    falling = trend(9_000, 10_000)
    assert falling.declining is False
    forecast = forecast_revenue(flat(130.0), {}, days=30, market_trend=0.5, as_of=AS_OF, trend=falling)
    assert totals(forecast) == (Decimal("3900.00"), {Decimal("130.00")})
    assert forecast.model.growth.used == 0.0
    assert forecast.trend_limit == (
        "Your last 90 days brought $9,000.00, 10.0% less than the 90 days before ($10,000.00), so no growth is "
        "projected: growth used 0.0% a month instead of +10.0%."
    )
    assert forecast.trend_limit in forecast.assumptions


def test_a_declining_seller_is_held_to_the_90_day_run_rate():
    # Last 90 days 9,000 (100.00 a day), best block 20,000: declining (9,000 < 12,000). The recent week sold
    # 130 a day, but 30 days are held to 30 × 100.00 = 3,000.00: every day lowered by 1 − 100 ÷ 130 = 23 %.
    dana = trend(9_000, 20_000)
    assert dana.declining is True
    for days in (30, 60, 90):
        forecast = forecast_revenue(flat(130.0), {}, days=days, market_trend=0.5, as_of=AS_OF, trend=dana)
        assert totals(forecast) == (Decimal(100 * days).quantize(Decimal("0.01")), {Decimal("100.00")})
    assert "held to your last 90 days' run rate, $100.00 a day: every projected day is lowered by 23%." in (
        forecast.trend_limit or ""
    )
    # The likely range is lowered with the projection (a fixed ±50 % here: 120 flat days have no misses).
    assert forecast.confidence_interval.high <= Decimal("9000.00") * 2


def test_a_declining_seller_already_below_the_run_rate_is_left_alone():
    dana = trend(18_000, 31_000)  # 18,000 < 60 % × 31,000 = 18,600; 200 a day, above the projection's 130
    forecast = forecast_revenue(flat(130.0), {}, days=30, market_trend=None, as_of=AS_OF, trend=dana)
    assert totals(forecast) == (Decimal("3900.00"), {Decimal("130.00")})
    assert "already below your last 90 days' run rate of $200.00 a day" in (forecast.trend_limit or "")
