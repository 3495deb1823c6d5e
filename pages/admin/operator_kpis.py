"""Admin page: Operator KPIs — the today | 7d | 28d KPI strip with traffic by source, and the learner and creator
funnels (seed 004 §1–2). Both sections load side by side and rerun on their own."""

from __future__ import annotations

import streamlit as st

from components.admin import operator_kpis
from components.shell import access

access.require_role("admin")

st.title("Operator KPIs")
st.caption(
    "How the marketplace is growing, earning and reaching people, from the analytics events. Hover a figure's "
    ":material/help: for its definition."
)
operator_kpis.operator_kpi_section()
st.divider()
operator_kpis.funnel_section()
