"""The Performance page's alerts section: the seller's thresholds (one switch and one field per rule, the default
beside each, errors under the field at fault, a saved message) and the alerts raised — open ones and those that
ended in the last 30 days, with their numbers.

The thresholds are text fields on purpose: what a seller types ("-5", "thirty", "NaN") reaches core's parser
(`core.sales.alert_rules.parse_alert_settings`) and is answered next to the field, instead of a number field
quietly clamping or refusing it. Writes happen in the button's callback (before the rerun), so the errors it
leaves in session state are drawn under the fields in the same run. The widgets start from the stored settings
through `value=` and their keys carry a version that a successful save bumps, so after a save they start again
from what was stored while unsaved typing stays; they are never filled through session state (a browser that
drops a superseded run's messages showed a checkbox's default, unticked, instead of the stored value).
"""

from __future__ import annotations

import logging
from decimal import Decimal

import streamlit as st

from components.data import DatabaseError, database_errors, describe_database_error
from components.data import seller_alerts as data
from components.seller.goals_edit import field_error
from components.ui.empty import empty_state
from components.ui.flash import flash, show_flash
from components.ui.format import format_day_range
from components.ui.text import md
from core.periods import format_day
from core.sales.alert_rules import RULES, AlertRule, AlertSettingsError, percent_text
from core.sales.alerts import AlertView

log = logging.getLogger(__name__)

FLASH = "performance_alerts"
ERRORS_KEY = "alerts_errors"
VERSION_KEY = "alerts_form_version"  # bumped by every successful save: the fields start again from the stored values


def _versioned(name: str) -> str:
    return f"{name}_v{st.session_state.get(VERSION_KEY, 0)}"


def enabled_key() -> str:
    return _versioned("alerts_enabled")


def on_key(rule: AlertRule) -> str:
    return _versioned(f"alerts_{rule.key}_on")


def value_key(rule: AlertRule) -> str:
    return _versioned(f"alerts_{rule.field}")


def _field_text(value: Decimal | int | None) -> str:
    """A threshold as a seller would type it: 30, 1.5, 45."""
    if value is None:
        return ""
    return f"{Decimal(value).normalize():f}"


def _default_text(rule: AlertRule) -> str:
    return f"{rule.default} days" if rule.unit == "days" else percent_text(rule.default)


def _save(seller_id: str) -> None:
    values: dict[str, object] = {"enabled": bool(st.session_state.get(enabled_key(), True))}
    for rule in RULES:
        values[rule.on_key] = bool(st.session_state.get(on_key(rule), True))
        values[rule.field] = st.session_state.get(value_key(rule))
    try:
        saved = data.save_alert_settings(seller_id, values)
    except AlertSettingsError as exc:
        st.session_state[ERRORS_KEY] = exc.errors
        return
    except LookupError:
        log.exception("saving alert settings failed: no such seller")
        flash(FLASH, "We couldn't find your seller profile, so nothing was changed.", kind="error")
        return
    except DatabaseError as exc:
        log.exception("saving alert settings failed")
        message, icon = describe_database_error(exc, doing="save your alerts")
        flash(FLASH, md(f"{message} Nothing was changed."), kind="error", icon=icon)
        return
    st.session_state.pop(ERRORS_KEY, None)
    st.session_state[VERSION_KEY] = st.session_state.get(VERSION_KEY, 0) + 1
    on = sum(saved.threshold(rule.key) is not None for rule in RULES)
    if saved.enabled:
        flash(FLASH, md(f"Saved: {on} of {len(RULES)} alerts on. We check them every morning."))
    else:
        flash(FLASH, "Saved: alerts are off. We won't send you performance alerts.")


def settings_form(seller_id: str) -> None:
    """The switch for all alerts, and per rule its switch and threshold (default beside it, error under it)."""
    with database_errors():
        settings = data.alert_settings(seller_id)
    errors: dict[str, str] = st.session_state.get(ERRORS_KEY, {})
    with st.form("alerts_form", enter_to_submit=False):
        st.toggle(
            "Send me performance alerts",
            value=settings.enabled,
            key=enabled_key(),
            help="One in-app notification when an alert starts, none while it lasts, a new one if it comes back.",
        )
        if not settings.saved:
            st.caption("These are the default alerts: change any of them and press **Save alerts**.")
        for rule in RULES:
            stored = getattr(settings, rule.field)  # None: the rule is off; its field shows the default
            switch, field = st.columns([1.4, 1], vertical_alignment="top")
            with switch:
                st.checkbox(md(rule.label), value=stored is not None, key=on_key(rule), help=md(rule.help))
                st.caption(f"Default: {md(_default_text(rule))}")
            with field:
                st.text_input(
                    md("Days" if rule.unit == "days" else "Percent (%)"),
                    value=_field_text(stored if stored is not None else rule.default),
                    key=value_key(rule),
                    placeholder=_field_text(rule.default),
                    max_chars=12,
                )
                field_error(errors, rule.field)
        st.form_submit_button("Save alerts", type="primary", icon=":material/save:", on_click=_save, args=(seller_id,))


def _when(alert: AlertView) -> str:
    if alert.is_open:
        return f"Since {format_day(alert.started_on)}"
    return f"{format_day_range(alert.started_on, alert.ended_on or alert.started_on)}, ended"


def alert_list(seller_id: str) -> None:
    """The open alerts and those that ended in the last 30 days, with the numbers each notification said."""
    with database_errors():
        alerts = data.seller_alerts(seller_id)
    open_count = sum(a.is_open for a in alerts)
    st.markdown(f"**Your alerts** · {md(open_count)} open")
    if not alerts:
        empty_state(
            "No alert in the last 30 days. When one of your thresholds is crossed you get one notification, "
            "and it is listed here with its numbers.",
            icon=":material/notifications:",
            good_news=True,
        )
        return
    opened = [a for a in alerts if a.is_open]
    ended = [a for a in alerts if not a.is_open]
    if opened:
        st.markdown(alert_lines(opened))
    if ended:
        with st.expander(f"Ended in the last 30 days ({len(ended)})"):
            st.markdown(alert_lines(ended))


def alert_lines(alerts: list[AlertView]) -> str:
    """A Markdown list, one alert per item: its title in bold, kind and dates, then the sentence with its numbers
    (every piece of text md()-escaped: product titles are the seller's own typing)."""
    return "\n".join(f"- **{md(a.title)}** · {md(a.label)} · {md(_when(a))}  \n  {md(a.body)}" for a in alerts)


def render(seller_id: str) -> None:
    """Draw the seller's alert thresholds (editable) and the alerts raised."""
    st.subheader("Alerts", anchor=False)
    st.caption(
        "Tell us what is worth a message. Every morning we check yesterday's numbers against your thresholds and "
        "send one notification when an alert starts — not again while it lasts."
    )
    show_flash(FLASH)
    settings_form(seller_id)
    alert_list(seller_id)
