"""The seller's Learn library: search and category filter, resource cards in type tabs, and one article
(`?slug=…`), drawn by `components.ui.article` like the editor's preview, so an admin sees what a seller will see."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from components.ui.article import article_body, category_label, meta_line, thumbnail_html
from components.ui.empty import empty_state
from components.ui.text import md
from core.learn import RESOURCE_TABS, ResourceArticle, ResourceCard
from core.learn.rules import group_cards_by_type
from core.models import ResourceType

SLUG_PARAM = "slug"
CARDS_PER_ROW = 3

# ---------------------------------------------------------------- navigation


def open_article(slug: str) -> None:
    st.query_params[SLUG_PARAM] = slug


def back_to_library() -> None:
    st.query_params.pop(SLUG_PARAM, None)


def requested_slug() -> str | None:
    slug = st.query_params.get(SLUG_PARAM)
    return slug.strip() if slug and slug.strip() else None


# ---------------------------------------------------------------- pieces


def resource_card(card: ResourceCard) -> None:
    with st.container(border=True):
        st.html(thumbnail_html(card.type, card.thumbnail_url))
        st.markdown(f"**{md(card.title)}**")
        st.markdown(meta_line(card.type, card.type_label, card.category, card.read_minutes, card.has_video))
        st.caption(md(card.excerpt))
        st.button(
            "Read" if card.type != ResourceType.VIDEO else "Watch",
            key=f"learn_open_{card.slug}",
            icon=":material/arrow_forward:",
            on_click=open_article,
            args=(card.slug,),
        )


def card_grid(cards: Sequence[ResourceCard]) -> None:
    for start in range(0, len(cards), CARDS_PER_ROW):
        columns = st.columns(CARDS_PER_ROW)
        for column, card in zip(columns, cards[start : start + CARDS_PER_ROW], strict=False):
            with column:
                resource_card(card)


def library_filters(category_options: Sequence[str]) -> tuple[str, str]:
    """The search box and the category filter; returns (search, category) with "" for "any"."""
    search_column, category_column = st.columns([3, 1])
    search = search_column.text_input(
        "Search the library",
        key="learn_search",
        placeholder="pricing, cover image, launch…",
        help="Every word must appear in the title, excerpt, tags or text.",
    )
    category = category_column.selectbox(
        "Category",
        ["", *category_options],
        key="learn_category",
        format_func=lambda c: category_label(c) if c else "All categories",
    )
    return search.strip(), category


def library_tabs(cards: Sequence[ResourceCard], *, filtered: bool) -> None:
    """One tab per resource type (every tab present), with the number of resources in each label."""
    groups = group_cards_by_type(cards)
    tabs = st.tabs([f"{label} ({len(groups[kind])})" for kind, label in RESOURCE_TABS])
    for tab, (kind, label) in zip(tabs, RESOURCE_TABS, strict=True):
        with tab:
            if groups[kind]:
                card_grid(groups[kind])
            elif filtered:
                empty_state(
                    f"No {label.lower()} match your search or category. Clear the filters to see them all.",
                    icon=":material/search_off:",
                )
            else:
                empty_state(f"No {label.lower()} published yet — check back soon.", icon=":material/hourglass_empty:")


def article_view(item: ResourceArticle) -> None:
    """The article as a seller reads it, under a way back to the library."""
    st.button("Back to the library", icon=":material/arrow_back:", type="tertiary", on_click=back_to_library)
    article_body(item)


def article_not_found(slug: str) -> None:
    st.title("Resource not found")
    st.warning(
        f"We couldn't find a published resource at “{md(slug[:80])}”. It may have been unpublished or renamed.",
        icon=":material/search_off:",
    )
    st.button("Back to the library", icon=":material/arrow_back:", type="primary", on_click=back_to_library)
