"""Seller page: Listing editor — edit one listing (title, description, images, SEO, price, tags) with a live score
preview per dimension, or start a new draft. `?product=<id>&dimension=<key>` opens a listing at a dimension;
`?new=1` the new-draft form; no parameter, a picker of the seller's listings."""

from __future__ import annotations

import streamlit as st

from components.seller import listing_editor
from components.shell import access

account = access.require_role("seller")
seller_id = access.current_seller_id()

st.title("Listing editor")
st.caption(
    "Fix a listing where it loses points: the score preview updates as you edit, and saving re-scores it with the "
    "same rules as Listing health."
)
listing_editor.show(seller_id=seller_id, user_id=account.user_id)
