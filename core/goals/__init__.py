"""Seller goals: validation, progress, pace, deadlines and the tip a closed goal leaves.

The face of the package: what components and jobs call, re-exported from its modules."""

from __future__ import annotations

from core.goals.rules import (
    default_title,
    format_day,
    format_goal_value,
    latest_deadline,
    parse_deadline,
    parse_target,
    progress_ratio,
    round_up,
)
from core.goals.store import GoalValidationError, GoalView
from core.goals.suggestion import GoalSuggestion, suggest_first_goal

__all__ = [
    "GoalSuggestion",
    "GoalValidationError",
    "GoalView",
    "default_title",
    "format_day",
    "format_goal_value",
    "latest_deadline",
    "parse_deadline",
    "parse_target",
    "progress_ratio",
    "round_up",
    "suggest_first_goal",
]
