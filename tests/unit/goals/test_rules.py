"""Goal validation (pure): every message, the deadline boundaries in the seller's days, the active-goal limit."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal as D
from zoneinfo import ZoneInfo

import pytest

from core.goals.rules import (
    MSG_DEADLINE_MISSING,
    MSG_DEADLINE_NOT_FUTURE,
    MSG_NOT_A_NUMBER,
    MSG_PRODUCTS_WHOLE,
    MSG_RATING_MAX,
    MSG_SALES_WHOLE,
    MSG_TARGET_MISSING,
    MSG_TARGET_NOT_POSITIVE,
    MSG_TARGET_TOO_LARGE,
    MSG_TITLE_TOO_LONG,
    MSG_TOO_MANY_ACTIVE,
    MSG_TOO_MANY_DECIMALS,
    MSG_TYPE,
    add_years,
    clean_title,
    end_of_day,
    latest_deadline,
    parse_goal_type,
    parse_target,
    target_amount,
    validate_goal,
)
from core.models import GoalType
from core.periods import require_aware

TODAY = date(2026, 11, 21)  # the day of tests.conftest.NOW
TOMORROW = date(2026, 11, 22)
R, S, P, RT = GoalType.REVENUE, GoalType.SALES, GoalType.PRODUCTS, GoalType.RATING


def errors(goal_type=R, target="5000", deadline=date(2027, 3, 1), *, active_count=0, title=None, **kw):
    return validate_goal(goal_type, target, deadline, today=TODAY, active_count=active_count, title=title, **kw)


def test_a_valid_goal_has_no_errors() -> None:
    assert errors() == {}


def test_the_messages_read_as_the_issue_asks() -> None:
    assert MSG_TARGET_NOT_POSITIVE == "Enter a target above 0."
    assert MSG_SALES_WHOLE == "Sales goals count whole sales: enter a whole number."
    assert MSG_RATING_MAX == "A rating goal can be at most 5.0."
    assert MSG_DEADLINE_NOT_FUTURE == "Pick a deadline after today."
    assert MSG_TOO_MANY_ACTIVE == "You have 10 active goals, the most at once: finish or cancel one first."
    assert MSG_TITLE_TOO_LONG == "Title can be at most 120 characters."
    assert MSG_NOT_A_NUMBER == "Enter a number."


# ---------------------------------------------------------------- type


@pytest.mark.parametrize("value", ["bogus", "", None, 3])
def test_an_unknown_type_is_refused(value: object) -> None:
    assert errors(goal_type=value) == {"type": MSG_TYPE}


@pytest.mark.parametrize(("value", "expected"), [("revenue", R), (" Sales ", S), ("RATING", RT), (P, P)])
def test_types_are_read_in_any_case(value: object, expected: GoalType) -> None:
    assert parse_goal_type(value) is expected  # type: ignore[arg-type]


# ---------------------------------------------------------------- target


@pytest.mark.parametrize(
    ("goal_type", "target", "message"),
    [
        (R, "abc", MSG_NOT_A_NUMBER),
        (R, "5,000 dollars", MSG_NOT_A_NUMBER),
        (R, True, MSG_NOT_A_NUMBER),
        (R, float("nan"), MSG_NOT_A_NUMBER),
        (R, float("inf"), MSG_NOT_A_NUMBER),
        (R, "NaN", MSG_NOT_A_NUMBER),
        (R, None, MSG_TARGET_MISSING),
        (R, "  ", MSG_TARGET_MISSING),
        (R, 0, MSG_TARGET_NOT_POSITIVE),
        (R, "-5", MSG_TARGET_NOT_POSITIVE),
        (R, D("0.00"), MSG_TARGET_NOT_POSITIVE),
        (R, "10000000000", MSG_TARGET_TOO_LARGE),
        (R, "10.005", MSG_TOO_MANY_DECIMALS),
        (S, "2.5", MSG_SALES_WHOLE),
        (S, 0.5, MSG_SALES_WHOLE),
        (P, "1.5", MSG_PRODUCTS_WHOLE),
        (RT, "5.01", MSG_RATING_MAX),
        (RT, 6, MSG_RATING_MAX),
        (RT, "4.555", MSG_TOO_MANY_DECIMALS),
        (RT, 0, MSG_TARGET_NOT_POSITIVE),
    ],
)
def test_target_messages(goal_type: GoalType, target: object, message: str) -> None:
    assert errors(goal_type=goal_type, target=target) == {"target_value": message}


@pytest.mark.parametrize(
    ("goal_type", "target"),
    [
        (R, "0.01"),
        (R, "$5,000.50"),
        (R, 19.99),
        (R, "9999999999.99"),
        (S, "3.00"),  # a whole number written with decimals is whole
        (S, 120),
        (P, D("5")),
        (RT, "5.0"),
        (RT, 4.25),
    ],
)
def test_acceptable_targets(goal_type: GoalType, target: object) -> None:
    assert errors(goal_type=goal_type, target=target) == {}


def test_parse_target_reads_floats_through_their_short_form() -> None:
    assert parse_target(19.99) == D("19.99")
    assert parse_target("$1,240") == D("1240")


def test_an_unknown_type_still_gets_the_target_checked() -> None:
    assert errors(goal_type="bogus", target="-1") == {"type": MSG_TYPE, "target_value": MSG_TARGET_NOT_POSITIVE}


# ---------------------------------------------------------------- deadline


def test_deadline_today_is_refused_tomorrow_accepted() -> None:
    assert errors(deadline=TODAY) == {"deadline": MSG_DEADLINE_NOT_FUTURE}
    assert errors(deadline=date(2026, 1, 1)) == {"deadline": MSG_DEADLINE_NOT_FUTURE}
    assert errors(deadline=TOMORROW) == {}


def test_deadline_exactly_two_years_on_is_accepted_one_day_more_refused() -> None:
    assert latest_deadline(TODAY) == date(2028, 11, 21)
    assert errors(deadline=date(2028, 11, 21)) == {}
    assert errors(deadline=date(2028, 11, 22)) == {
        "deadline": "Pick a deadline within two years (on or before 2028-11-21)."
    }


def test_a_missing_deadline() -> None:
    assert errors(deadline=None) == {"deadline": MSG_DEADLINE_MISSING}


def test_two_years_from_29_february_ends_on_28_february() -> None:
    assert add_years(date(2028, 2, 29), 2) == date(2030, 2, 28)
    assert add_years(date(2026, 3, 1), 2) == date(2028, 3, 1)


def test_a_datetime_deadline_is_read_as_its_day_in_the_sellers_zone() -> None:
    new_york = ZoneInfo("America/New_York")
    # 2026-11-22 03:00 UTC is 22:00 on Nov 21 in New York: that is "today" there, refused.
    late = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)
    assert errors(deadline=late, tz=new_york) == {"deadline": MSG_DEADLINE_NOT_FUTURE}
    # In UTC the same moment is on Nov 22, tomorrow: accepted.
    assert errors(deadline=late, tz=UTC) == {}


def test_a_day_deadline_means_the_end_of_that_day_in_the_zone() -> None:
    assert end_of_day(date(2027, 3, 1), UTC) == datetime(2027, 3, 1, 23, 59, 59, tzinfo=UTC)
    # New York is UTC−5 in March before DST (DST starts 2027-03-14): 23:59:59 there is 04:59:59 UTC next day.
    assert end_of_day(date(2027, 3, 1), ZoneInfo("America/New_York")) == datetime(2027, 3, 2, 4, 59, 59, tzinfo=UTC)


# ---------------------------------------------------------------- title and limit


def test_title_boundaries() -> None:
    assert errors(title="x" * 120) == {}
    assert errors(title="x" * 121) == {"title": MSG_TITLE_TOO_LONG}
    # Whitespace runs are collapsed before counting: 60 + 1 + 59 = 120 characters.
    assert errors(title="a" * 60 + "     " + "b" * 59) == {}


def test_clean_title() -> None:
    assert clean_title("  Holiday   push ") == "Holiday push"
    assert clean_title("   ") is None
    assert clean_title(None) is None


def test_ten_active_goals_are_the_most() -> None:
    assert errors(active_count=9) == {}
    assert errors(active_count=10) == {"goal": MSG_TOO_MANY_ACTIVE}


def test_all_problems_are_reported_at_once() -> None:
    found = errors(goal_type=S, target="1.5", deadline=TODAY, active_count=10, title="t" * 200)
    assert found == {
        "target_value": MSG_SALES_WHOLE,
        "deadline": MSG_DEADLINE_NOT_FUTURE,
        "title": MSG_TITLE_TOO_LONG,
        "goal": MSG_TOO_MANY_ACTIVE,
    }


def test_target_amount_is_to_the_cent_and_refuses_text() -> None:
    assert target_amount("$5,000") == D("5000.00")
    assert target_amount(4.5) == D("4.50")
    with pytest.raises(ValueError, match=r"Enter a number\."):
        target_amount("lots")


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        require_aware(datetime(2026, 11, 21, 15, 0))
    require_aware(datetime(2026, 11, 21, 15, 0, tzinfo=UTC))
