"""The operator's metric reads: Admin Home's sales and e-mails (the one definition of each, `core.analytics.metrics`),
the Operator KPIs page's today | 7d | 28d strip and one funnel for a date range (cached briefly; "today" moves by
the minute, 28 days hardly within ten), and how far the roll-ups behind them reach."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from components.data import cached, clock
from core.analytics import (
    FunnelResult,
    HomeMetrics,
    OperatorKpis,
    RollupState,
    funnel_for,
    home_metrics,
    operator_kpis,
    rollup_state,
)
from core.config import get_settings
from core.db import session_scope

# How long a window's figures may be reused.
KPI_TTL_SECONDS = {"today": 60, "7d": 300, "28d": 600}
FUNNEL_TTL_SECONDS = 600
HOME_TTL_SECONDS = 60
ROLLUP_STATE_TTL_SECONDS = 60


@cached("analytics", ttl=HOME_TTL_SECONDS)
def _home_metrics(day: date, freshness: int) -> HomeMetrics:
    # `day` and `freshness` are the cache key (a new day, a new minute); the figures are at the clock's now.
    with session_scope() as session:
        return home_metrics(session, now=clock.now(), tz=get_settings().timezone)


def load_marketplace_metrics(day: date) -> HomeMetrics:
    """Admin Home's figures, reused for at most a minute (e-mails sent today move while the digest goes out)."""
    return _home_metrics(day, int(clock.now().timestamp() // HOME_TTL_SECONDS))


@cached("analytics", ttl=max(KPI_TTL_SECONDS.values()))
def _operator_kpis(window: str, freshness: int) -> OperatorKpis:
    # `freshness` changes every KPI_TTL_SECONDS[window]: it ends a cached answer early for the short windows.
    with session_scope() as session:
        return operator_kpis(session, window=window, now=clock.now())


def load_operator_kpis(window: str) -> OperatorKpis:
    return _operator_kpis(window, int(clock.now().timestamp() // KPI_TTL_SECONDS[window]))


@cached("analytics", ttl=FUNNEL_TTL_SECONDS)
def load_funnel(name: str, first_day: date, last_day: date, conversion_days: int) -> FunnelResult:
    """The funnel of the people who entered between the starts of `first_day` and the end of `last_day`."""
    tz = get_settings().timezone
    start = datetime.combine(first_day, time.min, tzinfo=tz)
    end = datetime.combine(last_day + timedelta(days=1), time.min, tzinfo=tz) - timedelta(microseconds=1)
    with session_scope() as session:
        return funnel_for(session, name=name, start=start, end=end, window=timedelta(days=conversion_days))


@cached("analytics", ttl=ROLLUP_STATE_TTL_SECONDS)
def _rollup_state(freshness: int) -> RollupState | None:
    with session_scope() as session:
        return rollup_state(session)


def load_rollup_state() -> RollupState | None:
    """Up to when the roll-ups reach (None: never built), re-read at most once a minute."""
    return _rollup_state(int(clock.now().timestamp() // ROLLUP_STATE_TTL_SECONDS))
