"""Admin home: the marketplace at a glance — 30-day GMV, orders, buyers and AOV, e-mails sent today, sellers (with the
applications waiting), live products and daily GMV; today's operator alerts first, then yesterday's business digest."""

from __future__ import annotations

import streamlit as st

from components.admin import home
from components.admin.daily_digest import render_daily_digest
from components.admin.rollup_freshness import rollup_freshness
from components.admin.todays_alerts import render_todays_alerts
from components.data import clock, database_errors
from components.data.analytics import load_marketplace_metrics, load_rollup_state
from components.data.daily_digest import load_latest_digest
from components.data.sales import admin_home
from components.shell import access

access.require_role("admin")

st.title("Marketplace overview")
with database_errors():
    metrics = load_marketplace_metrics(clock.today())
    summary = admin_home(clock.today())
    state = load_rollup_state()
    digest = load_latest_digest(clock.today())

render_todays_alerts()
render_daily_digest(digest)
home.sales_metrics(metrics)
rollup_freshness(state, clock.now())
home.admin_metrics(summary)
home.admin_gmv_chart(summary)
home.sellers_by_status(summary)
