"""The revenue trend (`core.sales.trends`): windows, 12 months, a year earlier, the best month, 90 days, the
declining rule at its boundary, the verdict, a segment's monthly growth — every expected value computed by hand."""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal

import pytest

from core.periods import Window
from core.sales.trends import (
    History,
    build_trend,
    complete_months,
    growth_supported,
    is_declining,
    monthly_growth,
    run_rate_per_day,
    trend_windows,
)

TODAY = date(2026, 12, 6)  # the last complete day is Dec 5, 2026; the last complete month November
W = trend_windows(TODAY)
MONTHS = W.months  # Dec 2025 … Nov 2026


def history(
    dollars: list[int | str],
    blocks: tuple[int | str, ...],
    first_sale: date | None,
    earlier: list[int | str] | None = None,
) -> History:
    """Monthly revenue in dollars for the 12 months (and optionally the 12 before), the five 90-day blocks."""
    cents = {m: round(Decimal(str(v)) * 100) for m, v in zip(MONTHS, dollars, strict=True)}
    if earlier is not None:
        cents |= {m: round(Decimal(str(v)) * 100) for m, v in zip(W.earlier_months, earlier, strict=True)}
    units = {m: 1 for m in cents}
    return History(cents, units, tuple(round(Decimal(str(b)) * 100) for b in blocks), first_sale)


def test_the_windows_of_a_day_in_december() -> None:
    assert W.as_of == date(2026, 12, 5)
    assert MONTHS[0] == date(2025, 12, 1) and MONTHS[-1] == date(2026, 11, 1) and len(MONTHS) == 12
    assert W.earlier_months[0] == date(2024, 12, 1) and W.earlier_months[-1] == date(2025, 11, 1)
    # Dec 5 − 89 days = Sep 7; each block is the 90 days before the next; a year earlier is 365 days back.
    assert W.blocks == (
        Window(date(2026, 9, 7), date(2026, 12, 5)),
        Window(date(2026, 6, 9), date(2026, 9, 6)),
        Window(date(2026, 3, 11), date(2026, 6, 8)),
        Window(date(2025, 12, 11), date(2026, 3, 10)),
        Window(date(2025, 9, 7), date(2025, 12, 5)),
    )
    assert W.first_day == date(2024, 12, 1) and W.first_block_day == date(2025, 9, 7)
    assert complete_months(date(2026, 1, 1), 2) == [date(2025, 11, 1), date(2025, 12, 1)]


# Dana, as the issue tells her story: $36,062 in January, $2,457 in November; she opened on Dec 10, 2025.
DANA = history(
    [20000, 36062, 30000, 25000, 20000, 15000, 11000, 8000, 6000, 4000, 3000, 2457],
    (9000, 17000, 48000, 75000, 0),
    date(2025, 12, 10),
)


def test_a_collapsing_seller_is_declining_and_told_so_plainly() -> None:
    t = build_trend(DANA, W)
    assert [p.revenue for p in t.months][:2] == [Decimal("20000.00"), Decimal("36062.00")]
    assert t.revenue_12_months == Decimal("180519.00")
    assert (t.revenue_year_earlier, t.change_vs_year_earlier) == (None, None)  # she did not sell a year earlier
    assert t.peak_month == date(2026, 1, 1)
    # 2,457 ÷ 36,062 = 0.068132… ; (2,457 − 36,062) ÷ 36,062 = −93.187… %
    assert t.share_of_peak == Decimal("0.0681") and t.change_vs_best_month == Decimal("-93.2")
    # 90 days: 9,000 against 17,000 = −47.058… %
    assert (t.last_90, t.previous_90, t.change_90_days) == (Decimal("9000.00"), Decimal("17000.00"), Decimal("-47.1"))
    # Under a year of history: compared with the best 90-day block, 75,000; 9,000 < 60 % × 75,000 = 45,000.
    assert (t.decline_base, t.best_90, t.year_earlier_90) == ("best_90_days", Decimal("75000.00"), None)
    assert t.declining is True and t.far_below_peak is True
    # 1 − 9,000 ÷ 75,000 = 0.88
    assert t.verdict == (
        "Revenue is 93% below its January peak: the last 90 days brought $9,000.00, 88% less than your best 90 days."
    )
    assert growth_supported(t) is False and run_rate_per_day(t) == Decimal(100)


def test_a_growing_seller_is_at_its_high() -> None:
    t = build_trend(
        history([100, 200, 300, 400, 500, 600, 700, 800, 900, 1000, 1100, 1200], (3300, 2400, 1500, 500, 0), None),
        W,
    )
    assert t.peak_month == date(2026, 11, 1) and t.share_of_peak == Decimal("1.0000")
    assert t.change_vs_best_month == Decimal("0.0") and t.change_90_days == Decimal("37.5")  # 3,300 ÷ 2,400 − 1
    assert t.declining is False and growth_supported(t) is True
    assert t.verdict == "Revenue is at its 12-month high: November was your best month."


def test_a_seller_with_a_year_of_history_is_compared_with_the_same_season() -> None:
    # First sale in 2024: the same 90 days a year earlier (Sep 7 – Dec 5, 2025) are the comparison.
    months = [1000] * 12
    earlier = [500] * 12
    # 5,999.99 < 60 % × 10,000: declining, although the last 90 days are the best block of the year.
    t = build_trend(history(months, ("5999.99", 3000, 3000, 3000, 10000), date(2024, 6, 1), earlier), W)
    assert (t.decline_base, t.comparison_90, t.declining) == ("year_earlier", Decimal("10000.00"), True)
    assert (t.revenue_year_earlier, t.change_vs_year_earlier) == (Decimal("6000.00"), Decimal("100.0"))
    # Exactly 60 % is not a decline (the rule says "under").
    t = build_trend(history(months, (6000, 3000, 3000, 3000, 10000), date(2024, 6, 1), earlier), W)
    assert t.declining is False
    # A first sale on the first day of the year-earlier 90 days still counts as a year of history …
    assert build_trend(history(months, (5999, 3000, 3000, 3000, 10000), date(2025, 9, 7)), W).decline_base == (
        "year_earlier"
    )
    # … a day later it does not: the best 90 days (here the last ones) are the comparison.
    late = build_trend(history(months, (5999, 3000, 3000, 3000, 10000), date(2025, 9, 8)), W)
    assert (late.decline_base, late.declining) == ("best_90_days", False)


def test_under_a_year_of_history_the_best_90_days_decide() -> None:
    # Opened in August 2026: four months of sales, the best 90 days are the last ones.
    young = [0] * 8 + [1000, 2000, 2000, 1500]
    t = build_trend(history(young, (5200, 1300, 0, 0, 0), date(2026, 8, 3)), W)
    assert (t.decline_base, t.best_90, t.declining) == ("best_90_days", Decimal("5200.00"), False)
    assert t.change_90_days == Decimal("300.0")  # 5,200 ÷ 1,300 − 1
    assert t.peak_month == date(2026, 10, 1)  # equal months: the later one is the peak
    assert t.verdict == "Revenue is up 300% on the 90 days before."
    # The same shop a quarter later, fallen to 3,100 against a best block of 5,200: 3,100 < 3,120.
    fallen = build_trend(history(young, (3100, 5200, 1300, 0, 0), date(2026, 8, 3)), W)
    assert fallen.declining is True and fallen.comparison_90 == Decimal("5200.00")


def test_no_sale_at_all() -> None:
    t = build_trend(history([0] * 12, (0, 0, 0, 0, 0), None), W)
    assert (t.peak_month, t.share_of_peak, t.declining, t.change_90_days) == (None, None, False, Decimal("0.0"))
    assert t.verdict == "No sales in the last 12 months."


@pytest.mark.parametrize(
    ("last", "base", "expected"),
    [(Decimal("59.99"), Decimal(100), True), (Decimal(60), Decimal(100), False), (Decimal(0), Decimal(0), False)],
)
def test_the_declining_rule_at_its_boundary(last: Decimal, base: Decimal, expected: bool) -> None:
    assert is_declining(last, base) is expected
    assert is_declining(last, None) is False


def test_a_segment_growth_from_its_own_history() -> None:
    # Eleven complete months after the first sale's month, growing 5 % a month: the fit finds exactly 5 %.
    grow = [0] + [round(1000 * 1.05**i, 6) for i in range(11)]
    cents = {m: v * 100 for m, v in zip(MONTHS, grow, strict=True)}
    fit = monthly_growth(History(cents, {}, (0, 0, 0, 0, 0), date(2025, 12, 20)), W)
    assert fit.method == "12_month_fit" and fit.months_used == 11 and fit.rate == pytest.approx(0.05)
    # A year of history: (12,100 ÷ 10,000)^(1/12) − 1, season against season.
    yoy = monthly_growth(History({}, {}, (1_210_000, 0, 0, 0, 1_000_000), date(2024, 1, 1)), W)
    assert yoy.method == "year_over_year" and yoy.rate == pytest.approx(1.21 ** (1 / 12) - 1)
    assert yoy.rate == pytest.approx(0.016012, abs=1e-6)
    # Five months, or a month without a sale, are not enough to tell.
    short = {m: 100_000 for m in MONTHS[7:]}
    assert monthly_growth(History(short, {}, (0, 0, 0, 0, 0), date(2026, 6, 15)), W).rate is None
    gap = {m: 100_000 for m in MONTHS} | {MONTHS[5]: 0}
    assert monthly_growth(History(gap, {}, (0, 0, 0, 0, 0), date(2025, 1, 1)), W).rate is None
    assert monthly_growth(History({}, {}, (0, 0, 0, 0, 0), None), W).method == "unknown"


def test_a_holiday_peak_is_not_a_trend() -> None:
    """A flat segment with the demo's holiday peak: 30 days against 30 reads +50 %, the 12-month fit ~0 %."""
    flat = [100_000] * 11 + [150_000]  # November 50 % above every other month
    fit = monthly_growth(History(dict(zip(MONTHS, flat, strict=True)), {}, (0,) * 5, date(2025, 11, 1)), W)
    # slope of ln over 0..11 with one bump at the end: Σ(i − 5.5)·ln1.5 / Σ(i − 5.5)² = 5.5·0.405465 / 143
    assert fit.rate == pytest.approx(math.exp(5.5 * math.log(1.5) / 143) - 1)
    assert fit.rate < 0.02


def test_a_segment_launch_is_not_a_trend() -> None:
    """A market that filled up with its first sellers: 100 and 300 (under half the median month, 1,000) are its
    launch and left out; the ten months after it are flat, so the growth is 0 %, not the launch's rise."""
    opening = [100, 300] + [1000] * 10
    cents = {m: v * 100 for m, v in zip(MONTHS, opening, strict=True)}
    fit = monthly_growth(History(cents, {}, (0,) * 5, date(2025, 11, 3)), W)
    assert (fit.method, fit.months_used, fit.rate) == ("12_month_fit", 10, 0.0)
