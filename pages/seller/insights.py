"""Seller page: Insights — what to do next, as prioritised cards from the seller's own numbers, and a button to
generate new ones (3 per hour)."""

from __future__ import annotations

import streamlit as st

from components.data import database_errors
from components.data import insights as insights_data
from components.seller import insights
from components.shell import access
from components.ui.flash import show_flash

seller_id = access.current_seller_id()

st.title("Insights")
with database_errors():
    insights.generate_box(seller_id)
    show_flash(insights.FLASH)
    counts = insights_data.status_counts(seller_id)

tabs = st.tabs(list(insights_data.TABS), key="status", bind="query-params")
with database_errors():
    for name, tab in zip(insights_data.TABS, tabs, strict=True):
        if tab.open:
            with tab:
                insights.tab_view(seller_id, name, counts)
