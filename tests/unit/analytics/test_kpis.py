"""Operator KPI windows, rates, changes and flags: pure functions of core.analytics.kpis."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from core.analytics.kpis import EventTotals, KpiValue, build_kpis, build_traffic, kpi_windows, percent_value

NOW = datetime(2026, 11, 21, 15, 0, tzinfo=UTC)


def test_today_is_local_midnight_to_now_against_the_same_hours_yesterday() -> None:
    current, previous = kpi_windows("today", now=NOW, tz=UTC)
    assert (current.start, current.end) == (datetime(2026, 11, 21, tzinfo=UTC), NOW)
    assert (previous.start, previous.end) == (
        datetime(2026, 11, 20, tzinfo=UTC),
        datetime(2026, 11, 20, 15, tzinfo=UTC),
    )


def test_today_in_another_time_zone() -> None:
    # 15:00 UTC is 10:00 in New York (EST, UTC−5): today = 05:00 UTC to now; yesterday 05:00–15:00 UTC.
    current, previous = kpi_windows("today", now=NOW, tz=ZoneInfo("America/New_York"))
    assert current.start == datetime(2026, 11, 21, 5, tzinfo=UTC)
    assert (previous.start, previous.end) == (
        datetime(2026, 11, 20, 5, tzinfo=UTC),
        datetime(2026, 11, 20, 15, tzinfo=UTC),
    )
    # Just after midnight in Tokyo (UTC+9): 15:30 UTC = 00:30 on Nov 22 local -> a 30-minute "today".
    tokyo_now = datetime(2026, 11, 21, 15, 30, tzinfo=UTC)
    current, previous = kpi_windows("today", now=tokyo_now, tz=ZoneInfo("Asia/Tokyo"))
    assert (current.start, previous.start, previous.end) == (
        datetime(2026, 11, 21, 15, tzinfo=UTC),
        datetime(2026, 11, 20, 15, tzinfo=UTC),
        datetime(2026, 11, 20, 15, 30, tzinfo=UTC),
    )


def test_today_after_a_dst_change_compares_the_same_wall_clock_hours() -> None:
    # Europe/Berlin left summer time on Sunday 2026-10-25 (03:00 CEST -> 02:00 CET). On Monday at 12:00 CET
    # (11:00 UTC) yesterday's 00:00–12:00 local was 22:00 UTC (Oct 24) to 11:00 UTC: 13 hours long.
    now = datetime(2026, 10, 26, 11, tzinfo=UTC)
    current, previous = kpi_windows("today", now=now, tz=ZoneInfo("Europe/Berlin"))
    assert current.start == datetime(2026, 10, 25, 23, tzinfo=UTC)
    assert (previous.start, previous.end) == (
        datetime(2026, 10, 24, 22, tzinfo=UTC),
        datetime(2026, 10, 25, 11, tzinfo=UTC),
    )


@pytest.mark.parametrize(("window", "days"), [("7d", 7), ("28d", 28)])
def test_rolling_windows_are_24_hour_multiples_ending_now(window: str, days: int) -> None:
    current, previous = kpi_windows(window, now=NOW, tz=ZoneInfo("Europe/Berlin"))
    assert (current.end - current.start).total_seconds() == days * 86400
    assert (current.end, previous.end, previous.end - previous.start) == (
        NOW,
        current.start,
        current.end - current.start,
    )


def test_unknown_window_and_naive_now_are_refused() -> None:
    with pytest.raises(ValueError, match="window"):
        kpi_windows("30d", now=NOW, tz=UTC)
    with pytest.raises(ValueError, match="timezone-aware"):
        kpi_windows("7d", now=datetime(2026, 11, 21), tz=UTC)


def test_percent_rounds_half_up_and_is_none_without_a_denominator() -> None:
    assert percent_value(1, 8) == 12.5
    assert percent_value(1, 800) == 0.13  # 0.125 rounds up (round() would give 0.12)
    assert percent_value(2, 3) == 66.67
    assert percent_value(0, 0) is None


def test_kpi_changes() -> None:
    assert KpiValue("k", "K", 15, 10, "count").change == 5
    assert KpiValue("k", "K", 15, 10, "count").change_pct == 50.0
    assert KpiValue("k", "K", 5, 0, "count").change_pct is None  # nothing to compare with
    assert KpiValue("k", "K", 5, 0, "count").change == 5
    assert KpiValue("k", "K", None, 10.0, "percent").change is None
    assert KpiValue("k", "K", Decimal("7.50"), Decimal("10.00"), "money").change_pct == -25.0


def test_build_kpis_from_totals() -> None:
    now = EventTotals(
        signups=8,
        learners_activated=2,
        gmv_cents=Decimal(10001),
        commission_cents=Decimal("1500.15"),
        purchases=3,
        buyers=2,
        emails_sent=7,  # the outbox's sent messages: shown, not the bounce rate's denominator
        emails_tracked=200,
        emails_bounced=5,
    )
    before = EventTotals(signups=0, emails_sent=3, emails_tracked=100, emails_bounced=2)
    k = build_kpis(now, before)
    assert list(k)[:4] == ["new_signups", "new_creator_signups", "learner_activation", "creator_activation"]
    assert (k["learner_activation"].value, k["learner_activation"].previous) == (25.0, None)  # 2/8; 0 signups
    # GMV 10001 cents = 100.01; AOV 100.01 / 3 = 33.336… -> 33.34; commission 1500.15 cents -> 15.00 (half-up).
    assert (k["gmv"].value, k["aov"].value, k["platform_revenue"].value) == (
        Decimal("100.01"),
        Decimal("33.34"),
        Decimal("15.00"),
    )
    assert k["aov"].previous is None
    assert (k["emails_sent"].value, k["emails_sent"].previous) == (7, 3)
    # Bounce 5/200 delivery reports = 2.5 % flagged; 2/100 = 2 % (the previous window) is not above the limit.
    assert (k["bounce_rate"].value, k["bounce_rate"].flagged) == (2.5, True)
    assert not build_kpis(before, now)["bounce_rate"].flagged


def test_traffic_shares_are_sorted_by_current_share() -> None:
    shares = build_traffic([("tiktok", 1, 3), ("google", 3, 1), ("email", 1, 0)], total_current=5, total_previous=4)
    assert [(t.label, t.value, t.previous) for t in shares] == [
        ("google", 60.0, 25.0),
        ("tiktok", 20.0, 75.0),  # ties on 20 %: the bigger previous share first
        ("email", 20.0, 0.0),
    ]
    assert build_traffic([], 0, 0) == []
