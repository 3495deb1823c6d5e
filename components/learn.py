"""The learn library's widgets: cached reads, resource cards in type tabs, and the article view (also the editor's
preview, so an admin sees exactly what a seller will see)."""

from __future__ import annotations

import html
from collections.abc import Sequence

import streamlit as st

from core.config import get_settings
from core.db import session_scope
from core.learn import library as learn
from core.learn.library import RESOURCE_TABS, ResourceArticle, ResourceCard
from core.models import ResourceType

LEARN_TTL_SECONDS = 300
SLUG_PARAM = "slug"
CARDS_PER_ROW = 3
VIDEO_HEIGHT = 420
# The card's picture is a CSS background over a coloured panel: when an image host is unreachable the panel and
# the type icon still show, instead of a broken-image icon.
TYPE_STYLE: dict[ResourceType, tuple[str, str, str]] = {
    ResourceType.TUTORIAL: ("#E8EEFC", "#1F4FD8", "school"),
    ResourceType.GUIDE: ("#E6F4EA", "#1E7A3C", "menu_book"),
    ResourceType.VIDEO: ("#FDECEA", "#B3261E", "play_circle"),
    ResourceType.BEST_PRACTICE: ("#FFF4E0", "#9A5B00", "verified"),
    ResourceType.SUCCESS_STORY: ("#F3E8FD", "#6B2FB3", "emoji_events"),
}
BADGE_COLOR: dict[ResourceType, str] = {
    ResourceType.TUTORIAL: "blue",
    ResourceType.GUIDE: "green",
    ResourceType.VIDEO: "red",
    ResourceType.BEST_PRACTICE: "orange",
    ResourceType.SUCCESS_STORY: "violet",
}


# ---------------------------------------------------------------- cached reads


@st.cache_data(ttl=LEARN_TTL_SECONDS, show_spinner=False)
def published_cards(search: str, category: str) -> list[ResourceCard]:
    with session_scope() as session:
        return learn.list_published_resources(session, search=search or None, category=category or None, limit=500)


@st.cache_data(ttl=LEARN_TTL_SECONDS, show_spinner=False)
def categories() -> list[str]:
    with session_scope() as session:
        return learn.resource_categories(session)


@st.cache_data(ttl=LEARN_TTL_SECONDS, show_spinner=False)
def article(slug: str) -> ResourceArticle | None:
    with session_scope() as session:
        return learn.get_published_resource(session, slug=slug, video_hosts=get_settings().learn_video_hosts)


def clear_learn_cache() -> None:
    """After an admin changes the library, sellers see the change on their next rerun."""
    published_cards.clear()
    categories.clear()
    article.clear()


# ---------------------------------------------------------------- navigation


def open_article(slug: str) -> None:
    st.query_params[SLUG_PARAM] = slug


def back_to_library() -> None:
    st.query_params.pop(SLUG_PARAM, None)


def requested_slug() -> str | None:
    slug = st.query_params.get(SLUG_PARAM)
    return slug.strip() if slug and slug.strip() else None


# ---------------------------------------------------------------- pieces


def badge(text: str, color: str) -> str:
    # Square brackets would end the badge directive early.
    return f":{color}-badge[{text.replace('[', '(').replace(']', ')')}]"


def category_label(category: str) -> str:
    """Categories are stored lower case: "pricing" → "Pricing", short ones are acronyms: "seo" → "SEO"."""
    return category.upper() if len(category) <= 3 else category.capitalize()


def meta_line(kind: ResourceType, type_label: str, category: str | None, minutes: int, has_video: bool) -> str:
    parts = [badge(type_label, BADGE_COLOR[kind])]
    if category:
        parts.append(badge(category_label(category), "gray"))
    parts.append(f":material/schedule: {minutes} min read")
    if has_video:
        parts.append(":material/smart_display: video")
    return " ".join(parts)


def thumbnail_html(kind: ResourceType, url: str | None, *, height: int = 120) -> str:
    background, color, icon = TYPE_STYLE[kind]
    # `url` comes from core's safe_thumbnail: https only, no quotes, spaces or angle brackets; escaped anyway.
    image = f"url('{html.escape(url, quote=True)}') center / cover no-repeat, " if url else ""
    return (
        f'<div style="height:{height}px;border-radius:8px;background:{image}{background};'
        f'display:flex;align-items:center;justify-content:center;">'
        f"<span style=\"font-family:'Material Symbols Rounded';font-size:44px;color:{color};opacity:.55;\">"
        f"{icon}</span></div>"
    )


def resource_card(card: ResourceCard) -> None:
    with st.container(border=True):
        st.html(thumbnail_html(card.type, card.thumbnail_url))
        st.markdown(f"**{_escape_markdown(card.title)}**")
        st.markdown(meta_line(card.type, card.type_label, card.category, card.read_minutes, card.has_video))
        st.caption(_escape_markdown(card.excerpt))
        st.button(
            "Read" if card.type != ResourceType.VIDEO else "Watch",
            key=f"learn_open_{card.slug}",
            icon=":material/arrow_forward:",
            on_click=open_article,
            args=(card.slug,),
        )


def _escape_markdown(text: str) -> str:
    # Titles and excerpts are plain text typed by an admin: show them as typed, never as Markdown or HTML.
    return "".join("\\" + c if c in "\\`*_{}[]<>()#+-.!|~:$" else c for c in text)


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
    groups = learn.group_cards_by_type(cards)
    tabs = st.tabs([f"{label} ({len(groups[kind])})" for kind, label in RESOURCE_TABS])
    for tab, (kind, label) in zip(tabs, RESOURCE_TABS, strict=True):
        with tab:
            if groups[kind]:
                card_grid(groups[kind])
            elif filtered:
                st.info(
                    f"No {label.lower()} match your search or category. Clear the filters to see them all.",
                    icon=":material/search_off:",
                )
            else:
                st.info(f"No {label.lower()} published yet — check back soon.", icon=":material/hourglass_empty:")


def article_view(item: ResourceArticle, *, preview: bool = False) -> None:
    """The article as a seller reads it: title, badges, video (allow-listed embed only) and sanitised HTML."""
    if not preview:
        st.button("Back to the library", icon=":material/arrow_back:", type="tertiary", on_click=back_to_library)
    if preview:
        st.header(item.title, anchor=False)
    else:
        st.title(item.title, anchor=False)
    has_video = item.video_embed is not None
    details = meta_line(item.type, item.type_label, item.category, item.read_minutes, has_video)
    if item.published_at:
        details += f" · published {item.published_at:%b %d, %Y}"
    st.markdown(details)
    if item.tags:
        st.caption("Tags: " + ", ".join(_escape_markdown(t) for t in item.tags))
    # Only ever the https embed URL core rebuilt from the allow-list; st.html would strip an iframe.
    if item.video_embed and item.video_embed.startswith("https://"):
        st.iframe(item.video_embed, height=VIDEO_HEIGHT, alt=f"Video: {item.title}")
    if item.content_html:
        st.html(item.content_html)
    elif not has_video:
        st.info("This resource has no text yet.", icon=":material/article:")


def article_not_found(slug: str) -> None:
    st.title("Resource not found")
    st.warning(
        f"We couldn't find a published resource at “{slug[:80]}”. It may have been unpublished or renamed.",
        icon=":material/search_off:",
    )
    st.button("Back to the library", icon=":material/arrow_back:", type="primary", on_click=back_to_library)
