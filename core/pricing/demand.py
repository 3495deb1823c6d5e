"""The pricing demand model (issue 11): expected monthly revenue as a function of price, anchored on the product's
own sales at its current price, with the price elasticity estimated from the segment and the product's own past
price changes. Pure: plain numbers in, plain numbers out.

**Anchor** (the product's own evidence at its current price p0). The *anchor day* is the later of the sales
window's first day (90 days ago) and the day after the last price change. Over the days from the anchor to the
window's end: units U, views V, purchases P. Monthly units u0 = U × 30 ÷ days; conversion c0 = P ÷ V.

**Demand curve**, linear around p0 with elasticity e (< 0):
    units(p) = u0 × max(0, 1 + e × (p − p0) ÷ p0),   R(p) = p × units(p).
R is a downward parabola with its top at  p* = p0 × (1 − 1/e) ÷ 2  (e = −1 → keep p0; e = −2 → 0.75 p0;
e = −0.5 → 1.5 p0). Moving from p0 toward p* always raises R, so a step that stops short of p* still gains.

**Elasticity** (`estimate_elasticity`), combined by inverse variance (precision = 1 ÷ sd²):
* the prior: `PRIOR_ELASTICITY` = −1.0 with sd `PRIOR_SD` = 0.5 (revenue-neutral: with no evidence, keep);
* the segment's price response at the product's own price: the nightly semi-log fit
  ln(conversion) = a − β × p ÷ M (`core.market.segment_stats.fit_price_response`, M the segment's median price)
  gives at p0 the elasticity e_seg = −β × x with x = p0 ÷ M, and sd √((se × x)² + (`CROSS_SECTION_SD` ×
  min(1, x))²): the fit's own error scaled to the price, widened because a cross-section of listings confounds
  price with quality. Better listings charge more *and* convert better, so the fitted slope is too flat: the
  market is more elastic than β says (on the demo, whose true curves are known, β comes out 0.52–0.67 where
  the truth at typical prices is 0.86–1.0, about 0.3 too flat). That error is on β, so it scales with x below
  the median: 0.5 × x, which covers 0.3 × x, guards every raise. Above the median it can only hide a *more*
  elastic market, which makes a cut safer, not riskier (and a raise there is stopped above p75 by the rules
  of `core.pricing.advice`), so the widening stays at 0.5. A listing at twice its segment's median sees twice
  the elasticity of one at the median. A stored fit of the earlier log-log form, {elasticity,
  standardError}, is read as one elasticity b ± √(se² + 0.5²) at every price until the nightly job replaces
  it;
* each own past price change from p_a to p_b with at least `OWN_MIN_UNITS` units and `OWN_MIN_DAYS` days on
  both sides (at most `OWN_WINDOW_DAYS` each, stopping at the neighbouring change): the arc elasticity
  ln(r_b ÷ r_a) ÷ ln(p_b ÷ p_a) over the daily unit rates r, with sd √(1/U_a + 1/U_b) ÷ |ln(p_b ÷ p_a)|
  (Poisson counts).
Posterior mean = Σ(value × precision) ÷ Σprecision, sd = 1 ÷ √Σprecision; the mean is then held to
[`MOST_ELASTIC`, `LEAST_ELASTIC`] = [−4, −0.2] (a linear curve is only a local picture).

**Cautious target** (`cautious_target`): the model moves the price only as far as p* under an elasticity one
posterior sd *less favourable to the move* (e + sd for a cut, e − sd for a raise), and keeps p0 when that
cautious optimum is on the other side of p0. The expected change it reports is at the mean elasticity.

**Confidence** (0–100, `model_confidence`): 40 × min(1, U ÷ `FULL_UNITS`) for the units sold at the current
price + 20 × min(1, (n − 1) ÷ 29) for the segment's listings + 40 × max(0, 1 − sd ÷ `PRIOR_SD`) for how far the
evidence narrowed the elasticity; rounded half up; capped at `THIN_CONFIDENCE_CAP` (25) with fewer than
`THIN_UNITS` units at the current price or fewer than 5 listings. Each part rises with its evidence.

**Settling** (`SETTLE_DAYS` = 28): after any price change the product is measured at its new price for 28 days
before new advice (four full weeks: every weekday is seen four times, and ~30 % of a 90-day window).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from core.money import to_cents

PRIOR_ELASTICITY = -1.0
PRIOR_SD = 0.5
CROSS_SECTION_SD = 0.5
MOST_ELASTIC = -4.0
LEAST_ELASTIC = -0.2
OWN_MIN_UNITS = 10
OWN_MIN_DAYS = 14
OWN_WINDOW_DAYS = 28
SETTLE_DAYS = 28
DAYS_IN_MONTH = 30
FULL_UNITS = 60  # units at the current price for the full 40 points
THIN_UNITS = 10
THIN_LISTINGS = 5
THIN_CONFIDENCE_CAP = 25


# ---------------------------------------------------------------- the curve


def units_at(price: float, *, units: float, current: float, elasticity: float) -> float:
    """units(p) = u0 × max(0, 1 + e × (p − p0) ÷ p0)."""
    if current <= 0:
        return 0.0
    return units * max(0.0, 1.0 + elasticity * (price - current) / current)


def revenue_at(price: float, *, units: float, current: float, elasticity: float) -> float:
    """R(p) = p × units(p): expected monthly revenue at `price`."""
    return price * units_at(price, units=units, current=current, elasticity=elasticity)


def optimal_price(current: float, elasticity: float) -> float:
    """p* = p0 × (1 − 1/e) ÷ 2 (e < 0); for e ≥ 0 revenue grows without bound: +inf."""
    if elasticity >= 0:
        return math.inf
    return current * (1.0 - 1.0 / elasticity) / 2.0


def expected_change(new_price: Decimal, *, units: float, current: Decimal, elasticity: float) -> Decimal:
    """R(new) − R(p0) in money, to the cent (signed: negative is an expected loss)."""
    p0 = float(current)
    before = revenue_at(p0, units=units, current=p0, elasticity=elasticity)
    after = revenue_at(float(new_price), units=units, current=p0, elasticity=elasticity)
    return to_cents(after - before)


# ---------------------------------------------------------------- the elasticity


@dataclass(frozen=True)
class ElasticityEvidence:
    """One estimate of the elasticity with its standard deviation and where it came from."""

    source: str  # "prior", "segment", "own price change"
    value: float
    sd: float
    price_ratio: float | None = None  # the segment's evidence: p0 ÷ its median price (x)
    median_price: float | None = None  # the segment's evidence: its median price M


@dataclass(frozen=True)
class Elasticity:
    mean: float
    sd: float
    evidence: tuple[ElasticityEvidence, ...]

    @property
    def sources(self) -> list[str]:
        return [e.source for e in self.evidence]


def segment_evidence(demand_model: Mapping[str, Any] | None, price: float) -> ElasticityEvidence | None:
    """The nightly fit as evidence at `price` (module docstring): −β × x ± √((se × x)² + (0.5 × min(1, x))²)
    with x = price ÷ M for the semi-log form; b ± √(se² + 0.5²) for a stored log-log fit."""
    if not demand_model:
        return None
    ratio: float | None = None
    median: float | None = None
    try:
        se = float(demand_model["standardError"])
        if demand_model.get("form") == "semi-log":
            median = float(demand_model["medianPrice"])
            if not math.isfinite(median) or median <= 0 or price <= 0:
                return None
            ratio = float(price) / median
            value, se = -float(demand_model["slope"]) * ratio, se * ratio
        else:
            value = float(demand_model["elasticity"])
    except (KeyError, TypeError, ValueError):
        return None
    if not (math.isfinite(value) and math.isfinite(se)) or se < 0:
        return None
    confounding = CROSS_SECTION_SD * (1.0 if ratio is None else min(1.0, ratio))
    return ElasticityEvidence("segment", value, math.sqrt(se**2 + confounding**2), ratio, median)


@dataclass(frozen=True)
class PriceStep:
    """One past price change with the units sold around it (`own_evidence` turns it into an estimate)."""

    old_price: Decimal
    new_price: Decimal
    units_before: int
    days_before: int
    units_after: int
    days_after: int


def own_evidence(step: PriceStep) -> ElasticityEvidence | None:
    """The arc elasticity of one past change, or None with too few units or days on either side."""
    if (
        min(step.units_before, step.units_after) < OWN_MIN_UNITS
        or min(step.days_before, step.days_after) < OWN_MIN_DAYS
    ):
        return None
    if step.old_price <= 0 or step.new_price <= 0 or step.old_price == step.new_price:
        return None
    log_price = math.log(float(step.new_price) / float(step.old_price))
    rate_before = step.units_before / step.days_before
    rate_after = step.units_after / step.days_after
    value = math.log(rate_after / rate_before) / log_price
    sd = math.sqrt(1 / step.units_before + 1 / step.units_after) / abs(log_price)
    return ElasticityEvidence("own price change", value, sd)


def estimate_elasticity(
    demand_model: Mapping[str, Any] | None, steps: Iterable[PriceStep] = (), *, price: float
) -> Elasticity:
    """The posterior elasticity at `price`: prior, segment fit and own price changes by inverse variance
    (module docstring)."""
    evidence = [ElasticityEvidence("prior", PRIOR_ELASTICITY, PRIOR_SD)]
    segment = segment_evidence(demand_model, price)
    if segment is not None:
        evidence.append(segment)
    evidence.extend(e for e in (own_evidence(s) for s in steps) if e is not None)
    precision = sum(1 / e.sd**2 for e in evidence)
    mean = sum(e.value / e.sd**2 for e in evidence) / precision
    return Elasticity(mean=_bounded(mean), sd=1 / math.sqrt(precision), evidence=tuple(evidence))


def _bounded(elasticity: float) -> float:
    return min(LEAST_ELASTIC, max(MOST_ELASTIC, elasticity))


def cautious_target(current: float, elasticity: Elasticity) -> float:
    """The price the model moves toward: p* under e + sd for a cut, e − sd for a raise (each held to
    [`MOST_ELASTIC`, `LEAST_ELASTIC`]); p0 when the cautious optimum is on the other side of p0."""
    at_mean = optimal_price(current, elasticity.mean)
    if at_mean > current:
        return max(current, optimal_price(current, _bounded(elasticity.mean - elasticity.sd)))
    if at_mean < current:
        return min(current, optimal_price(current, _bounded(elasticity.mean + elasticity.sd)))
    return current


def supported_range(current: float, elasticity: Elasticity) -> tuple[float, float]:
    """The optima under e ± sd (each held to [`MOST_ELASTIC`, `LEAST_ELASTIC`]): the prices the evidence
    supports, lowest first."""
    a = optimal_price(current, _bounded(elasticity.mean + elasticity.sd))
    b = optimal_price(current, _bounded(elasticity.mean - elasticity.sd))
    return min(a, b), max(a, b)


# ---------------------------------------------------------------- the product's own evidence


@dataclass(frozen=True)
class Anchor:
    """The product's sales at its current price: since `since` (the anchor day) over `days` days."""

    since: date
    days: int
    units: int
    views: int
    purchases: int

    @property
    def monthly_units(self) -> float:
        return self.units * DAYS_IN_MONTH / self.days if self.days > 0 else 0.0

    @property
    def conversion(self) -> float | None:
        return self.purchases / self.views if self.views > 0 else None


def anchor_day(window: tuple[date, date], last_change: date | None) -> date:
    """The later of the window's first day and the day after the last price change (never after the window end)."""
    start = window[0] if last_change is None else max(window[0], last_change + timedelta(days=1))
    return min(start, window[1])


def settle_until(last_change: date | None, today: date) -> date | None:
    """The first day new advice is given after a price change on `last_change`; None when already settled."""
    if last_change is None:
        return None
    until = last_change + timedelta(days=SETTLE_DAYS)
    return until if today < until else None


# ---------------------------------------------------------------- confidence


def model_confidence(units_at_price: int, listings: int, elasticity_sd: float) -> int:
    """0–100 from the units at the current price, the segment's listings and the elasticity's sd (docstring)."""
    units_part = 40 * min(1.0, max(0, units_at_price) / FULL_UNITS)
    listings_part = 20 * min(1.0, max(0, listings - 1) / 29)
    precision_part = 40 * max(0.0, 1 - elasticity_sd / PRIOR_SD)
    total = math.floor(units_part + listings_part + precision_part + 0.5)
    if units_at_price < THIN_UNITS or listings < THIN_LISTINGS:
        total = min(total, THIN_CONFIDENCE_CAP)
    return max(0, min(100, total))


def confidence_words(score: int) -> str:
    """How sure, in words: ≥ 70 "fairly sure", ≥ 40 "moderately sure", else "not sure: thin evidence"."""
    if score >= 70:
        return "fairly sure"
    if score >= 40:
        return "moderately sure"
    return "not sure: thin evidence"


def price_steps(
    changes: Sequence[tuple[date, Decimal, Decimal]], daily_units: Mapping[date, int], today: date
) -> list[PriceStep]:
    """Past changes (day, old, new; oldest first) with the units sold up to `OWN_WINDOW_DAYS` on each side.

    Before: the days from max(change − 28, previous change + 1) to the day before the change; after: the days
    from the day after the change to min(change + 28, next change − 1, yesterday). The change day itself is
    mixed and left out.
    """
    steps = []
    for i, (day, old, new) in enumerate(changes):
        first = day - timedelta(days=OWN_WINDOW_DAYS)
        if i > 0:
            first = max(first, changes[i - 1][0] + timedelta(days=1))
        last = day + timedelta(days=OWN_WINDOW_DAYS)
        if i + 1 < len(changes):
            last = min(last, changes[i + 1][0] - timedelta(days=1))
        last = min(last, today - timedelta(days=1))
        before_days = (day - first).days
        after_days = (last - day).days
        if before_days <= 0 or after_days <= 0:
            continue
        before = sum(daily_units.get(first + timedelta(days=k), 0) for k in range(before_days))
        after = sum(daily_units.get(day + timedelta(days=k), 0) for k in range(1, after_days + 1))
        steps.append(PriceStep(old, new, before, before_days, after, after_days))
    return steps
