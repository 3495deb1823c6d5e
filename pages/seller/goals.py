"""Seller Goals: set a revenue, sales, products or rating goal; follow active goals on cards; the archive below."""

from __future__ import annotations

import streamlit as st

from components.data import clock, database_errors
from components.data.goals import seller_goals
from components.data.sales import seller_home
from components.seller import goals as goals_ui
from components.seller import goals_edit
from components.shell import access

seller_id = access.current_seller_id()
today = clock.today()

st.title("Goals")
st.caption("Pick a number and a date. Progress is counted from your sales and listings each time you open this page.")
with database_errors():
    views = seller_goals(seller_id)
goals_ui.show_goal_flash()
goals_ui.summary_line(views)
suggestion = None
if not views:
    with database_errors():
        suggestion = goals_ui.first_goal(seller_home(seller_id, today), today)
    goals_ui.no_goals(suggestion)

goals_ui.new_goal_form(seller_id, today, views, suggestion)
if views:
    goals_ui.goal_cards(seller_id, views, today)
    goals_ui.archive(views)
    goals_edit.open_edit_dialog(seller_id, views, today)
