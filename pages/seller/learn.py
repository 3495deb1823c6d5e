"""Seller Learn library: resources by type with search and category filter; `?slug=…` opens one article."""

from __future__ import annotations

import streamlit as st

from components import access, data
from components import learn as library

access.current_seller_id()

slug = library.requested_slug()
with data.database_errors():
    if slug is not None:
        article = library.article(slug)
        if article is None:
            library.article_not_found(slug)
        else:
            library.article_view(article)
        st.stop()
    category_options = library.categories()

st.title("Learn")
st.caption("Tutorials, guides, videos and stories from sellers who grew their shop. Pick a tab, or search.")
search, category = library.library_filters(category_options)
with data.database_errors():
    cards = library.published_cards(search, category)
library.library_tabs(cards, filtered=bool(search or category))
