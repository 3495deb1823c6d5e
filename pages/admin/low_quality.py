"""Admin page: Low-quality listings — published listings scoring under the threshold, worst and most seen first,
with "Notify seller" for the selected rows."""

from __future__ import annotations

import streamlit as st

from components.admin import low_quality
from components.shell import access
from components.ui.flash import show_flash

account = access.require_role("admin")

st.title("Low-quality listings")
st.caption(
    "Listings whose health score is low lose buyers. Select rows and notify their sellers: each gets an insight "
    "naming the weakest parts of the listing and a link to fix it."
)
show_flash(low_quality.FLASH)
threshold, category_id, product_type, seller_column = low_quality.filters()
rows = low_quality.load(threshold, category_id, product_type)
if not rows:
    low_quality.no_listings(threshold, filtered=category_id is not None or product_type is not None)
    st.stop()
rows = low_quality.for_seller(rows, low_quality.seller_filter(rows, seller_column))
low_quality.summary(rows, threshold)
selected = low_quality.listing_table(rows)
low_quality.notify_button(selected, account.user_id)
