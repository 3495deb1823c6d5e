"""Seller home: the last 30 days at a glance and daily revenue for the last 90 days."""

from __future__ import annotations

from components.data import clock, database_errors
from components.data.sales import seller_home
from components.seller import home
from components.shell import access

seller_id = access.current_seller_id()

home.welcome(access.current_account())
with database_errors():
    summary = seller_home(seller_id, clock.today())

home.seller_metrics(summary)
home.seller_revenue_chart(summary)
