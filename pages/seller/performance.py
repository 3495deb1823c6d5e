"""Seller page: Performance — revenue, orders, profit, conversion and ads for a period against the one before,
the channels that bring buyers, what to do with each product, and the seller's own alerts."""

from __future__ import annotations

import streamlit as st

from components.data import clock
from components.seller import (
    performance_alerts,
    performance_channels,
    performance_overview,
    performance_recommendations,
)
from components.shell import access

seller_id = access.current_seller_id()
account = access.current_account()
today = clock.today()

st.title("Performance")
st.caption(
    "How your shop sold in a period, compared with the period just before it. "
    "Hover the ? next to a figure to see how it is counted."
)

period = performance_overview.period_picker(today)
if period is not None:
    performance_overview.render(seller_id, period)
    st.divider()
    performance_channels.render(seller_id, period)
st.divider()
performance_recommendations.render(seller_id, account.user_id, today)
st.divider()
performance_alerts.render(seller_id)
