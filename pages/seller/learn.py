"""Seller Learn library: resources by type with search and category filter; `?slug=…` opens one article."""

from __future__ import annotations

import streamlit as st

from components.data import database_errors
from components.data import learn as learn_data
from components.seller import learn as library
from components.shell import access

access.current_seller_id()

slug = library.requested_slug()
with database_errors():
    if slug is not None:
        article = learn_data.article(slug)
        if article is None:
            library.article_not_found(slug)
        else:
            library.article_view(article)
        st.stop()
    category_options = learn_data.categories()

st.title("Learn")
st.caption("Tutorials, guides, videos and stories from sellers who grew their shop. Pick a tab, or search.")
search, category = library.library_filters(category_options)
with database_errors():
    cards = learn_data.published_cards(search, category)
library.library_tabs(cards, filtered=bool(search or category))
