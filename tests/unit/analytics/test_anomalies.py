"""The pure anomaly detector on hand-built series: a drop, a spike, a flat series, a weekly seasonal series with
noise, small volumes, a rate with its denominator, and the severity by distance; expected, low and high by hand.
Relative to the marketplace: the market index, a subject following a surge (not flagged), spiking on a flat market
(flagged), flat while the market doubles (not flagged; at zero, an info drop), and the scan's skip of quiet subjects
against the detector run on every subject.

Series end on Sat Nov 21, 2026 and run 10 weeks, so each of the 14 judged days has its 8 same weekdays before it.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from core.analytics.anomalies import detect_anomalies, market_index, robust_range, severity_of
from core.analytics.anomaly_scan import KEEP, detect_subjects
from core.models.enums import AlertSeverity
from core.periods import Window

LAST = date(2026, 11, 21)  # a Saturday
DAYS = 70


def series(value: float = 100.0, **changes: float) -> list[tuple[date, float]]:
    """`DAYS` days of `value` ending on LAST; `changes` maps "d<n>" (n days before LAST) to another value."""
    out = []
    for back in range(DAYS - 1, -1, -1):
        out.append((LAST - timedelta(days=back), changes.get(f"d{back}", value)))
    return out


def test_a_flat_series_has_nothing() -> None:
    assert detect_anomalies(series(100.0), metric="orders") == []


def test_a_drop_on_a_flat_series_with_the_range_by_hand() -> None:
    # Expected 100; MAD 0, so the floor: max(10 % of 100, √100 = 10, 1) = 10. Range 100 ± 3 × 10 = 70–130.
    # 60 is 4 spreads below: info. 129 (yesterday) is inside the range.
    (found,) = detect_anomalies(series(100.0, d0=60.0, d1=129.0), metric="orders")
    assert (found.day, found.kind, found.severity) == (LAST, "drop", AlertSeverity.INFO)
    assert (found.value, found.expected, found.low, found.high) == (60.0, 100.0, 70.0, 130.0)
    assert found.sentence == "Orders on Sat Nov 21, 2026: 60, expected 70–130 for a Saturday"
    assert found.distance == pytest.approx(4.0)


@pytest.mark.parametrize(
    ("value", "kind", "severity"),
    [
        (131.0, "spike", AlertSeverity.INFO),  # 3.1 spreads
        (145.0, "spike", AlertSeverity.WARNING),  # 4.5
        (160.0, "spike", AlertSeverity.CRITICAL),  # 6
        (55.0, "drop", AlertSeverity.WARNING),  # 4.5
        (40.0, "drop", AlertSeverity.CRITICAL),  # 6
    ],
)
def test_severity_by_distance(value: float, kind: str, severity: AlertSeverity) -> None:
    (found,) = detect_anomalies(series(100.0, d3=value), metric="orders")
    assert (found.day, found.kind, found.severity) == (LAST - timedelta(days=3), kind, severity)


def test_the_severity_thresholds() -> None:
    assert [severity_of(d) for d in (2.99, 3.0, 4.49, 4.5, 5.99, 6.0)] == [
        None, AlertSeverity.INFO, AlertSeverity.INFO, AlertSeverity.WARNING, AlertSeverity.WARNING,
        AlertSeverity.CRITICAL,
    ]  # fmt: skip


def test_the_spread_from_the_median_absolute_deviation() -> None:
    # History 100 110 90 105 95 120 80 100: median 100; |deviations| 0 10 10 5 5 20 20 0 → median 7.5;
    # spread 1.4826 × 7.5 = 11.1195 (above the floor of 10). 150 is 4.497 spreads away (info), 151 4.587 (warning).
    history = [100.0, 110.0, 90.0, 105.0, 95.0, 120.0, 80.0, 100.0]
    expected, spread = robust_range(history, count=True)
    assert (expected, spread) == (100.0, pytest.approx(11.1195))

    def with_history(value: float) -> list[tuple[date, float]]:
        rows = dict(series(100.0))
        for week, v in enumerate(history, start=1):
            rows[LAST - timedelta(weeks=week)] = v
        rows[LAST] = value
        return sorted(rows.items())

    (info,) = detect_anomalies(with_history(150.0), metric="orders")
    assert (info.severity, info.expected, info.high) == (AlertSeverity.INFO, 100.0, pytest.approx(133.3585))
    assert info.low == pytest.approx(66.6415)
    assert info.sentence == "Orders on Sat Nov 21, 2026: 150, expected 67–133 for a Saturday"
    (warning,) = detect_anomalies(with_history(151.0), metric="orders")
    assert warning.severity == AlertSeverity.WARNING


def test_a_weekly_seasonal_series_with_noise_has_nothing() -> None:
    rng = random.Random(7)
    base = {5: 300.0, 6: 320.0}  # Saturdays and Sundays sell three times a weekday
    rows = [(d, base.get(d.weekday(), 100.0) + rng.uniform(-5, 5)) for d, _ in series()]
    assert detect_anomalies(rows, metric="orders") == []
    # The same Saturday value is normal for a Saturday and a spike on a weekday (the same-weekday rule).
    friday = LAST - timedelta(days=1)
    (found,) = detect_anomalies([(d, 300.0 if d == friday else v) for d, v in rows], metric="orders")
    assert (found.day, found.kind, found.severity) == (friday, "spike", AlertSeverity.CRITICAL)


def test_small_volumes_never_alarm() -> None:
    # 5 a day, 15 on the last: 10 above, √5 = 2.236 spreads → 4.47 spreads, but neither 15 nor 5 reaches 20.
    assert detect_anomalies(series(5.0, d0=15.0), metric="orders") == []
    (found,) = detect_anomalies(series(5.0, d0=15.0), metric="orders", min_volume=10)
    assert (found.kind, found.severity, found.expected) == ("spike", AlertSeverity.INFO, 5.0)


def test_a_rate_is_judged_by_its_denominator() -> None:
    # Conversion 2.00 % flat: spread max(5 % of min(2.0, 98.0), 0.1) = 0.1, range 1.70 %–2.30 %; 1.50 % is 5 spreads
    # below.
    rows = series(2.0, d0=1.5)
    few = {d: 100.0 for d, _ in rows}  # 100 visitors a day: below the minimum of 200
    many = {d: 1000.0 for d, _ in rows}
    assert detect_anomalies(rows, metric="conversion", volume=few, min_volume=200, min_spread=0.1) == []
    (found,) = detect_anomalies(rows, metric="conversion", volume=many, min_volume=200, min_spread=0.1)
    assert (found.kind, found.severity) == ("drop", AlertSeverity.WARNING)
    assert (found.low, found.high) == (pytest.approx(1.7), pytest.approx(2.3))
    assert found.sentence == "Conversion on Sat Nov 21, 2026: 1.50%, expected 1.70%–2.30% for a Saturday"


def test_a_high_rate_is_floored_on_its_complement() -> None:
    # Checkout abandonment 60 % flat: spread 5 % of min(60, 40) = 2 points (not 10 % of 60 = 6), range 54 %–66 %.
    carts = {d: 5000.0 for d, _ in series(60.0)}
    (outage,) = detect_anomalies(series(60.0, d0=76.0), metric="checkout_abandonment", volume=carts, min_volume=50)
    assert (outage.kind, outage.severity) == ("spike", AlertSeverity.CRITICAL)  # 16 points = 8 spreads
    assert (outage.low, outage.high) == (pytest.approx(54.0), pytest.approx(66.0))
    (mild,) = detect_anomalies(series(60.0, d0=67.0), metric="checkout_abandonment", volume=carts, min_volume=50)
    assert mild.severity == AlertSeverity.INFO  # 7 points = 3.5 spreads
    assert detect_anomalies(series(60.0, d0=65.0), metric="checkout_abandonment", volume=carts, min_volume=50) == []
    expected, spread = robust_range([60.0] * 8, rate=True, min_spread=0.5)
    assert (expected, spread) == (60.0, pytest.approx(2.0))


def test_money_is_written_in_the_money_format() -> None:
    # GMV $1,000 a day: spread 10 % = $100 (no count noise for money); $500 is 5 spreads below: warning.
    (found,) = detect_anomalies(series(1000.0, d0=500.0), metric="gmv")
    assert found.severity == AlertSeverity.WARNING
    assert found.sentence == "GMV on Sat Nov 21, 2026: $500.00, expected $700.00–$1,300.00 for a Saturday"


def test_only_the_last_14_days_are_judged_and_short_histories_not_at_all() -> None:
    assert detect_anomalies(series(100.0, d14=20.0), metric="orders") == []  # 15 days back: history only
    (found,) = detect_anomalies(series(100.0, d13=20.0), metric="orders")
    assert found.day == LAST - timedelta(days=13)
    # Three weeks of history: fewer than 4 same weekdays before any judged day.
    short = [(d, v) for d, v in series(100.0, d0=20.0) if d > LAST - timedelta(days=28)]
    assert detect_anomalies(short, metric="orders") == []
    assert detect_anomalies([], metric="orders") == []


def test_a_floor_keeps_a_flat_history_from_alarming_on_a_small_move() -> None:
    # Without the floor, MAD 0 would make 101 against 100 infinitely far away.
    assert detect_anomalies(series(100.0, d0=101.0), metric="orders") == []
    assert detect_anomalies(series(1000.0, d0=1200.0), metric="gmv") == []  # 2 spreads of $100


# --------------------------------------------------------------------------- relative to the marketplace


def test_the_market_index_by_hand() -> None:
    # Market flat at 1,000 with 2,000 on the last day: index 2,000 / 1,000 = 2.0 there, 1.0 on the 13 other
    # judged days; only the 14 judged days get an index; without 4 same weekdays of history, 1.0.
    index = market_index(series(1000.0, d0=2000.0))
    assert index == {LAST - timedelta(days=back): 2.0 if back == 0 else 1.0 for back in range(14)}
    short = [(d, v) for d, v in series(1000.0, d0=2000.0) if d > LAST - timedelta(days=28)]
    assert set(market_index(short).values()) == {1.0}
    assert market_index(series(0.0)) == {LAST - timedelta(days=back): 1.0 for back in range(14)}  # median 0
    assert market_index([]) == {}


def test_a_subject_that_follows_a_marketplace_surge_is_not_flagged() -> None:
    # Units 100 a day, 200 on the last day while the whole market doubles (index 2.0): the history scaled by 2 has
    # median 200 — exactly the value. Judged alone, the same day is 4 spreads of max(25 % of 100, √100) = 25 above.
    subject = series(100.0, d0=200.0)
    market = market_index(series(5000.0, d0=10000.0))
    assert detect_anomalies(subject, metric="units", floor_share=0.25, market=market) == []
    (alone,) = detect_anomalies(subject, metric="units", floor_share=0.25)
    assert (alone.kind, alone.severity, alone.expected) == ("spike", AlertSeverity.INFO, 100.0)


def test_a_subject_that_spikes_while_the_market_is_flat_is_flagged() -> None:
    # Market flat (index 1.0): expected 100, spread max(25 % × 100 = 25, √100 = 10) = 25, range 25–175;
    # 260 is (260 − 100) / 25 = 6.4 spreads above: critical. The sentence says it was judged against the market.
    market = market_index(series(5000.0))
    (found,) = detect_anomalies(series(100.0, d0=260.0), metric="units", floor_share=0.25, market=market)
    assert (found.kind, found.severity) == ("spike", AlertSeverity.CRITICAL)
    assert (found.expected, found.low, found.high) == (100.0, 25.0, 175.0)
    assert found.sentence == (
        "Units sold on Sat Nov 21, 2026: 260, expected 25–175 for a Saturday, given the marketplace's day (as usual)"
    )


def test_a_seller_flat_while_the_market_doubles_is_a_drop_only_when_it_falls_below_a_quarter() -> None:
    # Revenue $200 a day; the market doubles on the last day (index 2.0): expected $400, spread 25 % = $100,
    # range $100–$700. Staying at $200 is 2 spreads below: not flagged (the rule: a relative drop needs a value
    # below 400 − 3 × 100 = $100). Falling to $0 is 4 spreads below: an info drop.
    market = market_index(series(5000.0, d0=10000.0))
    assert detect_anomalies(series(200.0), metric="revenue", floor_share=0.25, min_volume=100, market=market) == []
    assert detect_anomalies(series(200.0, d0=101.0), metric="revenue", floor_share=0.25, market=market) == []
    (found,) = detect_anomalies(series(200.0, d0=0.0), metric="revenue", floor_share=0.25, market=market)
    assert (found.kind, found.severity, found.expected, found.low, found.high) == (
        "drop", AlertSeverity.INFO, 400.0, 100.0, 700.0
    )  # fmt: skip
    assert found.sentence == (
        "Revenue on Sat Nov 21, 2026: $0.00, expected $100.00–$700.00 for a Saturday, given the marketplace's day "
        "(+100.0%)"
    )


def test_the_minimum_volume_applies_to_the_scaled_expected_value() -> None:
    # $60 a day, $0 on the last day: alone, neither 0 nor 60 reaches $100 — not judged. With the market at 2.0 the
    # expected value is $120 (spread $30): judged, (120 − 0) / 30 = 4 spreads below, an info drop.
    market = market_index(series(5000.0, d0=10000.0))
    assert detect_anomalies(series(60.0, d0=0.0), metric="revenue", floor_share=0.25, min_volume=100) == []
    (found,) = detect_anomalies(series(60.0, d0=0.0), metric="revenue", floor_share=0.25, min_volume=100, market=market)
    assert (found.kind, found.severity, found.expected) == ("drop", AlertSeverity.INFO, 120.0)


def test_the_scan_skips_only_subjects_that_cannot_alarm() -> None:
    # `detect_subjects` (the scan's fast path) against the detector run on every subject, on random sellers with
    # quiet days: some below the minimum volume everywhere, some steady at $60–$99 (never $100 alone, but judged
    # when the market index lifts their expected value over it), and a random market index up to 1.8.
    rng = random.Random(19)
    loaded = Window(LAST - timedelta(days=DAYS - 1), LAST)
    levels = [rng.choice(((0, 40), (60, 99), (0, 150), (50, 600))) for _ in range(300)]
    matrix = {
        f"s{n}": {d: round(rng.uniform(low, high), 2) if rng.random() < 0.9 else 0.0 for d in loaded.each_day()}
        for n, (low, high) in enumerate(levels)
    }
    market = {LAST - timedelta(days=back): rng.uniform(0.6, 1.8) for back in range(14)}
    keep = {"drop": AlertSeverity.INFO, "spike": AlertSeverity.INFO}
    fast = detect_subjects(matrix, loaded, scope="seller", metric="revenue", keep=keep, market=market)
    raw = []
    for subject, days in matrix.items():
        first = min(days)
        rows = [(d, days.get(d, 0.0)) for d in loaded.each_day() if d >= first]
        raw += [
            (subject, a.day, a.kind)
            for a in detect_anomalies(rows, metric="revenue", min_volume=100, floor_share=0.25, market=market)
        ]
    assert [(f.subject_id, f.anomaly.day, f.anomaly.kind) for f in fast] == raw
    assert any(kind == "drop" for _, _, kind in raw) and any(kind == "spike" for _, _, kind in raw)
    # Warning and above for spikes (as the scan stores them): the info spikes go, the drops stay.
    strict = detect_subjects(matrix, loaded, scope="seller", metric="revenue", keep=KEEP["seller"], market=market)
    assert [(f.subject_id, f.anomaly.day, f.anomaly.kind, f.anomaly.severity) for f in strict] == [
        (f.subject_id, f.anomaly.day, f.anomaly.kind, f.anomaly.severity)
        for f in fast
        if f.anomaly.kind == "drop" or f.anomaly.severity != AlertSeverity.INFO
    ]


def test_one_sale_of_a_shop_that_usually_sells_nothing_is_not_a_spike() -> None:
    # A shop at $0 every day sells one $122 template on the last day: expected $0, spread max(MAD 0, 25 % of 0,
    # $1) = $1 — 122 spreads, critical. With one average sale ($122) as the least spread: 1 spread, nothing.
    # Five such sales ($610) are 5 spreads: a warning spike, stored.
    loaded = Window(LAST - timedelta(days=DAYS - 1), LAST)
    quiet = {d: 0.0 for d, _ in series()}
    one = {"shop": {**quiet, LAST: 122.0}}
    (alone,) = detect_subjects(one, loaded, scope="seller", metric="revenue", keep=KEEP["seller"])
    assert alone.anomaly.severity == AlertSeverity.CRITICAL
    assert (
        detect_subjects(one, loaded, scope="seller", metric="revenue", keep=KEEP["seller"], min_spreads={"shop": 122.0})
        == []
    )
    five = {"shop": {**quiet, LAST: 610.0}}
    (found,) = detect_subjects(
        five, loaded, scope="seller", metric="revenue", keep=KEEP["seller"], min_spreads={"shop": 122.0}
    )
    assert (found.anomaly.kind, found.anomaly.severity, found.anomaly.high) == ("spike", AlertSeverity.WARNING, 366.0)
