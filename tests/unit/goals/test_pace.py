"""Goal pace and formats (pure): expected progress, on/behind pace sentences, days remaining, default titles."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal as D
from zoneinfo import ZoneInfo

import pytest

from core.goals.rules import (
    days_remaining,
    default_title,
    end_of_day,
    expected_progress,
    format_dollars,
    format_goal_value,
    format_rating,
    goal_pace,
    progress_ratio,
)
from core.models import GoalType
from core.money import format_share

NOW = datetime(2026, 11, 21, 15, 0, tzinfo=UTC)
DEC_21 = end_of_day(date(2026, 12, 21), UTC)  # 30 days after Nov 21
R, S, P, RT = GoalType.REVENUE, GoalType.SALES, GoalType.PRODUCTS, GoalType.RATING


def pace(goal_type, target, current, *, created_at, deadline=DEC_21, now=NOW, tz=UTC):
    return goal_pace(goal_type, D(target), D(current), created_at=created_at, deadline=deadline, now=now, tz=tz)


# ---------------------------------------------------------------- expected progress


def test_expected_progress_is_elapsed_over_total_time() -> None:
    created = datetime(2026, 11, 1, tzinfo=UTC)
    deadline = datetime(2026, 12, 1, tzinfo=UTC)
    # 30 days in all; on Nov 16 00:00, 15 days are gone: 15 / 30 = 0.5.
    assert expected_progress(created, deadline, datetime(2026, 11, 16, tzinfo=UTC)) == 0.5
    assert expected_progress(created, deadline, created - timedelta(days=1)) == 0.0
    assert expected_progress(created, deadline, deadline + timedelta(days=3)) == 1.0
    assert expected_progress(deadline, deadline, deadline) == 1.0  # empty span


def test_progress_ratio_and_percent() -> None:
    assert progress_ratio(D("3100"), D("5000")) == 0.62
    assert progress_ratio(D("6000"), D("5000")) == 1.2  # uncapped
    assert progress_ratio(D("1"), D("0")) == 0.0
    assert format_share(0.615, places=0) == "62%"  # half up: goals show whole percents in the house format
    assert format_share(0.5449, places=0) == "54%"


# ---------------------------------------------------------------- sentences


def test_on_pace() -> None:
    # created 55 days before now, deadline 45 days after: expected 55 / 100 = 0.55; progress 3,100 / 5,000 = 0.62.
    created = NOW - timedelta(days=55)
    result = pace(R, "5000", "3100", created_at=created, deadline=NOW + timedelta(days=45))
    assert result.expected_progress == pytest.approx(0.55)
    assert result.on_pace is True
    assert result.sentence == "On pace: 62% done with 55% of the time gone."


def test_behind_pace_revenue_says_what_is_left_per_day() -> None:
    created = datetime(2026, 8, 1, tzinfo=UTC)
    result = pace(R, "5000", "3760", created_at=created)
    # total: Aug 1 00:00 → Dec 21 23:59:59 = 142 d + 86,399 s = 12,355,199 s;
    # elapsed: Aug 1 → Nov 21 15:00 = 112 d 15 h = 9,730,800 s; expected = 0.78759 > progress 0.752.
    assert result.expected_progress == pytest.approx(9_730_800 / 12_355_199)
    assert result.on_pace is False
    # 5,000 − 3,760 = 1,240 left over 30 days (Nov 21 → Dec 21): 41.33 a day → $41.
    assert result.sentence == "Behind pace: you'd need $1,240 more, about $41 a day until Dec 21."


def test_behind_pace_sales_per_day() -> None:
    result = pace(S, "120", "30", created_at=datetime(2026, 10, 1, tzinfo=UTC))
    # expected: Oct 1 → Nov 21 15:00 over Oct 1 → Dec 21 23:59:59, about 0.63 > 30/120 = 0.25.
    # 90 sales left over 30 days: 3 a day.
    assert result.sentence == "Behind pace: you'd need 90 more sales, about 3 a day until Dec 21."


def test_behind_pace_counts_below_one_a_day_are_per_week() -> None:
    result = pace(P, "5", "1", created_at=datetime(2026, 10, 1, tzinfo=UTC))
    # 4 products over 30 days = 0.133 a day < 1: per week 4 / 30 × 7 = 0.93 → 0.9.
    assert result.sentence == "Behind pace: you'd need 4 more products, about 0.9 a week until Dec 21."


def test_behind_pace_one_sale_left_is_singular() -> None:
    deadline = end_of_day(date(2026, 11, 23), UTC)
    result = pace(S, "10", "9", created_at=datetime(2026, 10, 1, tzinfo=UTC), deadline=deadline)
    # expected: 51.625 of 53.99999 days gone = 0.956 > 0.9 done.
    # 1 sale left, 2 days: 0.5 a day (fewer than 7 days left: stays per day).
    assert result.sentence == "Behind pace: you'd need 1 more sale, about 0.5 a day until Nov 23."


def test_behind_pace_small_money_keeps_cents() -> None:
    result = pace(R, "100", "10", created_at=datetime(2026, 10, 1, tzinfo=UTC))
    # 90 left over 30 days = $3.00 a day; $90 ≥ $10 is shown in whole dollars.
    assert result.sentence == "Behind pace: you'd need $90 more, about $3.00 a day until Dec 21."


def test_deadline_in_another_year_names_the_year() -> None:
    result = pace(
        R, "5000", "0", created_at=datetime(2026, 1, 1, tzinfo=UTC), deadline=end_of_day(date(2027, 3, 1), UTC)
    )
    # 5,000 over 100 days (Nov 21 → Mar 1: 9 + 31 + 31 + 28 + 1) = $50 a day.
    assert result.sentence == "Behind pace: you'd need $5,000 more, about $50 a day until Mar 1, 2027."


def test_behind_on_the_deadline_day() -> None:
    result = pace(
        R, "5000", "4000", created_at=datetime(2026, 10, 1, tzinfo=UTC), deadline=end_of_day(date(2026, 11, 21), UTC)
    )
    assert result.sentence == "Behind pace: you'd need $1,000 more by the end of today."


def test_past_the_deadline_waits_for_the_daily_check() -> None:
    result = pace(
        R, "5000", "4000", created_at=datetime(2026, 10, 1, tzinfo=UTC), deadline=end_of_day(date(2026, 11, 20), UTC)
    )
    assert result.expected_progress == 1.0
    assert result.on_pace is False
    assert result.sentence == "Deadline passed: the result is recorded at the next daily check."


def test_target_reached() -> None:
    result = pace(R, "5000", "5200", created_at=datetime(2026, 10, 1, tzinfo=UTC))
    assert result.on_pace is True
    assert result.sentence == "Target reached: $5,200 of $5,000. Anything more by Dec 21 is a bonus."


def test_just_created_is_on_pace() -> None:
    result = pace(S, "10", "0", created_at=NOW)
    assert (result.expected_progress, result.on_pace) == (0.0, True)
    assert result.sentence == "On pace: 0% done with 0% of the time gone."


def test_rating_pace_is_about_the_level() -> None:
    created = datetime(2026, 11, 20, tzinfo=UTC)  # little time gone: a level goal does not care
    on = pace(RT, "4.5", "4.6", created_at=created)
    assert (on.on_pace, on.sentence) == (True, "On target: your average rating is 4.6 ★, goal 4.5 ★.")
    behind = pace(RT, "4.5", "4.2", created_at=created)
    assert (behind.on_pace, behind.sentence) == (False, "Behind: your average rating is 4.2 ★, 0.3 ★ to go by Dec 21.")
    none = pace(RT, "4.5", "0", created_at=created)
    assert none.on_pace is False
    assert none.sentence == "No ratings yet: your 4.5 ★ goal counts once buyers rate your products."


# ---------------------------------------------------------------- days and formats


def test_days_remaining_in_the_sellers_days() -> None:
    assert days_remaining(DEC_21, NOW, UTC) == 30
    assert days_remaining(end_of_day(date(2026, 11, 21), UTC), NOW, UTC) == 0
    assert days_remaining(end_of_day(date(2026, 11, 1), UTC), NOW, UTC) == 0  # never negative
    # 2026-11-23 03:00 UTC is Nov 22 22:00 in New York, where NOW is Nov 21 10:00: 1 day (UTC would say 2).
    deadline = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
    assert days_remaining(deadline, NOW, ZoneInfo("America/New_York")) == 1
    assert days_remaining(deadline, NOW, UTC) == 2


@pytest.mark.parametrize(
    ("goal_type", "value", "text"),
    [
        (R, "5000", "$5,000"),
        (R, "5000.50", "$5,000.50"),
        (S, "1", "1 sale"),
        (S, "1200", "1,200 sales"),
        (P, "5", "5 products"),
        (RT, "4.50", "4.5 ★"),
        (RT, "4.25", "4.25 ★"),
        (RT, "5", "5.0 ★"),
    ],
)
def test_goal_values(goal_type: GoalType, value: str, text: str) -> None:
    assert format_goal_value(goal_type, D(value)) == text


def test_small_formats() -> None:
    assert format_dollars(D("41.33")) == "$41"
    assert format_dollars(D("4.5")) == "$4.50"
    assert format_rating(D("4.375")) == "4.38"


@pytest.mark.parametrize(
    ("goal_type", "target", "title"),
    [
        (R, "5000", "Revenue goal: $5,000 by Mar 1, 2027"),
        (S, "120", "Sales goal: 120 sales by Mar 1, 2027"),
        (P, "1", "Products goal: 1 new product by Mar 1, 2027"),
        (P, "5", "Products goal: 5 new products by Mar 1, 2027"),
        (RT, "4.5", "Rating goal: 4.5 ★ by Mar 1, 2027"),
    ],
)
def test_default_titles(goal_type: GoalType, target: str, title: str) -> None:
    assert default_title(goal_type, D(target), date(2027, 3, 1)) == title
