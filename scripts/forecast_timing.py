"""Times the sales forecast's fit + backtest on a 180-day history (issue 21: under 500 ms for the largest seller).

Run: `PYTHONPATH=. .venv/bin/python scripts/forecast_timing.py`. Pure: no database; a seeded 180-day series with a
weekly pattern, a trend and zero days, like a large seller's. Prints the median of 7 runs per horizon after one
warm-up run (which pays statsmodels' one-off import).
"""

from __future__ import annotations

import random
import statistics
import time
from datetime import date, timedelta

from core.sales.forecast import forecast_revenue


def history(days: int = 180, seed: int = 7) -> dict[date, float]:
    rng = random.Random(seed)
    end = date(2026, 11, 30)
    pattern = (0.8, 0.9, 1.0, 1.0, 1.1, 1.5, 0.7)
    values = {}
    for i in range(days):
        day = end - timedelta(days=days - 1 - i)
        mean = 2000 * (1 + 0.002 * i) * pattern[day.weekday()]
        values[day] = 0.0 if rng.random() < 0.03 else max(0.0, rng.gauss(mean, 0.25 * mean))
    return values


def main() -> None:
    series = history()
    start = time.perf_counter()
    first = forecast_revenue(series, {}, days=30, market_trend=0.01)
    print(f"first run (imports statsmodels): {1000 * (time.perf_counter() - start):.0f} ms")
    for days in (30, 60, 90):
        runs = []
        for _ in range(7):
            start = time.perf_counter()
            forecast = forecast_revenue(series, {}, days=days, market_trend=0.01)
            runs.append(time.perf_counter() - start)
        print(
            f"{days} days: median {1000 * statistics.median(runs):.0f} ms, max {1000 * max(runs):.0f} ms "
            f"(method {forecast.method.method}, {len(forecast.method.origins)} origins)"
        )
    assert first.available


if __name__ == "__main__":
    main()
