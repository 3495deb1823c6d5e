"""Seller goals: validation, progress, pace, deadlines and the tip a closed goal leaves.

The face of the package: what components and jobs call, re-exported from its modules."""

from __future__ import annotations

from core.goals.rules import (
    default_title,
    format_day,
    format_goal_value,
    latest_deadline,
    parse_target,
    progress_ratio,
    round_up,
)
from core.goals.store import GoalValidationError, GoalView

__all__ = [
    "GoalValidationError",
    "GoalView",
    "default_title",
    "format_day",
    "format_goal_value",
    "latest_deadline",
    "parse_target",
    "progress_ratio",
    "round_up",
]
