"""Seller home: the last 30 days at a glance and daily revenue for the last 90 days."""

from __future__ import annotations

import streamlit as st

from components import access, data, home

seller_id = access.current_seller_id()
account = access.current_account()

st.title(f"Welcome back, {account.name.split()[0]}")
with data.database_errors():
    summary = data.seller_home(seller_id, data.today())

home.seller_metrics(summary)
home.seller_revenue_chart(summary)
