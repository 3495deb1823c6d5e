"""The first goal the Goals page fills in for a seller without goals, and deadline text parsing (pure)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal as D

import pytest

from core.goals.rules import MSG_DEADLINE_INVALID, parse_deadline
from core.goals.suggestion import suggest_first_goal
from core.models import GoalType

TODAY = date(2026, 11, 21)
DUE = date(2026, 12, 21)  # 30 days on


@pytest.mark.parametrize(
    ("revenue", "live", "expected"),
    [
        # $150.50 × 1.1 = $165.55 → up to the next $10: $170.
        (D("150.50"), 3, (GoalType.REVENUE, D(170))),
        # $499.99 × 1.1 = $549.989 → still $10 steps (under $500): $550.
        (D("499.99"), 3, (GoalType.REVENUE, D(550))),
        # $2,457 × 1.1 = $2,702.70 → $50 steps from $500: $2,750.
        (D("2457"), 3, (GoalType.REVENUE, D(2750))),
        (D("0"), 2, (GoalType.SALES, D(1))),
        (D("0"), 0, (GoalType.PRODUCTS, D(1))),
    ],
)
def test_first_goal(revenue: D, live: int, expected: tuple[GoalType, D]) -> None:
    suggestion = suggest_first_goal(revenue, live, today=TODAY)
    assert (suggestion.type, suggestion.target) == expected
    assert suggestion.deadline == DUE
    assert suggestion.revenue_30 == revenue


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2027-03-01", date(2027, 3, 1)),
        (" 2027-03-01 ", date(2027, 3, 1)),
        ("", None),
        (None, None),
        ("2027-3-1", MSG_DEADLINE_INVALID),
        ("2027/03/01", MSG_DEADLINE_INVALID),
        ("20270301", MSG_DEADLINE_INVALID),
        ("2027-02-29", MSG_DEADLINE_INVALID),  # not a leap year
        ("2027-03-01T00:00", MSG_DEADLINE_INVALID),
        (date(2027, 3, 1), date(2027, 3, 1)),
    ],
)
def test_parse_deadline(value: object, expected: object) -> None:
    assert parse_deadline(value) == expected  # type: ignore[arg-type]


def test_an_aware_moment_is_read_as_its_day_in_the_sellers_zone() -> None:
    moment = datetime(2027, 3, 1, 2, 0, tzinfo=UTC)  # 1 March 02:00 UTC = 28 February 21:00 at UTC−5
    assert parse_deadline(moment, timezone(timedelta(hours=-5))) == date(2027, 2, 28)
