"""Seller Market page: unmet-demand opportunities, market benchmarks with segment charts, and the sales forecast.

The tabs run lazily (only the open one computes) and are bound to `?section=…`, so each can be linked to.
"""

from __future__ import annotations

import streamlit as st

from components.data import database_errors
from components.seller import market as sections
from components.shell import access

seller_id = access.current_seller_id()

st.title("Market")
st.caption(
    "Benchmarks are the market figures computed nightly from the last 90 complete days; the Pricing tool and the "
    "marketplace team's Benchmarks page show the same figures."
)
opportunities_tab, benchmarks_tab, forecast_tab = st.tabs(
    ["Opportunities", "Benchmarks", "Forecast"], key="section", bind="query-params"
)
with database_errors():
    if opportunities_tab.open:
        with opportunities_tab:
            sections.opportunities_section(seller_id)
    if benchmarks_tab.open:
        with benchmarks_tab:
            sections.benchmarks_section(seller_id)
    if forecast_tab.open:
        with forecast_tab:
            sections.forecast_section(seller_id)
