"""The PERFORMANCE finding reads the 12-month and 90-day trend before the last 30 days (`core.sales.trends`):
a collapsing seller is never told "up 8 %: keep it going". Numbers by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from core.insights.findings import ProductActivity
from core.insights.trend_findings import performance_finding
from core.models import InsightPriority
from core.sales.forecast import SalesForecast
from core.sales.trends import History, build_trend, trend_windows

W = trend_windows(date(2026, 12, 6))  # 12 months Dec 2025 – Nov 2026


def activity(pid: str, title: str, now: str, before: str) -> ProductActivity:
    return ProductActivity(pid, title, Decimal("20.00"), "USD", 0, 0, 0, Decimal(now), Decimal(before))


def with_trend(months: list[int], blocks: tuple[int, ...], first_sale: date) -> SalesForecast:
    cents = {m: v * 100 for m, v in zip(W.months, months, strict=True)}
    trend = build_trend(History(cents, {}, tuple(b * 100 for b in blocks), first_sale), W)
    return SalesForecast(
        30, None, False, "no forecast", None, None, None, (), (), None, None, None, None, None, trend=trend
    )


# The 30 days before were $760, the last 30 $822 (+8 %): the old rule said "up 8 %: keep it going".
DANA_30 = [activity("a", "Wedding planner", "500", "560"), activity("b", "Seating chart", "322", "200")]


def test_a_declining_seller_gets_the_decline_not_the_month() -> None:
    dana = with_trend(
        [20000, 36062, 30000, 25000, 20000, 15000, 11000, 8000, 6000, 4000, 3000, 2457],
        (9000, 17000, 48000, 75000, 0),
        date(2025, 12, 10),
    )
    finding = performance_finding(DANA_30, dana)
    assert finding is not None and finding.priority is InsightPriority.HIGH
    assert finding.key == "performance:forecast"  # the same insight is updated, not a second one
    assert finding.title == "Your revenue is 93% below its January peak"  # 2,457 ÷ 36,062 = 6.8 %
    assert "keep it going" not in finding.title + finding.description
    assert finding.description.startswith(
        "The last 90 days brought $9,000.00, 88% less than your best 90 days. The last 30 days brought $822.00 "
        "against $760.00 in the 30 before (+8%): one better month does not turn that trend."
    )
    # The product that fell most in the last 30 days: the planner, $500 against $560.
    assert "The biggest drop of the last 30 days: “Wedding planner”, $500.00 against $560.00." in finding.description
    assert [a["action"] for a in finding.action_items] == ["improve_listing", "see_forecast", "set_goal"]
    assert finding.meta["declining"] is True and finding.meta["comparison_90"] == "75000.00"


def test_a_rise_against_a_falling_quarter_is_not_kept_going() -> None:
    # 90 days: 8,000 against 10,000 (−20 %), not declining (8,000 ≥ 60 % of 10,000).
    falling = with_trend([800] * 12, (8000, 10000, 9000, 9000, 0), date(2025, 1, 1))
    assert falling.trend is not None and not falling.trend.declining
    finding = performance_finding(DANA_30, falling)
    assert finding is not None and finding.priority is InsightPriority.LOW
    assert finding.title == "Your revenue is up 8% on the previous 30 days, but down over 90 days"
    assert "Over 90 days the picture is different: $8,000.00 against $10,000.00 in the 90 days before (-20%)." in (
        finding.description
    )


def test_a_rise_on_a_rising_quarter_keeps_its_words() -> None:
    rising = with_trend([800] * 12, (11000, 10000, 9000, 9000, 0), date(2025, 1, 1))
    finding = performance_finding(DANA_30, rising)
    assert finding is not None and finding.title == "Your revenue is up 8% on the previous 30 days: keep it going"
