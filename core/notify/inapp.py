"""In-app notifications: create one for a user, count and list a user's, mark a user's own as read.

Writers flush and leave the commit to the caller's `session_scope()`. Every reader and writer is scoped by
`user_id`: a user never sees or changes another user's notification.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from core import urls
from core.models import Notification, NotificationType

TITLE_MAX_CHARS = 255
LINK_MAX_CHARS = 500
MAX_LIST_LIMIT = 200
_URL_PATH = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@dataclass(frozen=True)
class NotificationView:
    id: str
    type: NotificationType
    title: str
    body: str
    link: str | None
    meta: dict[str, Any] | None
    created_at: datetime
    read_at: datetime | None

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


def _aware(now: datetime) -> datetime:
    if now.tzinfo is None:
        raise ValueError(f"naive datetime {now!r}: pass an aware datetime")
    return now


def app_pages() -> frozenset[str]:
    """The url paths of the app's pages: every page name constant of `core.urls` (the router builds its pages
    from the same constants), i.e. its upper-case constants that read like a url path ("listing-health")."""
    return frozenset(
        value
        for name, value in vars(urls).items()
        if name.isupper() and isinstance(value, str) and _URL_PATH.fullmatch(value)
    )


def _checked_link(link: str | None) -> str | None:
    """A link to one of the app's own pages ("/listing-health?product=…"), or None for no link.

    A notification is rendered as a clickable link, so anything else is refused: another site ("//evil.example",
    "/\\evil.example", which browsers read as "//evil.example"), a scheme ("https:", "javascript:"), a page the
    app does not have ("/no-such-page"), a fragment, or a control character or space anywhere.
    """
    if link is None or not link.strip():
        return None
    link = link.strip()
    refused = ValueError(
        f"a notification link must be the path of one of the app's pages, like '/pricing?product=…'; got {link!r}"
    )
    if len(link) > LINK_MAX_CHARS or "\\" in link or any(c.isspace() or not c.isprintable() for c in link):
        raise refused
    parts = urlsplit(link)
    if parts.scheme or parts.netloc or parts.fragment or not parts.path.startswith("/"):
        raise refused
    if parts.path[1:] not in app_pages():
        raise refused
    return link


def create_notification(
    session: Session,
    *,
    user_id: str,
    type: NotificationType | str,
    title: str,
    body: str = "",
    link: str | None = None,
    meta: dict[str, Any] | None = None,
    now: datetime,
) -> Notification:
    """Add an unread notification for `user_id` (flushed, not committed); ValueError on a bad title/type/link
    (a link must be one of the app's own pages, see `_checked_link`)."""
    kind = NotificationType(type)
    clean_title = (title or "").strip()
    if not clean_title:
        raise ValueError("a notification needs a title")
    notification = Notification(
        user_id=user_id,
        type=kind,
        title=clean_title[:TITLE_MAX_CHARS],
        body=(body or "").strip(),
        link=_checked_link(link),
        meta=meta,
        created_at=_aware(now),
    )
    session.add(notification)
    session.flush()
    return notification


def unread_count(session: Session, *, user_id: str) -> int:
    """How many of the user's notifications are unread (one COUNT on the (user_id, read_at) index)."""
    stmt = select(func.count(Notification.id)).where(Notification.user_id == user_id, Notification.read_at.is_(None))
    return int(session.scalar(stmt) or 0)


def list_notifications(
    session: Session, *, user_id: str, unread_only: bool = False, limit: int = 20
) -> list[NotificationView]:
    """The user's notifications, newest first (ties by id, so the order is stable); at most `limit` (1–200)."""
    if not 1 <= limit <= MAX_LIST_LIMIT:
        raise ValueError(f"limit must be between 1 and {MAX_LIST_LIMIT}, got {limit}")
    stmt = select(Notification).where(Notification.user_id == user_id)
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    stmt = stmt.order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit)
    return [
        NotificationView(
            id=n.id,
            type=NotificationType(n.type),
            title=n.title,
            body=n.body,
            link=n.link,
            meta=n.meta,
            created_at=n.created_at,
            read_at=n.read_at,
        )
        for n in session.scalars(stmt)
    ]


def mark_read(session: Session, *, user_id: str, notification_ids: Iterable[str] | None = None, now: datetime) -> int:
    """Mark the user's unread notifications read (all of them when `notification_ids` is None).

    Ids of other users' notifications are ignored, never touched. Returns how many were marked; already
    read ones keep their first `read_at`.
    """
    stmt = update(Notification).where(Notification.user_id == user_id, Notification.read_at.is_(None))
    if notification_ids is not None:
        ids = sorted(set(notification_ids))
        if not ids:
            return 0
        stmt = stmt.where(Notification.id.in_(ids))
    result = session.execute(stmt.values(read_at=_aware(now)).execution_options(synchronize_session="fetch"))
    return int(result.rowcount or 0)
