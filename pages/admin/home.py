"""Admin home: the marketplace at a glance — sellers, live products, 30-day GMV and daily GMV."""

from __future__ import annotations

import streamlit as st

from components.admin import home
from components.data import clock, database_errors
from components.data.sales import admin_home
from components.shell import access

access.require_role("admin")

st.title("Marketplace overview")
with database_errors():
    summary = admin_home(clock.today())

home.admin_metrics(summary)
home.admin_gmv_chart(summary)
home.sellers_by_status(summary)
