"""Admin home: the marketplace at a glance — sellers, live products, 30-day GMV and daily GMV."""

from __future__ import annotations

import streamlit as st

from components import access, data, home

access.require_role("admin")

st.title("Marketplace overview")
with data.database_errors():
    summary = data.admin_home(data.today())

home.admin_metrics(summary)
home.admin_gmv_chart(summary)
home.sellers_by_status(summary)
