"""The Pricing tool's product picker (with its `?product=` deep link), its hint, and the page's empty state."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from components.seller.pricing import KEY_PRODUCT
from components.ui.empty import empty_state
from core.catalog import ProductOption

KEY_LINKED = "pricing_linked_product"  # the product the URL was last synced to (see `product_picker`)


def no_products() -> None:
    empty_state(
        "You have no published products yet. Publish one and come back: the pricing tool compares its price "
        "with similar listings on the marketplace and suggests a better one.",
        icon=":material/sell:",
    )
    st.page_link(
        "pages/seller/listing_editor.py",
        label="Create a product",
        icon=":material/add_circle:",
        query_params={"new": "1"},
    )


def product_picker(products: Sequence[ProductOption]) -> ProductOption | None:
    """A searchable picker of the seller's published products; `?product=<id>` preselects one of *hers*.

    The URL always names the chosen product, so the page can be bookmarked or linked to. A link to a product
    that is not hers (or not published) is ignored with a notice and never reaches a query.
    """
    by_id = {p.id: p for p in products}
    requested = st.query_params.get("product")
    # Also when the picker lost its value but the URL still names the product (a rerun that dropped the widget's
    # state: a CI browser test saw the confirmation vanish with no product chosen and the link unchanged).
    lost = st.session_state.get(KEY_PRODUCT) is None
    if requested and (requested != st.session_state.get(KEY_LINKED) or lost):
        if requested in by_id:
            st.session_state[KEY_PRODUCT] = requested
            st.session_state[KEY_LINKED] = requested
        else:
            st.info(
                "The product in this link is not one of your published products, so it was ignored. "
                "Pick a product below.",
                icon=":material/link_off:",
            )
    if st.session_state.get(KEY_PRODUCT) not in by_id:
        st.session_state.pop(KEY_PRODUCT, None)  # e.g. archived since the last visit
    chosen = st.selectbox(
        "Product",
        options=list(by_id),
        format_func=option_labels(products).__getitem__,
        index=None,
        placeholder=f"Choose one of your {len(by_id)} published products…",
        key=KEY_PRODUCT,
    )
    if chosen is None:
        return None
    st.query_params["product"] = chosen
    st.session_state[KEY_LINKED] = chosen
    return by_id[chosen]


def option_labels(products: Sequence[ProductOption]) -> dict[str, str]:
    """Product id -> its label in the picker: the title, numbered when two products share one.

    Streamlit keeps a selectbox's choice as its label, so a label must not change while the page is open
    (no price in it: applying a price would drop the selection).
    """
    seen: dict[str, int] = {}
    labels = {}
    for product in products:
        title = product.title.strip() or "Untitled product"
        seen[title] = seen.get(title, 0) + 1
        labels[product.id] = title if seen[title] == 1 else f"{title} ({seen[title]})"
    return labels


def pick_hint() -> None:
    empty_state(
        "Choose a product to compare its price with similar listings, or review all your prices at once below.",
        icon=":material/touch_app:",
    )


# ---------------------------------------------------------------- one product's analysis
