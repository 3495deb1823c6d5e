"""funnel_for on SQLite and PostgreSQL: the learner and creator funnels of seed 004 over factory events,
with the counts worked out by hand."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from core.analytics.funnel_queries import funnel_for
from core.analytics.funnels import CREATOR_FUNNEL, LEARNER_FUNNEL
from tests.conftest import NOW
from tests.factories import add_event

START = NOW - timedelta(days=28)
END = NOW
H = timedelta(hours=1)
D = timedelta(days=1)


def _events(session: Session, person: str, *steps: tuple[str, timedelta]) -> None:
    for event_type, offset in steps:
        add_event(session, person_id=person, event_type=event_type, occurred_at=START + offset)


def test_learner_funnel_counts_people_who_entered_in_the_range(session: Session) -> None:
    _events(session, "L1", ("page_view", D), ("signup", D + H), ("purchase", 2 * D), ("return_week_2", 9 * D))
    _events(session, "L2", ("page_view", 2 * D), ("signup", 2 * D + 2 * H))
    _events(session, "L3", ("page_view", 3 * D), ("purchase", 3 * D + H))  # no signup: step 1 only
    _events(session, "L4", ("page_view", -D), ("signup", H))  # visited before the range: not in the funnel
    # L5 visits an hour before the end and signs up 2 days after it: inside the 14-day window, counts
    _events(session, "L5", ("page_view", 28 * D - H), ("signup", 30 * D))
    _events(session, "L6", ("page_view", 29 * D), ("signup", 29 * D + H))  # visited after the range
    _events(session, "L7", ("page_view", 5 * D), ("signup", 25 * D))  # signup 20 days later: outside the window
    _events(session, "C1", ("creator_started", 2 * D + 3 * H))  # a creator event: not a learner step

    result = funnel_for(session, name="learner", start=START, end=END)

    # visit: L1 L2 L3 L5 L7 = 5; signup: L1 L2 L5 = 3; purchase: L1 = 1; return week 2: L1 = 1
    assert [s.count for s in result.steps] == [5, 3, 1, 1]
    assert [s.name for s in result.steps] == LEARNER_FUNNEL.event_types
    assert [s.label for s in result.steps] == ["Visit", "Signup", "First purchase", "Return week 2"]
    # from first: 5/5, 3/5, 1/5, 1/5; from previous: 5/5, 3/5, 1/3 = 33.33, 1/1
    assert [s.conversion_from_first for s in result.steps] == [100.0, 60.0, 20.0, 20.0]
    assert [s.conversion_from_previous for s in result.steps] == [100.0, 60.0, 33.33, 100.0]
    signup = result.steps[1]
    # L1 1 h = 3600, L2 2 h = 7200, L5 2 d + 1 h = 176400 -> mean 187200 / 3 = 62400, median 7200
    assert signup.mean_seconds_from_previous == 62400.0
    assert signup.median_seconds_from_previous == 7200.0
    # L1: purchase 23 h after the signup, return 7 days after the purchase
    assert result.steps[2].mean_seconds_from_previous == 23 * 3600.0
    assert result.steps[3].mean_seconds_from_previous == 7 * 86400.0
    assert result.window == timedelta(days=14) and result.order == "ordered"


def test_creator_funnel(session: Session) -> None:
    t = D
    _events(
        session,
        "C1",
        ("page_view", t),
        ("creator_started", t + H),
        ("creator_published", t + H + 2 * D),
        ("first_sale", t + H + 5 * D),
    )
    _events(session, "C2", ("page_view", t), ("creator_started", t + D))
    _events(session, "C3", ("creator_started", t))  # never visited: not in the funnel
    _events(session, "C4", ("page_view", t), ("creator_published", t + H))  # skipped "started": step 1 only
    _events(session, "L1", ("signup", t + H), ("purchase", t + 2 * H))  # learner events: not creator steps

    result = funnel_for(session, name="creator", start=START, end=END)

    # visit: C1 C2 C4 = 3; started: C1 C2 = 2; published: C1 = 1; first sale: C1 = 1
    assert [s.count for s in result.steps] == [3, 2, 1, 1]
    assert [s.name for s in result.steps] == CREATOR_FUNNEL.event_types
    # from first: 3/3, 2/3 = 66.67, 1/3 = 33.33, 1/3; from previous: 100, 66.67, 1/2 = 50, 1/1 = 100
    assert [s.conversion_from_first for s in result.steps] == [100.0, 66.67, 33.33, 33.33]
    assert [s.conversion_from_previous for s in result.steps] == [100.0, 66.67, 50.0, 100.0]
    # started - visit: C1 3600, C2 86400 -> mean = median = 45000
    assert result.steps[1].mean_seconds_from_previous == 45000.0
    assert result.steps[1].median_seconds_from_previous == 45000.0
    # C1: published 2 days after starting, first sale 3 days after publishing
    assert result.steps[2].median_seconds_from_previous == 2 * 86400.0
    assert result.steps[3].median_seconds_from_previous == 3 * 86400.0


def test_range_and_window_boundaries_are_inclusive(session: Session) -> None:
    second = timedelta(seconds=1)
    _events(session, "at_start", ("page_view", timedelta(0)), ("signup", H))
    _events(session, "before_start", ("page_view", -second), ("signup", H))
    _events(session, "at_end_window", ("page_view", 28 * D), ("signup", 28 * D + 14 * D))  # end + window exactly
    _events(session, "after_end", ("page_view", 28 * D + second), ("signup", 28 * D + H))
    _events(session, "past_window", ("page_view", 28 * D), ("signup", 28 * D + 14 * D + second))

    result = funnel_for(session, name="learner", start=START, end=END)

    # entered: at_start, at_end_window, past_window = 3; signed up in the window: at_start, at_end_window = 2
    assert [s.count for s in result.steps] == [3, 2, 0, 0]
    # a narrower window drops at_end_window's signup; a range ending a second earlier drops two entrants
    assert [s.count for s in funnel_for(session, name="learner", start=START, end=END, window=D).steps] == [3, 1, 0, 0]
    earlier = funnel_for(session, name="learner", start=START, end=END - second)
    assert [s.count for s in earlier.steps] == [1, 1, 0, 0]


def test_order_and_exclusion_are_passed_through(session: Session) -> None:
    _events(session, "A", ("page_view", D), ("signup", D + H), ("signup", D + 2 * H), ("purchase", D + 3 * H))
    _events(session, "B", ("page_view", D), ("login", D + H), ("signup", D + 2 * H))

    # ordered: A 3, B 2; strict: A 2 (the second signup breaks signup -> purchase), B 2 (login is not loaded)
    assert [s.count for s in funnel_for(session, name="learner", start=START, end=END).steps] == [2, 2, 1, 0]
    strict = funnel_for(session, name="learner", start=START, end=END, order="strict")
    assert [s.count for s in strict.steps] == [2, 2, 0, 0]
    # excluding a login between visit and signup loads the login events and removes B
    excluded = funnel_for(session, name="learner", start=START, end=END, exclusion=("login", 1, 2))
    assert [s.count for s in excluded.steps] == [1, 1, 1, 0]
    assert excluded.excluded_persons == 1


def test_no_events_gives_an_empty_funnel(session: Session) -> None:
    result = funnel_for(session, name="creator", start=START, end=END)
    assert [s.count for s in result.steps] == [0, 0, 0, 0]
    assert [s.conversion_from_first for s in result.steps] == [0.0, 0.0, 0.0, 0.0]


def test_unknown_funnel_and_reversed_range_are_refused(session: Session) -> None:
    with pytest.raises(ValueError, match="unknown funnel 'sellers'; choose one of: creator, learner"):
        funnel_for(session, name="sellers", start=START, end=END)
    with pytest.raises(ValueError, match="is after end"):
        funnel_for(session, name="learner", start=END, end=START)
