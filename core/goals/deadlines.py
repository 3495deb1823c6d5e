"""The daily goal check (the `goal-deadlines` job): close the ACTIVE goals whose deadline passed (ACHIEVED or MISSED)
and tell each seller with one insight per goal. Re-exported by `core.goals.store`; the rules of progress are in its
docstring."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.config import get_settings
from core.goals.queries import load_tip_facts, measure_goals
from core.goals.tips import ClosedGoal, choose_missed_goal_tip, goal_insight
from core.insights.priority import enforce_high_cap
from core.models import GoalStatus, InsightType, SellerGoal, SellerInsight
from core.periods import local_day, require_aware


@dataclass(frozen=True)
class DeadlineReport:
    achieved: int
    missed: int
    insights_created: int


def check_goal_deadlines(session: Session, *, now: datetime) -> DeadlineReport:
    """Close every ACTIVE, non-deleted goal whose deadline is before `now`, and tell its seller.

    Each goal is recounted as of its deadline (revenue and units up to the deadline's day, products
    published up to the deadline, the rating as it is now), then set ACHIEVED when current ≥ target,
    else MISSED, and gets one PERFORMANCE insight with `finding_key = "goal:<id>"`: congratulations, or
    the shortfall and one tip from the seller's data (`core.goals.tips`). A second run finds no such
    goal; an existing insight with the key is never repeated. A missed goal's HIGH insight counts toward the
    seller's three HIGH at once (`core.insights.enforce_high_cap`). Flushes; the job's run commits.
    """
    require_aware(now)
    tz = get_settings().timezone
    due = list(
        session.execute(
            select(SellerGoal)
            .where(SellerGoal.status == GoalStatus.ACTIVE, SellerGoal.deleted_at.is_(None), SellerGoal.deadline < now)
            .order_by(SellerGoal.seller_id, SellerGoal.deadline, SellerGoal.id)
        ).scalars()
    )
    closed: list[ClosedGoal] = []
    created = 0
    for seller_id in sorted({g.seller_id for g in due}):
        goals = [g for g in due if g.seller_id == seller_id]
        outcomes = _close_goals(session, seller_id=seller_id, goals=goals, now=now, tz=tz)
        closed += outcomes
        created += _tell_seller(session, seller_id=seller_id, outcomes=outcomes, now=now, tz=tz)
        session.flush()
        enforce_high_cap(session, seller_id=seller_id, now=now)
    session.flush()
    achieved = sum(c.achieved for c in closed)
    return DeadlineReport(achieved=achieved, missed=len(closed) - achieved, insights_created=created)


def _close_goals(
    session: Session, *, seller_id: str, goals: list[SellerGoal], now: datetime, tz: tzinfo
) -> list[ClosedGoal]:
    """Recount the seller's due goals as of their deadlines and set ACHIEVED or MISSED."""
    values = measure_goals(session, seller_id=seller_id, goals=goals, until={g.id: g.deadline for g in goals}, tz=tz)
    outcomes = []
    for goal in goals:
        start, end = local_day(goal.created_at, tz), local_day(goal.deadline, tz)
        outcome = ClosedGoal(goal.id, goal.type, Decimal(goal.target_value), values[goal.id], start, end)
        goal.current_value = outcome.current
        goal.status = GoalStatus.ACHIEVED if outcome.achieved else GoalStatus.MISSED
        goal.updated_at = now
        outcomes.append(outcome)
    return outcomes


def _tell_seller(session: Session, *, seller_id: str, outcomes: list[ClosedGoal], now: datetime, tz: tzinfo) -> int:
    """One insight per closed goal that has none yet (by finding key); the tip facts are loaded once, if needed."""
    keys = {f"goal:{o.goal_id}" for o in outcomes}
    existing = set(
        session.execute(
            select(SellerInsight.finding_key).where(
                SellerInsight.seller_id == seller_id, SellerInsight.finding_key.in_(keys)
            )
        ).scalars()
    )
    fresh = [o for o in outcomes if f"goal:{o.goal_id}" not in existing]
    facts = None
    if any(not o.achieved for o in fresh):
        facts = load_tip_facts(session, seller_id=seller_id, now=now, tz=tz)
    for outcome in fresh:
        tip = None
        if facts is not None and not outcome.achieved:
            tip = choose_missed_goal_tip(
                outcome, listings=facts.listings, underpriced=facts.underpriced, today=local_day(now, tz)
            )
        draft = goal_insight(outcome, tip)
        session.add(
            SellerInsight(
                seller_id=seller_id,
                insight_type=InsightType.PERFORMANCE,
                title=draft.title,
                description=draft.description,
                action_items=draft.action_items,
                priority=draft.priority,
                meta=draft.meta,
                generated_at=now,
                finding_key=f"goal:{outcome.goal_id}",
                created_at=now,
                updated_at=now,
            )
        )
    return len(fresh)
