"""The pricing demand model (pure): the curve, its optimum, the elasticity's evidence, caution, confidence, settling.
Every expected number is worked out by hand in the comment beside it."""

from __future__ import annotations

import math
from datetime import date, timedelta
from decimal import Decimal as D

import pytest

from core.pricing.demand import (
    Anchor,
    Elasticity,
    PriceStep,
    anchor_day,
    cautious_target,
    confidence_words,
    estimate_elasticity,
    expected_change,
    model_confidence,
    optimal_price,
    own_evidence,
    price_steps,
    revenue_at,
    settle_until,
    supported_range,
    units_at,
)


@pytest.mark.parametrize(("elasticity", "expected"), [(-1.0, 100.0), (-2.0, 75.0), (-0.5, 150.0), (-4.0, 62.5)])
def test_the_optimum_is_p0_times_one_minus_one_over_e_halved(elasticity: float, expected: float) -> None:
    assert optimal_price(100.0, elasticity) == pytest.approx(expected)
    # …and it is the top of R: a cent either side earns less.
    top = revenue_at(expected, units=30, current=100.0, elasticity=elasticity)
    for side in (expected - 0.01, expected + 0.01):
        assert revenue_at(side, units=30, current=100.0, elasticity=elasticity) < top


def test_linear_units_and_revenue() -> None:
    assert units_at(110.0, units=30, current=100.0, elasticity=-2.0) == pytest.approx(24.0)  # 30 × (1 − 2 × 0.1)
    assert revenue_at(110.0, units=30, current=100.0, elasticity=-2.0) == pytest.approx(2640.0)
    assert units_at(300.0, units=30, current=100.0, elasticity=-1.0) == 0.0  # never negative


def test_expected_change_is_signed_money() -> None:
    # R(110) = 110 × 30 × (1 − 0.5 × 0.1) = 3135; R(100) = 3000.
    assert expected_change(D("110.00"), units=30, current=D("100.00"), elasticity=-0.5) == D("135.00")
    # R(90) = 90 × 30 × (1 + 0.05) = 2835: a cut with e = −0.5 loses 165.
    assert expected_change(D("90.00"), units=30, current=D("100.00"), elasticity=-0.5) == D("-165.00")


def test_without_evidence_the_prior_keeps_the_price() -> None:
    prior = estimate_elasticity(None)
    assert (prior.mean, prior.sd, prior.sources) == (-1.0, 0.5, ["prior"])
    assert cautious_target(100.0, prior) == 100.0


def test_the_segment_fit_is_widened_for_confounding_and_combined_by_inverse_variance() -> None:
    # Segment 0.0 ± 0.0 → sd √(0 + 0.5²) = 0.5; mean = (−1/0.25 + 0/0.25) ÷ (4 + 4) = −0.5; sd = 1/√8.
    combined = estimate_elasticity({"elasticity": 0.0, "standardError": 0.0, "sample": 40})
    assert combined.mean == pytest.approx(-0.5)
    assert combined.sd == pytest.approx(1 / math.sqrt(8))
    assert combined.sources == ["prior", "segment"]
    # A fit that says demand rises with price is held to the least elastic bound, −0.2.
    assert estimate_elasticity({"elasticity": 5.0, "standardError": 0.01}).mean == -0.2
    assert estimate_elasticity({"elasticity": "x"}).sources == ["prior"]  # unusable JSON: ignored


def test_own_price_change_arc_elasticity_and_its_sd() -> None:
    step = PriceStep(D("10.00"), D("12.00"), units_before=100, days_before=20, units_after=60, days_after=20)
    evidence = own_evidence(step)
    assert evidence is not None
    # ln(3/5) ÷ ln(1.2) = −0.5108 ÷ 0.1823 = −2.8018; sd √(1/100 + 1/60) ÷ 0.1823 = 0.8957.
    assert evidence.value == pytest.approx(-2.8018, abs=1e-4)
    assert evidence.sd == pytest.approx(0.8957, abs=1e-4)
    assert own_evidence(PriceStep(D("10"), D("12"), 9, 20, 60, 20)) is None  # < 10 units before
    assert own_evidence(PriceStep(D("10"), D("12"), 100, 13, 60, 20)) is None  # < 14 days before
    combined = estimate_elasticity(None, [step])
    assert combined.sources == ["prior", "own price change"]
    # (−1 × 4 + −2.8018 × 1.2465) ÷ (4 + 1.2465) = −1.428.
    assert combined.mean == pytest.approx(-1.428, abs=1e-3)


def test_the_cautious_target_moves_only_as_far_as_one_sd_less_favourable_allows() -> None:
    raise_ = Elasticity(-0.5, 1 / math.sqrt(8), ())
    # e − sd = −0.85355 → 100 × (1 + 1/0.85355) ÷ 2 = 108.58 (the mean alone says 150).
    assert cautious_target(100.0, raise_) == pytest.approx(108.58, abs=0.01)
    cut = Elasticity(-2.0, 0.3, ())
    assert cautious_target(100.0, cut) == pytest.approx(79.41, abs=0.01)  # e + sd = −1.7 → 100 × 1.5882 ÷ 2
    unsure = Elasticity(-1.2, 0.5, ())  # the mean says 91.67, but e + sd = −0.7 says 121.43: keep
    assert cautious_target(100.0, unsure) == 100.0
    low, high = supported_range(100.0, cut)
    # The optima under e + sd = −1.7 and e − sd = −2.3: 79.41 and 71.74, lowest first.
    assert (low, high) == (pytest.approx(71.74, abs=0.01), pytest.approx(79.41, abs=0.01))


def test_confidence_parts_and_the_thin_cap() -> None:
    assert model_confidence(60, 30, 0.25) == 80  # 40 + 20 + 40 × (1 − 0.25/0.5)
    assert model_confidence(30, 30, 0.25) == 60  # 20 + 20 + 20
    assert model_confidence(9, 30, 0.1) == 25  # 6 + 20 + 32 = 58, capped: under 10 units
    assert model_confidence(60, 4, 0.25) == 25  # under 5 listings
    assert model_confidence(60, 30, 0.5) == 60  # the prior alone narrows nothing


@pytest.mark.parametrize("thinner", [(20, 30, 0.25), (60, 10, 0.25), (60, 30, 0.4), (5, 30, 0.25)])
def test_confidence_falls_with_thinner_evidence(thinner: tuple[int, int, float]) -> None:
    assert model_confidence(*thinner) < model_confidence(60, 30, 0.25)


def test_confidence_words() -> None:
    assert [confidence_words(s) for s in (80, 70, 69, 40, 39)] == [
        "fairly sure",
        "fairly sure",
        "moderately sure",
        "moderately sure",
        "not sure: thin evidence",
    ]


def test_anchor_and_settling_days() -> None:
    window = (date(2026, 9, 7), date(2026, 12, 6))
    assert anchor_day(window, None) == date(2026, 9, 7)
    assert anchor_day(window, date(2026, 11, 20)) == date(2026, 11, 21)  # the day after the change
    assert anchor_day(window, date(2026, 1, 1)) == date(2026, 9, 7)
    assert settle_until(date(2026, 12, 1), date(2026, 12, 6)) == date(2026, 12, 29)  # 28 days
    assert settle_until(date(2026, 11, 8), date(2026, 12, 6)) is None  # Dec 6 is the first day of advice
    assert settle_until(None, date(2026, 12, 6)) is None
    anchor = Anchor(date(2026, 11, 21), 15, units=30, views=600, purchases=30)
    assert anchor.monthly_units == 60.0 and anchor.conversion == 0.05


def test_price_steps_count_units_on_both_sides_of_each_change() -> None:
    change = date(2026, 11, 1)
    units = {change - timedelta(days=k): 5 for k in range(1, 29)}  # Oct 4–31: 5 a day
    units |= {change + timedelta(days=k): 3 for k in range(1, 29)}  # Nov 2–29: 3 a day
    units[change] = 100  # the change day itself is mixed: left out
    (step,) = price_steps([(change, D("10.00"), D("12.00"))], units, date(2026, 12, 6))
    assert (step.units_before, step.days_before, step.units_after, step.days_after) == (140, 28, 84, 28)
    # A later change cuts the "after" side short.
    steps = price_steps([(change, D("10"), D("12")), (date(2026, 11, 11), D("12"), D("11"))], units, date(2026, 12, 6))
    assert (steps[0].units_after, steps[0].days_after) == (27, 9)  # Nov 2–10
