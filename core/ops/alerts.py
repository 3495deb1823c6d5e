"""Operator alerts' loading and writing (issue 19): the rules (defaults created on first use, edit, switch), the
`alert-rules` job's evaluation; acknowledging and the reads of the Alerts page, the menu badge and admin Home are
`core.ops.alert_history`'s.

The evaluation (every 5 minutes) measures each enabled rule's metric through `core.ops.signals.SIGNALS` and
compares it with the rule (`core.ops.alert_rules.breaches`). Like the sellers' alerts (`core.sales.alert_evaluation`), a
breach is one row that lasts: `operator_alerts` holds at most one unresolved alert per rule (a partial unique
index), opened with one notification when the breach starts, kept while it lasts (`last_value` follows, nobody
is told again), resolved the first run the metric is back within the rule — or the rule was switched off —
with one more notification. A later breach opens a new alert. A metric without a reading (no mail sent in the
window: no bounce rate) neither opens nor resolves anything.

Notifications go to every active admin: in-app when the rule says so, and e-mail through the outbox when the rule
says so, one message per admin, alert and event (idempotency key `operator-alert:<alert>:<event>:<user>`), so a
rerun never mails twice. Writers flush; the caller's transaction (the job's claim) commits.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import urls
from core.config import Settings, get_settings
from core.db import insert_for, new_id
from core.models import AlertRule, AlertSeverity, AlertStatus, NotificationType, OperatorAlert, User, UserRole
from core.notify.email import queue_email
from core.notify.inapp import create_notification
from core.notify.render import render_email
from core.ops.alert_rules import (
    DEFAULT_RULES,
    WINDOWLESS_METRICS,
    RuleValues,
    RuleValuesError,
    breaches,
    open_message,
    parse_rule_values,
    resolve_message,
    rule_sentence,
)
from core.ops.signals import SIGNALS, Signal
from core.periods import require_aware

log = logging.getLogger(__name__)

ALERTS_LINK = urls.page_link(urls.ALERTS)
EMAIL_KIND = "operator-alert"
SEVERITY_COLORS = {AlertSeverity.CRITICAL: "#dc2626", AlertSeverity.WARNING: "#d97706", AlertSeverity.INFO: "#2563eb"}
Event = Literal["opened", "resolved"]


# ---------------------------------------------------------------- rules


@dataclass(frozen=True)
class RuleView:
    id: str
    key: str
    name: str
    metric: str
    metric_label: str
    definition: str
    unit: str
    comparison: str
    threshold: Decimal
    window_minutes: int
    severity: AlertSeverity
    enabled: bool
    notify_in_app: bool
    notify_email: bool
    updated_at: datetime
    open_alert_id: str | None = None

    @property
    def windowless(self) -> bool:
        return self.metric in WINDOWLESS_METRICS

    @property
    def sentence(self) -> str:
        return rule_sentence(
            self.metric_label, self.comparison, self.threshold, self.window_minutes, self.unit, metric=self.metric
        )


def _signal(metric: str) -> Signal | None:
    return SIGNALS.get(metric)


def _view(rule: AlertRule, open_alert_id: str | None = None) -> RuleView:
    signal = _signal(rule.metric)
    return RuleView(
        id=rule.id,
        key=rule.key,
        name=rule.name,
        metric=rule.metric,
        metric_label=signal.label if signal else rule.metric,
        definition=signal.definition if signal else "This metric is not measured (yet): the rule is skipped.",
        unit=signal.unit if signal else "",
        comparison=rule.comparison,
        threshold=Decimal(rule.threshold).normalize(),
        window_minutes=rule.window_minutes,
        severity=AlertSeverity(rule.severity),
        enabled=bool(rule.enabled),
        notify_in_app=bool(rule.notify_in_app),
        notify_email=bool(rule.notify_email),
        updated_at=rule.updated_at,
        open_alert_id=open_alert_id,
    )


def ensure_default_rules(session: Session, *, now: datetime) -> int:
    """Create the seed's default rules that do not exist yet (by key; an edited or switched-off rule is never
    touched). INSERT … ON CONFLICT DO NOTHING, so two first uses at once create each rule once. Returns how many
    were created; flushes."""
    require_aware(now)
    existing = set(session.scalars(select(AlertRule.key)))
    created = 0
    for rule in DEFAULT_RULES:
        if rule.key in existing:
            continue
        values = {
            "id": new_id(),
            "key": rule.key,
            "name": rule.name,
            "metric": rule.metric,
            "comparison": rule.comparison,
            "threshold": rule.threshold,
            "window_minutes": rule.window_minutes,
            "severity": rule.severity,
            "enabled": True,
            "notify_in_app": rule.notify_in_app,
            "notify_email": rule.notify_email,
            "updated_at": now,
        }
        statement = (
            insert_for(session, AlertRule)
            .values(**values)
            .on_conflict_do_nothing(index_elements=["key"])
            .returning(AlertRule.id)
        )
        created += session.scalar(statement) is not None
    session.flush()
    return created


def _open_alert_ids(session: Session) -> dict[str, str]:
    rows = session.execute(select(OperatorAlert.rule_id, OperatorAlert.id).where(OperatorAlert.resolved_at.is_(None)))
    return {rule_id: alert_id for rule_id, alert_id in rows}


def list_rules(session: Session) -> list[RuleView]:
    """Every rule, by name, with the id of its unresolved alert if it has one."""
    open_ids = _open_alert_ids(session)
    rules = session.scalars(select(AlertRule).order_by(AlertRule.name, AlertRule.id))
    return [_view(rule, open_ids.get(rule.id)) for rule in rules]


def save_rule(
    session: Session, *, rule_id: str, values: Mapping[str, object] | RuleValues, user_id: str, now: datetime
) -> RuleView:
    """Store an operator's edit of a rule (the form's raw values, see `parse_rule_values`, or parsed values).

    Raises `RuleValuesError` (field -> message) when a value is wrong — nothing is stored then — and `LookupError`
    for an unknown rule. A windowless metric keeps its stored window. The next evaluation applies the new rule (an
    open alert of a rule switched off is resolved then). Flushes.
    """
    require_aware(now)
    rule = session.get(AlertRule, rule_id)
    if rule is None:
        raise LookupError(f"alert rule {rule_id} not found")
    parsed = values if isinstance(values, RuleValues) else parse_rule_values(values, metric=rule.metric)
    if isinstance(parsed, dict):
        raise RuleValuesError(parsed)
    rule.comparison = parsed.comparison
    rule.threshold = parsed.threshold
    if rule.metric not in WINDOWLESS_METRICS:
        rule.window_minutes = parsed.window_minutes
    rule.severity = parsed.severity
    rule.enabled = parsed.enabled
    rule.notify_in_app = parsed.notify_in_app
    rule.notify_email = parsed.notify_email
    rule.updated_at = now
    rule.updated_by_user_id = user_id
    session.flush()
    return _view(rule, _open_alert_ids(session).get(rule.id))


def set_rule_enabled(session: Session, *, rule_id: str, enabled: bool, user_id: str, now: datetime) -> None:
    """Switch a rule on or off (LookupError for an unknown rule). Flushes."""
    require_aware(now)
    rule = session.get(AlertRule, rule_id)
    if rule is None:
        raise LookupError(f"alert rule {rule_id} not found")
    rule.enabled = enabled
    rule.updated_at = now
    rule.updated_by_user_id = user_id
    session.flush()


# ---------------------------------------------------------------- the evaluation


@dataclass
class AlertRunCounts:
    """What one evaluation did: alerts opened, still open, resolved; rules without a reading or without a known
    metric; in-app notifications and e-mails queued."""

    opened: int = 0
    continued: int = 0
    resolved: int = 0
    no_reading: int = 0
    unknown_metric: int = 0
    notified: int = 0
    emailed: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return self.opened + self.resolved

    def summary(self) -> str:
        text = (
            f"{self.opened} alerts opened, {self.continued} still open, {self.resolved} resolved; "
            f"{self.notified} notifications, {self.emailed} e-mails queued"
        )
        if self.no_reading:
            text += f"; {self.no_reading} rules without a reading"
        if self.unknown_metric:
            text += f"; {self.unknown_metric} rules with an unknown metric"
        return text


def _admins(session: Session) -> list[User]:
    return list(
        session.scalars(select(User).where(User.role == UserRole.ADMIN, User.is_active).order_by(User.created_at))
    )


def _notify(
    session: Session,
    *,
    rule: AlertRule,
    alert: OperatorAlert,
    event: Event,
    text: str,
    admins: list[User],
    settings: Settings,
    now: datetime,
    counts: AlertRunCounts,
) -> None:
    severity = AlertSeverity(rule.severity)
    verb = "opened" if event == "opened" else "resolved"
    title = f"{'Alert' if event == 'opened' else 'Resolved'} ({severity.value}): {rule.name}"
    if rule.notify_in_app:
        for admin in admins:
            create_notification(
                session,
                user_id=admin.id,
                type=NotificationType.SYSTEM,
                title=title,
                body=text,
                link=ALERTS_LINK,
                meta={"operator_alert_id": alert.id, "event": event, "rule_key": rule.key},
                now=now,
            )
            counts.notified += 1
    if not rule.notify_email:
        return
    view = _view(rule)
    context = {
        "subject": title,
        "headline": f"{rule.name}: alert {verb}",
        "message": text,
        "rule_text": view.sentence,
        "rule_name": rule.name,
        "severity": severity.value.capitalize(),
        "color": SEVERITY_COLORS[severity] if event == "opened" else "#16a34a",
        "event_label": "alert opened" if event == "opened" else "back to normal",
        "when_label": "Opened" if event == "opened" else "Resolved",
        "when": now.astimezone(settings.timezone).strftime("%b %d, %Y %H:%M ") + settings.app_timezone,
        "alerts_url": urls.absolute_link(settings.app_base_url, urls.ALERTS),
    }
    html, plain = render_email("operator_alert", context)
    for admin in admins:
        queued = queue_email(
            session,
            idempotency_key=f"{EMAIL_KIND}:{alert.id}:{event}:{admin.id}",
            kind=EMAIL_KIND,
            to_user_id=admin.id,
            to_address=admin.email,
            subject=title,
            html=html,
            text=plain,
            now=now,
        )
        counts.emailed += queued is not None


def _measure(rule: AlertRule, session: Session, now: datetime) -> tuple[bool, Decimal | int | None]:
    """(known metric, reading)."""
    signal = _signal(rule.metric)
    if signal is None:
        return False, None
    return True, signal.function(session, now=now, window_minutes=rule.window_minutes)


def evaluate_alert_rules(session: Session, *, now: datetime, settings: Settings | None = None) -> AlertRunCounts:
    """Measure every enabled rule and open, keep or resolve its alert (see the module's docstring); creates the
    default rules on first use. Flushes; the caller commits."""
    require_aware(now)
    settings = settings or get_settings()
    ensure_default_rules(session, now=now)
    counts = AlertRunCounts()
    admins = _admins(session)
    open_alerts = {
        a.rule_id: a for a in session.scalars(select(OperatorAlert).where(OperatorAlert.resolved_at.is_(None)))
    }
    for rule in session.scalars(select(AlertRule).order_by(AlertRule.key)).all():
        alert = open_alerts.get(rule.id)
        view = _view(rule)
        if not rule.enabled:
            if alert is not None:
                _resolve(alert, value=None, now=now)
                text = resolve_message(rule.name, None, view.sentence, view.unit)
                _notify(session, rule=rule, alert=alert, event="resolved", text=text, admins=admins,
                        settings=settings, now=now, counts=counts)  # fmt: skip
                counts.resolved += 1
            continue
        known, value = _measure(rule, session, now)
        if not known:
            counts.unknown_metric += 1
            log.warning("alert rule %s: unknown metric %r, skipped", rule.key, rule.metric)
            continue
        breached = breaches(value, rule.comparison, Decimal(rule.threshold))
        if breached is None:
            counts.no_reading += 1
            continue
        assert value is not None
        if breached and alert is not None:
            alert.last_value = Decimal(value)
            counts.continued += 1
        elif breached:
            alert = OperatorAlert(
                id=new_id(),
                rule_id=rule.id,
                status=AlertStatus.OPEN,
                severity=AlertSeverity(rule.severity),
                value=Decimal(value),
                last_value=Decimal(value),
                threshold=Decimal(rule.threshold),
                message=open_message(rule.name, value, view.sentence, view.unit),
                opened_at=now,
            )
            session.add(alert)
            session.flush()
            _notify(session, rule=rule, alert=alert, event="opened", text=alert.message, admins=admins,
                    settings=settings, now=now, counts=counts)  # fmt: skip
            counts.opened += 1
        elif alert is not None:
            _resolve(alert, value=value, now=now)
            text = resolve_message(rule.name, value, view.sentence, view.unit)
            _notify(session, rule=rule, alert=alert, event="resolved", text=text, admins=admins,
                    settings=settings, now=now, counts=counts)  # fmt: skip
            counts.resolved += 1
    session.flush()
    return counts


def _resolve(alert: OperatorAlert, *, value: Decimal | int | None, now: datetime) -> None:
    alert.status = AlertStatus.RESOLVED
    alert.resolved_at = now
    if value is not None:
        alert.last_value = Decimal(value)
