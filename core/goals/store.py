"""Seller goals (issue 5): create, list, edit, cancel and delete a seller's goals, count their progress from the
marketplace data, and close the goals whose deadline passed with an insight.

Every function is scoped to one seller (`seller_id`) except `check_goal_deadlines` (the daily job, in
`core.goals.deadlines`, re-exported here). Nothing
here commits: the caller's `session_scope()` owns the transaction (a validation error writes nothing).

Time: "today" is the day of `now` in APP_TIMEZONE (`get_settings().timezone`); a deadline given as a
day means the end of that day there (23:59:59), stored in UTC.

Progress (`current_value`), counted from the goal's creation up to min(now, deadline), in one query for all
the goals being read:

* REVENUE: sum of `revenue_records.revenue` on the seller days from the creation day (it counts, whole)
  to the last day of the window;
* SALES: the sum of `units` over the same days;
* PRODUCTS: the seller's PUBLISHED, non-deleted products with creation ≤ `published_at` ≤ end;
* RATING: the unweighted mean of the non-null `average_rating` of the seller's published, non-deleted
  products now (a level, not an accumulation; 0 without a rated product), half up to 0.01.

Active goals are refreshed (and written back) whenever they are read; closed goals keep the value they
had when they closed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.config import get_settings
from core.goals.deadlines import DeadlineReport, check_goal_deadlines
from core.goals.queries import measure_goals
from core.goals.rules import (
    MAX_ACTIVE_GOALS,
    UNITS,
    DeadlineInput,
    Pace,
    clean_title,
    days_remaining,
    deadline_day,
    deadline_error,
    default_title,
    end_of_day,
    format_goal_value,
    goal_pace,
    msg_duplicate,
    parse_goal_type,
    parse_target,
    progress_ratio,
    same_goal,
    target_amount,
    target_error,
    title_error,
    validate_goal,
)
from core.models import (
    GoalStatus,
    GoalType,
    SellerGoal,
    SellerProfile,
)
from core.periods import local_day, require_aware
from core.text_input import url_key

__all__ = [
    "ARCHIVE_STATUSES",
    "MAX_ACTIVE_GOALS",
    "DeadlineReport",
    "GoalValidationError",
    "GoalView",
    "check_goal_deadlines",
    "count_active_goals",
    "create_goal",
    "delete_goal",
    "get_goal",
    "list_goals",
    "update_goal",
    "validate_goal",
]

ARCHIVE_STATUSES = (GoalStatus.ACHIEVED, GoalStatus.MISSED, GoalStatus.CANCELED)
"""The page's archive: closed goals, which keep the value they had when they closed."""


class GoalValidationError(ValueError):
    """A goal that cannot be saved; `errors` maps a form field to the message shown next to it. `existing_goal_id`
    is the active goal a refused duplicate is identical to (the page offers to open it)."""

    def __init__(self, errors: dict[str, str], *, existing_goal_id: str | None = None) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = dict(errors)
        self.existing_goal_id = existing_goal_id


@dataclass(frozen=True)
class GoalView:
    """One goal as the Goals page shows it. `pace` is None for closed goals."""

    id: str
    type: GoalType
    title: str
    custom_title: bool  # False: `title` is the default one
    target: Decimal
    current: Decimal
    unit: str
    progress: float  # current ÷ target, uncapped
    deadline: datetime
    deadline_day: date  # the seller's day of the deadline
    days_remaining: int
    status: GoalStatus
    created_at: datetime
    pace: Pace | None
    awaiting_check: bool  # active but past its deadline: the daily check will close it

    @property
    def progress_capped(self) -> float:
        """Progress for the chart: 0–1."""
        return min(1.0, max(0.0, self.progress))

    @property
    def target_text(self) -> str:
        return format_goal_value(self.type, self.target)

    @property
    def current_text(self) -> str:
        return format_goal_value(self.type, self.current)

    @property
    def is_active(self) -> bool:
        return self.status is GoalStatus.ACTIVE


def _tz() -> tzinfo:
    return get_settings().timezone


# ---------------------------------------------------------------- progress


def _refresh(session: Session, goals: Sequence[SellerGoal], *, now: datetime, tz: tzinfo) -> None:
    """Recount the active goals among `goals` up to min(now, deadline) and write the values (flushes)."""
    active = [g for g in goals if g.status is GoalStatus.ACTIVE]
    for seller_id in sorted({g.seller_id for g in active}):
        mine = [g for g in active if g.seller_id == seller_id]
        values = measure_goals(
            session, seller_id=seller_id, goals=mine, until={g.id: min(now, g.deadline) for g in mine}, tz=tz
        )
        for goal in mine:
            if goal.current_value != values[goal.id]:
                goal.current_value = values[goal.id]
    session.flush()


def _view(goal: SellerGoal, *, now: datetime, tz: tzinfo) -> GoalView:
    day = local_day(goal.deadline, tz)
    target, current = Decimal(goal.target_value), Decimal(goal.current_value)
    pace = None
    if goal.status is GoalStatus.ACTIVE:
        pace = goal_pace(goal.type, target, current, created_at=goal.created_at, deadline=goal.deadline, now=now, tz=tz)
    return GoalView(
        id=goal.id,
        type=goal.type,
        title=goal.title or default_title(goal.type, target, day),
        custom_title=bool(goal.title),
        target=target,
        current=current,
        unit=UNITS[goal.type],
        progress=progress_ratio(current, target),
        deadline=goal.deadline,
        deadline_day=day,
        days_remaining=days_remaining(goal.deadline, now, tz),
        status=goal.status,
        created_at=goal.created_at,
        pace=pace,
        awaiting_check=goal.status is GoalStatus.ACTIVE and goal.deadline < now,
    )


# ---------------------------------------------------------------- reading


def _seller_goal(session: Session, *, seller_id: str, goal_id: str) -> SellerGoal:
    # A goal id comes from the page; one PostgreSQL cannot store (a NUL) is simply no goal of this seller.
    if url_key(goal_id, max_chars=64) is None:
        raise LookupError("Goal not found")
    goal = session.execute(
        select(SellerGoal).where(
            SellerGoal.id == goal_id, SellerGoal.seller_id == seller_id, SellerGoal.deleted_at.is_(None)
        )
    ).scalar_one_or_none()
    if goal is None:
        raise LookupError("Goal not found")
    return goal


def list_goals(
    session: Session, *, seller_id: str, now: datetime, statuses: Iterable[GoalStatus] | None = None
) -> list[GoalView]:
    """The seller's non-deleted goals (optionally only `statuses`): active ones by deadline, soonest first, then
    the archive (achieved, missed, canceled), latest deadline first.

    Writes: the active goals' `current_value` is recounted and stored (flushed, not committed).
    """
    require_aware(now)
    tz = _tz()
    query = select(SellerGoal).where(SellerGoal.seller_id == seller_id, SellerGoal.deleted_at.is_(None))
    if statuses is not None:
        query = query.where(SellerGoal.status.in_([GoalStatus(s) for s in statuses]))
    goals = list(session.execute(query).scalars())
    _refresh(session, goals, now=now, tz=tz)
    active = sorted((g for g in goals if g.status is GoalStatus.ACTIVE), key=lambda g: (g.deadline, g.created_at, g.id))
    archive = sorted(
        (g for g in goals if g.status is not GoalStatus.ACTIVE),
        key=lambda g: (g.deadline, g.created_at, g.id),
        reverse=True,
    )
    return [_view(g, now=now, tz=tz) for g in active + archive]


def get_goal(session: Session, *, seller_id: str, goal_id: str, now: datetime) -> GoalView:
    """One of the seller's goals, refreshed like `list_goals`; LookupError("Goal not found") otherwise."""
    require_aware(now)
    tz = _tz()
    goal = _seller_goal(session, seller_id=seller_id, goal_id=goal_id)
    _refresh(session, [goal], now=now, tz=tz)
    return _view(goal, now=now, tz=tz)


def count_active_goals(session: Session, *, seller_id: str, now: datetime) -> int:
    """Active, non-deleted goals whose deadline has not passed (one past its deadline waits for the daily
    check and does not block a new goal)."""
    return session.execute(
        select(func.count(SellerGoal.id)).where(
            SellerGoal.seller_id == seller_id,
            SellerGoal.status == GoalStatus.ACTIVE,
            SellerGoal.deleted_at.is_(None),
            SellerGoal.deadline >= now,
        )
    ).scalar_one()


# ---------------------------------------------------------------- writing


def _deadline_moment(deadline: DeadlineInput, tz: tzinfo) -> datetime:
    """An aware moment stays as given; a day (or ISO text, already validated) means the end of that day."""
    return deadline if isinstance(deadline, datetime) else end_of_day(deadline_day(deadline, tz), tz)


def _duplicate(
    session: Session,
    *,
    seller_id: str,
    goal_type: GoalType,
    target: Decimal,
    day: date,
    tz: tzinfo,
    except_id: str | None = None,
) -> SellerGoal | None:
    """The seller's active, not deleted goal that is the same goal (`same_goal`), if any (oldest first)."""
    query = (
        select(SellerGoal)
        .where(
            SellerGoal.seller_id == seller_id,
            SellerGoal.type == goal_type,
            SellerGoal.status == GoalStatus.ACTIVE,
            SellerGoal.deleted_at.is_(None),
        )
        .order_by(SellerGoal.created_at, SellerGoal.id)
    )
    for goal in session.execute(query).scalars():
        if goal.id == except_id:
            continue
        if same_goal(goal_type, target, day, goal.type, Decimal(goal.target_value), local_day(goal.deadline, tz)):
            return goal
    return None


def _refuse_duplicate(goal: SellerGoal, tz: tzinfo) -> GoalValidationError:
    title = goal.title or default_title(goal.type, Decimal(goal.target_value), local_day(goal.deadline, tz))
    return GoalValidationError({"goal": msg_duplicate(title)}, existing_goal_id=goal.id)


def create_goal(
    session: Session,
    *,
    seller_id: str,
    now: datetime,
    type: GoalType | str,
    target_value: Decimal | str | float | int | None,
    deadline: DeadlineInput | None,
    title: str | None = None,
) -> GoalView:
    """Create an ACTIVE goal for the seller, or raise `GoalValidationError` (nothing written).

    Every rule of `core.goals.rules` applies (a past, today's, unparsable or too-far deadline is a "deadline" error);
    a goal identical to an active one (same type, target and deadline day) is a "goal" error whose
    `existing_goal_id` points at that goal. The seller's profile row is locked first (PostgreSQL), so two
    simultaneous requests cannot both pass the limit of 10 active goals, nor both create the same goal.
    """
    require_aware(now)
    tz = _tz()
    seller = session.execute(
        select(SellerProfile.id)
        .where(SellerProfile.id == seller_id, SellerProfile.deleted_at.is_(None))
        .with_for_update()
    ).scalar_one_or_none()
    if seller is None:
        raise LookupError("Seller not found")
    active = count_active_goals(session, seller_id=seller_id, now=now)
    errors = validate_goal(
        type, target_value, deadline, today=local_day(now, tz), active_count=active, title=title, tz=tz
    )
    goal_type = parse_goal_type(type)
    if errors or goal_type is None:
        raise GoalValidationError(errors)
    target = target_amount(target_value)
    day = deadline_day(deadline, tz)
    twin = _duplicate(session, seller_id=seller_id, goal_type=goal_type, target=target, day=day, tz=tz)
    if twin is not None:
        raise _refuse_duplicate(twin, tz)
    goal = SellerGoal(
        seller_id=seller_id,
        type=goal_type,
        title=clean_title(title),
        target_value=target,
        current_value=Decimal("0.00"),
        deadline=_deadline_moment(deadline, tz),
        status=GoalStatus.ACTIVE,
        created_at=now,
        updated_at=now,
    )
    session.add(goal)
    session.flush()
    _refresh(session, [goal], now=now, tz=tz)
    return _view(goal, now=now, tz=tz)


def update_goal(
    session: Session,
    *,
    seller_id: str,
    goal_id: str,
    now: datetime,
    target_value: Decimal | str | float | int | None = None,
    deadline: DeadlineInput | None = None,
    title: str | None = None,
    cancel: bool = False,
) -> GoalView:
    """Change an ACTIVE goal's target, deadline or title (a blank title restores the default one), or cancel it.

    Cancelling counts the goal's progress one last time and sets CANCELED; it cannot be combined with
    changes. The same rules as for a new goal apply to each given field (a change that makes it identical to
    another active goal is refused like a duplicate new goal); `GoalValidationError` writes nothing.
    LookupError("Goal not found") for another seller's, a deleted or a missing goal.
    """
    require_aware(now)
    tz = _tz()
    goal = _seller_goal(session, seller_id=seller_id, goal_id=goal_id)
    if goal.status is not GoalStatus.ACTIVE:
        raise GoalValidationError({"goal": f"This goal is {goal.status.value.lower()}: only active goals can change."})
    changing = target_value is not None or deadline is not None or title is not None
    if cancel and changing:
        raise GoalValidationError({"goal": "Cancel a goal or change it, not both at once."})
    errors: dict[str, str] = {}
    if target_value is not None and (problem := target_error(goal.type, parse_target(target_value))):
        errors["target_value"] = problem
    if deadline is not None and (problem := deadline_error(deadline, today=local_day(now, tz), tz=tz)):
        errors["deadline"] = problem
    if title is not None and (problem := title_error(title)):
        errors["title"] = problem
    if errors:
        raise GoalValidationError(errors)
    if not cancel and (target_value is not None or deadline is not None):
        new_target = target_amount(target_value) if target_value is not None else Decimal(goal.target_value)
        new_day = deadline_day(deadline, tz) if deadline is not None else local_day(goal.deadline, tz)
        twin = _duplicate(
            session,
            seller_id=seller_id,
            goal_type=goal.type,
            target=new_target,
            day=new_day,
            tz=tz,
            except_id=goal.id,
        )
        if twin is not None:
            raise _refuse_duplicate(twin, tz)
    _refresh(session, [goal], now=now, tz=tz)
    if cancel:
        goal.status = GoalStatus.CANCELED
    if target_value is not None:
        goal.target_value = target_amount(target_value)
    if deadline is not None:
        goal.deadline = _deadline_moment(deadline, tz)
    if title is not None:
        goal.title = clean_title(title)
    goal.updated_at = now
    session.flush()
    return _view(goal, now=now, tz=tz)


def delete_goal(session: Session, *, seller_id: str, goal_id: str, now: datetime) -> None:
    """Soft-delete one of the seller's goals (any status): it disappears from every list and count."""
    require_aware(now)
    goal = _seller_goal(session, seller_id=seller_id, goal_id=goal_id)
    goal.deleted_at = now
    goal.updated_at = now
    session.flush()
