"""Goals on SQLite and PostgreSQL: an identical active goal is refused with a pointer to the one that exists (and
nothing is written); past, today's, unparsable and too-far deadlines are refused by core whatever the widget sent."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.config import reset_settings
from core.goals.rules import MSG_DEADLINE_INVALID, MSG_DEADLINE_NOT_FUTURE, msg_deadline_too_far
from core.goals.store import GoalValidationError, create_goal, update_goal
from core.models import GoalStatus, GoalType, SellerGoal
from tests.conftest import NOW
from tests.factories import make_seller

R, S = GoalType.REVENUE, GoalType.SALES


@pytest.fixture(autouse=True)
def _utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("APP_TIMEZONE", "UTC")
    reset_settings()
    yield
    reset_settings()


def rows(session: Session, seller_id: str) -> int:
    return session.execute(select(func.count(SellerGoal.id)).where(SellerGoal.seller_id == seller_id)).scalar_one()


def new(session: Session, seller_id: str, **fields: object):
    values: dict[str, object] = {"type": R, "target_value": "5000", "deadline": date(2027, 3, 1)} | fields
    return create_goal(session, seller_id=seller_id, now=NOW, **values)  # type: ignore[arg-type]


def test_an_identical_active_goal_is_refused_with_a_pointer(session: Session) -> None:
    seller = make_seller(session)
    first = new(session, seller.id, title="Spring push")
    # Same type, same target written differently ("5,000.00" = 5000), same day given as text: the same goal; a
    # different title does not make it another goal.
    with pytest.raises(GoalValidationError) as caught:
        new(session, seller.id, target_value="5,000.00", deadline="2027-03-01", title="Another name")
    assert caught.value.errors == {
        "goal": "You already have this goal: “Spring push”. Change that one instead of setting it twice."
    }
    assert caught.value.existing_goal_id == first.id
    assert rows(session, seller.id) == 1


def test_goals_that_differ_in_type_target_or_day_are_not_duplicates(session: Session) -> None:
    seller = make_seller(session)
    new(session, seller.id)
    new(session, seller.id, target_value="5000.01")
    new(session, seller.id, deadline=date(2027, 3, 2))
    new(session, seller.id, type=S)
    assert rows(session, seller.id) == 4
    other = make_seller(session)  # another seller's identical goal is their own business
    new(session, other.id)
    assert rows(session, other.id) == 1


def test_a_closed_goal_does_not_block_the_same_goal_again(session: Session) -> None:
    seller = make_seller(session)
    old = new(session, seller.id)
    update_goal(session, seller_id=seller.id, goal_id=old.id, now=NOW, cancel=True)
    again = new(session, seller.id)
    assert again.status is GoalStatus.ACTIVE
    assert rows(session, seller.id) == 2


def test_editing_a_goal_into_a_twin_of_another_is_refused(session: Session) -> None:
    seller = make_seller(session)
    keep = new(session, seller.id)  # the default title: "Revenue goal: $5,000 by Mar 1, 2027"
    other = new(session, seller.id, target_value="4000")
    with pytest.raises(GoalValidationError) as caught:
        update_goal(session, seller_id=seller.id, goal_id=other.id, now=NOW, target_value="5000")
    assert caught.value.existing_goal_id == keep.id
    assert "“Revenue goal: $5,000 by Mar 1, 2027”" in caught.value.errors["goal"]
    assert session.get(SellerGoal, other.id).target_value == 4000
    # Changing only its title never collides with itself.
    update_goal(session, seller_id=seller.id, goal_id=keep.id, now=NOW, title="Renamed")


@pytest.mark.parametrize(
    ("deadline", "message"),
    [
        (date(2026, 11, 20), MSG_DEADLINE_NOT_FUTURE),  # yesterday (NOW is 2026-11-21)
        (date(2020, 1, 1), MSG_DEADLINE_NOT_FUTURE),
        (date(2026, 11, 21), MSG_DEADLINE_NOT_FUTURE),  # today: refused too
        ("2026-02-30", MSG_DEADLINE_INVALID),
        ("next friday", MSG_DEADLINE_INVALID),
        ("２０２７-01-01", MSG_DEADLINE_INVALID),  # full-width digits
        (date(2031, 1, 1), msg_deadline_too_far(date(2028, 11, 21))),
        ("2028-11-22", msg_deadline_too_far(date(2028, 11, 21))),
    ],
)
def test_a_bad_deadline_is_a_field_error_and_nothing_is_saved(session: Session, deadline: object, message: str) -> None:
    seller = make_seller(session)
    with pytest.raises(GoalValidationError) as caught:
        new(session, seller.id, deadline=deadline)
    assert caught.value.errors == {"deadline": message}
    assert rows(session, seller.id) == 0


def test_a_deadline_as_text_is_the_end_of_that_day(session: Session) -> None:
    seller = make_seller(session)
    view = new(session, seller.id, deadline="2028-11-21")  # exactly two years on: the last day allowed
    assert view.deadline_day == date(2028, 11, 21)
    stored = session.get(SellerGoal, view.id).deadline
    assert stored.replace(tzinfo=UTC) == datetime(2028, 11, 21, 23, 59, 59, tzinfo=UTC)
