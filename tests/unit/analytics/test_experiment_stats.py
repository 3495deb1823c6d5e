"""core/analytics/experiment_stats.py: every definition of its docstring against a value computed another way —
by hand in the comments, with statsmodels' z-test, scipy's chisquare, a seeded numpy Monte Carlo of 400,000
draws, or a closed form of a small Beta case — plus every edge case and every validation error."""

from __future__ import annotations

import dataclasses
import math
from datetime import date

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import proportions_ztest

from core.analytics.experiment_stats import (
    PEEKING_NOTE,
    ConversionComparison,
    CumulativeRate,
    ExperimentInputError,
    Verdict,
    compare_conversions,
    cumulative_rates,
    decide,
    format_p_value,
    posterior_density,
    prob_greater,
    sample_size_per_variant,
)

DRAWS = 400_000


def monte_carlo(control: tuple[int, int], treatment: tuple[int, int], seed: int = 7) -> tuple[float, float]:
    """P(p_t > p_c) and E[max(p_c - p_t, 0)] from DRAWS independent draws of the two Beta(1 + x, 1 + n - x)."""
    rng = np.random.default_rng(seed)
    (nc, xc), (nt, xt) = control, treatment
    pc = rng.beta(1 + xc, 1 + nc - xc, DRAWS)
    pt = rng.beta(1 + xt, 1 + nt - xt, DRAWS)
    return float((pt > pc).mean()), float(np.maximum(pc - pt, 0).mean())


def assert_no_nan(result: ConversionComparison) -> None:
    for field in dataclasses.fields(result):
        value = getattr(result, field.name)
        if isinstance(value, float):
            assert math.isfinite(value), field.name


# --- the worked example: 1000 exposures / 100 conversions vs 1000 / 130 ------------------------------------

WORKED = compare_conversions((1000, 100), (1000, 130))


def test_rates_and_lifts_by_hand() -> None:
    # 100/1000 = 0.10, 130/1000 = 0.13; lift 0.03; relative 0.03 / 0.10 = 0.30
    assert WORKED.control_rate == pytest.approx(0.10, abs=1e-12)
    assert WORKED.treatment_rate == pytest.approx(0.13, abs=1e-12)
    assert WORKED.absolute_lift == pytest.approx(0.03, abs=1e-12)
    assert WORKED.relative_lift == pytest.approx(0.30, abs=1e-12)


def test_p_value_by_hand_and_against_statsmodels() -> None:
    # pooled p = 230 / 2000 = 0.115; se = sqrt(0.115 x 0.885 x (1/1000 + 1/1000)) = sqrt(0.00020355) = 0.01426710
    # z = 0.03 / 0.01426710 = 2.1027406; two-sided p = 2 (1 - Phi(2.1027406)) = 0.0354885
    assert WORKED.p_value == pytest.approx(0.0354885, abs=1e-6)
    _, reference = proportions_ztest([130, 100], [1000, 1000])  # pooled variance by default
    assert WORKED.p_value == pytest.approx(reference, rel=1e-9)


def test_wald_interval_by_hand() -> None:
    # se = sqrt(0.10 x 0.90 / 1000 + 0.13 x 0.87 / 1000) = sqrt(0.0002031) = 0.01425132; z_0.975 = 1.9599640
    # half width = 0.02793207; interval 0.03 -/+ 0.02793207 = (0.00206793, 0.05793207)
    assert WORKED.ci_low == pytest.approx(0.0020679, abs=1e-6)
    assert WORKED.ci_high == pytest.approx(0.0579321, abs=1e-6)
    assert WORKED.confidence == 0.95


def test_wald_interval_at_another_confidence() -> None:
    # z_0.95 = 1.6448536; half = 1.6448536 x 0.01425132 = 0.02344133 -> (0.00655867, 0.05344133)
    result = compare_conversions((1000, 100), (1000, 130), confidence=0.90)
    assert result.ci_low == pytest.approx(0.0065587, abs=1e-6)
    assert result.ci_high == pytest.approx(0.0534413, abs=1e-6)


@pytest.mark.parametrize(
    ("control", "treatment"),
    [
        ((1000, 100), (1000, 130)),
        ((200, 3), (180, 0)),
        ((0, 0), (50, 5)),
        ((30, 30), (30, 29)),
        ((5000, 40), (4800, 41)),
    ],
)
def test_bayesian_numbers_against_monte_carlo(control: tuple[int, int], treatment: tuple[int, int]) -> None:
    result = compare_conversions(control, treatment)
    better, loss = monte_carlo(control, treatment)
    assert result.probability_treatment_better == pytest.approx(better, abs=0.003)
    assert result.expected_loss == pytest.approx(loss, abs=0.003)
    # the loss is small, so also hold it to a tight relative bound (400,000 draws: well under 2 %)
    assert result.expected_loss == pytest.approx(loss, rel=0.02)


def test_bayesian_numbers_in_closed_form_small_case() -> None:
    # control (0, 0): Beta(1, 1) = uniform U; treatment (1, 1): Beta(2, 1), density 2t.
    # P(t > U) = integral_0^1 2t x t dt = 2/3
    # E[max(U - t, 0)] = integral_0^1 integral_0^u (u - t) 2t dt du = integral_0^1 u^3 / 3 du = 1/12
    result = compare_conversions((0, 0), (1, 1))
    assert result.probability_treatment_better == pytest.approx(2 / 3, abs=1e-12)
    assert result.expected_loss == pytest.approx(1 / 12, abs=1e-12)


def test_probability_against_uniform_is_the_mean() -> None:
    # control has no data: U ~ uniform, so P(t > U) = E[t] = 101/1002 for t ~ Beta(101, 901), and
    # E[max(U - t, 0)] = E[(1 - t)^2 / 2] = (1 - 2 E[t] + E[t^2]) / 2, E[t^2] = 101 x 102 / (1002 x 1003)
    result = compare_conversions((0, 0), (1000, 100))
    mean, second = 101 / 1002, 101 * 102 / (1002 * 1003)
    assert result.probability_treatment_better == pytest.approx(mean, abs=1e-9)
    assert result.expected_loss == pytest.approx((1 - 2 * mean + second) / 2, abs=1e-9)


@pytest.mark.parametrize(
    "params",
    # each of a, b, c, d in turn is the smallest parameter, so each of the four ways of writing the sum is used
    [(3, 40, 9, 50), (40, 50, 3, 60), (40, 60, 50, 3), (60, 3, 50, 40), (1, 1, 1, 1), (700, 9000, 650, 9100)],
)
def test_closed_form_sum_equals_numerical_integration(params: tuple[int, int, int, int]) -> None:
    assert prob_greater(*params) == pytest.approx(prob_greater(*params, max_terms=0), abs=1e-8)


def test_large_experiment_uses_integration_and_agrees() -> None:
    # 300,000 conversions is beyond MAX_SUM_TERMS terms; the forced sum gives the same number
    control, treatment = (1_000_000, 300_000), (1_000_000, 301_000)
    integrated = compare_conversions(control, treatment)
    summed = compare_conversions(control, treatment, max_terms=10**6)
    assert integrated.probability_treatment_better == pytest.approx(summed.probability_treatment_better, abs=1e-8)
    assert integrated.expected_loss == pytest.approx(summed.expected_loss, abs=1e-9)
    # normal approximation: diff 0.001, sd sqrt(2 x 0.3005 x 0.6995 / 1e6) = 0.00064838 -> Phi(1.5423) = 0.93850
    assert integrated.probability_treatment_better == pytest.approx(0.9385, abs=0.001)


# --- sample ratio mismatch -----------------------------------------------------------------------------------


def test_srm_p_value_by_hand_and_against_chisquare() -> None:
    # 10,000 vs 10,300 against 50/50: expected 10,150 each; chi2 = (150^2 + 150^2) / 10,150 = 4.4334975
    result = compare_conversions((10_000, 500), (10_300, 520))
    assert result.srm_p_value == pytest.approx(stats.chi2.sf(4.4334975, 1), rel=1e-6)
    assert result.srm_p_value == pytest.approx(stats.chisquare([10_000, 10_300]).pvalue, rel=1e-9)
    assert result.srm is False  # p = 0.035 is not below 0.001


def test_srm_flagged() -> None:
    # 10,000 vs 10,600: chi2 = 2 x 300^2 / 10,300 = 17.4757282, p = 2.9e-5 < 0.001
    result = compare_conversions((10_000, 500), (10_600, 520))
    assert result.srm_p_value == pytest.approx(stats.chi2.sf(17.4757282, 1), rel=1e-6)
    assert result.srm is True


def test_srm_against_an_uneven_planned_split() -> None:
    # 2,000 vs 8,000 is exactly a 20/80 plan (chi2 = 0, p = 1); weights are normalised, so (1, 4) is the same plan
    assert compare_conversions((2000, 10), (8000, 40), expected_split=(0.2, 0.8)).srm_p_value == pytest.approx(1.0)
    assert compare_conversions((2000, 10), (8000, 40), expected_split=(1, 4)).srm is False
    # 2,100 vs 7,900 against 20/80: chi2 = 100^2 / 2000 + 100^2 / 8000 = 6.25
    result = compare_conversions((2100, 10), (7900, 40), expected_split=(0.2, 0.8))
    assert result.srm_p_value == pytest.approx(stats.chisquare([2100, 7900], [2000, 8000]).pvalue, rel=1e-9)
    assert result.srm_p_value == pytest.approx(stats.chi2.sf(6.25, 1), rel=1e-9)


# --- edge cases: defined answers, never an exception or NaN ---------------------------------------------------


def test_no_exposures_anywhere() -> None:
    result = compare_conversions((0, 0), (0, 0))
    assert (result.control_rate, result.treatment_rate, result.absolute_lift, result.relative_lift) == (None,) * 4
    assert (result.p_value, result.ci_low, result.ci_high, result.srm_p_value) == (None,) * 4
    assert result.srm is False
    # two uniform priors: P = 1/2 by symmetry; E[max(U1 - U2, 0)] = E|U1 - U2| / 2 = (1/3) / 2 = 1/6
    assert result.probability_treatment_better == pytest.approx(0.5, abs=1e-12)
    assert result.expected_loss == pytest.approx(1 / 6, abs=1e-12)


def test_one_variant_without_data() -> None:
    result = compare_conversions((0, 0), (1000, 100))
    assert result.control_rate is None and result.treatment_rate == pytest.approx(0.1)
    assert (result.absolute_lift, result.relative_lift, result.p_value, result.ci_low, result.ci_high) == (None,) * 5
    assert result.srm is True  # 0 vs 1,000 against 50/50: chi2 = 1000, p ~ 1e-219
    assert_no_nan(result)


def test_no_conversions_anywhere() -> None:
    # pooled rate 0: the z-test's standard error is 0 -> no p-value; both rates 0 -> Wald se 0 -> no interval
    result = compare_conversions((1000, 0), (1000, 0))
    assert (result.control_rate, result.treatment_rate, result.absolute_lift) == (0.0, 0.0, 0.0)
    assert result.relative_lift is None  # control rate 0
    assert (result.p_value, result.ci_low, result.ci_high) == (None, None, None)
    assert result.probability_treatment_better == pytest.approx(0.5, abs=1e-9)  # identical posteriors
    assert result.expected_loss == pytest.approx(monte_carlo((1000, 0), (1000, 0))[1], rel=0.02)
    assert result.srm_p_value == pytest.approx(1.0)


def test_everybody_converted() -> None:
    result = compare_conversions((50, 50), (50, 50))
    assert (result.control_rate, result.treatment_rate, result.relative_lift) == (1.0, 1.0, 0.0)
    assert (result.p_value, result.ci_low, result.ci_high) == (None, None, None)  # pooled rate 1
    assert result.probability_treatment_better == pytest.approx(0.5, abs=1e-12)
    assert_no_nan(result)


def test_control_without_conversions_against_some() -> None:
    # relative lift undefined (c = 0) but the test and the interval are: pooled 10/2000, Wald se from t alone
    result = compare_conversions((1000, 0), (1000, 10))
    assert result.relative_lift is None
    _, reference = proportions_ztest([10, 0], [1000, 1000])
    assert result.p_value == pytest.approx(reference, rel=1e-9)
    # se = sqrt(0.01 x 0.99 / 1000) = 0.00314643; half = 1.9599640 x 0.00314643 = 0.00616689
    assert result.ci_low == pytest.approx(0.01 - 0.0061669, abs=1e-6)
    assert result.ci_high == pytest.approx(0.01 + 0.0061669, abs=1e-6)


def test_rates_zero_and_one_give_a_p_value_but_no_interval() -> None:
    # pooled 100/200 = 0.5 -> z = 1 / sqrt(0.25 x 0.02) = 14.142; Wald se = sqrt(0 + 0) = 0 -> no interval
    result = compare_conversions((100, 0), (100, 100))
    assert result.p_value == pytest.approx(math.erfc(14.142135623730951 / math.sqrt(2)), rel=1e-9)
    assert (result.ci_low, result.ci_high) == (None, None)


@pytest.mark.parametrize(
    ("control", "treatment", "field"),
    [
        ((100, 101), (100, 10), "control_conversions"),
        ((100, 10), (5, 6), "treatment_conversions"),
        ((-1, 0), (100, 10), "control_exposures"),
        ((100, -1), (100, 10), "control_conversions"),
        ((100, 10), (-100, -10), "treatment_exposures"),
        ((100.0, 10), (100, 10), "control_exposures"),
        ((100, 10), (100, True), "treatment_conversions"),
    ],
)
def test_invalid_counts(control: tuple[int, int], treatment: tuple[int, int], field: str) -> None:
    with pytest.raises(ValueError) as raised:
        compare_conversions(control, treatment)
    assert isinstance(raised.value, ExperimentInputError)
    assert list(raised.value.errors) == [field]


def test_conversions_above_exposures_say_invalid_input() -> None:
    with pytest.raises(ExperimentInputError, match=r"Invalid input: control conversions \(101\) exceed"):
        compare_conversions((100, 101), (100, 10))


def test_numpy_integers_are_counts() -> None:
    assert compare_conversions((np.int64(1000), np.int64(100)), (1000, 130)).p_value == WORKED.p_value


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"confidence": 0}, "confidence"),
        ({"confidence": 1}, "confidence"),
        ({"confidence": 95}, "confidence"),
        ({"expected_split": (0, 1)}, "expected_split"),
        ({"expected_split": (0.5,)}, "expected_split"),
        ({"expected_split": (math.nan, 0.5)}, "expected_split"),
    ],
)
def test_invalid_options(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(ExperimentInputError) as raised:
        compare_conversions((100, 10), (100, 12), **kwargs)  # type: ignore[arg-type]
    assert list(raised.value.errors) == [field]


# --- sample size -------------------------------------------------------------------------------------------------


def test_sample_size_by_hand() -> None:
    # p1 = 0.10, p2 = 0.11, pbar = 0.105; z_0.975 = 1.9599640, z_0.8 = 0.8416212
    # sqrt(2 x 0.105 x 0.895) = sqrt(0.18795) = 0.4335320; sqrt(0.09 + 0.0979) = sqrt(0.1879) = 0.4334743
    # (1.9599640 x 0.4335320 + 0.8416212 x 0.4334743)^2 = 1.2145283^2 = 1.4750790; / 0.01^2 = 14,750.79 -> 14,751
    assert sample_size_per_variant(0.10, 0.10) == 14_751
    # p1 = 0.05, p2 = 0.06, pbar = 0.055: sqrt(0.10395) = 0.3224128, sqrt(0.0475 + 0.0564) = 0.3223352
    # (1.9599640 x 0.3224128 + 0.8416212 x 0.3223352)^2 = 0.9032016^2 = 0.8157731; / 0.0001 = 8,157.73 -> 8,158
    assert sample_size_per_variant(0.05, 0.20) == 8_158
    # alpha 0.01, power 0.9 at 10 % / 10 %: z = 2.5758293 and 1.2815516
    # (2.5758293 x 0.4335320 + 1.2815516 x 0.4334743)^2 / 0.0001 = 1.6722245^2 / 0.0001 = 27,963.35 -> 27,964
    assert sample_size_per_variant(0.10, 0.10, alpha=0.01, power=0.9) == 27_964


def test_sample_size_is_bracketed_by_statsmodels() -> None:
    # NormalIndPower uses one variance for both hypotheses; ours uses 2 pbar (1 - pbar) under H0 and
    # p1 q1 + p2 q2 (smaller by (p2 - p1)^2 / 2) under H1, so it lies between the two one-variance answers:
    # (z_a + z_b)^2 (p1 q1 + p2 q2) / d^2 = 14,748.0 <= 14,750.8 <= (z_a + z_b)^2 2 pbar qbar / d^2 = 14,752.0
    p1, p2 = 0.10, 0.11
    pbar = (p1 + p2) / 2
    low = NormalIndPower().solve_power(
        (p2 - p1) / math.sqrt((p1 * (1 - p1) + p2 * (1 - p2)) / 2), alpha=0.05, power=0.8
    )
    high = NormalIndPower().solve_power((p2 - p1) / math.sqrt(pbar * (1 - pbar)), alpha=0.05, power=0.8)
    assert low <= sample_size_per_variant(p1, 0.10) <= math.ceil(high)


@pytest.mark.parametrize(
    ("args", "kwargs", "field"),
    [
        ((0, 0.1), {}, "baseline_rate"),
        ((1, 0.1), {}, "baseline_rate"),
        ((-0.1, 0.1), {}, "baseline_rate"),
        (("0.1", 0.1), {}, "baseline_rate"),
        ((math.nan, 0.1), {}, "baseline_rate"),
        ((0.1, 0), {}, "minimum_detectable_effect"),
        ((0.1, -0.1), {}, "minimum_detectable_effect"),
        ((0.1, 10), {}, "minimum_detectable_effect"),
        ((0.1, math.inf), {}, "minimum_detectable_effect"),
        ((0.5, 1.0), {}, "minimum_detectable_effect"),  # p2 = 0.5 x 2 = 1.0, not below 1
        ((0.1, 0.1), {"alpha": 0}, "alpha"),
        ((0.1, 0.1), {"power": 1}, "power"),
    ],
)
def test_sample_size_validation_names_the_field(args: tuple, kwargs: dict, field: str) -> None:
    with pytest.raises(ValueError) as raised:
        sample_size_per_variant(*args, **kwargs)
    assert isinstance(raised.value, ExperimentInputError)
    assert list(raised.value.errors) == [field]
    assert str(raised.value)


def test_sample_size_reports_every_bad_field_at_once() -> None:
    with pytest.raises(ExperimentInputError) as raised:
        sample_size_per_variant(2, 0, power=0)
    assert set(raised.value.errors) == {"baseline_rate", "minimum_detectable_effect", "power"}


def test_sample_size_too_large_an_effect_explains_why() -> None:
    with pytest.raises(ExperimentInputError, match="expected rate must stay below 100 %"):
        sample_size_per_variant(0.5, 1.0)


# --- the decision -------------------------------------------------------------------------------------------------

# 10,000 / 1,000 vs 10,000 / 1,100: pooled 0.105, se = sqrt(0.105 x 0.895 x 0.0002) = 0.00433532,
# z = 0.01 / 0.00433532 = 2.30665, p = 0.0211 < 0.05; P(better) ~ 0.99 > 0.95
SIGNIFICANT = compare_conversions((10_000, 1000), (10_000, 1100))


def test_treatment_wins_at_the_planned_size() -> None:
    assert SIGNIFICANT.p_value == pytest.approx(0.021073, abs=1e-5)
    decision = decide(SIGNIFICANT, exposures_per_variant_planned=10_000, daily_exposures_per_variant=500)
    assert decision.verdict is Verdict.TREATMENT_WINS
    assert decision.reasons[0] == (
        "Treatment converts 11.00% vs control 10.00% (+10.0% relative), p = 0.021, P(treatment better) 98.9%."
    )
    assert decision.note == PEEKING_NOTE and "planned sample size" in decision.note


def test_control_wins_at_the_planned_size() -> None:
    result = compare_conversions((10_000, 1100), (10_000, 1000))
    decision = decide(result, exposures_per_variant_planned=10_000, daily_exposures_per_variant=None)
    assert decision.verdict is Verdict.CONTROL_WINS
    assert "Treatment converts 10.00% vs control 11.00% (-9.1% relative)" in decision.reasons[0]


def test_winner_over_a_control_without_conversions_has_no_relative_lift() -> None:
    # 0 of 2,000 vs 30 of 2,000: pooled 0.0075, z = 0.015 / sqrt(0.0075 x 0.9925 x 0.001) = 5.5048, p < 0.001
    decision = decide(
        compare_conversions((2000, 0), (2000, 30)), exposures_per_variant_planned=2000, daily_exposures_per_variant=1
    )
    assert decision.verdict is Verdict.TREATMENT_WINS
    assert decision.reasons[0] == "Treatment converts 1.50% vs control 0.00%, p < 0.001, P(treatment better) 100.0%."


def test_no_difference_at_the_planned_size() -> None:
    # 1,000 vs 1,010 conversions of 10,000: z = 0.001 / sqrt(0.1005 x 0.8995 x 0.0002) = 0.2358, p = 0.81
    result = compare_conversions((10_000, 1000), (10_000, 1010))
    decision = decide(result, exposures_per_variant_planned=10_000, daily_exposures_per_variant=500)
    assert decision.verdict is Verdict.NO_DIFFERENCE
    assert decision.reasons == (
        "Both variants reached the planned 10,000 exposures and the difference is not significant "
        "(p = 0.814, needs below 0.05).",
    )


def test_significant_before_the_planned_size_is_no_winner_yet() -> None:
    # the worked example is significant (p = 0.035, P = 98.2 %) but 1,000 of a planned 3,300 per variant:
    # 2,300 short; at 260 a day 2,300 / 260 = 8.85 -> about 9 days
    decision = decide(WORKED, exposures_per_variant_planned=3300, daily_exposures_per_variant=260)
    assert decision.verdict is Verdict.NO_WINNER_YET
    assert decision.reasons == (
        "Needs 2,300 more exposures per variant (planned 3,300 each) — about 9 days at the current rate.",
    )


def test_shortfall_counts_the_smaller_variant_and_the_rate_may_be_unknown_or_zero() -> None:
    result = compare_conversions((1000, 100), (1200, 150))
    unknown = decide(result, exposures_per_variant_planned=3300, daily_exposures_per_variant=None)
    assert unknown.reasons[0] == "Needs 2,300 more exposures per variant (planned 3,300 each)."
    stalled = decide(result, exposures_per_variant_planned=3300, daily_exposures_per_variant=0)
    assert stalled.reasons[0].endswith("; no exposures are arriving at the moment.")
    one_day = decide(result, exposures_per_variant_planned=1001, daily_exposures_per_variant=10)
    assert one_day.reasons[0].endswith("— about 1 day at the current rate.")


def test_every_missing_condition_is_listed() -> None:
    # 400 / 40 vs 400 / 44: p = 0.64, P(better) ~ 0.68, 600 short of 1,000
    result = compare_conversions((400, 40), (400, 44))
    decision = decide(result, exposures_per_variant_planned=1000, daily_exposures_per_variant=100)
    assert decision.verdict is Verdict.NO_WINNER_YET
    assert len(decision.reasons) == 3
    assert (
        decision.reasons[0].startswith("Needs 600 more exposures per variant")
        and "about 6 days" in (decision.reasons[0])
    )
    assert decision.reasons[1].startswith("Not significant: p = 0.")
    assert decision.reasons[2].startswith("P(treatment better) is ") and "needs above 95.0%" in decision.reasons[2]


def test_sample_ratio_mismatch_blocks_a_call() -> None:
    # 10,000 vs 11,000 against 50/50: chi2 = 2 x 500^2 / 10,500 = 47.6 -> p ~ 5e-12
    result = compare_conversions((10_000, 1000), (11_000, 1300))
    assert result.srm
    decision = decide(result, exposures_per_variant_planned=10_000, daily_exposures_per_variant=None)
    assert decision.verdict is Verdict.NO_WINNER_YET
    assert decision.reasons == (
        "Sample ratio mismatch: 10,000 control vs 11,000 treatment exposures is too unlikely under the planned "
        "split (p < 0.001); fix the assignment before trusting any result.",
    )


@pytest.mark.parametrize(
    ("control", "treatment", "reason"),
    [
        ((1000, 0), (1000, 0), "No conversions in either variant yet, so there is no p-value."),
        ((1000, 1000), (1000, 1000), "Every exposure converted in both variants, so there is no p-value."),
    ],
)
def test_undefined_p_value_says_why_no_call(control: tuple[int, int], treatment: tuple[int, int], reason: str) -> None:
    decision = decide(
        compare_conversions(control, treatment), exposures_per_variant_planned=1000, daily_exposures_per_variant=50
    )
    assert decision.verdict is Verdict.NO_WINNER_YET
    assert decision.reasons[0] == reason


def test_variant_without_data() -> None:
    decision = decide(
        compare_conversions((0, 0), (500, 50)), exposures_per_variant_planned=1000, daily_exposures_per_variant=None
    )
    assert decision.verdict is Verdict.NO_WINNER_YET
    assert "A variant has no exposures yet, so there is no p-value." in decision.reasons
    assert decision.reasons[0] == "Needs 1,000 more exposures per variant (planned 1,000 each)."


def test_significant_but_probability_undecided_is_no_winner_yet() -> None:
    # the two rules disagree (possible with other priors or thresholds): no call, and the reason says which
    result = dataclasses.replace(SIGNIFICANT, probability_treatment_better=0.9)
    decision = decide(result, exposures_per_variant_planned=10_000, daily_exposures_per_variant=None)
    assert decision.verdict is Verdict.NO_WINNER_YET
    assert decision.reasons == ("P(treatment better) is 90.0%; a call needs above 95.0% (or below 5.0% for control).",)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"exposures_per_variant_planned": 0, "daily_exposures_per_variant": None}, "exposures_per_variant_planned"),
        ({"exposures_per_variant_planned": -5, "daily_exposures_per_variant": None}, "exposures_per_variant_planned"),
        ({"exposures_per_variant_planned": 100, "daily_exposures_per_variant": -1}, "daily_exposures_per_variant"),
        (
            {"exposures_per_variant_planned": 100, "daily_exposures_per_variant": math.nan},
            "daily_exposures_per_variant",
        ),
        ({"exposures_per_variant_planned": 100, "daily_exposures_per_variant": 1, "alpha": 0}, "alpha"),
        ({"exposures_per_variant_planned": 100, "daily_exposures_per_variant": 1, "probability": 0.4}, "probability"),
    ],
)
def test_decide_validation(kwargs: dict, field: str) -> None:
    with pytest.raises(ExperimentInputError) as raised:
        decide(WORKED, **kwargs)
    assert list(raised.value.errors) == [field]


# --- chart helpers ------------------------------------------------------------------------------------------------


def test_posterior_density_against_scipy_beta() -> None:
    xs, density = posterior_density(1000, 100)
    assert len(xs) == len(density) == 200
    assert xs[0] == pytest.approx(stats.beta.ppf(0.0005, 101, 901), rel=1e-9)
    assert xs[-1] == pytest.approx(stats.beta.ppf(0.9995, 101, 901), rel=1e-9)
    assert bool((np.diff(xs) > 0).all())
    assert density == pytest.approx(list(stats.beta.pdf(xs, 101, 901)), rel=1e-9)
    # the range holds 99.9 % of the mass: the trapezoid rule over 200 points gets close to it
    assert float(np.trapezoid(density, xs)) == pytest.approx(0.999, abs=0.001)


def test_posterior_density_edges() -> None:
    xs, density = posterior_density(0, 0, points=3)  # no data: the uniform prior over 0.0005 .. 0.9995
    assert xs == pytest.approx([0.0005, 0.5, 0.9995]) and density == pytest.approx([1.0, 1.0, 1.0])
    xs, density = posterior_density(100, 0)  # Beta(1, 101): highest at the left edge, finite everywhere
    assert all(math.isfinite(v) for v in xs + density) and density[0] == max(density)
    xs, density = posterior_density(100, 100)
    assert all(math.isfinite(v) for v in xs + density) and density[-1] == max(density)
    with pytest.raises(ExperimentInputError):
        posterior_density(10, 11)
    with pytest.raises(ExperimentInputError):
        posterior_density(10, 1, points=1)


def test_cumulative_rates() -> None:
    d1, d2, d3 = date(2026, 3, 1), date(2026, 3, 2), date(2026, 3, 3)
    # out of order, d2 twice (merged), d1 without exposures (rate None until someone is exposed)
    rows = [(d3, 100, 5), (d2, 100, 10), (d1, 0, 0), (d2, 100, 20)]
    assert cumulative_rates(rows) == [
        CumulativeRate(d1, 0, 0, None),
        CumulativeRate(d2, 200, 30, 0.15),
        CumulativeRate(d3, 300, 35, 35 / 300),
    ]
    assert cumulative_rates([]) == []
    with pytest.raises(ExperimentInputError):
        cumulative_rates([(d1, 5, 6)])


def test_a_p_value_reads_as_three_decimals_below_one_in_a_thousand_or_a_dash() -> None:
    assert format_p_value(0.25649) == "0.256"
    assert format_p_value(0.001) == "0.001"  # 0.001 itself is shown, only smaller values collapse
    assert format_p_value(0.000999) == "< 0.001"
    assert format_p_value(None) == "—"
