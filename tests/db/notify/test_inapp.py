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


@pytest.mark.parametrize(
    "link",
    [
        "/\\evil.example",  # browsers read a backslash as a slash: "//evil.example"
        "/\\/evil.example",
        "//evil.example",
        "///evil.example",
        "https://evil.example/x",
        "HTTPS://evil.example",
        "javascript:alert(1)",
        " javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "goals",  # not a path
        "/no-such-page",
        "/pricing/../../evil",
        "/pricing/",
        "/%2F%2Fevil.example",
        "/goals#top",
        "/goals\x00",
        "/learn?slug=a b",
        "/goals\n?x=1",  # (whitespace around a link is trimmed; inside it is refused)
    ],
)
def test_links_must_be_paths_of_the_apps_own_pages(session: Session, link: str) -> None:
    user = make_user(session)
    with pytest.raises(ValueError, match="must be the path of one of the app's pages"):
        create_notification(session, user_id=user.id, type="GOAL", title="t", body="", link=link, now=NOW)
    assert unread_count(session, user_id=user.id) == 0


@pytest.mark.parametrize(
    "link",
    ["/pricing?product=1", "/goals", "/market?section=Forecast", "/listing-health?product=abc-123", " /learn?slug=x "],
)
def test_links_to_the_apps_pages_are_kept(session: Session, link: str) -> None:
    user = make_user(session)
    created = create_notification(session, user_id=user.id, type="GOAL", title="t", body="", link=link, now=NOW)
    assert created.link == link.strip()


def test_every_page_the_app_links_to_is_allowed() -> None:
    """The links core writes (urls.page_link) are all accepted: the allowed set is core/urls.py's page names."""
    from core import urls
    from core.notify.inapp import app_pages

    assert {"home", "pricing", "listing-health", "goals", "learn", "market", "insights", "settings"} <= app_pages()
    assert urls.PRICING in app_pages() and "login" not in app_pages()


def test_bad_title_type_and_limit_are_refused(session: Session) -> None:
    user = make_user(session)
    with pytest.raises(ValueError, match="title"):
        create_notification(session, user_id=user.id, type="GOAL", title="   ", body="", link=None, now=NOW)
    with pytest.raises(ValueError):
        create_notification(session, user_id=user.id, type="NOPE", title="t", body="", link=None, now=NOW)
    with pytest.raises(ValueError, match="limit"):
        list_notifications(session, user_id=user.id, limit=0)
    assert unread_count(session, user_id=user.id) == 0
