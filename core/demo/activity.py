"""Daily product activity for the demo: seasonality, seller trends and the views -> cart -> purchase simulation.

Pure functions over a seeded `random.Random`: the same inputs give the same days. A product's
day is drawn as views ~ Poisson(level x factor), purchases ~ Binomial(views, conversion rate),
so units never exceed views and the conversion rate of the rows is the listing's rate plus noise.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, timedelta

HISTORY_DAYS = 365
# The demo's clock stops at 08:00 UTC "today", so today is a third of a normal day.
TODAY_FRACTION = 1 / 3
WEEKDAY_FACTORS = (1.08, 1.05, 1.02, 1.0, 0.93)  # Monday..Friday; weekends come from the category
DISCOUNT_SHARE = 0.06  # days on which a coupon or sale lowers the price
DISCOUNT_PERCENTS = (10, 15, 20, 25, 30)


@dataclass(frozen=True)
class ProductDay:
    """One day of one product with at least one view."""

    index: int  # 0 = first day of the history, HISTORY_DAYS - 1 = today
    views: int
    unique_visitors: int
    add_to_cart: int
    checkout_started: int
    units: int
    revenue_cents: int


def history_days(today: date) -> list[date]:
    first = today - timedelta(days=HISTORY_DAYS - 1)
    return [first + timedelta(days=i) for i in range(HISTORY_DAYS)]


def _circular_distance(doy: int, centre: int) -> int:
    d = abs(doy - centre)
    return min(d, 365 - d)


def yearly_factor(day: date) -> float:
    """New-year planning peak in January, Black Friday / holiday peak in late November, summer dip."""
    doy = day.timetuple().tm_yday
    january = 0.45 * math.exp(-((_circular_distance(doy, 10) / 16) ** 2))
    holidays = 0.6 * math.exp(-((_circular_distance(doy, 333) / 18) ** 2))
    summer = -0.2 * math.exp(-((_circular_distance(doy, 205) / 35) ** 2))
    return 1.0 + january + holidays + summer


def season_curve(days: list[date], weekend_factor: float) -> list[float]:
    """Weekly x yearly seasonality per day of the history (today counts as a partial day)."""
    curve = []
    for day in days:
        weekday = day.weekday()
        weekly = WEEKDAY_FACTORS[weekday] if weekday < 5 else weekend_factor
        curve.append(weekly * yearly_factor(day))
    curve[-1] *= TODAY_FRACTION
    return curve


def growth_curve(rate_per_year: float, length: int = HISTORY_DAYS) -> list[float]:
    """exp(rate x years before today): 1.0 today, lower in the past when growing, higher when declining."""
    return [math.exp(rate_per_year * (i - (length - 1)) / 365) for i in range(length)]


def churn_curve(rate_per_year: float, churn_index: int, length: int = HISTORY_DAYS) -> list[float]:
    """A seller who sold until `churn_index` and then stopped (the curve is 0 from there on)."""
    base = growth_curve(rate_per_year, length)
    level = base[churn_index] if 0 <= churn_index < length else 1.0
    return [value / level if i < churn_index else 0.0 for i, value in enumerate(base)]


def poisson(rng: random.Random, mean: float) -> int:
    if mean <= 0:
        return 0
    if mean < 30:
        u = rng.random()
        p = math.exp(-mean)
        cumulative = p
        k = 0
        while u > cumulative and k < 400:
            k += 1
            p *= mean / k
            cumulative += p
        return k
    return max(0, int(rng.gauss(mean, math.sqrt(mean)) + 0.5))


def binomial(rng: random.Random, n: int, p: float) -> int:
    if n <= 0 or p <= 0:
        return 0
    if n <= 20:
        rand = rng.random
        return sum(1 for _ in range(n) if rand() < p)
    mean = n * p
    if mean < 30:
        return min(n, poisson(rng, mean))
    return min(n, max(0, int(rng.gauss(mean, math.sqrt(mean * (1 - p))) + 0.5)))


def simulate_product(
    rng: random.Random,
    factor: list[float],
    *,
    start: int,
    end: int,
    view_level: float,
    conversion_rate: float,
    price_cents: int,
) -> list[ProductDay]:
    """The product's days in [start, end) that had at least one view.

    `factor` is the seller's trend x the category's seasonality per day; `view_level` the
    expected views on a day whose factor is 1.
    """
    days: list[ProductDay] = []
    rand = rng.random
    exp = math.exp
    for index in range(max(0, start), min(end, len(factor))):
        mean = view_level * factor[index]
        if mean <= 0:
            continue
        if mean < 30 and rand() < exp(-mean):
            continue  # no views today (the common case for quiet listings, so it is tested first)
        views = poisson(rng, mean) if mean >= 30 else _positive_poisson(rng, mean)
        if views <= 0:
            continue
        units = binomial(rng, views, conversion_rate)
        # Every buyer was a visitor (`core.demo.traffic` counts visits from these): never fewer than the units.
        unique = views if views <= 2 else max(units, 1, int(views * (0.78 + 0.17 * rand())))
        checkout = min(views, units + poisson(rng, units * 0.35 + views * 0.004))
        add_to_cart = min(views, checkout + poisson(rng, checkout * 0.6 + views * 0.006))
        revenue = units * price_cents
        if units and rand() < DISCOUNT_SHARE:
            revenue = revenue * (100 - DISCOUNT_PERCENTS[int(rand() * len(DISCOUNT_PERCENTS))]) // 100
        days.append(ProductDay(index, views, unique, add_to_cart, checkout, units, revenue))
    return days


def _positive_poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw conditioned on being at least 1 (the zero case was already ruled out)."""
    u = rng.random()
    p0 = math.exp(-mean)
    target = p0 + u * (1 - p0)
    p = p0
    cumulative = p0
    k = 0
    while cumulative < target and k < 400:
        k += 1
        p *= mean / k
        cumulative += p
    return max(1, k)
