"""The forecast's likely ranges (80 %), from the chosen method's own backtest errors (issue 21).

Pure. For every past origin of the backtest (`core.sales.methods`), the error of the chosen method's total over the
next `h` days is measured as a share of what that origin's level would give in `h` days:

    error = (actual total − forecast total) ÷ (level at the origin × h)

so errors made when the shop sold $10 a day and when it sold $100 a day can be pooled. The range of a projected
total over `h` days is the projection + the 10th and 90th percentiles of those errors × today's level × h (at
least $0). Each projected day gets the same from the daily errors of the days at the same distance (days 1–30,
31–60 or 61–90 ahead). No normal curve is assumed: the range is as lopsided as the errors were.

- An error beyond ±100 % of the level (a launch, a one-off month) counts as ±100 %, so one extraordinary period
  cannot make the range useless; exceptional single days already count at the spike cap.
- Fewer than 9 checked origins at a horizon: the smallest and largest of the few errors there are (and at least
  0) are widened by half, and the explanation says so. Fewer than 3: the 30-day errors, widened by √(h ÷ 30);
  none at all: ±50 % of the level.
- `coverage`: how often the actual 30-day total of a past origin fell inside the range built the same way from the
  errors of the origins before it whose 30 days had passed (out of sample), the range's own measured hit rate.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from core.sales.methods import Origin

SHARE_OUTSIDE = 0.10  # an 80 % range: 10 % of outcomes below it, 10 % above
ERROR_LIMIT = 1.0  # an error counts for at most ±100 % of the level
MIN_MEASURED = 9  # errors at a horizon for the ranks as they are: with 9, min and max hold 8/10 = 80 %
MIN_ORIGINS = 3  # … below this, borrow the 30-day errors
FEW_ORIGINS_WIDENING = 1.5
FALLBACK = 0.5  # ±50 % of the level when nothing could be checked
DAY_BLOCK = 30  # daily errors are pooled by 30-day distance blocks

MEASURED = "measured"
WIDENED = "widened"  # too few origins: percentiles widened by half
BORROWED = "borrowed"  # from the 30-day errors, widened by √(h ÷ 30)
FIXED = "fixed"  # nothing checked: ±50 %


@dataclass(frozen=True)
class Spread:
    """The 10th and 90th percentile errors (shares of level × days) for one horizon, and how they were reached."""

    horizon: int
    low: float
    high: float
    origins: int  # past origins whose errors were used
    how: str  # MEASURED, WIDENED, BORROWED or FIXED

    def bounds(self, projected: float, level: float, days: int) -> tuple[float, float]:
        """The range around a projected amount over `days` days when today's level is `level`."""
        return max(0.0, projected + self.low * level * days), max(0.0, projected + self.high * level * days)


@dataclass(frozen=True)
class Coverage:
    inside: int
    checked: int

    @property
    def share(self) -> float | None:
        return self.inside / self.checked if self.checked else None


def total_errors(origins: Sequence[Origin], method: str, days: int) -> list[float]:
    """One error per origin with `days` checked days after it (most recent first)."""
    errors = []
    for o in origins:
        if len(o.actual) >= days and o.level > 0:
            error = (sum(o.actual[:days]) - sum(o.forecasts[method][:days])) / (o.level * days)
            errors.append(_limit(error))
    return errors


def day_errors(origins: Sequence[Origin], method: str, block: int) -> list[float]:
    """Daily errors (shares of the level) of the days `block`·30 + 1 … (`block` + 1)·30 ahead, from every origin."""
    errors = []
    for o in origins:
        if o.level <= 0:
            continue
        for h in range(block * DAY_BLOCK, min(len(o.actual), (block + 1) * DAY_BLOCK)):
            errors.append(_limit((o.actual[h] - o.forecasts[method][h]) / o.level))
    return errors


def ranks(count: int) -> int:
    """k: the range runs from the k-th smallest to the k-th largest of `count` errors, k = round(10 % × (count + 1)).

    A new period like the past ones falls between them with probability (count + 1 − 2k) ÷ (count + 1) (for 18
    errors k = 2: 15/19 = 79 %), so the range promises what it holds even with few errors; the plain 10th and 90th
    percentiles of 18 errors would hold only about 70 % (measured on real series, issue 21).
    """
    return max(1, round(SHARE_OUTSIDE * (count + 1)))


def spread(errors: Sequence[float], horizon: int, base: Spread | None = None) -> Spread:
    """The k-th smallest and largest of `errors` (`ranks`), widened when few; `base` (30 days) when fewer than 3."""
    ordered = sorted(errors)
    if len(ordered) >= MIN_MEASURED:
        k = ranks(len(ordered))
        return Spread(horizon, ordered[k - 1], ordered[-k], len(ordered), MEASURED)
    if len(ordered) >= MIN_ORIGINS:
        low, high = min(ordered[0], 0.0), max(ordered[-1], 0.0)
        return Spread(horizon, low * FEW_ORIGINS_WIDENING, high * FEW_ORIGINS_WIDENING, len(ordered), WIDENED)
    if base is not None and base.how != FIXED:
        widening = math.sqrt(horizon / base.horizon)
        return Spread(horizon, base.low * widening, base.high * widening, base.origins, BORROWED)
    return Spread(horizon, -FALLBACK, FALLBACK, 0, FIXED)


def total_spread(origins: Sequence[Origin], method: str, days: int) -> Spread:
    base = spread(total_errors(origins, method, DAY_BLOCK), DAY_BLOCK)
    if days == DAY_BLOCK:
        return base
    return spread(total_errors(origins, method, days), days, base)


def day_spreads(origins: Sequence[Origin], method: str, days: int) -> list[Spread]:
    """One spread per 30-day block of the projection."""
    spreads: list[Spread] = []
    for block in range(math.ceil(days / DAY_BLOCK)):
        base = spreads[0] if spreads else None
        spreads.append(spread(day_errors(origins, method, block), DAY_BLOCK * (block + 1), base))
    return spreads


def coverage(origins: Sequence[Origin], method: str, days: int = DAY_BLOCK) -> Coverage:
    """Out of sample: each past origin's actual total against the range built the same way from only the origins
    whose checked days had all passed by then (what was known at that origin); origins with fewer than 3 such
    earlier ones are not counted. The windows of neighbouring origins overlap, so a range judged against the others
    (leave-one-out) would look better than it is (measured on real series, issue 21: 78 % claimed, 38–81 % held).
    """
    usable = [o for o in origins if len(o.actual) >= days and o.level > 0]
    inside = checked = 0
    for origin in usable:
        known = [o for o in usable if o.index + days <= origin.index]
        if len(known) < MIN_ORIGINS:
            continue
        judged = spread(total_errors(known, method, days), days)
        (error,) = total_errors([origin], method, days)
        inside += judged.low <= error <= judged.high
        checked += 1
    return Coverage(inside, checked)


def _limit(error: float) -> float:
    return min(max(error, -ERROR_LIMIT), ERROR_LIMIT)
