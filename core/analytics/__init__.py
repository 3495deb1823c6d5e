"""Operator analytics: the one definition of each marketplace metric, the KPI strip over today / 7 d / 28 d and
conversion funnels, read from the hourly roll-ups the `rollups` job keeps (`core.analytics.rollups`).

The face of the package: what components and jobs call, re-exported from its modules."""

from __future__ import annotations

from core.analytics.funnel_queries import funnel_for
from core.analytics.funnels import CREATOR_FUNNEL, LEARNER_FUNNEL, FunnelResult
from core.analytics.kpis import BOUNCE_RATE_ALERT_PERCENT, KpiValue, OperatorKpis, TimeRange, average_order_value
from core.analytics.metrics import HomeMetrics, SalesTotals, day_range, emails_sent, home_metrics, sales_totals
from core.analytics.queries import operator_kpis
from core.analytics.rollup_reads import RollupState, rollup_state
from core.analytics.rollups import RollupReport, refresh_rollups

__all__ = [
    "BOUNCE_RATE_ALERT_PERCENT",
    "CREATOR_FUNNEL",
    "LEARNER_FUNNEL",
    "FunnelResult",
    "HomeMetrics",
    "KpiValue",
    "OperatorKpis",
    "RollupReport",
    "RollupState",
    "SalesTotals",
    "TimeRange",
    "average_order_value",
    "day_range",
    "emails_sent",
    "funnel_for",
    "home_metrics",
    "operator_kpis",
    "refresh_rollups",
    "rollup_state",
    "sales_totals",
]
