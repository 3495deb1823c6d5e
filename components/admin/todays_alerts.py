"""Admin Home's "Today's alerts": the alerts still open and those opened or resolved today, with a link to Alerts."""

from __future__ import annotations

import streamlit as st

from components.data import alerts as data
from components.data import database_errors
from components.shell.navigation import script_for
from components.ui.empty import empty_state
from components.ui.format import format_local
from components.ui.text import md
from core import urls
from core.models import AlertSeverity


def render_todays_alerts() -> None:
    """The section: one line per alert (severity, rule, reading, since when), or a calm empty state."""
    st.subheader("Today's alerts", anchor=False)
    with database_errors():
        alerts = data.todays()
    if not alerts:
        empty_state("No alert today: every rule is within its threshold.", icon=":material/check_circle:",
                    good_news=True)  # fmt: skip
        return
    for alert in alerts:
        color = "red" if alert.severity == AlertSeverity.CRITICAL else "orange"
        state = (
            f"resolved {format_local(alert.resolved_at, '%H:%M')}"
            if alert.resolved_at is not None
            else f"open since {format_local(alert.opened_at)}"
        )
        st.markdown(
            f":{color}-badge[{alert.severity.value.capitalize()}] **{md(alert.rule_name)}** · "
            f"{md(alert.reading())} · {md(state)}"
        )
    script = script_for(urls.ALERTS)  # the router's page; absent when the page is drawn outside the app's menu
    if script is not None:
        st.page_link(script, label="Open Alerts", icon=":material/notifications_active:")
