"""In-app notifications: create one for a user, count and list a user's, mark a user's own as read.

Writers flush and leave the commit to the caller's `session_scope()`. Every reader and writer is scoped by
`user_id`: a user never sees or changes another user's notification.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from core.models import Notification, NotificationType

TITLE_MAX_CHARS = 255
LINK_MAX_CHARS = 500
MAX_LIST_LIMIT = 200


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


def _checked_link(link: str | None) -> str | None:
    """A link inside the app ("/listing-health?product=…"), or None.

    Only app-relative paths are accepted: a notification is rendered as a clickable link, and an
    absolute or scheme URL ("javascript:…", "https://evil.example") there would be a phishing vector.
    """
    if link is None or not link.strip():
        return None
    link = link.strip()
    if not link.startswith("/") or link.startswith("//") or len(link) > LINK_MAX_CHARS:
        raise ValueError(f"a notification link must be an app path starting with '/', got {link!r}")
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
    """Add an unread notification for `user_id` (flushed, not committed); ValueError on a bad title/type/link."""
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
