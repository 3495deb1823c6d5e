"""The learn library (seed 000 steps 1d, 3c, 5e; issue 4): what sellers read and how admins edit it.

Readers for sellers only ever see published, not-deleted resources, and get HTML sanitised again at read
time (whatever is in the row). Admin writes validate everything first (`validate_resource`, pure, also
used for the live preview), then write in a savepoint and flush; the caller's `session_scope()` commits.
The pure side (types, validation, preview) lives in `core.learn.rules`.

Decisions: the slug follows the title until the resource is first published, then stays fixed so shared
links keep working; deleting a resource frees its slug by renaming it `<slug>--deleted-<id8>` (`slugify`
never produces "--", so a freed slug cannot collide with a live one); `order` is renumbered 10, 20, 30…
whenever an admin moves something.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import ColumnElement, String, and_, cast, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.db import utcnow
from core.html_safety import html_to_text, read_minutes, sanitize_html, text_excerpt
from core.learn.rules import (
    ResourceArticle,
    ResourceCard,
    ResourceInput,
    ResourceListItem,
    ResourceValidationError,
    build_article,
    category_filter,
    safe_thumbnail,
    search_words,
    type_label,
    validate_resource,
    video_hosts_or_settings,
)
from core.models import ResourceType, SellerResource
from core.text_input import url_key

ORDER_STEP = 10
_DELETED_MARK = "--deleted-"

# ----------------------------------------------------------------------------------------------- seller readers

_LIVE = SellerResource.deleted_at.is_(None)
_PUBLISHED = and_(SellerResource.is_published.is_(True), _LIVE)
_ORDER = (
    SellerResource.order.asc(),
    SellerResource.published_at.desc().nulls_last(),
    SellerResource.created_at.asc(),
    SellerResource.id.asc(),
)


def _search_condition(words: Sequence[str]) -> ColumnElement[bool]:
    # A coarse filter in the database (the content column holds HTML, so "strong" would match every
    # <strong>); `_matches` then checks the visible text. autoescape makes % and _ literal.
    return and_(
        *(
            or_(
                SellerResource.title.icontains(word, autoescape=True),
                SellerResource.excerpt.icontains(word, autoescape=True),
                cast(SellerResource.tags, String).icontains(word, autoescape=True),
                SellerResource.content.icontains(word, autoescape=True),
            )
            for word in words
        )
    )


def _visible_text(resource: SellerResource) -> str:
    return html_to_text(sanitize_html(resource.content))


def _matches(resource: SellerResource, text: str, words: Sequence[str]) -> bool:
    haystack = " ".join([resource.title, resource.excerpt or "", " ".join(resource.tags or []), text]).casefold()
    return all(word.casefold() in haystack for word in words)


def _card(resource: SellerResource, text: str | None = None) -> ResourceCard:
    text = _visible_text(resource) if text is None else text
    return ResourceCard(
        slug=resource.slug,
        title=resource.title,
        excerpt=resource.excerpt or text_excerpt(text),
        type=ResourceType(resource.type),
        type_label=type_label(resource.type),
        category=resource.category,
        thumbnail_url=safe_thumbnail(resource.thumbnail_url),
        published_at=resource.published_at,
        read_minutes=read_minutes(len(text.split())),
        has_video=bool(resource.video_url),
    )


def list_published_resources(
    session: Session,
    *,
    resource_type: ResourceType | str | None = None,
    category: str | None = None,
    search: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[ResourceCard]:
    """Published, not-deleted resources as cards, by `order` then newest first; filters combine (AND).

    `search` matches every word case-insensitively in the title, excerpt, tags or the article's text
    (`%` and `_` are literal). Unknown `resource_type` raises ValueError.
    """
    limit, offset = max(1, min(int(limit), 500)), max(0, int(offset))
    stmt = select(SellerResource).where(_PUBLISHED)
    if resource_type is not None:
        stmt = stmt.where(SellerResource.type == ResourceType(resource_type))
    wanted = category_filter(category)
    if wanted:
        stmt = stmt.where(func.lower(SellerResource.category) == wanted)
    words = search_words(search)
    if words:
        stmt = stmt.where(_search_condition(words))
    stmt = stmt.order_by(*_ORDER)
    if not words:
        return [_card(r) for r in session.scalars(stmt.limit(limit).offset(offset))]
    candidates = [(r, _visible_text(r)) for r in session.scalars(stmt)]
    matching = [(r, text) for r, text in candidates if _matches(r, text, words)]
    return [_card(r, text) for r, text in matching[offset : offset + limit]]


def resource_categories(session: Session) -> list[str]:
    """The categories of published resources, lower case, alphabetical (for the category filter)."""
    name = func.lower(SellerResource.category)
    stmt = select(name).where(_PUBLISHED, SellerResource.category.is_not(None), SellerResource.category != "")
    return list(session.scalars(stmt.group_by(name).order_by(name)))


def get_published_resource(
    session: Session, *, slug: str, video_hosts: Iterable[str] | None = None
) -> ResourceArticle | None:
    """The article at `?slug=…`, or None for an unknown, draft or deleted one (the page says "not found").

    A slug no stored resource can have (blank, too long, a NUL or another control character) is not looked up.
    """
    slug = url_key(slug, max_chars=255)
    if slug is None:
        return None
    resource = session.scalars(select(SellerResource).where(SellerResource.slug == slug, _PUBLISHED)).first()
    if resource is None:
        return None
    return build_article(
        _stored_input(resource), published_at=resource.published_at, video_hosts=video_hosts_or_settings(video_hosts)
    )


# ----------------------------------------------------------------------------------------------- admin


def _live_rows(session: Session) -> list[SellerResource]:
    return list(session.scalars(select(SellerResource).where(_LIVE).order_by(*_ORDER)))


def _load_live(session: Session, resource_id: str) -> SellerResource:
    key = url_key(resource_id, max_chars=64)
    resource = None if key is None else session.get(SellerResource, key)
    if resource is None or resource.deleted_at is not None:
        raise LookupError("This learn resource does not exist (it may have been deleted).")
    return resource


def list_all_resources(session: Session) -> list[ResourceListItem]:
    """Every not-deleted resource, drafts included, in the order sellers see them."""
    return [
        ResourceListItem(
            id=r.id,
            slug=r.slug,
            title=r.title,
            type=ResourceType(r.type),
            type_label=type_label(r.type),
            category=r.category,
            is_published=bool(r.is_published),
            published_at=r.published_at,
            updated_at=r.updated_at,
            order=r.order,
        )
        for r in _live_rows(session)
    ]


def load_resource(session: Session, *, resource_id: str) -> ResourceInput:
    """The stored fields of one resource, to fill the editor's form (LookupError if missing or deleted)."""
    return _stored_input(_load_live(session, resource_id))


def _stored_input(r: SellerResource) -> ResourceInput:
    """The editable fields of a stored row, as the editor and the article builder read them."""
    return ResourceInput(
        title=r.title,
        slug=r.slug,
        type=ResourceType(r.type),
        content=r.content,
        excerpt=r.excerpt,
        video_url=r.video_url,
        thumbnail_url=r.thumbnail_url,
        category=r.category,
        tags=tuple(r.tags or ()),
        is_published=bool(r.is_published),
    )


def _free_slug(resource: SellerResource) -> None:
    if _DELETED_MARK not in resource.slug:
        resource.slug = f"{resource.slug[:200]}{_DELETED_MARK}{resource.id[:8]}"


def _claim_slug(session: Session, slug: str, *, resource_id: str | None) -> None:
    stmt = select(SellerResource).where(SellerResource.slug == slug)
    if resource_id:
        stmt = stmt.where(SellerResource.id != resource_id)
    other = session.scalars(stmt).first()
    if other is None:
        return
    if other.deleted_at is not None:  # deleted before slugs were freed on delete: free it now
        _free_slug(other)
        session.flush()
        return
    raise ResourceValidationError(
        {"title": f"Another resource already uses the slug '{slug}' (title '{other.title}'). Change the title."}
    )


def save_resource(
    session: Session, *, resource_id: str | None = None, now: datetime | None = None, **fields: Any
) -> SellerResource:
    """Create (no `resource_id`) or update a resource; `ResourceValidationError` and nothing written on bad input.

    `fields` are the keyword arguments of `core.learn.rules.validate_resource` (title, type, content, excerpt,
    video_url, thumbnail_url, category, tags, is_published, video_hosts), checked by it in one place.
    Content is stored sanitised; a new resource goes to the end of the list; `published_at` is set the
    first time it is published and kept afterwards. The slug follows the title until first publication.
    """
    data = validate_resource(**fields)
    existing = _load_live(session, resource_id) if resource_id else None
    slug = existing.slug if existing is not None and existing.published_at is not None else data.slug
    now = now or utcnow()
    try:
        with session.begin_nested():
            _claim_slug(session, slug, resource_id=resource_id)
            resource = existing
            if resource is None:
                resource = SellerResource(order=_next_order(session))
                session.add(resource)
            resource.title, resource.slug, resource.type = data.title, slug, data.type
            resource.content, resource.excerpt, resource.video_url = data.content, data.excerpt, data.video_url
            resource.thumbnail_url, resource.category = data.thumbnail_url, data.category
            resource.tags = list(data.tags) or None
            resource.is_published = data.is_published
            if data.is_published and resource.published_at is None:
                resource.published_at = now
            session.flush()
    except IntegrityError:  # another admin saved the same slug between our check and our write
        raise ResourceValidationError(
            {"title": f"Another resource already uses the slug '{slug}'. Change the title."}
        ) from None
    return resource


def _next_order(session: Session) -> int:
    highest = session.scalar(select(func.max(SellerResource.order)).where(_LIVE))
    return (highest or 0) + ORDER_STEP


def set_published(
    session: Session, *, resource_id: str, published: bool, now: datetime | None = None
) -> SellerResource:
    """Publish or unpublish; the first publication sets `published_at`, which later ones keep."""
    resource = _load_live(session, resource_id)
    resource.is_published = bool(published)
    if published and resource.published_at is None:
        resource.published_at = now or utcnow()
    session.flush()
    return resource


def delete_resource(session: Session, *, resource_id: str, now: datetime | None = None) -> None:
    """Soft delete: sellers stop seeing it at once, the row stays, and its slug is freed for a new resource."""
    resource = _load_live(session, resource_id)
    resource.deleted_at = now or utcnow()
    _free_slug(resource)
    session.flush()


def _renumber(rows: Sequence[SellerResource]) -> None:
    for position, resource in enumerate(rows, start=1):
        if resource.order != position * ORDER_STEP:
            resource.order = position * ORDER_STEP


def move_resource(session: Session, *, resource_id: str, direction: Literal["up", "down"]) -> bool:
    """Swap a resource with its neighbour and renumber all 10, 20, 30…; False when already at that end."""
    if direction not in ("up", "down"):
        raise ValueError("direction must be 'up' or 'down'")
    rows = _live_rows(session)
    index = next((i for i, r in enumerate(rows) if r.id == resource_id), None)
    if index is None:
        raise LookupError("This learn resource does not exist (it may have been deleted).")
    target = index - 1 if direction == "up" else index + 1
    if not 0 <= target < len(rows):
        return False
    rows[index], rows[target] = rows[target], rows[index]
    _renumber(rows)
    session.flush()
    return True


def reorder_resources(session: Session, *, ordered_ids: Sequence[str]) -> None:
    """Put the listed resources first, in that order, the others after them in their current order."""
    if len(set(ordered_ids)) != len(ordered_ids):
        raise ValueError("A resource appears twice in the new order.")
    rows = _live_rows(session)
    by_id = {r.id: r for r in rows}
    unknown = [i for i in ordered_ids if i not in by_id]
    if unknown:
        raise LookupError(f"{len(unknown)} resource(s) in the new order do not exist (they may have been deleted).")
    listed = set(ordered_ids)
    _renumber([by_id[i] for i in ordered_ids] + [r for r in rows if r.id not in listed])
    session.flush()
