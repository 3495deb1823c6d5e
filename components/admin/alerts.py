"""The admin Alerts page's widgets: the rules table, the edit form of one rule (switch, comparison, threshold,
window, severity, notifications; errors under the field at fault, nothing saved then) and the alert history with
"Acknowledge" for the alerts still open.

The threshold and window are text fields on purpose: what an admin types ("-1", "NaN", "0") reaches core's parser
(`core.ops.alert_rules.parse_rule_values`) and is answered next to the field, instead of a number field quietly
clamping it. The save runs in the form's callback, so its errors are drawn under the fields in the same run.
"""

from __future__ import annotations

import logging

import streamlit as st

from components.data import DatabaseError, describe_database_error
from components.data import alerts as data
from components.seller.goals_edit import field_error
from components.ui.empty import empty_state
from components.ui.flash import flash
from components.ui.format import format_local
from components.ui.text import md
from core.accounts import Account
from core.models import AlertSeverity, AlertStatus
from core.ops.alert_history import AlertView
from core.ops.alert_rules import COMPARISONS, RuleValuesError, format_number
from core.ops.alerts import RuleView

log = logging.getLogger(__name__)

FLASH = "alerts"
ERRORS_KEY = "alert_rule_errors"
CHOSEN_KEY = "alert_rule_chosen"
FIELDS = ("enabled", "comparison", "threshold", "window_minutes", "severity", "notify_in_app", "notify_email")
SEVERITIES = [s.value for s in AlertSeverity]
STATUS_LABELS = {AlertStatus.OPEN: "Open", AlertStatus.ACKNOWLEDGED: "Acknowledged", AlertStatus.RESOLVED: "Resolved"}


def field_key(field: str, rule: RuleView) -> str:
    """A field's widget key, per rule AND its stored version: a saved rule gets new widgets that start from what
    was stored, while unsaved typing stays in the current ones. (The widgets take their starting value from
    `value=`/`index=`, never from session state: a browser that drops a superseded run's messages would otherwise
    show a checkbox's or a select box's default instead of the stored value.)"""
    return f"alert_rule_{field}_{rule.id}_{rule.updated_at:%Y%m%d%H%M%S%f}"


def rules_table(rules: list[RuleView]) -> None:
    rows = [
        {
            "Rule": r.name,
            "Condition": r.sentence,
            "Severity": r.severity.value.capitalize(),
            "On": r.enabled,
            "Notify": " + ".join(n for n, on in (("in-app", r.notify_in_app), ("e-mail", r.notify_email)) if on)
            or "nobody",
            "Now": "Alert open" if r.open_alert_id else "OK",
        }
        for r in rules
    ]
    st.dataframe(rows, hide_index=True, width="stretch", column_config={"On": st.column_config.CheckboxColumn()})


def _save(account: Account, rule: RuleView) -> None:
    values = {field: st.session_state.get(field_key(field, rule)) for field in FIELDS}
    try:
        saved = data.save_rule(rule.id, values, user_id=account.user_id)
    except RuleValuesError as exc:
        st.session_state[ERRORS_KEY] = exc.errors
        return
    except LookupError:
        flash(FLASH, "This rule no longer exists. Nothing was changed.", kind="error")
        return
    except DatabaseError as exc:
        log.exception("saving an alert rule failed")
        message, icon = describe_database_error(exc, doing="save the rule")
        flash(FLASH, md(f"{message} Nothing was changed."), kind="error", icon=icon)
        return
    st.session_state.pop(ERRORS_KEY, None)
    state = "on" if saved.enabled else "off"
    flash(FLASH, md(f"Saved “{saved.name}” ({state}): {saved.sentence}. The next check applies it."))


def edit_form(account: Account, rules: list[RuleView]) -> None:
    """Choose a rule, then switch it and edit its thresholds (errors under the fields)."""
    by_id = {r.id: r for r in rules}
    chosen = st.selectbox("Edit a rule", list(by_id), format_func=lambda i: by_id[i].name, key=CHOSEN_KEY)
    rule = by_id[chosen]
    if st.session_state.get(f"{ERRORS_KEY}_for") != field_key("enabled", rule):
        st.session_state.pop(ERRORS_KEY, None)  # errors belong to the rule (and version) they were made on
    st.session_state[f"{ERRORS_KEY}_for"] = field_key("enabled", rule)
    errors: dict[str, str] = st.session_state.get(ERRORS_KEY, {})

    def key(field: str) -> str:
        return field_key(field, rule)

    comparisons = list(COMPARISONS)
    with st.form("alert_rule_form", enter_to_submit=False):
        st.toggle(
            "Rule on",
            value=rule.enabled,
            key=key("enabled"),
            help="A rule switched off is not checked; its open alert resolves.",
        )
        st.caption(md(f"{rule.metric_label}: {rule.definition}."))
        left, middle, right = st.columns([1, 1.4, 1.4])
        with left:
            st.selectbox(
                "Comparison",
                comparisons,
                index=comparisons.index(rule.comparison) if rule.comparison in comparisons else 0,
                key=key("comparison"),
            )
            field_error(errors, "comparison")
        with middle:
            st.text_input(
                md(f"Threshold ({rule.unit})"), value=f"{rule.threshold:f}", key=key("threshold"), max_chars=20
            )
            field_error(errors, "threshold")
        with right:
            st.text_input(
                "Window (minutes)",
                value=str(rule.window_minutes),
                key=key("window_minutes"),
                max_chars=8,
                disabled=rule.windowless,
                help="Measured now, whatever the window." if rule.windowless else "How far back the metric looks.",
            )
            field_error(errors, "window_minutes")
        sev, in_app, email = st.columns([1, 1, 1], vertical_alignment="bottom")
        with sev:
            st.selectbox(
                "Severity",
                SEVERITIES,
                index=SEVERITIES.index(rule.severity.value),
                key=key("severity"),
                format_func=str.capitalize,
            )
            field_error(errors, "severity")
        with in_app:
            st.checkbox("Notify admins in the app", value=rule.notify_in_app, key=key("notify_in_app"))
        with email:
            st.checkbox("E-mail admins", value=rule.notify_email, key=key("notify_email"))
        st.form_submit_button("Save rule", type="primary", icon=":material/save:", on_click=_save, args=(account, rule))
    if errors:
        st.error("Nothing was saved: fix the fields marked above.", icon=":material/error:")


def _acknowledge(account: Account, alert: AlertView) -> None:
    try:
        done = data.acknowledge(alert.id, user_id=account.user_id)
    except (LookupError, DatabaseError):
        log.exception("acknowledging an alert failed")
        flash(FLASH, "We couldn't acknowledge this alert. Reload the page and try again.", kind="error")
        return
    if done:
        flash(FLASH, md(f"Acknowledged “{alert.rule_name}”: it stays listed until the metric is back to normal."))
    else:
        flash(FLASH, md(f"“{alert.rule_name}” was already acknowledged or resolved."), kind="info")


def _when(alert: AlertView) -> str:
    if alert.resolved_at is not None:
        return f"{format_local(alert.opened_at)} – {format_local(alert.resolved_at)}"
    return f"since {format_local(alert.opened_at)}"


def open_alerts(account: Account, alerts: list[AlertView]) -> None:
    """The unresolved alerts, each with its reading and, until someone has, an Acknowledge button."""
    unresolved = [a for a in alerts if a.is_open]
    if not unresolved:
        empty_state("No open alert: every rule is within its threshold.", icon=":material/check_circle:",
                    good_news=True)  # fmt: skip
        return
    for alert in unresolved:
        with st.container(border=True, key=f"alert_{alert.id}"):
            text, button = st.columns([4, 1], vertical_alignment="center")
            color = "red" if alert.severity == AlertSeverity.CRITICAL else "orange"
            text.markdown(
                f":{color}-badge[{alert.severity.value.capitalize()}] **{md(alert.rule_name)}** · "
                f"{md(alert.reading())} now"
            )
            text.caption(md(f"{alert.message} Opened {_when(alert)}."))
            if alert.acknowledged_at is not None:
                text.caption(md(f"Acknowledged by {alert.acknowledged_by or 'an admin'}, "
                                f"{format_local(alert.acknowledged_at)}."))  # fmt: skip
            else:
                button.button("Acknowledge", key=f"ack_{alert.id}", on_click=_acknowledge, args=(account, alert))


def history_table(alerts: list[AlertView]) -> None:
    if not alerts:
        empty_state("No alert yet. When a rule's metric crosses its threshold, the alert is listed here.",
                    icon=":material/notifications:")  # fmt: skip
        return
    rows = [
        {
            "Status": STATUS_LABELS[a.status],
            "Severity": a.severity.value.capitalize(),
            "Rule": a.rule_name,
            "When": _when(a),
            "Opened at": format_number(a.value, a.unit),
            "Last reading": a.reading(),
            "Message": a.message,
        }
        for a in alerts
    ]
    st.dataframe(rows, hide_index=True, width="stretch")
