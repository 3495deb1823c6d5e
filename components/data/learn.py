"""The learn library's reads and the editor's writes: published cards, categories and one article (cached for
sellers), and the admin's list, load, save, publish, reorder and delete, each of which forgets the library cache so
sellers see the change on their next rerun."""

from __future__ import annotations

from typing import Any, Literal

from components.data import cached, clock, forget_topic
from core.config import get_settings
from core.db import session_scope
from core.learn import ResourceArticle, ResourceCard, ResourceInput, ResourceListItem
from core.learn import library as learn

LEARN_TTL_SECONDS = 300


@cached("learn", ttl=LEARN_TTL_SECONDS)
def published_cards(search: str, category: str) -> list[ResourceCard]:
    with session_scope() as session:
        return learn.list_published_resources(session, search=search or None, category=category or None, limit=500)


@cached("learn", ttl=LEARN_TTL_SECONDS)
def categories() -> list[str]:
    with session_scope() as session:
        return learn.resource_categories(session)


@cached("learn", ttl=LEARN_TTL_SECONDS)
def article(slug: str) -> ResourceArticle | None:
    with session_scope() as session:
        return learn.get_published_resource(session, slug=slug, video_hosts=get_settings().learn_video_hosts)


# ---------------------------------------------------------------- the editor (never cached: a save shows at once)


def all_resources() -> list[ResourceListItem]:
    # Not cached: an admin must see their own change at once, and the list is a few dozen rows.
    with session_scope() as session:
        return learn.list_all_resources(session)


def stored_resource(resource_id: str) -> ResourceInput:
    """The resource as stored; LookupError when it is gone."""
    with session_scope() as session:
        return learn.load_resource(session, resource_id=resource_id)


def save_resource(*, resource_id: str | None, **fields: Any) -> None:
    """Create or update; raises `ResourceValidationError` (field -> message) or LookupError, nothing written then."""
    with session_scope() as session:
        learn.save_resource(session, resource_id=resource_id, video_hosts=get_settings().learn_video_hosts, **fields)
    forget_topic("learn")


def set_published(resource_id: str, *, published: bool) -> None:
    """Raises LookupError when the resource is gone."""
    with session_scope() as session:
        learn.set_published(session, resource_id=resource_id, published=published, now=clock.now())
    forget_topic("learn")


def delete_resource(resource_id: str) -> None:
    """Soft delete; raises LookupError when the resource is gone."""
    with session_scope() as session:
        learn.delete_resource(session, resource_id=resource_id, now=clock.now())
    forget_topic("learn")


def move_resource(resource_id: str, direction: Literal["up", "down"]) -> None:
    """One place up or down in the library's order; raises LookupError when the resource is gone."""
    with session_scope() as session:
        learn.move_resource(session, resource_id=resource_id, direction=direction)
    forget_topic("learn")
