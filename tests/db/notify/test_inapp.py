"""In-app notifications: creation, unread counts, listing and marking read, always scoped to one user."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from core.models import NotificationType
from core.notify.inapp import create_notification, list_notifications, mark_read, unread_count
from tests.conftest import NOW
from tests.factories import make_user


def _three_for(session: Session, user_id: str) -> list[str]:
    ids = []
    for hours_ago, title in ((3, "oldest"), (2, "middle"), (1, "newest")):
        n = create_notification(
            session,
            user_id=user_id,
            type=NotificationType.GOAL,
            title=title,
            body=f"{title} body",
            link="/goals",
            now=NOW - timedelta(hours=hours_ago),
        )
        ids.append(n.id)
    return ids


def test_create_count_list_and_mark_read_only_own(session: Session) -> None:
    me, other = make_user(session), make_user(session)
    oldest, _middle, _newest = _three_for(session, me.id)
    theirs = create_notification(
        session, user_id=other.id, type="SYSTEM", title="  theirs  ", body="", link=None, meta={"k": 1}, now=NOW
    )
    assert theirs.title == "theirs" and theirs.type == NotificationType.SYSTEM and theirs.meta == {"k": 1}
    assert (unread_count(session, user_id=me.id), unread_count(session, user_id=other.id)) == (3, 1)

    listed = list_notifications(session, user_id=me.id)
    assert [n.title for n in listed] == ["newest", "middle", "oldest"]
    assert listed[0].link == "/goals" and not listed[0].is_read
    assert [n.title for n in list_notifications(session, user_id=me.id, limit=2)] == ["newest", "middle"]

    # Marking my oldest and somebody else's notification: only mine changes.
    assert mark_read(session, user_id=me.id, notification_ids=[oldest, theirs.id], now=NOW) == 1
    assert (unread_count(session, user_id=me.id), unread_count(session, user_id=other.id)) == (2, 1)
    assert [n.title for n in list_notifications(session, user_id=me.id, unread_only=True)] == ["newest", "middle"]

    # "All" marks the remaining two; the first read time of `oldest` is kept.
    later = NOW + timedelta(hours=1)
    assert mark_read(session, user_id=me.id, now=later) == 2
    assert unread_count(session, user_id=me.id) == 0
    read_times = {n.title: n.read_at for n in list_notifications(session, user_id=me.id)}
    assert read_times == {"oldest": NOW, "middle": later, "newest": later}
    assert mark_read(session, user_id=me.id, notification_ids=[], now=later) == 0
    assert unread_count(session, user_id=other.id) == 1


@pytest.mark.parametrize("link", ["https://evil.example/x", "javascript:alert(1)", "//evil.example", "goals"])
def test_links_must_be_app_paths(session: Session, link: str) -> None:
    user = make_user(session)
    with pytest.raises(ValueError, match="app path"):
        create_notification(session, user_id=user.id, type="GOAL", title="t", body="", link=link, now=NOW)


def test_bad_title_type_and_limit_are_refused(session: Session) -> None:
    user = make_user(session)
    with pytest.raises(ValueError, match="title"):
        create_notification(session, user_id=user.id, type="GOAL", title="   ", body="", link=None, now=NOW)
    with pytest.raises(ValueError):
        create_notification(session, user_id=user.id, type="NOPE", title="t", body="", link=None, now=NOW)
    with pytest.raises(ValueError, match="limit"):
        list_notifications(session, user_id=user.id, limit=0)
    assert unread_count(session, user_id=user.id) == 0
