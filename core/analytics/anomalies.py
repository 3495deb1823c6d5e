"""Anomaly detection over a daily series (pure): a day whose value leaves the range its weekday usually has.

Rules (issue 19, "Anomaly detection"):

* **Days checked**: the last `days` (14) days of the series (the series ends on the last complete day).
* **Expected**: the median of the same weekday in the previous `WEEKS` (8) weeks (days missing from the series
  are left out; fewer than `MIN_HISTORY` (4) such days and the day is not judged).
* **Spread**: 1.4826 × the median absolute deviation of those 8 values (the MAD scaled to a normal standard
  deviation), floored at `max(floor_share × |expected|, √expected for counts, min_spread)`: `FLOOR_SHARE` (10 %)
  of the expected value by default (noisier subjects pass more), the Poisson noise of a count, and never less
  than `min_spread` (1 unit by default). Without the floor a perfectly flat history (MAD 0) would alarm on a
  move of one unit. A **rate** (a percent) is floored at `RATE_FLOOR_SHARE` (5 %) of the smaller of the rate and
  its complement (100 − rate) instead: a rate's noise is symmetric in p and 1 − p, and 10 % of a 60 % checkout
  abandonment (6 points) would hide checkout completion falling from 41 % to 25 % (abandonment +16 points, 2.7
  spreads) — a checkout outage. So abandonment at ~59 % has a floor of 2 points (info, warning and critical from
  about +6, +9 and +12 points), conversion at ~4 % a floor of 0.2 points.
* **Range**: expected ± `K_INFO` (3) × spread. A value outside it is an anomaly: `drop` below, `spike` above.
* **Severity** by the distance from the expected value, in spreads: ≥ 3 info, ≥ 4.5 warning, ≥ 6 critical.
* **Minimum volume**: a day is judged only when its volume (the value itself, or the denominator of a rate given
  in `volume`) or the expected value reaches `min_volume`: 3 orders against an expected 1 is noise, not news.
* **Sentence**: "Orders on Tue Dec 1, 2026: 412, expected 560–690 for a Tuesday", in the one day format
  (`core.periods.format_day`) and the one money format when the metric is money.

**Relative to the marketplace** (one product's units, one seller's revenue): when the whole marketplace ramps up,
an 8-week same-weekday median lags behind every subject at once, and a scan that calls 90 % of sellers anomalous is
not read. So a subject's day is judged against the marketplace's own movement that day:

* **Market index** of a judged day (`market_index`): the marketplace's value that day ÷ its expected value (the
  same-weekday median of the 8 weeks before, as above); 1.0 when it has fewer than `MIN_HISTORY` such days or
  the expected value is not positive. GMV's index judges seller revenue, the marketplace units' index product units.
* **Scaled history**: the subject's 8 same-weekday values are multiplied by the judged day's index before the
  median and MAD are taken — the expected value and the MAD scale with it, and the floors (share, √count,
  `min_spread`) and the minimum volume then apply to the scaled expected value. (Multiplying by the judged day's
  index, rather than dividing each history day by its own, needs only the judged days' indexes: the loaded 9 weeks
  hold no history for the oldest days' own indexes.)
* A subject that merely follows a marketplace-wide surge therefore stays inside its range; one that spikes while
  the market is flat is flagged as before; one that stays flat while the market doubles sits 2 spreads below its
  doubled expected value under a 25 % floor and is not flagged — only a fall below a quarter of the scaled
  expected value is a (relative) drop.
* The sentence says so: "… expected 12–20 for a Thursday, given the marketplace's day (+60.0%)".
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from statistics import median

from core.models.enums import AlertSeverity
from core.money import format_money, format_percent
from core.periods import format_day

WEEKS = 8
MIN_HISTORY = 4
DAYS = 14
MAD_SCALE = 1.4826
FLOOR_SHARE = 0.10
RATE_FLOOR_SHARE = 0.05
K_INFO = 3.0
K_WARNING = 4.5
K_CRITICAL = 6.0


@dataclass(frozen=True)
class MetricSpec:
    """How a metric is named and written: `unit` is "money", "count" or "percent"."""

    key: str
    label: str
    unit: str = "count"


METRICS: dict[str, MetricSpec] = {
    spec.key: spec
    for spec in (
        MetricSpec("gmv", "GMV", "money"),
        MetricSpec("orders", "Orders"),
        MetricSpec("signups", "Signups"),
        MetricSpec("conversion", "Conversion", "percent"),
        MetricSpec("checkout_abandonment", "Checkout abandonment", "percent"),
        MetricSpec("units", "Units sold"),
        MetricSpec("revenue", "Revenue", "money"),
    )
}


@dataclass(frozen=True)
class Anomaly:
    """One day out of its expected range."""

    metric: str
    day: date
    kind: str  # "drop" | "spike"
    severity: AlertSeverity
    value: float
    expected: float
    low: float
    high: float
    sentence: str

    @property
    def distance(self) -> float:
        """How far the value is from the expected one, in spreads (the severity's measure)."""
        spread = (self.high - self.expected) / K_INFO
        return abs(self.value - self.expected) / spread if spread else 0.0


def spec_of(metric: str) -> MetricSpec:
    """The metric's spec; an unknown metric is a count labelled from its key."""
    return METRICS.get(metric) or MetricSpec(metric, metric.replace("_", " ").capitalize())


def format_value(value: float, unit: str) -> str:
    """A metric value in the house formats: money, a percent with two decimals, or a whole count."""
    if unit == "money":
        return format_money(Decimal(str(round(value, 2))))
    if unit == "percent":
        return format_percent(Decimal(str(value)), places=2)
    return f"{round(value):,}"


def robust_range(
    history: Iterable[float],
    *,
    min_spread: float = 1.0,
    floor_share: float | None = None,
    count: bool = False,
    rate: bool = False,
) -> tuple[float, float]:
    """(expected, spread): the median and the floored 1.4826 × MAD of `history` (rules: module docstring); `rate`:
    the values are percents, floored on the smaller of the rate and its complement (`floor_share` by default
    `RATE_FLOOR_SHARE` for rates, `FLOOR_SHARE` otherwise)."""
    values = list(history)
    expected = median(values)
    mad = median(abs(v - expected) for v in values)
    poisson = math.sqrt(max(expected, 0.0)) if count else 0.0
    if rate:
        share = RATE_FLOOR_SHARE if floor_share is None else floor_share
        relative = share * min(abs(expected), max(100.0 - expected, 0.0))
    else:
        relative = (FLOOR_SHARE if floor_share is None else floor_share) * abs(expected)
    spread = max(MAD_SCALE * mad, relative, poisson, min_spread)
    return expected, spread


def severity_of(distance: float) -> AlertSeverity | None:
    """The severity of a value `distance` spreads from the expected one (None: inside the range)."""
    if distance >= K_CRITICAL:
        return AlertSeverity.CRITICAL
    if distance >= K_WARNING:
        return AlertSeverity.WARNING
    if distance >= K_INFO:
        return AlertSeverity.INFO
    return None


def sentence(
    spec: MetricSpec,
    day: date,
    value: float,
    low: float,
    high: float,
    subject: str = "",
    *,
    market: float | None = None,
) -> str:
    """ "Orders on Tue Dec 1, 2026: 412, expected 560–690 for a Tuesday" (subject, when given, leads);
    judged relative to the marketplace (`market`: the day's index), it ends ", given the marketplace's day (+60.0%)"
    ("as usual" at 0.0%)."""
    label = f"{spec.label} of {subject}" if subject else spec.label
    low_text, high_text = format_value(max(low, 0.0), spec.unit), format_value(high, spec.unit)
    text = (
        f"{label} on {day:%a} {format_day(day)}: {format_value(value, spec.unit)}, "
        f"expected {low_text}–{high_text} for a {day:%A}"
    )
    if market is None:
        return text
    move = format_percent(Decimal(str(round((market - 1) * 100, 1))), signed=True)
    return f"{text}, given the marketplace's day ({'as usual' if move == '0.0%' else move})"


def market_index(daily: Iterable[tuple[date, float | int | Decimal]], *, days: int = DAYS) -> dict[date, float]:
    """day -> the marketplace's value ÷ its same-weekday 8-week median, for the last `days` days of `daily`
    (1.0 without `MIN_HISTORY` such days or with a median ≤ 0; rules: module docstring)."""
    series = {day: float(value) for day, value in daily}
    if not series:
        return {}
    last = max(series)
    index: dict[date, float] = {}
    for offset in range(days):
        day = last - timedelta(days=offset)
        if day not in series:
            continue
        history = [series[d] for w in range(1, WEEKS + 1) if (d := day - timedelta(weeks=w)) in series]
        expected = median(history) if len(history) >= MIN_HISTORY else 0.0
        index[day] = series[day] / expected if expected > 0 else 1.0
    return index


def detect_anomalies(
    daily: Iterable[tuple[date, float | int | Decimal]],
    *,
    metric: str,
    min_volume: float = 20.0,
    days: int = DAYS,
    volume: Mapping[date, float] | None = None,
    min_spread: float = 1.0,
    floor_share: float | None = None,
    subject: str = "",
    market: Mapping[date, float] | None = None,
) -> list[Anomaly]:
    """The anomalies among the last `days` days of `daily` (rules: module docstring), oldest first.

    `daily` is (day, value) per day; a day missing from it is not judged and not used as history (give zero days
    explicitly when a day without activity means zero). `volume` (rates) maps a day to its denominator. `market`
    (a subject judged relative to the marketplace: `market_index`) maps a day to the index its history is scaled by
    (a day missing from it: 1.0).
    """
    series = {day: float(value) for day, value in daily}
    if not series:
        return []
    spec = spec_of(metric)
    last = max(series)
    found: list[Anomaly] = []
    for offset in range(days - 1, -1, -1):
        day = last - timedelta(days=offset)
        if day not in series:
            continue
        history = [series[d] for w in range(1, WEEKS + 1) if (d := day - timedelta(weeks=w)) in series]
        if len(history) < MIN_HISTORY:
            continue
        value = series[day]
        index = market.get(day, 1.0) if market is not None else 1.0
        if index != 1.0:
            history = [h * index for h in history]
        expected, spread = robust_range(
            history,
            min_spread=min_spread,
            floor_share=floor_share,
            count=spec.unit == "count",
            rate=spec.unit == "percent",
        )
        size = volume.get(day, 0.0) if volume is not None else value
        size_expected = median(volume.get(day - timedelta(weeks=w), 0.0) for w in range(1, WEEKS + 1)) if volume else 0
        if max(size, size_expected if volume is not None else expected) < min_volume:
            continue
        distance = abs(value - expected) / spread
        severity = severity_of(distance)
        if severity is None:
            continue
        low, high = max(expected - K_INFO * spread, 0.0), expected + K_INFO * spread  # no metric is negative
        found.append(
            Anomaly(
                metric=metric,
                day=day,
                kind="drop" if value < expected else "spike",
                severity=severity,
                value=value,
                expected=expected,
                low=low,
                high=high,
                sentence=sentence(spec, day, value, low, high, subject, market=index if market is not None else None),
            )
        )
    return found
