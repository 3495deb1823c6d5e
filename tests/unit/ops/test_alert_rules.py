"""Operator alert rules, pure part: the form's parsing table (thresholds, windows), the exact comparisons, the
defaults and the words."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.models.enums import AlertSeverity
from core.ops.alert_rules import (
    DEFAULT_RULES,
    MSG_COMPARISON,
    MSG_MISSING,
    MSG_NEGATIVE,
    MSG_NOT_A_NUMBER,
    MSG_SEVERITY,
    MSG_TOO_MANY_DECIMALS,
    MSG_WINDOW,
    RuleValues,
    breaches,
    format_number,
    format_window,
    parse_rule_values,
    parse_threshold,
    parse_window,
    rule_sentence,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2", (Decimal("2"), None)),
        (" 2.5 % ", (Decimal("2.5"), None)),
        ("0", (Decimal("0"), None)),
        (0.25, (Decimal("0.25"), None)),
        ("1,500", (Decimal("1500"), None)),
        ("0.0001", (Decimal("0.0001"), None)),
        ("0.00001", (None, MSG_TOO_MANY_DECIMALS)),
        ("-1", (None, MSG_NEGATIVE)),
        (-0.5, (None, MSG_NEGATIVE)),
        ("NaN", (None, MSG_NOT_A_NUMBER)),
        (float("nan"), (None, MSG_NOT_A_NUMBER)),
        ("inf", (None, MSG_NOT_A_NUMBER)),
        (float("-inf"), (None, MSG_NOT_A_NUMBER)),
        ("two", (None, MSG_NOT_A_NUMBER)),
        ("١٢", (None, MSG_NOT_A_NUMBER)),
        (True, (None, MSG_NOT_A_NUMBER)),
        ("", (None, MSG_MISSING)),
        ("   ", (None, MSG_MISSING)),
        (None, (None, MSG_MISSING)),
    ],
)
def test_threshold_parsing(raw: object, expected: tuple[Decimal | None, str | None]) -> None:
    assert parse_threshold(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("15", (15, None)),
        (10080, (10080, None)),
        ("1", (1, None)),
        ("43200", (43200, None)),
        ("43201", (None, MSG_WINDOW)),
        ("0", (None, MSG_WINDOW)),
        (0, (None, MSG_WINDOW)),
        ("-15", (None, MSG_WINDOW)),
        ("1.5", (None, MSG_WINDOW)),
        ("NaN", (None, MSG_WINDOW)),
        ("fifteen", (None, MSG_WINDOW)),
        ("", (None, MSG_WINDOW)),
    ],
)
def test_window_parsing(raw: object, expected: tuple[int | None, str | None]) -> None:
    assert parse_window(raw) == expected


GOOD = {
    "comparison": ">",
    "threshold": "3",
    "window_minutes": "60",
    "severity": "critical",
    "enabled": True,
    "notify_in_app": True,
    "notify_email": False,
}


def test_a_good_edit_parses_to_its_values() -> None:
    assert parse_rule_values(GOOD, metric="webhook_failures") == RuleValues(
        comparison=">",
        threshold=Decimal("3"),
        window_minutes=60,
        severity=AlertSeverity.CRITICAL,
        enabled=True,
        notify_in_app=True,
        notify_email=False,
    )


def test_every_bad_field_gets_its_own_message() -> None:
    raw = GOOD | {"comparison": "=>", "threshold": "-2", "window_minutes": "0", "severity": "urgent"}
    assert parse_rule_values(raw, metric="webhook_failures") == {
        "comparison": MSG_COMPARISON,
        "threshold": MSG_NEGATIVE,
        "window_minutes": MSG_WINDOW,
        "severity": MSG_SEVERITY,
    }


def test_a_windowless_metric_ignores_the_window_field() -> None:
    parsed = parse_rule_values(GOOD | {"window_minutes": "0"}, metric="outbox_depth")
    assert isinstance(parsed, RuleValues)
    assert parse_rule_values(GOOD | {"window_minutes": "0"}, metric="bounce_rate") == {"window_minutes": MSG_WINDOW}


@pytest.mark.parametrize(
    ("value", "comparison", "threshold", "expected"),
    [
        (Decimal("2.0001"), ">", Decimal("2"), True),
        (Decimal("2"), ">", Decimal("2"), False),  # "more than": equal is not a breach
        (Decimal("2"), ">=", Decimal("2"), True),
        (Decimal("1.9999"), ">=", Decimal("2"), False),
        (5, "<", Decimal("6"), True),
        (6, "<", Decimal("6"), False),
        (6, "<=", Decimal("6"), True),
        (7, "<=", Decimal("6"), False),
        (0, ">", Decimal("0"), False),
        (1, ">", Decimal("0"), True),
        (None, ">", Decimal("2"), None),  # no reading: neither breach nor normal
    ],
)
def test_comparisons_are_exact(value: Decimal | int | None, comparison: str, threshold: Decimal, expected) -> None:
    assert breaches(value, comparison, threshold) is expected


def test_the_seed_defaults() -> None:
    table = {
        (r.key, r.metric, r.comparison, r.threshold, r.window_minutes, r.severity, r.notify_email)
        for r in DEFAULT_RULES
    }
    assert table == {
        ("bounce-rate", "bounce_rate", ">", Decimal("2"), 7 * 24 * 60, AlertSeverity.CRITICAL, True),
        ("webhook-failures", "webhook_failures", ">", Decimal("5"), 15, AlertSeverity.CRITICAL, True),
        ("late-jobs", "late_jobs", ">", Decimal("0"), 5, AlertSeverity.WARNING, False),
        ("outbox-backlog", "outbox_depth", ">", Decimal("500"), 5, AlertSeverity.WARNING, False),
        ("outbox-oldest", "oldest_queued_minutes", ">", Decimal("60"), 5, AlertSeverity.WARNING, False),
    }
    assert all(r.notify_in_app for r in DEFAULT_RULES)


def test_words() -> None:
    assert format_number(Decimal("2.3456"), "%") == "2.35%"
    assert format_number(Decimal("2"), "%") == "2%"
    assert format_number(512, "e-mails") == "512 e-mails"
    assert format_number(Decimal("1500.5"), "events") == "1,500.5 events"
    assert format_number(None, "%") == "no reading"
    assert [format_window(m) for m in (15, 60, 90, 1440, 10080, 1)] == [
        "15 minutes", "1 hour", "90 minutes", "1 day", "7 days", "1 minute",
    ]  # fmt: skip
    assert rule_sentence("Bounce rate", ">", Decimal("2"), 10080, "%", metric="bounce_rate") == (
        "Bounce rate above 2% (over 7 days)"
    )
    assert rule_sentence("Outbox depth", ">=", Decimal("500"), 5, "e-mails", metric="outbox_depth") == (
        "Outbox depth at or above 500 e-mails (now)"
    )
