"""Admin Alerts: the operator alert rules (switch, edit thresholds) and the alerts they opened (acknowledge)."""

from __future__ import annotations

import streamlit as st

from components.admin import alerts
from components.data import alerts as alert_data
from components.data import database_errors
from components.shell import access
from components.ui.flash import show_flash

account = access.require_role("admin")

st.title("Alerts")
st.caption(
    "Every 5 minutes the alerts job checks each rule that is on. A breach opens one alert and tells the admins (in "
    "the app, and by e-mail when the rule says so); it stays open without repeating while it lasts, and resolves — "
    "with one more message — when the metric is back within the rule."
)
show_flash(alerts.FLASH)
with database_errors():
    rules = alert_data.rules()
    history = alert_data.history()
st.subheader("Open alerts", anchor=False)
alerts.open_alerts(account, history)
st.subheader("Rules", anchor=False)
alerts.rules_table(rules)
alerts.edit_form(account, rules)
st.subheader("History", anchor=False)
alerts.history_table(history)
