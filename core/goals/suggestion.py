"""The first goal the Goals page proposes, and fills in, for a seller without goals (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from core.goals.rules import round_up
from core.models import GoalType

FIRST_GOAL_DAYS = 30
FIRST_GOAL_STRETCH = Decimal("1.1")


@dataclass(frozen=True)
class GoalSuggestion:
    """The first goal the Goals page proposes (and fills in) for a seller without goals."""

    type: GoalType
    target: Decimal
    deadline: date
    revenue_30: Decimal  # what the suggestion is based on


def suggest_first_goal(revenue_30: Decimal, live_products: int, *, today: date) -> GoalSuggestion:
    """One concrete first goal, due in 30 days, from the seller's last 30 days:

    * with revenue: REVENUE, 10 % more than those 30 days, rounded up to $50 (from $500 of revenue) or to $10;
    * else, with a published product: SALES, 1 sale;
    * else: PRODUCTS, 1 new product.
    """
    due = today + timedelta(days=FIRST_GOAL_DAYS)
    if revenue_30 > 0:
        step = Decimal(50) if revenue_30 >= 500 else Decimal(10)
        return GoalSuggestion(GoalType.REVENUE, round_up(revenue_30 * FIRST_GOAL_STRETCH, step), due, revenue_30)
    if live_products:
        return GoalSuggestion(GoalType.SALES, Decimal(1), due, revenue_30)
    return GoalSuggestion(GoalType.PRODUCTS, Decimal(1), due, revenue_30)
