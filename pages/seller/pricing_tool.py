"""Seller page: Pricing tool — one product's price against its market, apply a better price, review all prices."""

from __future__ import annotations

import streamlit as st

from components.data import database_errors
from components.data import pricing as pricing_data
from components.seller import pricing, pricing_picker, pricing_review
from components.shell import access

seller_id = access.current_seller_id()
account = access.current_account()

st.title("Pricing tool")
st.caption("Compare a product's price with similar published listings and apply a better one in two clicks.")

with database_errors():
    products = pricing_data.seller_products(seller_id)
if not products:
    pricing_picker.no_products()
    st.stop()

product = pricing_picker.product_picker(products)
if product is None:
    pricing_picker.pick_hint()
else:
    try:
        with database_errors():
            analysis = pricing_data.pricing_analysis(seller_id, product.id)
    except LookupError:
        st.warning("This product is no longer available. Pick another one.", icon=":material/search_off:")
    else:
        pricing.flash_message(product.id)
        with pricing.analysis_view(analysis):
            pricing.price_actions(analysis, seller_id=seller_id, user_id=account.user_id)

with database_errors():
    history = pricing_data.recent_price_changes(seller_id)
st.divider()
pricing_review.bulk_review(seller_id, history)
st.divider()
pricing_review.price_history_table(history)
