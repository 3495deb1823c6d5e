"""A learn resource as a seller reads it — badges, thumbnail panel, video (allow-listed embed only) and sanitised
HTML — shared by the seller's Learn page and the admin editor's preview, so both show exactly the same thing."""

from __future__ import annotations

import html

import streamlit as st

from components.ui.empty import empty_state
from components.ui.text import md
from core.learn import ResourceArticle
from core.models import ResourceType

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


def badge(text: str, color: str) -> str:
    """A coloured badge around `text` (escaped: an admin-typed category is shown as typed, never as Markdown)."""
    return f":{color}-badge[{md(text)}]"


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


def article_body(item: ResourceArticle, *, preview: bool = False) -> None:
    """Title, badges, tags, video and the sanitised HTML (a smaller title inside the editor's preview box)."""
    if preview:
        st.header(md(item.title), anchor=False)
    else:
        st.title(md(item.title), anchor=False)
    has_video = item.video_embed is not None
    details = meta_line(item.type, item.type_label, item.category, item.read_minutes, has_video)
    if item.published_at:
        details += f" · published {item.published_at:%b %d, %Y}"
    st.markdown(details)
    if item.tags:
        st.caption("Tags: " + ", ".join(md(t) for t in item.tags))
    # Only ever the https embed URL core rebuilt from the allow-list; st.html would strip an iframe.
    if item.video_embed and item.video_embed.startswith("https://"):
        st.iframe(item.video_embed, height=VIDEO_HEIGHT, alt=f"Video: {item.title}")
    if item.content_html:
        st.html(item.content_html)
    elif not has_video:
        empty_state("This resource has no text yet.", icon=":material/article:")
