"""The sidebar's notifications: the unread count with the newest unread ones (cached briefly), and marking read."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from components.data import cached, clock, forget_topic
from core.db import session_scope
from core.notify import inapp
from core.notify.inapp import NotificationView

SUMMARY_TTL_SECONDS = 30  # a new notice shows within half a minute; marking read clears it at once
LATEST = 5


@dataclass(frozen=True)
class UnreadSummary:
    count: int
    latest: tuple[NotificationView, ...]


@cached("notifications", ttl=SUMMARY_TTL_SECONDS)
def unread_summary(user_id: str) -> UnreadSummary:
    """The user's unread count and newest unread notifications (plain data, keyed by the logged-in user's id)."""
    with session_scope() as session:
        return UnreadSummary(
            count=inapp.unread_count(session, user_id=user_id),
            latest=tuple(inapp.list_notifications(session, user_id=user_id, unread_only=True, limit=LATEST)),
        )


def mark_read(user_id: str, notification_ids: Sequence[str] | None) -> None:
    """Mark the user's own notifications read (all when `notification_ids` is None), then forget the cached count."""
    with session_scope() as session:
        inapp.mark_read(session, user_id=user_id, notification_ids=notification_ids, now=clock.now())
    # Keyed by user id, not seller id, so `forget_seller` could not pick this user's entry: clear the topic.
    forget_topic("notifications")
