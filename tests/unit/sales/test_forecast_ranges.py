"""The forecast's 80 % ranges from the chosen method's own backtest errors (`core.sales.ranges`), computed by hand."""

from __future__ import annotations

import pytest

from core.sales import ranges
from core.sales.methods import Origin


def origin(actual: list[float], forecast: list[float], level: float = 100.0) -> Origin:
    return Origin(index=60, level=level, scale=10.0, actual=tuple(actual), forecasts={"m": tuple(forecast)})


def test_ranks_keep_80_percent_for_the_number_of_errors_there_are():
    # k = round(0.1 × (m + 1)): a new error falls between the k-th smallest and k-th largest with (m + 1 − 2k)/(m + 1).
    assert ranges.ranks(9) == 1  # 8/10 = 80 %
    assert ranges.ranks(18) == 2  # 15/19 = 79 %
    assert ranges.ranks(29) == 3  # 24/30 = 80 %
    assert ranges.ranks(540) == 54


def test_a_total_error_is_a_share_of_the_level_times_the_days_and_limited_to_100_percent():
    # Level 100 over 2 days = 200: sold 240 against 200 forecast → +20 %; sold 0 against 200 → −100 %;
    # sold 900 against 100 (a launch) → +400 %, counted as +100 %.
    origins = [origin([120, 120], [100, 100]), origin([0, 0], [100, 100]), origin([450, 450], [50, 50])]
    assert ranges.total_errors(origins, "m", 2) == [pytest.approx(0.2), -1.0, 1.0]
    assert ranges.total_errors(origins, "m", 3) == []  # no origin has 3 checked days


def test_nine_or_more_errors_give_the_kth_smallest_and_largest():
    errors = [0.05 * i - 0.2 for i in range(10)]  # −0.20 … +0.25; k = round(1.1) = 1
    spread = ranges.spread(errors, 30)
    assert (spread.low, spread.high) == (pytest.approx(-0.2), pytest.approx(0.25))
    assert (spread.origins, spread.how) == (10, "measured")
    # Around a $3,000 projection at a $100 level over 30 days: 3000 − 0.2 × 3000 = 2400, 3000 + 0.25 × 3000 = 3750.
    assert spread.bounds(3000.0, 100.0, 30) == (pytest.approx(2400.0), pytest.approx(3750.0))
    assert spread.bounds(100.0, 100.0, 30) == (0.0, pytest.approx(850.0))  # never below $0


def test_few_errors_are_widened_by_half_and_none_give_a_stated_50_percent():
    few = ranges.spread([0.1, 0.2, 0.3], 30)  # all above 0: the low end stays at 0, the high end 0.3 × 1.5
    assert (few.low, few.high, few.how) == (0.0, pytest.approx(0.45), "widened")
    assert ranges.spread([0.1, 0.2], 30).how == "fixed"
    assert (ranges.spread([], 30).low, ranges.spread([], 30).high) == (-0.5, 0.5)
    # 90 days with fewer than 3 errors borrow the 30-day spread, widened by √(90/30).
    base = ranges.spread([0.1 * i - 0.4 for i in range(9)], 30)  # −0.4 … +0.4
    borrowed = ranges.spread([], 90, base)
    assert (borrowed.low, borrowed.high, borrowed.how) == (
        pytest.approx(-0.4 * 3**0.5),
        pytest.approx(0.4 * 3**0.5),
        "borrowed",
    )


def test_coverage_judges_each_origin_only_by_the_origins_whose_30_days_had_passed():
    # Ten origins a week apart (days 34, 41, … 97), 30-day errors e (every day at 100 × (1 + e) against 100).
    errors = [0.0, 0.1, -0.1, 0.05, 0.2, 0.0, 0.0, 0.3, -0.05, -0.4]
    origins = [
        Origin(34 + 7 * i, 100.0, 10.0, tuple([100 * (1 + e)] * 30), {"m": tuple([100.0] * 30)})
        for i, e in enumerate(errors)
    ]
    assert ranges.total_errors(origins, "m", 30) == pytest.approx(errors)
    # An origin is known at origin i when its 30 days ended by then: 5 weeks (35 days) earlier or more, so origin i
    # knows origins 0 … i − 5; with at least 3 known only origins 7, 8 and 9 are judged, each by a widened range.
    # 7 (+0.30): known 0, +0.1, −0.1 → −0.15 … +0.15, outside. 8 (−0.05): known also +0.05 → same range, inside.
    # 9 (−0.40): known also +0.2 → −0.15 … +0.30, outside.
    assert ranges.coverage(origins, "m") == ranges.Coverage(1, 3)
    assert ranges.Coverage(8, 10).share == 0.8 and ranges.Coverage(0, 0).share is None


def test_daily_errors_are_pooled_by_30_day_blocks():
    first = origin([110.0] * 30 + [50.0] * 30, [100.0] * 60)
    assert ranges.day_errors([first], "m", 0) == [pytest.approx(0.1)] * 30
    assert ranges.day_errors([first], "m", 1) == [pytest.approx(-0.5)] * 30
    assert ranges.day_errors([first], "m", 2) == []
