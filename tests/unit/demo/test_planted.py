"""The demo's planted incidents (`core.demo.planted`) on hand-built sellers: which shop and product are chosen, and
the planted days by hand."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from core.demo.activity import ProductDay
from core.demo.planted import OUTAGE_DAY, YESTERDAY, Plants, usual_on


def _day(index: int, units: int, views: int = 60, price: int = 1000) -> ProductDay:
    return ProductDay(index, views, views, units * 2, units + 1, units, units * price)


def _product(pid: str, days: list[ProductDay], price: int = 1000) -> Any:
    return SimpleNamespace(id=pid, days=sorted(days, key=lambda d: d.index), price_cents=price)


def _plan(index: int, stage: str = "steady", persona: object | None = None) -> Any:
    return SimpleNamespace(index=index, stage=stage, persona=persona, username=f"shop{index}")


def _weekly(units: int, views: int = 60, price: int = 1000) -> list[ProductDay]:
    """`units` on yesterday's weekday in each of the 8 weeks before yesterday."""
    return [_day(YESTERDAY - 7 * k, units, views, price) for k in range(1, 9)]


def test_usual_is_the_same_weekday_median_with_quiet_days_as_zero() -> None:
    assert usual_on({YESTERDAY - 7: 4, YESTERDAY - 14: 2, YESTERDAY - 21: 9}, YESTERDAY) == 0.0  # five zeros
    assert usual_on({YESTERDAY - 7 * k: k for k in range(1, 9)}, YESTERDAY) == 4.5


def test_the_first_eligible_shop_gets_the_viral_product_and_the_next_the_stopped_sales() -> None:
    plants = Plants(seed=1)
    # A persona and a declining shop are never chosen, whatever they sell.
    persona = _product("persona-p", _weekly(3))
    assert plants.apply(_plan(0, "thriving", persona=object()), [persona]) is False
    declining = _product("declining-p", _weekly(3))
    plants.apply(_plan(1, "declining"), [declining])
    assert "viral_product" not in plants.planted
    # Shop 2: usual units 3 (views 60 a day: conversion 5 %) and 12 (too many to go viral): the first one goes viral
    # with max(30, 6 x 3) = 30 units, 30 / 0.05 = 600 views, 30 x $10.
    quiet, busy = _product("quiet", _weekly(3)), _product("busy", _weekly(12))
    assert plants.apply(_plan(2), [quiet, busy]) is True
    (day,) = [d for d in quiet.days if d.index == YESTERDAY]
    assert (day.units, day.views, day.revenue_cents) == (30, 600, 30_000)
    assert day.checkout_started == 30 + 11 and day.add_to_cart == 41 + 25  # +35 % and +60 %, rounded up
    assert plants.planted["viral_product"] == {
        "product_id": "quiet",
        "seller": "shop2",
        "day_index": YESTERDAY,
        "usual_units": 3.0,
        "units": 30,
    }
    assert all(d.index != YESTERDAY for d in busy.days)
    # Shop 3 usually makes $150 on that weekday: too little to notice a stop. Shop 4 makes $250 and sells
    # nothing yesterday; its views stay.
    small = _product("small", [*_weekly(15, price=1000), _day(YESTERDAY, 15)])
    assert plants.apply(_plan(3), [small]) is False
    big = _product("big", [*_weekly(25, price=1000), _day(YESTERDAY, 24)])
    assert plants.apply(_plan(4), [big]) is True
    (stopped,) = [d for d in big.days if d.index == YESTERDAY]
    assert (stopped.units, stopped.revenue_cents, stopped.views) == (0, 0, 60)
    assert plants.planted["stopped_seller"] == {
        "seller": "shop4",
        "day_index": YESTERDAY,
        "usual_cents": 25_000.0,
        "lost_cents": 24_000,
    }
    # Both are planted once: the next big shop keeps its day.
    again = _product("again", [*_weekly(25), _day(YESTERDAY, 24)])
    plants.apply(_plan(5), [again])
    assert [d.units for d in again.days if d.index == YESTERDAY] == [24]


def test_the_outage_keeps_part_of_every_sale_of_its_day_and_counts_the_rest() -> None:
    plants = Plants(seed=3)
    days = [_day(OUTAGE_DAY - 1, 10), _day(OUTAGE_DAY, 40), _day(OUTAGE_DAY + 1, 10)]
    product = _product("p", days)
    plants.apply(_plan(9, "new"), [product])
    before, outage, after = product.days
    assert (before.units, after.units) == (10, 10)  # other days untouched
    assert 0 < outage.units < 40
    assert outage.revenue_cents == outage.units * 1000  # the revenue follows the units kept
    assert (outage.views, outage.add_to_cart, outage.checkout_started) == (60, 80, 41)  # visitors and carts as usual
    assert plants.planted["checkout_outage"] == {"day_index": OUTAGE_DAY, "units_lost": 40 - outage.units}
