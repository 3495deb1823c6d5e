"""Operator alert rules' pure part (issue 19): the seed's default rules, the edit form's parsing and validation, the
comparison that decides a breach, and the words of an alert. No database and no clock.

A rule reads "`metric` `comparison` `threshold` over `window_minutes`": the metric is a key of
`core.ops.signals.SIGNALS` (measured there, never here), the comparison one of `>`, `>=`, `<`, `<=`, compared
exactly (a value equal to a "more than" threshold is not a breach). Metrics that describe the state right now
(outbox depth, oldest queued mail, late jobs) take no window: `WINDOWLESS_METRICS`, whose rules keep the window they
were created with and do not offer it for editing.

The seed's defaults (seed 004 §9 and Phase 6), created on first use by `core.ops.alerts.ensure_default_rules`:

* e-mail bounce rate over 2 % of the mail sent in the last 7 days — critical, in-app and e-mail;
* more than 5 `webhook_failed` events in 15 minutes — critical, in-app and e-mail;
* a job late by two periods of its schedule (`late_jobs` above 0) — warning, in-app;
* more than 500 mails waiting in the outbox — warning, in-app;
* the oldest queued mail waiting more than 60 minutes — warning, in-app.

No "stuck creators" rule yet: the creator pipeline it would read does not exist.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from core.models.enums import AlertSeverity
from core.money import format_percent, parse_amount

COMPARISONS: dict[str, Callable[[Decimal, Decimal], bool]] = {
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
}
COMPARISON_WORDS = {">": "above", ">=": "at or above", "<": "below", "<=": "at or below"}

# Measured "now", whatever the window: the outbox as it stands, the jobs as they stand.
WINDOWLESS_METRICS = frozenset({"outbox_depth", "oldest_queued_minutes", "late_jobs", "db_size_mb", "db_round_trip_ms"})

MAX_WINDOW_MINUTES = 30 * 24 * 60  # 30 days: the longest look-back a rule may take
MAX_THRESHOLD = Decimal("9999999999.9999")  # what alert_rules.threshold (Numeric(14, 4)) holds
THRESHOLD_PLACES = Decimal("0.0001")


@dataclass(frozen=True)
class DefaultRule:
    """One of the seed's rules, as `ensure_default_rules` creates it (its `key` is stable; everything else is
    the operator's to change)."""

    key: str
    name: str
    metric: str
    comparison: str
    threshold: Decimal
    window_minutes: int
    severity: AlertSeverity
    notify_in_app: bool = True
    notify_email: bool = False


WEEK_MINUTES = 7 * 24 * 60
EVERY_RUN_MINUTES = 5  # the windowless rules' nominal window: the alerts job's period

DEFAULT_RULES: tuple[DefaultRule, ...] = (
    DefaultRule(
        "bounce-rate",
        "E-mail bounce rate",
        "bounce_rate",
        ">",
        Decimal("2"),
        WEEK_MINUTES,
        AlertSeverity.CRITICAL,
        notify_email=True,
    ),
    DefaultRule(
        "webhook-failures",
        "Webhook failures",
        "webhook_failures",
        ">",
        Decimal("5"),
        15,
        AlertSeverity.CRITICAL,
        notify_email=True,
    ),
    DefaultRule("late-jobs", "Late jobs", "late_jobs", ">", Decimal("0"), EVERY_RUN_MINUTES, AlertSeverity.WARNING),
    DefaultRule(
        "outbox-backlog",
        "E-mail outbox backlog",
        "outbox_depth",
        ">",
        Decimal("500"),
        EVERY_RUN_MINUTES,
        AlertSeverity.WARNING,
    ),
    DefaultRule(
        "outbox-oldest",
        "Oldest queued e-mail",
        "oldest_queued_minutes",
        ">",
        Decimal("60"),
        EVERY_RUN_MINUTES,
        AlertSeverity.WARNING,
    ),
)
DEFAULT_RULES_BY_KEY = {rule.key: rule for rule in DEFAULT_RULES}


def breaches(value: Decimal | int | None, comparison: str, threshold: Decimal) -> bool | None:
    """Whether `value` breaches the rule (exact comparison); None when there is no reading (e.g. no mail sent in
    the window, so no bounce rate): then an alert neither opens nor resolves."""
    if value is None:
        return None
    return COMPARISONS[comparison](Decimal(value), Decimal(threshold))


# ---------------------------------------------------------------- the edit form


MSG_MISSING = "Enter a threshold."
MSG_NOT_A_NUMBER = "Enter a number, like 2 or 0.5."
MSG_NEGATIVE = "Enter 0 or more: a metric here is never negative."
MSG_TOO_LARGE = "Enter a smaller number."
MSG_TOO_MANY_DECIMALS = "Use at most four decimals."
MSG_WINDOW = f"Enter a whole number of minutes from 1 to {MAX_WINDOW_MINUTES:,} (30 days)."
MSG_COMPARISON = "Choose one of >, >=, < or <=."
MSG_SEVERITY = "Choose info, warning or critical."


class RuleValuesError(ValueError):
    """A rule edit that cannot be saved: `errors` maps each bad field to its message (nothing was stored)."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class RuleValues:
    """What an operator may change on a rule, validated."""

    comparison: str
    threshold: Decimal
    window_minutes: int
    severity: AlertSeverity
    enabled: bool
    notify_in_app: bool
    notify_email: bool


def _number(value: object) -> Decimal | None:
    """A number typed or given by a widget ("2", " 2.5 % ", 2.0); None for words, NaN, infinities, booleans."""
    if isinstance(value, str):
        value = value.strip().removesuffix("%").strip()
    return parse_amount(value)  # type: ignore[arg-type]


def parse_threshold(value: object) -> tuple[Decimal | None, str | None]:
    """(threshold, None) for a good threshold — a finite number from 0 up, at most four decimals — else
    (None, message). Negative numbers, NaN, infinities and words are refused."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, MSG_MISSING
    number = _number(value)
    if number is None:
        return None, MSG_NOT_A_NUMBER
    if number < 0:
        return None, MSG_NEGATIVE
    if number > MAX_THRESHOLD:
        return None, MSG_TOO_LARGE
    if number != number.quantize(THRESHOLD_PLACES):
        return None, MSG_TOO_MANY_DECIMALS
    return number.quantize(THRESHOLD_PLACES).normalize() if number else Decimal(0), None


def parse_window(value: object) -> tuple[int | None, str | None]:
    """(minutes, None) for a whole number of minutes from 1 to 30 days, else (None, message): 0 is refused."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, MSG_WINDOW
    number = _number(value)
    if number is None or number != number.to_integral_value() or not 1 <= number <= MAX_WINDOW_MINUTES:
        return None, MSG_WINDOW
    return int(number), None


def parse_rule_values(raw: Mapping[str, object], *, metric: str) -> RuleValues | dict[str, str]:
    """The rule's new values from the form, or {field: message} for every field that is wrong.

    `raw` holds `comparison`, `threshold`, `window_minutes` (ignored for `WINDOWLESS_METRICS`; then give the
    stored one), `severity`, and the switches `enabled`, `notify_in_app`, `notify_email` (booleans).
    """
    errors: dict[str, str] = {}
    comparison = str(raw.get("comparison") or "").strip()
    if comparison not in COMPARISONS:
        errors["comparison"] = MSG_COMPARISON
    threshold, error = parse_threshold(raw.get("threshold"))
    if error:
        errors["threshold"] = error
    window, error = parse_window(raw.get("window_minutes"))
    if error and metric not in WINDOWLESS_METRICS:
        errors["window_minutes"] = error
    try:
        severity = AlertSeverity(str(raw.get("severity") or ""))
    except ValueError:
        errors["severity"] = MSG_SEVERITY
    if errors:
        return errors
    assert threshold is not None
    return RuleValues(
        comparison=comparison,
        threshold=threshold,
        window_minutes=window if window is not None else EVERY_RUN_MINUTES,
        severity=severity,
        enabled=bool(raw.get("enabled", True)),
        notify_in_app=bool(raw.get("notify_in_app", True)),
        notify_email=bool(raw.get("notify_email", False)),
    )


# ---------------------------------------------------------------- the words


def format_number(value: Decimal | int | None, unit: str = "") -> str:
    """A reading or a threshold with only the decimals it needs (at most two) and its unit, in the house formats:
    "2.35%" (`core.money.format_percent`), "512 e-mails", "75 minutes", "1.5 x median"; "no reading" for None."""
    if value is None:
        return "no reading"
    number = Decimal(value)
    exponent = number.normalize().as_tuple().exponent
    places = min(max(-exponent, 0), 2) if isinstance(exponent, int) else 0
    if unit == "%":
        return format_percent(number, places=places)
    text = f"{number:,.{places}f}"
    return f"{text} {unit}" if unit else text


def format_window(minutes: int) -> str:
    """ "15 minutes", "1 hour", "7 days"."""
    for size, word in ((24 * 60, "day"), (60, "hour")):
        if minutes % size == 0:
            count = minutes // size
            return f"{count} {word}{'s' if count != 1 else ''}"
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def rule_sentence(metric_label: str, comparison: str, threshold: Decimal, window_minutes: int, unit: str, *,
                  metric: str) -> str:  # fmt: skip
    """ "Bounce rate above 2 % over 7 days", "Outbox depth above 500 (now)"."""
    when = "now" if metric in WINDOWLESS_METRICS else f"over {format_window(window_minutes)}"
    return f"{metric_label} {COMPARISON_WORDS[comparison]} {format_number(threshold, unit)} ({when})"


def open_message(rule_name: str, value: Decimal | int, rule_text: str, unit: str) -> str:
    """The alert's text when it opens: what is wrong, and the rule it broke."""
    return f"{rule_name}: {format_number(value, unit)} — rule: {rule_text}."


def resolve_message(rule_name: str, value: Decimal | int | None, rule_text: str, unit: str) -> str:
    """The text of the notification that the alert resolved (the metric is back within the rule)."""
    if value is None:
        return f"{rule_name} is back to normal (rule switched off or removed): {rule_text}."
    return f"{rule_name} is back to normal: {format_number(value, unit)} — rule: {rule_text}."
