"""The learn library's pure side: card/article/editor types, input validation, the preview, tabs and search words.

Nothing here touches the database (`core.learn.library` loads and writes). `build_article` is the one place that
turns stored fields into what the seller page renders: HTML sanitised again, video embed from the allow-list,
thumbnail only over https, excerpt and reading time from the visible text.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from core.config import get_settings
from core.html_safety import (
    VideoUrlError,
    html_to_text,
    is_https_url,
    parse_video_url,
    read_minutes,
    sanitize_html,
    slugify,
    text_excerpt,
)
from core.models import ResourceType
from core.text_input import NAME, PROSE, clean_search, text_errors

RESOURCE_TYPE_LABELS: dict[ResourceType, str] = {
    ResourceType.TUTORIAL: "Tutorial",
    ResourceType.GUIDE: "Guide",
    ResourceType.VIDEO: "Video",
    ResourceType.BEST_PRACTICE: "Best practice",
    ResourceType.SUCCESS_STORY: "Success story",
}
# The seller page's tabs, in this order (seed 000 step 5e).
RESOURCE_TABS: tuple[tuple[ResourceType, str], ...] = (
    (ResourceType.TUTORIAL, "Tutorials"),
    (ResourceType.GUIDE, "Guides"),
    (ResourceType.VIDEO, "Videos"),
    (ResourceType.BEST_PRACTICE, "Best practices"),
    (ResourceType.SUCCESS_STORY, "Success stories"),
)
MAX_TITLE_CHARS = 255
MAX_CONTENT_CHARS = 200_000
MAX_EXCERPT_CHARS = 500
MAX_URL_CHARS = 500
MAX_CATEGORY_CHARS = 80
MAX_TAG_CHARS = 40
MAX_TAGS = 20
MAX_SEARCH_WORDS = 8


@dataclass(frozen=True)
class ResourceCard:
    slug: str
    title: str
    excerpt: str  # the stored excerpt, or the start of the article's text
    type: ResourceType
    type_label: str
    category: str | None
    thumbnail_url: str | None  # https only, else None
    published_at: datetime | None
    read_minutes: int  # words / 200 rounded half up, at least 1
    has_video: bool


@dataclass(frozen=True)
class ResourceArticle:
    slug: str
    title: str
    type: ResourceType
    type_label: str
    category: str | None
    tags: tuple[str, ...]
    excerpt: str
    content_html: str  # sanitised at read time: render with st.html
    video_embed: str | None  # https embed URL from the allow-list, or None
    video_provider: str | None  # "youtube" | "vimeo" | an extra host
    thumbnail_url: str | None
    published_at: datetime | None
    read_minutes: int


@dataclass(frozen=True)
class ResourceListItem:
    """One row of the admin's list (drafts included)."""

    id: str
    slug: str
    title: str
    type: ResourceType
    type_label: str
    category: str | None
    is_published: bool
    published_at: datetime | None
    updated_at: datetime
    order: int


@dataclass(frozen=True)
class ResourceInput:
    """Editor input after validation: trimmed, normalised, content sanitised, ready to store."""

    title: str
    slug: str
    type: ResourceType
    content: str
    excerpt: str | None
    video_url: str | None
    thumbnail_url: str | None
    category: str | None
    tags: tuple[str, ...]
    is_published: bool


class ResourceValidationError(ValueError):
    """Editor input that cannot be saved; `errors` maps a field name to the message shown next to it."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(" ".join(errors.values()))
        self.errors = dict(errors)


def video_hosts_or_settings(video_hosts: Iterable[str] | None) -> tuple[str, ...]:
    return tuple(get_settings().learn_video_hosts if video_hosts is None else video_hosts)


def safe_thumbnail(url: str | None) -> str | None:
    """A stored thumbnail link only if it is https (rows written around validation included)."""
    return url if url and is_https_url(url) else None


def type_label(resource_type: ResourceType | str) -> str:
    return RESOURCE_TYPE_LABELS[ResourceType(resource_type)]


def parse_resource_type(value: ResourceType | str | None) -> ResourceType | None:
    if isinstance(value, ResourceType):
        return value
    text = str(value or "").strip()
    by_label = {label.lower(): kind for kind, label in RESOURCE_TYPE_LABELS.items()}
    return by_label.get(text.lower()) or next((k for k in ResourceType if text.upper() in (k.value, k.name)), None)


def normalise_tags(tags: Iterable[str] | str | None) -> tuple[str, ...]:
    """Tags as lower-case, trimmed, de-duplicated words; a string is split on commas ("SEO, pricing")."""
    items = tags.split(",") if isinstance(tags, str) else list(tags or [])
    clean = (" ".join(str(t).split()).lower() for t in items)
    return tuple(dict.fromkeys(t for t in clean if t))


def validate_resource(
    *,
    title: str,
    type: ResourceType | str | None,
    content: str,
    excerpt: str | None = None,
    video_url: str | None = None,
    thumbnail_url: str | None = None,
    category: str | None = None,
    tags: Iterable[str] | str | None = None,
    is_published: bool = False,
    video_hosts: Iterable[str] | None = None,
) -> ResourceInput:
    """Check every field at once; `ResourceValidationError` lists each problem by field. Pure (no database)."""
    # Characters no stored text may hold (NUL…) or a name must not (direction overrides, zero-width…): checked on
    # the input as typed, and this message wins over any other about the same field.
    typed = text_errors(
        {
            "title": (title, "The title", NAME),
            "content": (content, "The content", PROSE),
            "excerpt": (excerpt, "The excerpt", PROSE),
            "category": (category, "The category", NAME),
            "tags": (tags if isinstance(tags, str) else ", ".join(map(str, tags or ())), "The tags", NAME),
        }
    )
    errors: dict[str, str] = {}
    title = " ".join((title or "").split())
    if not title:
        errors["title"] = "Enter a title."
    elif len(title) > MAX_TITLE_CHARS:
        errors["title"] = f"The title can be at most {MAX_TITLE_CHARS} characters (this one has {len(title)})."
    kind = parse_resource_type(type)
    if kind is None:
        errors["type"] = "Choose a type: " + ", ".join(RESOURCE_TYPE_LABELS.values()) + "."
    content = content or ""
    clean_content = ""
    if not content.strip():
        errors["content"] = "Write the article's content."
    elif len(content) > MAX_CONTENT_CHARS:
        errors["content"] = f"The content is too long: at most {MAX_CONTENT_CHARS:,} characters of HTML."
    else:
        clean_content = sanitize_html(content)
        if not html_to_text(clean_content) and "<img" not in clean_content:
            errors["content"] = (
                "Nothing is left of the content once unsafe markup (scripts, frames, styles) is removed: "
                "write it as text, headings, lists, links and images."
            )
    excerpt = " ".join((excerpt or "").split()) or None
    if excerpt and len(excerpt) > MAX_EXCERPT_CHARS:
        errors["excerpt"] = f"The excerpt can be at most {MAX_EXCERPT_CHARS} characters (this one has {len(excerpt)})."
    video_url = (video_url or "").strip() or None
    if video_url:
        try:
            parse_video_url(video_url, extra_hosts=video_hosts_or_settings(video_hosts))
        except VideoUrlError as exc:
            errors["video_url"] = str(exc)
    elif kind == ResourceType.VIDEO:
        errors["video_url"] = "A video resource needs a video link (YouTube, Vimeo…)."
    thumbnail_url = (thumbnail_url or "").strip() or None
    if thumbnail_url and (len(thumbnail_url) > MAX_URL_CHARS or not is_https_url(thumbnail_url)):
        errors["thumbnail_url"] = f"Use an https:// image link of at most {MAX_URL_CHARS} characters."
    category = " ".join((category or "").split()).lower() or None
    if category and len(category) > MAX_CATEGORY_CHARS:
        errors["category"] = f"The category can be at most {MAX_CATEGORY_CHARS} characters."
    clean_tags = normalise_tags(tags)
    if len(clean_tags) > MAX_TAGS:
        errors["tags"] = f"Use at most {MAX_TAGS} tags (there are {len(clean_tags)})."
    elif any(len(t) > MAX_TAG_CHARS for t in clean_tags):
        errors["tags"] = f"Each tag can be at most {MAX_TAG_CHARS} characters."
    errors.update(typed)
    if errors:
        raise ResourceValidationError(errors)
    assert kind is not None
    return ResourceInput(
        title=title,
        slug=slugify(title),
        type=kind,
        content=clean_content,
        excerpt=excerpt,
        video_url=video_url,
        thumbnail_url=thumbnail_url,
        category=category,
        tags=clean_tags,
        is_published=bool(is_published),
    )


def build_article(
    resource: ResourceInput, *, published_at: datetime | None, video_hosts: Iterable[str]
) -> ResourceArticle:
    """What a seller reads of a resource's stored fields: content sanitised again, the video embedded if allowed."""
    content_html = sanitize_html(resource.content)
    text = html_to_text(content_html)
    embed = None
    if resource.video_url:
        try:
            embed = parse_video_url(resource.video_url, extra_hosts=video_hosts)
        except VideoUrlError:
            embed = None  # a host removed from the allow-list since saving: show the article without it
    return ResourceArticle(
        slug=resource.slug,
        title=resource.title,
        type=ResourceType(resource.type),
        type_label=type_label(resource.type),
        category=resource.category,
        tags=tuple(resource.tags or ()),
        excerpt=resource.excerpt or text_excerpt(text),
        content_html=content_html,
        video_embed=embed.embed_url if embed else None,
        video_provider=embed.provider if embed else None,
        thumbnail_url=safe_thumbnail(resource.thumbnail_url),
        published_at=published_at,
        read_minutes=read_minutes(len(text.split())),
    )


def preview_resource(
    title: str,
    content: str,
    video_url: str | None = None,
    *,
    type: ResourceType | str = ResourceType.GUIDE,
    excerpt: str | None = None,
    thumbnail_url: str | None = None,
    category: str | None = None,
    tags: Iterable[str] | str | None = None,
    video_hosts: Iterable[str] | None = None,
) -> ResourceArticle:
    """What the seller page would render for this input, without saving (a refused video shows no player;
    call `validate_resource` for the messages)."""
    draft = ResourceInput(
        title=" ".join((title or "").split()),
        slug=slugify(title),
        type=parse_resource_type(type) or ResourceType.GUIDE,
        content=content or "",
        excerpt=" ".join((excerpt or "").split()) or None,
        video_url=(video_url or "").strip() or None,
        thumbnail_url=(thumbnail_url or "").strip() or None,
        category=" ".join((category or "").split()).lower() or None,
        tags=normalise_tags(tags),
        is_published=False,
    )
    return build_article(draft, published_at=None, video_hosts=video_hosts_or_settings(video_hosts))


def group_cards_by_type(cards: Iterable[ResourceCard]) -> dict[ResourceType, list[ResourceCard]]:
    """Cards per tab, every tab present (maybe empty), in `RESOURCE_TABS` order, card order kept."""
    groups: dict[ResourceType, list[ResourceCard]] = {kind: [] for kind, _ in RESOURCE_TABS}
    for card in cards:
        groups[card.type].append(card)
    return groups


def search_words(search: str | None) -> list[str]:
    """The words of a search box entry (at most 8, 100 characters); each must appear for a match.

    Characters no stored text holds (NUL, other controls, direction and zero-width characters) are dropped
    first (`core.text_input.clean_search`): "pri\x00cing" searches for "pricing"."""
    return clean_search(search)[:100].split()[:MAX_SEARCH_WORDS]


def category_filter(category: str | None) -> str | None:
    """The category filter as stored (lower case, single spaces), cleaned like a search box; None for no filter."""
    return clean_search(category).lower() or None
