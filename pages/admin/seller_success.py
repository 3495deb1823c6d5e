"""Admin page: Seller success — activation, time to first sale and 30-day retention with their 12-month trends,
then every seller in a filterable table; selecting one opens their revenue, goals, insights and listings."""

from __future__ import annotations

import streamlit as st

from components.admin import seller_success
from components.shell import access

access.require_role("admin")

st.title("Seller success")
st.caption(
    "Are new sellers getting their first sale, and are they staying? Hover a figure's :material/help: for its "
    "definition."
)
seller_success.kpi_section()
st.divider()
seller_success.seller_table_section()
