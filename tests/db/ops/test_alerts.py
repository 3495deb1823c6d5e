"""Operator alerts against a database (both backends), with a controlled clock and hand-built events and outbox
rows, measured by the real signals: open once, no repeat while it lasts, resolve, re-open; acknowledge; in-app
notifications and outbox rows exactly once; a switched-off rule resolves its alert; editing refuses bad values."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.models import (
    AlertRule,
    AlertStatus,
    EmailOutbox,
    EmailStatus,
    Notification,
    NotificationType,
    OperatorAlert,
    UserRole,
)
from core.ops.alert_history import acknowledge, alert_history, open_alert_count, todays_alerts
from core.ops.alert_rules import MSG_NEGATIVE, MSG_WINDOW, RuleValuesError
from core.ops.alerts import ensure_default_rules, evaluate_alert_rules, list_rules, save_rule, set_rule_enabled
from tests.factories import add_event, make_seller, make_user

T0 = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)


@pytest.fixture
def admins(session: Session) -> list[str]:
    """Two active admins (both notified), one deactivated admin and a seller (never notified)."""
    ada = make_user(session, username="ada", role=UserRole.ADMIN, name="Ada Admin")
    bob = make_user(session, username="bob", role=UserRole.ADMIN, name="Bob Admin")
    make_user(session, username="gone", role=UserRole.ADMIN).is_active = False
    make_seller(session, username="sam")
    session.flush()
    return [ada.id, bob.id]


def rule_id(session: Session, key: str) -> str:
    return session.scalar(select(AlertRule.id).where(AlertRule.key == key))


def only(session: Session, key: str, *, admin_id: str) -> str:
    """Switch every default rule off but `key`; returns its id."""
    ensure_default_rules(session, now=T0)
    for rule in session.scalars(select(AlertRule)):
        set_rule_enabled(session, rule_id=rule.id, enabled=rule.key == key, user_id=admin_id, now=T0)
    return rule_id(session, key)


def webhook_failures(session: Session, at: datetime, count: int) -> None:
    for i in range(count):
        add_event(session, person_id="system", event_type="webhook_failed", occurred_at=at + timedelta(seconds=i))


def alerts(session: Session) -> list[OperatorAlert]:
    session.expire_all()
    return list(session.scalars(select(OperatorAlert).order_by(OperatorAlert.opened_at)))


def notifications(session: Session) -> list[tuple[str, str]]:
    rows = session.execute(select(Notification.user_id, Notification.title).order_by(Notification.created_at))
    return [tuple(r) for r in rows]


def outbox_keys(session: Session) -> list[str]:
    return sorted(session.scalars(select(EmailOutbox.idempotency_key)))


def test_defaults_are_created_once_and_never_overwrite_an_edit(session: Session, admins: list[str]) -> None:
    assert ensure_default_rules(session, now=T0) == 5
    webhook = rule_id(session, "webhook-failures")
    save_rule(
        session,
        rule_id=webhook,
        values={
            "comparison": ">=",
            "threshold": "10",
            "window_minutes": "30",
            "severity": "warning",
            "enabled": True,
            "notify_in_app": True,
            "notify_email": False,
        },
        user_id=admins[0],
        now=T0,
    )
    assert ensure_default_rules(session, now=T0 + timedelta(minutes=5)) == 0
    session.expire_all()
    rule = session.get(AlertRule, webhook)
    assert (rule.comparison, rule.threshold, rule.window_minutes, rule.notify_email) == (">=", 10, 30, False)
    assert rule.updated_by_user_id == admins[0]
    assert [r.key for r in list_rules(session)] == [
        "bounce-rate",
        "outbox-backlog",
        "late-jobs",
        "outbox-oldest",
        "webhook-failures",
    ]  # fmt: skip  (by name: E-mail bounce rate, E-mail outbox backlog, Late jobs, Oldest queued e-mail, Webhook…)


def test_bad_values_are_refused_per_field_and_nothing_is_stored(session: Session, admins: list[str]) -> None:
    ensure_default_rules(session, now=T0)
    bounce = rule_id(session, "bounce-rate")
    raw = {"comparison": ">", "threshold": "-1", "window_minutes": "0", "severity": "critical"}
    with pytest.raises(RuleValuesError) as refused:
        save_rule(session, rule_id=bounce, values=raw, user_id=admins[0], now=T0)
    assert refused.value.errors == {"threshold": MSG_NEGATIVE, "window_minutes": MSG_WINDOW}
    for bad in ("NaN", "inf", "lots"):
        with pytest.raises(RuleValuesError):
            save_rule(session, rule_id=bounce, values=raw | {"threshold": bad, "window_minutes": "60"},
                      user_id=admins[0], now=T0)  # fmt: skip
    session.expire_all()
    rule = session.get(AlertRule, bounce)
    assert (rule.threshold, rule.window_minutes, rule.updated_by_user_id) == (Decimal("2"), 10080, None)
    with pytest.raises(LookupError):
        save_rule(session, rule_id="nope", values=raw, user_id=admins[0], now=T0)


def test_open_no_repeat_resolve_and_reopen(session: Session, admins: list[str]) -> None:
    webhook = only(session, "webhook-failures", admin_id=admins[0])
    webhook_failures(session, T0 - timedelta(minutes=10), 6)  # 6 in the 15 minutes before T0: more than 5

    counts = evaluate_alert_rules(session, now=T0)
    assert (counts.opened, counts.continued, counts.resolved) == (1, 0, 0)
    (first,) = alerts(session)
    assert (first.rule_id, first.status, first.value, first.last_value, first.threshold) == (
        webhook, AlertStatus.OPEN, Decimal(6), Decimal(6), Decimal(5),
    )  # fmt: skip
    assert first.message == "Webhook failures: 6 events — rule: Webhook failures above 5 events (over 15 minutes)."
    assert sorted(notifications(session)) == sorted((admin, "Alert (critical): Webhook failures") for admin in admins)
    # The webhook rule e-mails: one message per active admin, keyed by alert, event and admin.
    assert outbox_keys(session) == sorted(f"operator-alert:{first.id}:opened:{a}" for a in admins)
    assert open_alert_count(session) == 1

    # Five minutes on, one more failure: still breaching (7), nobody told again.
    webhook_failures(session, T0 + timedelta(minutes=2), 1)
    counts = evaluate_alert_rules(session, now=T0 + timedelta(minutes=5))
    assert (counts.opened, counts.continued, counts.resolved, counts.notified, counts.emailed) == (0, 1, 0, 0, 0)
    (same,) = alerts(session)
    assert (same.id, same.value, same.last_value) == (first.id, Decimal(6), Decimal(7))
    assert len(notifications(session)) == 2 and len(outbox_keys(session)) == 2

    # At T0+20 the window (T0+5, T0+20] holds none: resolved, with one more notification and e-mail each.
    counts = evaluate_alert_rules(session, now=T0 + timedelta(minutes=20))
    assert (counts.opened, counts.continued, counts.resolved) == (0, 0, 1)
    (done,) = alerts(session)
    assert (done.status, done.resolved_at, done.last_value) == (AlertStatus.RESOLVED, T0 + timedelta(minutes=20), 0)
    assert [t for _, t in notifications(session)][2:] == ["Resolved (critical): Webhook failures"] * 2
    assert outbox_keys(session) == sorted(
        f"operator-alert:{first.id}:{event}:{a}" for a in admins for event in ("opened", "resolved")
    )
    assert open_alert_count(session) == 0
    # Running again while normal changes nothing.
    assert evaluate_alert_rules(session, now=T0 + timedelta(minutes=25)).rows == 0

    # A new burst: a new alert (the old one stays resolved), notified once more.
    webhook_failures(session, T0 + timedelta(minutes=50), 8)
    assert evaluate_alert_rules(session, now=T0 + timedelta(minutes=55)).opened == 1
    assert evaluate_alert_rules(session, now=T0 + timedelta(minutes=55)).continued == 1
    old, new = alerts(session)
    assert (old.id, old.status, new.status, new.value) == (first.id, AlertStatus.RESOLVED, AlertStatus.OPEN, 8)
    assert len(notifications(session)) == 6 and len(outbox_keys(session)) == 6
    # Nobody else was told: not the deactivated admin, not the seller.
    assert {user for user, _ in notifications(session)} == set(admins)
    assert session.scalar(select(func.count()).where(Notification.type != NotificationType.SYSTEM)) == 0


def test_acknowledge(session: Session, admins: list[str]) -> None:
    only(session, "webhook-failures", admin_id=admins[0])
    webhook_failures(session, T0 - timedelta(minutes=1), 6)
    evaluate_alert_rules(session, now=T0)
    (alert,) = alerts(session)
    later = T0 + timedelta(minutes=3)
    assert acknowledge(session, alert_id=alert.id, user_id=admins[1], now=later) is True
    assert acknowledge(session, alert_id=alert.id, user_id=admins[0], now=later) is False  # already acknowledged
    (alert,) = alerts(session)
    assert (alert.status, alert.acknowledged_at, alert.acknowledged_by_user_id) == (
        AlertStatus.ACKNOWLEDGED, later, admins[1],
    )  # fmt: skip
    # Acknowledged is still unresolved: the badge counts it, the next run keeps it (no new alert, no message).
    assert open_alert_count(session) == 1
    counts = evaluate_alert_rules(session, now=T0 + timedelta(minutes=5))
    assert (counts.opened, counts.continued, counts.notified) == (0, 1, 0)
    view = alert_history(session, limit=10)[0]
    assert (view.status, view.acknowledged_by, view.is_open) == (AlertStatus.ACKNOWLEDGED, "Bob Admin", True)
    # Resolved: acknowledging it is a no-op; an unknown alert is a LookupError.
    evaluate_alert_rules(session, now=T0 + timedelta(minutes=30))
    assert open_alert_count(session) == 0
    assert acknowledge(session, alert_id=alert.id, user_id=admins[0], now=T0 + timedelta(minutes=31)) is False
    with pytest.raises(LookupError):
        acknowledge(session, alert_id="missing", user_id=admins[0], now=T0)


def test_a_switched_off_rule_is_skipped_and_its_open_alert_resolved(session: Session, admins: list[str]) -> None:
    webhook = only(session, "webhook-failures", admin_id=admins[0])
    webhook_failures(session, T0 - timedelta(minutes=1), 9)
    evaluate_alert_rules(session, now=T0)
    set_rule_enabled(session, rule_id=webhook, enabled=False, user_id=admins[0], now=T0)
    # Still 9 failures in the window, but the rule is off: resolved, and the admins told so once.
    counts = evaluate_alert_rules(session, now=T0 + timedelta(minutes=5))
    assert (counts.opened, counts.resolved) == (0, 1)
    (alert,) = alerts(session)
    assert (alert.status, alert.last_value) == (AlertStatus.RESOLVED, Decimal(9))  # the last reading stays
    assert len(notifications(session)) == 4 and len(outbox_keys(session)) == 4
    counts = evaluate_alert_rules(session, now=T0 + timedelta(minutes=10))
    assert (counts.opened, counts.resolved, counts.notified) == (0, 0, 0)


def test_outbox_rules_over_hand_built_outbox_rows(session: Session, admins: list[str]) -> None:
    ensure_default_rules(session, now=T0)
    for key in ("webhook-failures", "bounce-rate", "late-jobs"):
        set_rule_enabled(session, rule_id=rule_id(session, key), enabled=False, user_id=admins[0], now=T0)
    for i, status in enumerate((EmailStatus.QUEUED, EmailStatus.QUEUED, EmailStatus.FAILED, EmailStatus.SENT)):
        session.add(
            EmailOutbox(
                idempotency_key=f"k{i}",
                kind="test",
                to_address="x@example.com",
                subject="s",
                html_body="h",
                text_body="t",
                status=status,
                attempts=1,
                created_at=T0 - timedelta(minutes=90 - i),
                updated_at=T0 - timedelta(minutes=90 - i),
            )
        )
    session.flush()
    backlog = rule_id(session, "outbox-backlog")
    save_rule(
        session,
        rule_id=backlog,
        values={
            "comparison": ">=",
            "threshold": "3",
            "window_minutes": "0",
            "severity": "warning",
            "enabled": True,
            "notify_in_app": True,
            "notify_email": False,
        },
        user_id=admins[0],
        now=T0,
    )  # a windowless metric: its window field is not read (0 is not refused), the stored one stays
    assert session.get(AlertRule, backlog).window_minutes == 5
    counts = evaluate_alert_rules(session, now=T0)
    assert (counts.opened, counts.emailed) == (2, 0)  # warnings: in-app only
    values = {a.message.split(":")[0]: a.value for a in alerts(session)}
    # Waiting: 2 queued + 1 failed with attempts left = 3 (>= 3); the oldest was queued 90 minutes ago (> 60).
    assert values == {"E-mail outbox backlog": Decimal(3), "Oldest queued e-mail": Decimal(90)}
    assert len(todays_alerts(session, now=T0)) == 2
    assert [a.rule_name for a in alert_history(session, limit=1)] in (
        ["E-mail outbox backlog"], ["Oldest queued e-mail"],
    )  # fmt: skip


def test_todays_alerts_keep_open_ones_and_todays_resolved(session: Session, admins: list[str]) -> None:
    only(session, "webhook-failures", admin_id=admins[0])
    yesterday = T0 - timedelta(days=1)
    webhook_failures(session, yesterday - timedelta(minutes=1), 6)
    evaluate_alert_rules(session, now=yesterday)  # opened yesterday…
    evaluate_alert_rules(session, now=yesterday + timedelta(minutes=30))  # …and resolved yesterday
    webhook_failures(session, T0 - timedelta(minutes=1), 6)
    evaluate_alert_rules(session, now=T0)  # opened today, open
    assert [a.is_open for a in todays_alerts(session, now=T0 + timedelta(hours=1))] == [True]
    assert len(alert_history(session, limit=10)) == 2
    with pytest.raises(ValueError):
        alert_history(session, limit=0)
