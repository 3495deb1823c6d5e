"""The seller's notifications in the sidebar (AppTest): the count equals `unread_count`, only her own show, each
with its link; "Mark read" and "Mark all read" update the count at once; admins get their own (operator alerts)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import streamlit as st
from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from core.models import Notification, NotificationType, User
from core.notify.inapp import create_notification, unread_count
from tests.app.conftest import World, logged_in_app, plain

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def user_id(session: Session, username: str) -> str:
    return session.scalar(select(User.id).where(User.username == username))


@pytest.fixture(autouse=True)
def inbox(world: World) -> Iterator[dict[str, str]]:
    """Maya: 3 unread (newest first: goal, listing, opportunity) and 1 read; Noah: 1 unread that must not leak."""
    with Session(world.engine) as session:
        session.execute(delete(Notification))
        maya, noah = user_id(session, "maya"), user_id(session, "noah")
        ids = {}
        for minutes, kind, title, link in (
            (1, NotificationType.SELLER_OPPORTUNITY, "New opportunity: budget templates", "/market"),
            (2, NotificationType.LISTING_QUALITY, "Budget planner needs photos", "/listing-health?product=p-1"),
            (3, NotificationType.GOAL, "Goal achieved: $500 in November", "/goals"),
        ):
            note = create_notification(
                session, user_id=maya, type=kind, title=title, body=f"Details about {title.lower()}.", link=link,
                now=T0 + timedelta(minutes=minutes),
            )  # fmt: skip
            ids[title] = note.id
        old = create_notification(session, user_id=maya, type=NotificationType.SYSTEM, title="Welcome!", now=T0)
        old.read_at = T0
        create_notification(session, user_id=noah, type=NotificationType.GOAL, title="Noah's private goal", now=T0)
        session.commit()
        ids["maya"], ids["noah"] = maya, noah
    yield ids


def unread(world: World, uid: str) -> int:
    with Session(world.engine) as session:
        return unread_count(session, user_id=uid)


def block(at: AppTest):
    found = [e for e in at.sidebar.expander if e.label.startswith("Notifications")]
    return found[0] if found else None


def titles(at: AppTest) -> list[str]:
    notices = block(at)
    return [plain(m.value.strip("*")) for m in notices.markdown] if notices is not None else []


def maya_app() -> AppTest:
    return logged_in_app("maya", "seller", "Maya Lopez").run()


def test_the_count_and_the_latest_unread_are_the_sellers_own(world: World, inbox: dict[str, str]) -> None:
    at = maya_app()

    assert not at.exception
    notices = block(at)
    assert notices is not None
    assert notices.label == f"Notifications ({unread(world, inbox['maya'])})" == "Notifications (3)"
    assert titles(at) == [
        "Goal achieved: $500 in November",
        "Budget planner needs photos",
        "New opportunity: budget templates",
    ]
    assert "Noah's private goal" not in titles(at) and "Welcome!" not in titles(at)
    # Each notice links to its page, with the link's query parameters.
    links = [(link.proto.page, link.proto.query_string) for link in notices.get("page_link")]
    assert links == [("goals", ""), ("listing-health", "product=p-1"), ("market", "")]


def test_mark_one_read_then_all_read(world: World, inbox: dict[str, str]) -> None:
    at = maya_app()

    at.sidebar.button(key=f"sgt_notification_read_{inbox['Budget planner needs photos']}").click().run()

    assert block(at).label == "Notifications (2)"
    assert unread(world, inbox["maya"]) == 2
    assert "Budget planner needs photos" not in titles(at)

    at.sidebar.button(key="sgt_notifications_all_read").click().run()

    assert block(at).label == "Notifications (0)"
    assert unread(world, inbox["maya"]) == 0
    assert any("all caught up" in c.value for c in block(at).caption)
    assert unread(world, inbox["noah"]) == 1  # another seller's notice is never touched


def test_admins_get_their_own_block_with_operator_alerts(world: World) -> None:
    """Admins get the block for operator alerts: empty it says so; an alert of theirs shows; a seller's never."""
    at = logged_in_app("admin", "admin", "Ada Admin").run()
    assert not at.exception
    assert block(at).label == "Notifications (0)"
    assert [plain(c.value) for c in block(at).caption] == ["You're all caught up. New operator alerts show up here."]
    with Session(world.engine) as session:
        admin = user_id(session, "admin")
        create_notification(session, user_id=admin, type=NotificationType.SYSTEM,
                            title="Alert (critical): E-mail bounce rate", body="Bounce rate 2.72 %.", link="/alerts",
                            now=T0)  # fmt: skip
        session.commit()
    st.cache_data.clear()  # what the unread summary's short time to live does between two visits
    at = logged_in_app("admin", "admin", "Ada Admin").run()
    assert block(at).label == "Notifications (1)"
    shown = "\n".join(plain(m.value) for m in block(at).markdown)
    assert "Alert (critical): E-mail bounce rate" in shown
    assert "Goal achieved" not in shown and "Noah's private goal" not in shown
