"""Operator alerts as admins see and handle them (issue 19): acknowledge an unresolved alert, the count of the admin
menu's badge, the Alerts page's history and admin Home's "Today's alerts". The rules and the evaluation that opens
and resolves alerts are `core.ops.alerts`'s."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session, aliased

from core.config import Settings, get_settings
from core.models import AlertRule, AlertSeverity, AlertStatus, OperatorAlert, User
from core.ops.alert_rules import format_number
from core.ops.signals import SIGNALS
from core.periods import local_day, require_aware, start_of_day

MAX_HISTORY = 500


def acknowledge(session: Session, *, alert_id: str, user_id: str, now: datetime) -> bool:
    """An admin has seen an unresolved alert: it stays until its metric is back, but is marked acknowledged (by
    whom, when). True when this call acknowledged it; False when it was already acknowledged or resolved.
    LookupError for an unknown alert. Flushes."""
    require_aware(now)
    if session.get(OperatorAlert, alert_id) is None:
        raise LookupError(f"alert {alert_id} not found")
    result = session.execute(
        update(OperatorAlert)
        .where(
            OperatorAlert.id == alert_id,
            OperatorAlert.resolved_at.is_(None),
            OperatorAlert.acknowledged_at.is_(None),
        )
        .values(status=AlertStatus.ACKNOWLEDGED, acknowledged_at=now, acknowledged_by_user_id=user_id)
        .execution_options(synchronize_session="fetch")
    )
    return result.rowcount == 1


def open_alert_count(session: Session) -> int:
    """Unresolved alerts (open or acknowledged): the admin menu's badge."""
    stmt = select(func.count(OperatorAlert.id)).where(OperatorAlert.resolved_at.is_(None))
    return int(session.scalar(stmt) or 0)


@dataclass(frozen=True)
class AlertView:
    id: str
    rule_name: str
    severity: AlertSeverity
    status: AlertStatus
    value: Decimal | None
    last_value: Decimal | None
    threshold: Decimal
    unit: str
    message: str
    opened_at: datetime
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    resolved_at: datetime | None

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None

    def reading(self) -> str:
        return format_number(self.last_value, self.unit)


def _alerts(session: Session, *conditions: Any, limit: int) -> list[AlertView]:
    acknowledger = aliased(User)
    rows = session.execute(
        select(OperatorAlert, AlertRule.name, AlertRule.metric, acknowledger.name)
        .join(AlertRule, AlertRule.id == OperatorAlert.rule_id)
        .outerjoin(acknowledger, acknowledger.id == OperatorAlert.acknowledged_by_user_id)
        .where(*conditions)
        .order_by(OperatorAlert.opened_at.desc(), OperatorAlert.id.desc())
        .limit(limit)
    ).all()
    out = []
    for alert, rule_name, metric, acknowledged_by in rows:
        signal = SIGNALS.get(metric)
        out.append(
            AlertView(
                id=alert.id,
                rule_name=rule_name,
                severity=AlertSeverity(alert.severity),
                status=AlertStatus(alert.status),
                value=alert.value,
                last_value=alert.last_value,
                threshold=alert.threshold,
                unit=signal.unit if signal else "",
                message=alert.message,
                opened_at=alert.opened_at,
                acknowledged_at=alert.acknowledged_at,
                acknowledged_by=acknowledged_by,
                resolved_at=alert.resolved_at,
            )
        )
    return out


def alert_history(session: Session, *, limit: int = 100) -> list[AlertView]:
    """The latest alerts, open and resolved, newest first; at most `limit` (1–500)."""
    if not 1 <= limit <= MAX_HISTORY:
        raise ValueError(f"limit must be between 1 and {MAX_HISTORY}, got {limit}")
    return _alerts(session, limit=limit)


def todays_alerts(session: Session, *, now: datetime, settings: Settings | None = None) -> list[AlertView]:
    """Admin Home's "Today's alerts": every unresolved alert, and those opened or resolved since local midnight
    (APP_TIMEZONE), newest first."""
    require_aware(now)
    settings = settings or get_settings()
    since = start_of_day(local_day(now, settings.timezone), settings.timezone)
    return _alerts(
        session,
        or_(OperatorAlert.resolved_at.is_(None), OperatorAlert.opened_at >= since, OperatorAlert.resolved_at >= since),
        limit=MAX_HISTORY,
    )
