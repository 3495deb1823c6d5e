"""Seller page: Listing health — the portfolio's score, then every listing as a card with its gauge; open one for
its dimension scores and what to fix."""

from __future__ import annotations

import streamlit as st

from components.data import clock, database_errors
from components.data import listings as listing_data
from components.seller import listing_health
from components.shell import access

seller_id = access.current_seller_id()

st.title("Listing health")
st.caption(
    "How complete and competitive each listing is, scored 0–100 on title, description, images, SEO, price "
    "and tags. Fix the red ones first."
)

with database_errors():
    scored = listing_data.stored_scores(seller_id)
    revenue = listing_data.revenue_90_days(seller_id, clock.today())
if not scored:
    listing_health.no_listings()
    st.stop()

listing_health.flash_message()
summary = listing_health.portfolio_summary(scored)
listing_health.portfolio_header(summary)
listing_health.handle_deep_link(scored)
band, sort = listing_health.filters(summary)
listings = listing_health.select_listings(scored, band=band, sort=sort, revenue=revenue)
listing_health.listing_page(listings, seller_id=seller_id, revenue=revenue)
listing_health.sync_url()
