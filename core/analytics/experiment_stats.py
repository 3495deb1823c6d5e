"""The pure statistics of the experiments tracker (A/B tests of a conversion rate): compare two variants, plan the
sample size, and turn the numbers into a decision a person can act on. No database, no Streamlit.

Definitions (each one tested in tests/unit/analytics/test_experiment_stats.py). A variant is (exposures,
conversions) with integer counts, 0 <= conversions <= exposures; anything else raises `ExperimentInputError` (a
`ValueError` naming the field).

- **Rate** = conversions / exposures; None with no exposures. **Absolute lift** = treatment rate - control rate;
  **relative lift** = (t - c) / c; each None when a rate it needs is None, and the relative lift also when c = 0.
- **p-value**: two-sided pooled two-proportion z-test. p = (x_c + x_t) / (n_c + n_t),
  z = (rate_t - rate_c) / sqrt(p (1 - p) (1/n_c + 1/n_t)), p-value = 2 (1 - Phi(|z|)). None when a variant has
  no exposures or the pooled rate is 0 or 1 (no conversions at all, or everybody converted: the standard error
  is 0 and z is undefined).
- **Confidence interval** of treatment - control at `confidence`: the unpooled normal approximation (Wald),
  (t - c) -/+ z_(1 - (1 - confidence)/2) sqrt(c (1 - c) / n_c + t (1 - t) / n_t). None when a variant has no
  exposures or that standard error is 0 (both rates 0, or both 1, or one of each): a zero-width interval would
  claim a certainty the data don't have.
- **Posteriors**: each rate ~ Beta(1 + conversions, 1 + exposures - conversions) (a uniform prior), independent.
  A variant with no data keeps the uniform prior, so both Bayesian numbers are always defined.
- **P(treatment better)** = P(p_t > p_c) under the posteriors, exact and deterministic: Evan Miller's closed-form
  sum (https://www.evanmiller.org/bayesian-ab-testing.html), taken over whichever of the four parameters is
  smallest (by symmetry), so it costs O(min(counts)) terms; beyond `MAX_SUM_TERMS` terms it is integrated
  numerically instead (scipy `quad` of f_Y(y) P(X > y) over the bulk of one posterior). Both are deterministic
  and agree to 1e-8; floating-point error stays below 1e-9.
- **Expected loss** (of choosing treatment) = E[max(p_c - p_t, 0)] under the posteriors, exact, from
  E[p 1{p > q}] = E[p] P(p' > q) with p' ~ Beta(a + 1, b) (Chris Stucchio's identity):
  loss = a_c/(a_c + b_c) P(Beta(a_c + 1, b_c) > p_t) - a_t/(a_t + b_t) P(p_c > Beta(a_t + 1, b_t)).
- **SRM** (sample ratio mismatch): chi-square goodness of fit (1 degree of freedom) of the two exposure counts
  against `expected_split` (two positive weights, normalised to sum 1); `srm` = srm_p_value < 0.001
  (`SRM_P_VALUE`). srm_p_value is None (and `srm` False) when nobody was exposed yet.
- **Sample size per variant** (relative MDE): p1 = baseline, p2 = p1 (1 + MDE), pbar = (p1 + p2) / 2,
  n = ceil((z_(1-alpha/2) sqrt(2 pbar (1 - pbar)) + z_(1-beta) sqrt(p1 (1 - p1) + p2 (1 - p2)))^2 / (p2 - p1)^2).
- **Decision** (`decide`): a winner only when both variants reached the planned exposures, there is no SRM, the
  p-value is defined and < `alpha`, and P(treatment better) > `probability` (treatment wins) or < 1 - probability
  (control wins). At the planned size with p >= alpha: no difference. Anything else: no winner yet, with every
  missing condition stated for a person (how many more exposures, and how many days at the current daily rate).
- **Posterior density** (for the chart): `points` evenly spaced x from the 0.05 % to the 99.95 % quantile of a
  variant's posterior, with the Beta density at each. **Cumulative rates**: running totals per day.

scipy is imported inside the functions: importing scipy.special and numpy costs 0.22-0.56 s on this machine
(scipy.stats 0.69 s), more than a page or a job that only imports the analytics package should pay; this module
itself imports in ~5 ms. The first call pays the scipy import once per process.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from core.money import format_share

SRM_P_VALUE = 0.001
"""An exposure split this unlikely under the planned split means the assignment is broken."""
MAX_SUM_TERMS = 200_000
"""Above this many terms the closed-form P(X > Y) sum gives way to numerical integration (same answer, O(1))."""
PEEKING_NOTE = (
    "The p-value is only valid at the planned sample size: checking it along the way and stopping at the first "
    "p < 0.05 makes false winners far more likely."
)


class ExperimentInputError(ValueError):
    """Input that has no statistics; `errors` maps a field name to the message the page shows next to it."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(" ".join(errors.values()))
        self.errors = dict(errors)


@dataclass(frozen=True)
class ConversionComparison:
    """Treatment against control; every statistic that can be undefined is None then (see the module docstring)."""

    control_exposures: int
    control_conversions: int
    treatment_exposures: int
    treatment_conversions: int
    control_rate: float | None
    treatment_rate: float | None
    absolute_lift: float | None
    relative_lift: float | None
    p_value: float | None
    confidence: float
    ci_low: float | None
    ci_high: float | None
    probability_treatment_better: float
    expected_loss: float
    srm_p_value: float | None
    srm: bool


class Verdict(StrEnum):
    TREATMENT_WINS = "treatment wins"
    CONTROL_WINS = "control wins"
    NO_WINNER_YET = "no winner yet"
    NO_DIFFERENCE = "no difference"


@dataclass(frozen=True)
class Decision:
    """A verdict, the reasons for it (or what is missing before a call), and the note on peeking."""

    verdict: Verdict
    reasons: tuple[str, ...]
    note: str = PEEKING_NOTE


@dataclass(frozen=True)
class CumulativeRate:
    day: date
    exposures: int
    conversions: int
    rate: float | None


def _count(value: object, field: str) -> int:
    try:
        if isinstance(value, bool):  # True is an int to Python, never a count to a person
            raise TypeError
        number = operator.index(value)  # type: ignore[arg-type]
    except TypeError:
        raise ExperimentInputError({field: f"{field.replace('_', ' ')} must be a whole number."}) from None
    if number < 0:
        raise ExperimentInputError({field: f"{field.replace('_', ' ')} cannot be negative (got {number})."})
    return number


def _variant(exposures: object, conversions: object, name: str) -> tuple[int, int]:
    n, x = _count(exposures, f"{name}_exposures"), _count(conversions, f"{name}_conversions")
    if x > n:
        raise ExperimentInputError(
            {f"{name}_conversions": f"Invalid input: {name} conversions ({x:,}) exceed {name} exposures ({n:,})."}
        )
    return n, x


def _open_unit(value: float, field: str, label: str) -> float:
    if not (isinstance(value, int | float) and 0 < value < 1):
        raise ExperimentInputError({field: f"{label} must be between 0 and 1 (exclusive), got {value!r}."})
    return float(value)


def _prob_sum(a: int, b: int, c: int, d: int) -> float:
    """P(X > Y) for X ~ Beta(a, b), Y ~ Beta(c, d), integer parameters: Evan Miller's sum of `a` terms."""
    import numpy as np
    from scipy.special import betaln

    i = np.arange(a, dtype=float)
    terms = betaln(c + i, b + d) - np.log(b + i) - betaln(1 + i, b) - betaln(c, d)
    return float(np.exp(terms).sum())


def _prob_integral(a: int, b: int, c: int, d: int) -> float:
    """P(X > Y) = integral of f_Y(y) P(X > y) dy, over Y's bulk (mass outside it: 2e-12)."""
    from scipy.integrate import quad
    from scipy.special import betaincc, betaincinv, betaln, xlog1py, xlogy

    low, high = float(betaincinv(c, d, 1e-12)), float(betaincinv(c, d, 1 - 1e-12))
    log_norm = float(betaln(c, d))

    def integrand(y: float) -> float:
        return math.exp(xlogy(c - 1, y) + xlog1py(d - 1, -y) - log_norm) * float(betaincc(a, b, y))

    value, _ = quad(integrand, low, high, epsabs=1e-12, epsrel=1e-10, limit=200)
    return value  # the Y mass left outside [low, high] (2e-12) bounds the truncation error


def prob_greater(a: int, b: int, c: int, d: int, *, max_terms: int = MAX_SUM_TERMS) -> float:
    """P(X > Y) for independent X ~ Beta(a, b), Y ~ Beta(c, d) with positive integer parameters, exact."""
    # the four ways to write the same probability (swap X and Y, mirror x -> 1 - x); sum the shortest
    options = [(a, False, (a, b, c, d)), (c, True, (c, d, a, b)), (d, False, (d, c, b, a)), (b, True, (b, a, d, c))]
    terms, complement, args = min(options, key=lambda option: option[0])
    value = _prob_sum(*args) if terms <= max_terms else _prob_integral(*args)
    return min(max(1 - value if complement else value, 0.0), 1.0)


def _expected_loss(ac: int, bc: int, at: int, bt: int, max_terms: int) -> float:
    """E[max(p_c - p_t, 0)] for p_c ~ Beta(ac, bc), p_t ~ Beta(at, bt)."""
    first = ac / (ac + bc) * prob_greater(ac + 1, bc, at, bt, max_terms=max_terms)
    second = at / (at + bt) * prob_greater(ac, bc, at + 1, bt, max_terms=max_terms)
    return max(first - second, 0.0)


def compare_conversions(
    control: tuple[int, int],
    treatment: tuple[int, int],
    *,
    confidence: float = 0.95,
    expected_split: tuple[float, float] = (0.5, 0.5),
    max_terms: int = MAX_SUM_TERMS,
) -> ConversionComparison:
    """Compare treatment with control, each (exposures, conversions); definitions in the module docstring."""
    from scipy.special import chdtrc, ndtri

    nc, xc = _variant(*control, name="control")
    nt, xt = _variant(*treatment, name="treatment")
    confidence = _open_unit(confidence, "confidence", "The confidence level")
    weights = [float(w) for w in expected_split] if len(expected_split) == 2 else []
    if not weights or not all(math.isfinite(w) and w > 0 for w in weights):
        raise ExperimentInputError({"expected_split": "The expected split must be two positive shares."})

    rate_c = xc / nc if nc else None
    rate_t = xt / nt if nt else None
    lift = rate_t - rate_c if rate_c is not None and rate_t is not None else None
    relative = lift / rate_c if lift is not None and rate_c else None

    p_value = ci_low = ci_high = None
    if rate_c is not None and rate_t is not None:
        pooled = (xc + xt) / (nc + nt)
        if 0 < pooled < 1:
            z = (rate_t - rate_c) / math.sqrt(pooled * (1 - pooled) * (1 / nc + 1 / nt))
            p_value = math.erfc(abs(z) / math.sqrt(2))  # = 2 (1 - Phi(|z|)), without cancellation in the tail
        se = math.sqrt(rate_c * (1 - rate_c) / nc + rate_t * (1 - rate_t) / nt)
        if se > 0:
            half = float(ndtri(0.5 + confidence / 2)) * se
            ci_low, ci_high = lift - half, lift + half  # type: ignore[operator]

    total = nc + nt
    srm_p_value = None
    if total:
        shares = [w / sum(weights) for w in weights]
        statistic = sum(
            (seen - total * share) ** 2 / (total * share) for seen, share in zip((nc, nt), shares, strict=True)
        )
        srm_p_value = float(chdtrc(1, statistic))

    ac, bc, at, bt = 1 + xc, 1 + nc - xc, 1 + xt, 1 + nt - xt
    return ConversionComparison(
        control_exposures=nc,
        control_conversions=xc,
        treatment_exposures=nt,
        treatment_conversions=xt,
        control_rate=rate_c,
        treatment_rate=rate_t,
        absolute_lift=lift,
        relative_lift=relative,
        p_value=p_value,
        confidence=confidence,
        ci_low=ci_low,
        ci_high=ci_high,
        probability_treatment_better=prob_greater(at, bt, ac, bc, max_terms=max_terms),
        expected_loss=_expected_loss(ac, bc, at, bt, max_terms),
        srm_p_value=srm_p_value,
        srm=srm_p_value is not None and srm_p_value < SRM_P_VALUE,
    )


def sample_size_per_variant(
    baseline_rate: float, minimum_detectable_effect: float, *, alpha: float = 0.05, power: float = 0.8
) -> int:
    """Exposures each variant needs to detect a relative change of `minimum_detectable_effect` (0.1 = +10 %)."""
    from scipy.special import ndtri

    errors: dict[str, str] = {}
    for field, label, value in (
        ("baseline_rate", "The baseline conversion rate", baseline_rate),
        ("alpha", "The significance level (alpha)", alpha),
        ("power", "The power", power),
    ):
        try:
            _open_unit(value, field, label)
        except ExperimentInputError as error:
            errors.update(error.errors)
    mde = minimum_detectable_effect
    if not (isinstance(mde, int | float) and 0 < mde < 10):
        errors["minimum_detectable_effect"] = (
            f"The minimum detectable effect must be a relative change above 0 and below 10 (1000 %), got {mde!r}."
        )
    elif "baseline_rate" not in errors and baseline_rate * (1 + mde) >= 1:
        errors["minimum_detectable_effect"] = (
            f"The minimum detectable effect is too large for this baseline: {format_share(baseline_rate)} "
            f"x (1 + {mde:g}) reaches 100 %; the expected rate must stay below 100 %."
        )
    if errors:
        raise ExperimentInputError(errors)
    p1 = float(baseline_rate)
    p2 = p1 * (1 + mde)
    pbar = (p1 + p2) / 2
    z_alpha, z_power = float(ndtri(1 - alpha / 2)), float(ndtri(power))
    root = z_alpha * math.sqrt(2 * pbar * (1 - pbar)) + z_power * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
    return math.ceil(root**2 / (p2 - p1) ** 2)


def format_p_value(p: float | None) -> str:
    """A p-value as a person reads it: "< 0.001", "0.256", or "—" when it is undefined."""
    return "—" if p is None else ("< 0.001" if p < 0.001 else f"{p:.3f}")


def _format_p(p: float) -> str:
    shown = format_p_value(p)
    return f"p {shown}" if shown.startswith("<") else f"p = {shown}"


def decide(
    result: ConversionComparison,
    *,
    exposures_per_variant_planned: int,
    daily_exposures_per_variant: float | None,
    alpha: float = 0.05,
    probability: float = 0.95,
) -> Decision:
    """The call a person can act on, with the reasons for it or what is missing (module docstring: Decision)."""
    planned = _count(exposures_per_variant_planned, "exposures_per_variant_planned")
    if planned == 0:
        raise ExperimentInputError({"exposures_per_variant_planned": "The planned exposures must be at least 1."})
    daily = daily_exposures_per_variant
    if daily is not None and not (isinstance(daily, int | float) and math.isfinite(daily) and daily >= 0):
        raise ExperimentInputError({"daily_exposures_per_variant": "The daily exposures cannot be negative."})
    _open_unit(alpha, "alpha", "The significance level (alpha)")
    if not (isinstance(probability, int | float) and 0.5 < probability < 1):
        raise ExperimentInputError({"probability": "The probability threshold must be above 0.5 and below 1."})

    missing: list[str] = []
    shortfall = planned - min(result.control_exposures, result.treatment_exposures)
    if shortfall > 0:
        more = f"Needs {shortfall:,} more exposures per variant (planned {planned:,} each)"
        if daily is None:
            missing.append(f"{more}.")
        elif daily == 0:
            missing.append(f"{more}; no exposures are arriving at the moment.")
        else:
            days = math.ceil(shortfall / daily)
            missing.append(f"{more} — about {days:,} day{'s' if days != 1 else ''} at the current rate.")
    if result.srm:
        missing.append(
            f"Sample ratio mismatch: {result.control_exposures:,} control vs {result.treatment_exposures:,} treatment "
            f"exposures is too unlikely under the planned split ({_format_p(result.srm_p_value or 0.0)}); "
            "fix the assignment before trusting any result."
        )
    p = result.p_value
    better = result.probability_treatment_better
    if p is None:
        if not (result.control_exposures and result.treatment_exposures):
            missing.append("A variant has no exposures yet, so there is no p-value.")
        elif result.control_conversions + result.treatment_conversions == 0:
            missing.append("No conversions in either variant yet, so there is no p-value.")
        else:
            missing.append("Every exposure converted in both variants, so there is no p-value.")
    elif p >= alpha:
        missing.append(f"Not significant: {_format_p(p)}, needs below {alpha:g}.")
    if 1 - probability <= better <= probability:
        missing.append(
            f"P(treatment better) is {format_share(better)}; a call needs above {format_share(probability)} "
            f"(or below {format_share(1 - probability)} for control)."
        )

    if shortfall <= 0 and not result.srm and p is not None and p >= alpha:
        reason = f"Both variants reached the planned {planned:,} exposures and the difference is not significant"
        return Decision(Verdict.NO_DIFFERENCE, (f"{reason} ({_format_p(p)}, needs below {alpha:g}).",))
    if missing:
        return Decision(Verdict.NO_WINNER_YET, tuple(missing))
    winner = Verdict.TREATMENT_WINS if better > probability else Verdict.CONTROL_WINS
    relative = "" if result.relative_lift is None else f" ({format_share(result.relative_lift, signed=True)} relative)"
    evidence = (
        f"Treatment converts {format_share(result.treatment_rate, places=2)} vs control "
        f"{format_share(result.control_rate, places=2)}{relative}, {_format_p(p)}, "  # type: ignore[arg-type]
        f"P(treatment better) {format_share(better)}.",
        f"Both variants reached the planned {planned:,} exposures and the split matches the plan.",
    )
    return Decision(winner, evidence)


def posterior_density(exposures: int, conversions: int, points: int = 200) -> tuple[list[float], list[float]]:
    """(x, density) of the Beta(1 + conversions, 1 + non-conversions) posterior over its 0.05 %-99.95 % range."""
    import numpy as np
    from scipy.special import betaincinv, betaln, xlog1py, xlogy

    n, x = _variant(exposures, conversions, "variant")
    if isinstance(points, bool) or not isinstance(points, int) or points < 2:
        raise ExperimentInputError({"points": "The chart needs at least 2 points."})
    a, b = 1 + x, 1 + n - x
    low, high = float(betaincinv(a, b, 0.0005)), float(betaincinv(a, b, 0.9995))
    xs = np.linspace(low, high, points)
    density = np.exp(xlogy(a - 1, xs) + xlog1py(b - 1, -xs) - betaln(a, b))
    return [float(v) for v in xs], [float(v) for v in density]


def cumulative_rates(daily: Iterable[tuple[date, int, int]]) -> list[CumulativeRate]:
    """Running exposures, conversions and rate by day from (day, exposures, conversions) rows (days merged, sorted)."""
    per_day: dict[date, tuple[int, int]] = {}
    for day, exposures, conversions in daily:
        n, x = _variant(exposures, conversions, "daily")
        seen_n, seen_x = per_day.get(day, (0, 0))
        per_day[day] = (seen_n + n, seen_x + x)
    points, total_n, total_x = [], 0, 0
    for day in sorted(per_day):
        total_n, total_x = total_n + per_day[day][0], total_x + per_day[day][1]
        points.append(CumulativeRate(day, total_n, total_x, total_x / total_n if total_n else None))
    return points
