"""Admin page: Low-quality listings — published listings whose stored score is under the threshold, worst and most
seen first, a page at a time, with "Notify seller" for the selected rows."""

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
seller_id = low_quality.seller_filter(threshold, category_id, product_type, seller_column)
result = low_quality.load(threshold, category_id, product_type, seller_id)
if not result.total:
    low_quality.no_listings(threshold, filtered=category_id is not None or product_type is not None)
    st.stop()
low_quality.summary(result, threshold)
selected = low_quality.listing_table(result.rows)
low_quality.pager(result)
low_quality.notify_button(selected, account.user_id)
