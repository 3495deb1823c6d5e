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
    segment_evidence,
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
    prior = estimate_elasticity(None, price=100.0)
    assert (prior.mean, prior.sd, prior.sources) == (-1.0, 0.5, ["prior"])
    assert cautious_target(100.0, prior) == 100.0


def test_a_stored_log_log_fit_is_one_elasticity_at_every_price_widened_and_combined_by_inverse_variance() -> None:
    # Segment 0.0 ± 0.0 → sd √(0 + 0.5²) = 0.5; mean = (−1/0.25 + 0/0.25) ÷ (4 + 4) = −0.5; sd = 1/√8.
    for price in (5.0, 100.0):
        combined = estimate_elasticity({"elasticity": 0.0, "standardError": 0.0, "sample": 40}, price=price)
        assert combined.mean == pytest.approx(-0.5)
        assert combined.sd == pytest.approx(1 / math.sqrt(8))
        assert combined.sources == ["prior", "segment"]
    # A fit that says demand rises with price is held to the least elastic bound, −0.2.
    assert estimate_elasticity({"elasticity": 5.0, "standardError": 0.01}, price=10.0).mean == -0.2
    assert estimate_elasticity({"elasticity": "x"}, price=10.0).sources == ["prior"]  # unusable JSON: ignored


SEMI_LOG = {"form": "semi-log", "slope": 0.8, "standardError": 0.1, "medianPrice": 20.0, "sample": 40}


def test_the_semi_log_fit_is_read_at_the_products_own_price() -> None:
    # At $40 (x = 40 ÷ 20 = 2): e_seg = −0.8 × 2 = −1.6, its se 0.1 × 2 = 0.2; above the median the confounding
    # term stays 0.5: sd √(0.2² + 0.5²) = 0.53852.
    far = segment_evidence(SEMI_LOG, 40.0)
    assert far is not None and (far.price_ratio, far.median_price) == (2.0, 20.0)
    assert far.value == pytest.approx(-1.6) and far.sd == pytest.approx(0.53852, abs=1e-5)
    # With the prior: precisions 4 and 1/0.29 = 3.4483 → mean (−4 − 1.6 × 3.4483) ÷ 7.4483 = −1.2778,
    # sd 1/√7.4483 = 0.36641.
    above = estimate_elasticity(SEMI_LOG, price=40.0)
    assert above.mean == pytest.approx(-1.2778, abs=1e-4) and above.sd == pytest.approx(0.36641, abs=1e-5)
    # At the median: e_seg = −0.8 ± √(0.01 + 0.25) → (−4 − 0.8 × 3.8462) ÷ 7.8462 = −0.9020.
    at_median = estimate_elasticity(SEMI_LOG, price=20.0)
    assert at_median.mean == pytest.approx(-0.9020, abs=1e-4)
    # At $10 (x = 0.5) the confounding scales with x too: e_seg = −0.4 ± √(0.05² + 0.25²) = 0.25495, precision
    # 15.385 → mean (−4 − 0.4 × 15.385) ÷ 19.385 = −0.5238, sd 1/√19.385 = 0.22713.
    near = segment_evidence(SEMI_LOG, 10.0)
    assert near is not None and near.sd == pytest.approx(0.25495, abs=1e-5)
    below = estimate_elasticity(SEMI_LOG, price=10.0)
    assert below.mean == pytest.approx(-0.5238, abs=1e-4) and below.sd == pytest.approx(0.22713, abs=1e-5)
    # Far above its median a listing faces a more elastic market than one below it: its revenue peak lies below
    # its price (40 × (1 + 1/1.2778) ÷ 2 = 35.65), the cheap one's above (10 × (1 + 1/0.5238) ÷ 2 = 14.55).
    assert optimal_price(40.0, above.mean) == pytest.approx(35.65, abs=0.01)
    assert optimal_price(10.0, below.mean) == pytest.approx(14.55, abs=0.01)
    # The cautious target needs the move to hold one sd less favourably: −1.2778 + 0.3664 = −0.911 puts the
    # peak above $40, so keep; at $60 (x = 3): e_seg = −2.4 ± √(0.09 + 0.25) = 0.58310 → mean
    # (−4 − 2.4 × 2.9412) ÷ 6.9412 = −1.5932, sd 0.37956 → e + sd = −1.2136 → 60 × (1 + 1/1.2136) ÷ 2 = 54.72.
    assert cautious_target(40.0, above) == 40.0
    assert cautious_target(60.0, estimate_elasticity(SEMI_LOG, price=60.0)) == pytest.approx(54.72, abs=0.01)
    # At $10: e − sd = −0.7509 → 10 × (1 + 1/0.7509) ÷ 2 = 11.66, a raise.
    assert cautious_target(10.0, below) == pytest.approx(11.66, abs=0.01)
    # At $5 (x = 0.25): e_seg = −0.2 ± √(0.025² + 0.125²) = 0.12748 → mean −0.2488, sd 0.12352 → e − sd
    # = −0.3723 → 5 × (1 + 1/0.3723) ÷ 2 = 9.21.
    assert cautious_target(5.0, estimate_elasticity(SEMI_LOG, price=5.0)) == pytest.approx(9.21, abs=0.01)
    assert cautious_target(20.0, at_median) == 20.0  # −0.90 ± 0.36 straddles −1: keep


def test_an_unusable_semi_log_fit_is_ignored() -> None:
    assert segment_evidence({**SEMI_LOG, "medianPrice": 0}, 10.0) is None
    assert segment_evidence({**SEMI_LOG, "slope": "x"}, 10.0) is None
    assert segment_evidence({k: v for k, v in SEMI_LOG.items() if k != "medianPrice"}, 10.0) is None
    assert segment_evidence(SEMI_LOG, 0.0) is None
    assert estimate_elasticity({**SEMI_LOG, "standardError": -1}, price=10.0).sources == ["prior"]


def test_own_price_change_arc_elasticity_and_its_sd() -> None:
    step = PriceStep(D("10.00"), D("12.00"), units_before=100, days_before=20, units_after=60, days_after=20)
    evidence = own_evidence(step)
    assert evidence is not None
    # ln(3/5) ÷ ln(1.2) = −0.5108 ÷ 0.1823 = −2.8018; sd √(1/100 + 1/60) ÷ 0.1823 = 0.8957.
    assert evidence.value == pytest.approx(-2.8018, abs=1e-4)
    assert evidence.sd == pytest.approx(0.8957, abs=1e-4)
    assert own_evidence(PriceStep(D("10"), D("12"), 9, 20, 60, 20)) is None  # < 10 units before
    assert own_evidence(PriceStep(D("10"), D("12"), 100, 13, 60, 20)) is None  # < 14 days before
    combined = estimate_elasticity(None, [step], price=12.0)
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
