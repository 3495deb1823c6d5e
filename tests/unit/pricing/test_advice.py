"""The rules that always hold around the demand model (pure): the band, its words and the demand context."""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal as D

import pytest

from core.pricing.advice import band_of, binding, demand_context, rule_limits
from core.pricing.demand import Anchor, Elasticity, ElasticityEvidence
from core.pricing.market import PricingMarket
from core.pricing.rules import competitive_position

MARKET = PricingMarket(
    seller_price=D("16.00"),
    average_price=D("16.00"),
    median_price=D("15.00"),
    p25_price=D("10.00"),
    p75_price=D("20.00"),
    min_price=D("5.00"),
    max_price=D("40.00"),
    p95_price=D("35.00"),
    sample_size=30,
    segment_scope="category",
    thin_sample=False,
    category_name="Planners",
    median_conversion_rate=0.03,
    p10_price=D("8.00"),
    p90_price=D("30.00"),
)
SOURCES = (ElasticityEvidence("prior", -1.0, 0.5), ElasticityEvidence("segment", 0.0, 0.5))
RAISE = Elasticity(-0.5, 1 / math.sqrt(8), SOURCES)  # cautious target 1.0858 × p0
CUT = Elasticity(-2.0, 0.3, SOURCES)  # cautious target 0.7941 × p0


def band(price: str, conversion: float | None) -> tuple[D, D]:
    p = D(price)
    return band_of(rule_limits(p, MARKET, competitive_position(p, MARKET.p25_price, MARKET.p75_price), conversion))


@pytest.mark.parametrize(
    ("price", "conversion", "expected"),
    [
        ("16.00", 0.02, (D("12.00"), D("20.00"))),  # ±25 %: 12.00–20.00
        ("16.00", 0.05, (D("16.00"), D("20.00"))),  # converts above the 3 % median: no cut
        ("25.00", 0.02, (D("18.75"), D("25.00"))),  # above p75: no raise
        ("9.00", 0.02, (D("9.00"), D("11.25"))),  # below p25: no cut
        ("40.00", 0.02, (D("30.00"), D("40.00"))),  # above p90 too: never raised
        ("30.01", 0.02, (D("22.51"), D("30.01"))),  # 0.75 × 30.01 = 22.5075, rounded inward (up)
    ],
)
def test_the_band_of_the_rules(price: str, conversion: float | None, expected: tuple[D, D]) -> None:
    assert band(price, conversion) == expected


def test_a_cut_never_goes_below_the_10th_percentile() -> None:
    # 10.40 is competitive (≥ p25 10.00); 25 % below is 7.80, under p10 = 8.00.
    assert band("10.40", 0.02) == (D("8.00"), D("13.00"))


def context(price: str, elasticity: Elasticity, *, units: int = 90, conversion_purchases: int = 20, settled=None):
    p = D(price)
    return demand_context(
        price=p,
        market=MARKET,
        position=competitive_position(p, MARKET.p25_price, MARKET.p75_price),
        anchor=Anchor(date(2026, 9, 7), 90, units=units, views=1000, purchases=conversion_purchases),
        elasticity=elasticity,
        settled_until=settled,
    )


def test_the_model_price_is_the_cautious_target_inside_the_band() -> None:
    demand = context("16.00", RAISE)
    assert demand.model_price == D("17.37")  # 16 × 1.08579 = 17.3726
    assert demand.limits == ()
    assert demand.optimum_price == D("24.00")  # 16 × 1.5
    assert demand.units_per_month == 30.0 and demand.conversion_at_price == 0.02


def test_binding_rules_are_named() -> None:
    over = context("25.00", RAISE)  # 25 × 1.0858 = 27.14, but above p75 there is no raise
    assert over.model_price == D("25.00")
    assert over.limits == ("no raise: already above the upper quartile ($20.00)",)
    strong = context("16.00", CUT, conversion_purchases=50)  # 5 % > 3 %: the cut to 12.71 is refused
    assert strong.model_price == D("16.00")
    assert strong.limits[0].startswith("no cut: 5.0% of views buy against a segment median of 3.0%")
    weak = context("16.00", CUT)  # 2 %: a cut, held to 25 % … 16 × 0.7941 = 12.71 ≥ 12.00: not held
    assert weak.model_price == D("12.71") and weak.limits == ()


def test_settling_and_no_sales_keep_the_price() -> None:
    settled = context("16.00", RAISE, settled=date(2026, 12, 20))
    assert (settled.low, settled.high, settled.model_price) == (D("16.00"), D("16.00"), D("16.00"))
    assert settled.settled_until == "2026-12-20"
    unsold = context("16.00", RAISE, units=0)
    assert unsold.model_price == D("16.00")
    assert unsold.limits == ("no unit sold at this price yet: nothing for the model to scale",)


def test_binding_words_follow_the_direction_of_the_move() -> None:
    limits = rule_limits(D("16.00"), MARKET, "competitive", 0.05)
    assert binding(limits, D("30.00"), D("16.00")) == ("at most 25% per step",)
    assert binding(limits, D("10.00"), D("16.00"))[0].startswith("no cut")
    assert binding(limits, D("16.00"), D("16.00")) == ()
