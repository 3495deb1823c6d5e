"""Seller goals on SQLite and PostgreSQL: create/list/update/cancel/delete, scoping, progress per type, the
deadline check with its insights, and its idempotency."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal as D

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.config import reset_settings
from core.goals.queries import load_tip_facts
from core.goals.rules import MSG_DEADLINE_NOT_FUTURE, MSG_TOO_MANY_ACTIVE
from core.goals.store import (
    GoalValidationError,
    check_goal_deadlines,
    create_goal,
    delete_goal,
    get_goal,
    list_goals,
    update_goal,
)
from core.models import (
    DigitalProductType,
    GoalStatus,
    GoalType,
    InsightPriority,
    InsightType,
    ProductStatus,
    SellerGoal,
    SellerInsight,
)
from tests.conftest import NOW
from tests.factories import add_revenue, add_views, make_category, make_product, make_seller

R, S, P, RT = GoalType.REVENUE, GoalType.SALES, GoalType.PRODUCTS, GoalType.RATING


@pytest.fixture(autouse=True)
def _utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("APP_TIMEZONE", "UTC")
    reset_settings()
    yield
    reset_settings()


def goal_count(session: Session, seller_id: str | None = None) -> int:
    query = select(func.count(SellerGoal.id))
    if seller_id:
        query = query.where(SellerGoal.seller_id == seller_id)
    return session.execute(query).scalar_one()


def new_goal(session: Session, seller_id: str, *, now: datetime = NOW, **fields: object):
    values: dict[str, object] = {"type": R, "target_value": "5000", "deadline": date(2027, 3, 1)} | fields
    return create_goal(session, seller_id=seller_id, now=now, **values)  # type: ignore[arg-type]


# ---------------------------------------------------------------- create, list, update, cancel, delete


def test_create_stores_the_end_of_the_deadline_day(session: Session) -> None:
    seller = make_seller(session)
    view = new_goal(session, seller.id)
    assert view.title == "Revenue goal: $5,000 by Mar 1, 2027"
    assert (view.current, view.progress, view.status) == (D("0.00"), 0.0, GoalStatus.ACTIVE)
    # Nov 21 → Mar 1 = 9 + 31 + 31 + 28 + 1 = 100 days
    assert view.days_remaining == 100
    stored = session.get(SellerGoal, view.id)
    assert stored is not None
    assert stored.deadline == datetime(2027, 3, 1, 23, 59, 59, tzinfo=UTC)
    assert (stored.created_at, stored.target_value, stored.title) == (NOW, D("5000.00"), None)


def test_create_in_the_sellers_time_zone(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APP_TIMEZONE", "America/New_York")
    reset_settings()
    seller = make_seller(session)
    late_evening = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)  # Nov 21, 22:00 in New York
    view = new_goal(session, seller.id, now=late_evening, deadline=date(2026, 11, 22))
    # Nov 22 is tomorrow in New York (it would be today in UTC); its end is 04:59:59 UTC on Nov 23 (UTC−5).
    assert session.get(SellerGoal, view.id).deadline == datetime(2026, 11, 23, 4, 59, 59, tzinfo=UTC)
    assert (view.deadline_day, view.days_remaining) == (date(2026, 11, 22), 1)


def test_invalid_goal_writes_nothing(session: Session) -> None:
    seller = make_seller(session)
    with pytest.raises(GoalValidationError) as caught:
        new_goal(session, seller.id, type=S, target_value="2.5", deadline=date(2026, 11, 21))
    assert caught.value.errors == {
        "target_value": "Sales goals count whole sales: enter a whole number.",
        "deadline": MSG_DEADLINE_NOT_FUTURE,
    }
    assert goal_count(session, seller.id) == 0


def test_at_most_ten_active_goals_canceled_and_deleted_ones_do_not_count(session: Session) -> None:
    seller = make_seller(session)
    ids = [new_goal(session, seller.id, type=S, target_value=10 + i).id for i in range(10)]
    with pytest.raises(GoalValidationError) as caught:
        new_goal(session, seller.id)
    assert caught.value.errors == {"goal": MSG_TOO_MANY_ACTIVE}
    assert goal_count(session, seller.id) == 10
    update_goal(session, seller_id=seller.id, goal_id=ids[0], now=NOW, cancel=True)
    new_goal(session, seller.id)  # 9 active + this one
    delete_goal(session, seller_id=seller.id, goal_id=ids[1], now=NOW)
    new_goal(session, seller.id, target_value="6000")  # another target: not a duplicate of the one above
    with pytest.raises(GoalValidationError) as caught:
        new_goal(session, seller.id, target_value="7000")
    assert caught.value.errors == {"goal": MSG_TOO_MANY_ACTIVE}
    # Another seller's goals are their own business.
    other = make_seller(session)
    new_goal(session, other.id)


def test_list_orders_active_by_deadline_then_the_archive(session: Session) -> None:
    seller = make_seller(session)
    late = new_goal(session, seller.id, deadline=date(2027, 6, 1))
    soon = new_goal(session, seller.id, deadline=date(2026, 12, 1))
    canceled = new_goal(session, seller.id, deadline=date(2027, 1, 1))
    old_cancel = new_goal(session, seller.id, deadline=date(2026, 12, 15))
    for goal in (canceled, old_cancel):
        update_goal(session, seller_id=seller.id, goal_id=goal.id, now=NOW, cancel=True)
    views = list_goals(session, seller_id=seller.id, now=NOW)
    assert [v.id for v in views] == [soon.id, late.id, canceled.id, old_cancel.id]
    assert [v.pace is None for v in views] == [False, False, True, True]
    only_canceled = list_goals(session, seller_id=seller.id, now=NOW, statuses=[GoalStatus.CANCELED])
    assert [v.id for v in only_canceled] == [canceled.id, old_cancel.id]


def test_update_target_deadline_and_title(session: Session) -> None:
    seller = make_seller(session)
    goal = new_goal(session, seller.id)
    view = update_goal(
        session,
        seller_id=seller.id,
        goal_id=goal.id,
        now=NOW,
        target_value="6,000",
        deadline=date(2027, 4, 1),
        title="  Spring   push ",
    )
    assert (view.target, view.deadline_day, view.title, view.custom_title) == (
        D("6000.00"),
        date(2027, 4, 1),
        "Spring push",
        True,
    )
    # A blank title brings the default one back.
    view = update_goal(session, seller_id=seller.id, goal_id=goal.id, now=NOW, title="")
    assert (view.title, view.custom_title) == ("Revenue goal: $6,000 by Apr 1, 2027", False)


def test_update_validates_and_writes_nothing_on_error(session: Session) -> None:
    seller = make_seller(session)
    goal = new_goal(session, seller.id, type=S, target_value=10)
    with pytest.raises(GoalValidationError) as caught:
        update_goal(session, seller_id=seller.id, goal_id=goal.id, now=NOW, target_value="1.5", title="t" * 121)
    assert set(caught.value.errors) == {"target_value", "title"}
    session.expire_all()
    stored = session.get(SellerGoal, goal.id)
    assert (stored.target_value, stored.title) == (D("10.00"), None)


def test_cancel_and_closed_goals_cannot_change(session: Session) -> None:
    seller = make_seller(session)
    goal = new_goal(session, seller.id)
    with pytest.raises(GoalValidationError) as both:
        update_goal(session, seller_id=seller.id, goal_id=goal.id, now=NOW, cancel=True, title="x")
    assert both.value.errors == {"goal": "Cancel a goal or change it, not both at once."}
    view = update_goal(session, seller_id=seller.id, goal_id=goal.id, now=NOW, cancel=True)
    assert (view.status, view.pace) == (GoalStatus.CANCELED, None)
    with pytest.raises(GoalValidationError) as closed:
        update_goal(session, seller_id=seller.id, goal_id=goal.id, now=NOW, target_value="1")
    assert closed.value.errors == {"goal": "This goal is canceled: only active goals can change."}


def test_delete_is_soft_and_hides_the_goal(session: Session) -> None:
    seller = make_seller(session)
    goal = new_goal(session, seller.id)
    delete_goal(session, seller_id=seller.id, goal_id=goal.id, now=NOW)
    assert list_goals(session, seller_id=seller.id, now=NOW) == []
    assert session.get(SellerGoal, goal.id).deleted_at == NOW
    for action in (
        lambda: get_goal(session, seller_id=seller.id, goal_id=goal.id, now=NOW),
        lambda: update_goal(session, seller_id=seller.id, goal_id=goal.id, now=NOW, title="x"),
        lambda: delete_goal(session, seller_id=seller.id, goal_id=goal.id, now=NOW),
    ):
        with pytest.raises(LookupError, match="Goal not found"):
            action()


def test_another_sellers_goal_can_be_neither_read_changed_nor_deleted(session: Session) -> None:
    owner, intruder = make_seller(session), make_seller(session)
    goal = new_goal(session, owner.id, title="Mine")
    attempts = (
        lambda: get_goal(session, seller_id=intruder.id, goal_id=goal.id, now=NOW),
        lambda: update_goal(session, seller_id=intruder.id, goal_id=goal.id, now=NOW, target_value="1"),
        lambda: update_goal(session, seller_id=intruder.id, goal_id=goal.id, now=NOW, cancel=True),
        lambda: delete_goal(session, seller_id=intruder.id, goal_id=goal.id, now=NOW),
    )
    for attempt in attempts:
        with pytest.raises(LookupError, match="Goal not found"):
            attempt()
    assert list_goals(session, seller_id=intruder.id, now=NOW) == []
    session.expire_all()
    stored = session.get(SellerGoal, goal.id)
    assert (stored.target_value, stored.status, stored.deleted_at, stored.title) == (
        D("5000.00"),
        GoalStatus.ACTIVE,
        None,
        "Mine",
    )


# ---------------------------------------------------------------- progress per type


def test_current_value_per_type_counts_from_the_creation_day(session: Session) -> None:
    seller, other = make_seller(session), make_seller(session)
    created = NOW - timedelta(days=10)  # 2026-11-11 15:00 UTC
    item = make_product(session, seller=seller, average_rating=D("4.50"))
    make_product(session, seller=seller, average_rating=D("4.25"), published_at=datetime(2026, 2, 1, tzinfo=UTC))
    make_product(session, seller=seller)  # no rating: left out of the average
    make_product(session, seller=seller, status=ProductStatus.DRAFT, average_rating=D("1.00"))
    make_product(session, seller=seller, average_rating=D("1.00"), deleted_at=NOW)
    # Published after creation: two count; a draft, a deleted one, one published before creation and
    # another seller's do not.
    make_product(session, seller=seller, published_at=created + timedelta(hours=1))
    make_product(session, seller=seller, published_at=NOW - timedelta(days=1))
    make_product(session, seller=seller, status=ProductStatus.DRAFT)
    make_product(session, seller=seller, published_at=created + timedelta(days=2), deleted_at=NOW)
    make_product(session, seller=seller, published_at=created - timedelta(minutes=1))
    theirs = make_product(session, seller=other, published_at=created + timedelta(days=1), average_rating=D("1.00"))

    add_revenue(session, product=item, day=date(2026, 11, 10), revenue="100.00", units=2)  # before: excluded
    add_revenue(session, product=item, day=date(2026, 11, 11), revenue="50.00", units=1)  # creation day counts
    add_revenue(session, product=item, day=date(2026, 11, 20), revenue="30.50", units=3)
    add_revenue(session, product=theirs, day=date(2026, 11, 15), revenue="999.00", units=9)  # not ours

    goals = {
        t: new_goal(session, seller.id, now=created, type=t, target_value=target).id
        for t, target in ((R, "500"), (S, "20"), (P, "5"), (RT, "4.5"))
    }
    views = {v.type: v for v in list_goals(session, seller_id=seller.id, now=NOW)}
    assert views[R].current == D("80.50")  # 50.00 + 30.50
    assert views[S].current == D("4")  # 1 + 3
    assert views[P].current == D("2")
    # (4.50 + 4.25) / 2 = 4.375 → 4.38 (half up); drafts, deleted and other sellers' ratings left out.
    assert views[RT].current == D("4.38")
    assert views[R].progress == pytest.approx(80.5 / 500)
    # list_goals wrote the refreshed values.
    session.expire_all()
    assert session.get(SellerGoal, goals[R]).current_value == D("80.50")
    assert session.get(SellerGoal, goals[RT]).current_value == D("4.38")


def test_list_refreshes_in_one_query(session: Session) -> None:
    from sqlalchemy import event

    seller = make_seller(session)
    for goal_type, target in ((R, "500"), (S, "20"), (P, "5"), (RT, "4.5"), (R, "900")):
        new_goal(session, seller.id, type=goal_type, target_value=target)
    statements: list[str] = []

    def count(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    bind = session.connection()
    event.listen(bind, "before_cursor_execute", count)
    try:
        list_goals(session, seller_id=seller.id, now=NOW + timedelta(days=1))
    finally:
        event.remove(bind, "before_cursor_execute", count)
    # One SELECT for the goals, one for all five goals' progress.
    assert len(statements) == 2


# ---------------------------------------------------------------- the deadline check


def _world_for_deadlines(session: Session):
    seller = make_seller(session)
    started = datetime(2026, 9, 1, 12, 0, tzinfo=UTC)
    planner = make_product(session, seller=seller, title="Spring Planner Bundle", type=DigitalProductType.PLANNER)
    other = make_product(session, seller=seller, title="Quiet Notebook")
    add_views(session, product=planner, day=date(2026, 11, 10), views=300)
    add_views(session, product=other, day=date(2026, 11, 10), views=12)
    add_revenue(session, product=planner, day=date(2026, 8, 31), revenue="900.00", units=9)  # before creation
    add_revenue(session, product=planner, day=date(2026, 9, 1), revenue="2000.00", units=7)
    add_revenue(session, product=other, day=date(2026, 11, 20), revenue="1760.00", units=5)  # the deadline day
    add_revenue(session, product=other, day=date(2026, 11, 21), revenue="500.00", units=4)  # after the deadline
    revenue = new_goal(session, seller.id, now=started, target_value="5000", deadline=date(2026, 11, 20))
    sales = new_goal(session, seller.id, now=started, type=S, target_value="10", deadline=date(2026, 11, 20))
    running = new_goal(session, seller.id, now=started, type=S, target_value="10", deadline=date(2026, 11, 21))
    return seller, planner, revenue, sales, running


def test_deadline_check_closes_both_outcomes_with_insights(session: Session) -> None:
    seller, planner, revenue, sales, running = _world_for_deadlines(session)
    report = check_goal_deadlines(session, now=NOW)
    assert (report.achieved, report.missed, report.insights_created) == (1, 1, 2)

    session.expire_all()
    missed = session.get(SellerGoal, revenue.id)
    # 2,000.00 (Sep 1, the creation day) + 1,760.00 (Nov 20, the deadline day) = 3,760.00; Aug 31 and Nov 21 left out.
    assert (missed.status, missed.current_value) == (GoalStatus.MISSED, D("3760.00"))
    hit = session.get(SellerGoal, sales.id)
    assert (hit.status, hit.current_value) == (GoalStatus.ACHIEVED, D("12"))  # 7 + 5 ≥ 10
    # Its deadline (end of Nov 21) has not passed at 15:00 on Nov 21.
    assert session.get(SellerGoal, running.id).status is GoalStatus.ACTIVE

    insights = {
        i.finding_key: i
        for i in session.execute(select(SellerInsight).where(SellerInsight.seller_id == seller.id)).scalars()
    }
    assert set(insights) == {f"goal:{revenue.id}", f"goal:{sales.id}"}
    short = insights[f"goal:{revenue.id}"]
    assert short.title == "Your revenue goal fell short by $1,240.00"  # 5,000.00 − 3,760.00
    assert (short.insight_type, short.priority) == (InsightType.PERFORMANCE, InsightPriority.MEDIUM)
    assert short.description.startswith(
        "You made $3,760.00 from Sep 1, 2026 to Nov 20, 2026: 75% of your $5,000.00 target. Try next: "
        "“Spring Planner Bundle”, your most viewed listing (300 views in the last 30 days), is missing 25 of 25 "
        "points on description completeness."
    )
    # The tip opens the Listing editor at the dimension it names.
    assert short.action_items[0]["url"] == f"/listing-editor?product={planner.id}&dimension=description_completeness"
    assert short.action_items[-1]["url"] == "/goals"
    assert short.meta["shortfall"] == "1240.00"
    assert short.generated_at == NOW
    good = insights[f"goal:{sales.id}"]
    assert good.title == "Congratulations! You reached your sales goal of 10 sales"
    assert good.priority is InsightPriority.LOW


def test_deadline_check_twice_creates_nothing_twice(session: Session) -> None:
    seller, *_ = _world_for_deadlines(session)
    check_goal_deadlines(session, now=NOW)
    again = check_goal_deadlines(session, now=NOW + timedelta(hours=1))
    assert (again.achieved, again.missed, again.insights_created) == (0, 0, 0)
    count = select(func.count(SellerInsight.id)).where(SellerInsight.seller_id == seller.id)
    assert session.execute(count).scalar_one() == 2


def test_an_existing_insight_is_not_repeated_even_if_the_goal_is_active_again(session: Session) -> None:
    seller, _planner, revenue, *_ = _world_for_deadlines(session)
    check_goal_deadlines(session, now=NOW)
    session.get(SellerGoal, revenue.id).status = GoalStatus.ACTIVE  # e.g. a crashed run's half-state
    session.flush()
    report = check_goal_deadlines(session, now=NOW)
    assert (report.missed, report.insights_created) == (1, 0)
    count = select(func.count(SellerInsight.id)).where(SellerInsight.seller_id == seller.id)
    assert session.execute(count).scalar_one() == 2


def test_deadline_check_skips_deleted_and_canceled_goals(session: Session) -> None:
    seller = make_seller(session)
    started = datetime(2026, 9, 1, tzinfo=UTC)
    gone = new_goal(session, seller.id, now=started, deadline=date(2026, 11, 1))
    canceled = new_goal(session, seller.id, now=started, deadline=date(2026, 11, 1), target_value="4000")
    delete_goal(session, seller_id=seller.id, goal_id=gone.id, now=started)
    update_goal(session, seller_id=seller.id, goal_id=canceled.id, now=started, cancel=True)
    report = check_goal_deadlines(session, now=NOW)
    assert (report.achieved, report.missed, report.insights_created) == (0, 0, 0)


def test_tip_facts_find_an_underpriced_listing(session: Session) -> None:
    seller, other = make_seller(session), make_seller(session)
    planners = make_category(session, name="Planners")
    cheap = make_product(
        session, seller=seller, category=planners, type=DigitalProductType.PLANNER, price="5.00", title="Cheap Planner"
    )
    for price in ("10", "12", "14", "16", "18"):
        make_product(session, seller=other, category=planners, type=DigitalProductType.PLANNER, price=price)
    facts = load_tip_facts(session, seller_id=seller.id, now=NOW, tz=UTC)
    # Six published PLANNERs in the category: 5, 10, 12, 14, 16, 18. p25 at position 0.25 × 5 = 1.25:
    # 10 + 0.25 × (12 − 10) = 10.50; p75 at 3.75: 14 + 0.75 × (16 − 14) = 15.50.
    [found] = facts.underpriced
    assert (found.product_id, found.price, found.p25, found.p75, found.sample_size) == (
        cheap.id,
        D("5.00"),
        D("10.50"),
        D("15.50"),
        6,
    )
    assert [g.title for g in facts.listings] == ["Cheap Planner"]


def test_a_goal_past_its_deadline_counts_up_to_the_deadline_day_until_checked(session: Session) -> None:
    seller, _planner, revenue, *_ = _world_for_deadlines(session)
    view = get_goal(session, seller_id=seller.id, goal_id=revenue.id, now=NOW)
    # Nov 21's 500.00 comes after the deadline day (Nov 20): 2,000.00 + 1,760.00 only.
    assert view.current == D("3760.00")
    assert (view.awaiting_check, view.days_remaining, view.status) == (True, 0, GoalStatus.ACTIVE)
    assert view.pace.sentence == "Deadline passed: the result is recorded at the next daily check."


def test_a_goal_waiting_for_the_check_does_not_block_a_new_one(session: Session) -> None:
    seller = make_seller(session)
    new_goal(session, seller.id, now=datetime(2026, 9, 1, tzinfo=UTC), deadline=date(2026, 11, 20))
    for i in range(9):
        new_goal(session, seller.id, type=S, target_value=10 + i)
    new_goal(session, seller.id)  # 9 counted: the one past its deadline waits for the daily check
    with pytest.raises(GoalValidationError):
        new_goal(session, seller.id)


def test_a_missed_products_goal_suggests_finishing_a_draft(session: Session) -> None:
    seller = make_seller(session)
    make_product(session, seller=seller, title="Live Planner")
    make_product(session, seller=seller, title="Almost Ready Workbook", status=ProductStatus.DRAFT)
    goal = new_goal(
        session, seller.id, now=datetime(2026, 9, 1, tzinfo=UTC), type=P, target_value="3", deadline=date(2026, 11, 1)
    )
    report = check_goal_deadlines(session, now=NOW)
    assert (report.missed, report.insights_created) == (1, 1)
    insight = session.execute(select(SellerInsight).where(SellerInsight.finding_key == f"goal:{goal.id}")).scalar_one()
    # No product published since Sep 1 (the factory publishes on Jan 15): 3 short, 100 % of the target → HIGH.
    assert insight.title == "Your products goal fell short by 3 products"
    assert insight.priority is InsightPriority.HIGH
    assert "Try next: Finish and publish your draft “Almost Ready Workbook”" in insight.description
