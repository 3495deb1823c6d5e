"""Admin page: System health — every check green / yellow / red with its thresholds, a chart per check over the
last 7 days and the recent-errors log (seed 004 §9)."""

from __future__ import annotations

import streamlit as st

from components.admin import system_health
from components.shell import access

access.require_role("admin")

st.title("System health")
st.caption(
    "Is the marketplace working: scheduled jobs, e-mail, webhooks, errors, the database, the AI door and event "
    "ingestion. Each check says what it measures and where its colours change."
)
system_health.system_health_page()
