"""The Goals page's reads and writes: the seller's goals with progress recounted (cached briefly), and creating,
editing or canceling a goal, one transaction each, after which the seller's cached goals are forgotten."""

from __future__ import annotations

from typing import Any

from components.data import cached, clock, forget_seller
from core.db import session_scope
from core.goals import GoalView
from core.goals import store as goals

GOALS_TTL_SECONDS = 60


@cached("goals", ttl=GOALS_TTL_SECONDS, show_spinner="Counting your progress…")
def seller_goals(seller_id: str) -> list[GoalView]:
    """The seller's goals with their progress recounted (`list_goals` stores the fresh values: one transaction)."""
    with session_scope() as session:
        return goals.list_goals(session, seller_id=seller_id, now=clock.now())


def create_goal(seller_id: str, **fields: Any) -> GoalView:
    """A new active goal; raises `GoalValidationError` (field -> message), nothing written then."""
    try:
        with session_scope() as session:
            return goals.create_goal(session, seller_id=seller_id, now=clock.now(), **fields)
    finally:
        forget_seller(seller_id, "goals")


def update_goal(seller_id: str, goal_id: str, **changes: Any) -> GoalView:
    """Change (or, with `cancel=True`, cancel) one of the seller's active goals; raises `GoalValidationError`, or
    `LookupError` when the goal is not the seller's or no longer exists."""
    try:
        with session_scope() as session:
            return goals.update_goal(session, seller_id=seller_id, goal_id=goal_id, now=clock.now(), **changes)
    finally:
        forget_seller(seller_id, "goals")
