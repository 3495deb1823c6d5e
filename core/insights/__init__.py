"""AI insights: findings from a seller's numbers, priorities, de-duplication, rate limit, statuses.

The face of the package: what components and jobs call, re-exported from its modules."""

from __future__ import annotations

from core.insights.generation import (
    STEPS,
    GenerationReport,
    InsightRateLimited,
    generate_insights_report,
    generation_allowed_at,
    mark_viewed,
    set_insight_status,
)
from core.insights.priority import enforce_high_cap
from core.insights.queries import InsightPage, InsightView, insight_counts, list_insights
from core.insights.rules import MAX_HIGH, RATE_LIMIT_RUNS

__all__ = [
    "MAX_HIGH",
    "RATE_LIMIT_RUNS",
    "STEPS",
    "GenerationReport",
    "InsightPage",
    "InsightRateLimited",
    "InsightView",
    "enforce_high_cap",
    "generate_insights_report",
    "generation_allowed_at",
    "insight_counts",
    "list_insights",
    "mark_viewed",
    "set_insight_status",
]
