"""Operator analytics: the KPI strip over today / 7 d / 28 d and conversion funnels.

The face of the package: what components and jobs call, re-exported from its modules."""

from __future__ import annotations

from core.analytics.funnels import CREATOR_FUNNEL, LEARNER_FUNNEL, FunnelResult
from core.analytics.kpis import BOUNCE_RATE_ALERT_PERCENT, KpiValue, OperatorKpis
from core.analytics.queries import funnel_for, operator_kpis

__all__ = [
    "BOUNCE_RATE_ALERT_PERCENT",
    "CREATOR_FUNNEL",
    "LEARNER_FUNNEL",
    "FunnelResult",
    "KpiValue",
    "OperatorKpis",
    "funnel_for",
    "operator_kpis",
]
