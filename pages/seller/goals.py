"""Seller Goals: set a revenue, sales, products or rating goal; follow active goals on cards; the archive below."""

from __future__ import annotations

import streamlit as st

from components import access, data, goals_edit
from components import goals as goals_ui

seller_id = access.current_seller_id()
today = data.today()

st.title("Goals")
st.caption("Pick a number and a date. Progress is counted from your sales and listings each time you open this page.")
with data.database_errors():
    views = goals_ui.seller_goals(seller_id)
goals_ui.show_flash()
goals_ui.summary_line(views)
if not views:
    with data.database_errors():
        goals_ui.empty_state(data.seller_home(seller_id, today), today)

goals_ui.new_goal_form(seller_id, today, views)
if views:
    goals_ui.goal_cards(seller_id, views, today)
    goals_ui.archive(views)
    goals_edit.open_edit_dialog(seller_id, views, today)
