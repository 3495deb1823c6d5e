"""No markup from users (AppTest): a seller "Eve" whose display name, product title, goal, insight, notification
and learn resource (written by an admin) carry the payloads of issue #12 — links, images, `:red[…]`, Material
icons, maths, HTML, bare URLs — is shown on every page as the text she typed. Every string the page hands to
Streamlit's Markdown (bodies, labels, tab names, metric values, tooltips) is checked: the text reads as typed
and none of the payload's syntax is left live."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from google.protobuf.message import Message
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from components.ui.article import category_label
from core.learn.library import save_resource
from core.models import (
    GoalStatus,
    GoalType,
    InsightPriority,
    InsightStatus,
    InsightType,
    NotificationType,
    ResourceType,
    SellerGoal,
    SellerInsight,
)
from core.notify.inapp import create_notification
from tests.app.conftest import World, logged_in_app, plain
from tests.factories import make_product, make_seller

# The payloads (each within its column's length). Names and titles are what a seller (or an admin) typed.
NAME = "Eve [bank](https://evil.example/a) ![](https://evil.example/n.png) :red[FRAUD]"
TITLE = "Kit ![](https://evil.example/t.png) [x](javascript:alert(1)) https://evil.example/login :material/key: $x^2$"
GOAL = "Goal **b** <img src=x onerror=alert(1)> www.evil.example :red-badge[FRAUD] | a | b |"
CATEGORY = "seo :red[FRAUD] www.evil.example ![](https://evil.example/c.png)"
SLUG = "x :material/lock: Session expired: [log in again](https://evil.example/login)"
# What must never reach Markdown as typed: each of these is live syntax (or an auto-link) when it does.
LIVE = (
    "](https://evil",
    "![",
    ":red[FRAUD",
    ":red-badge[FRAUD",
    ":material/key",
    ":material/lock",
    "https://evil",
    "www.evil",
    "<img",
    "$x^2$",
    "**b**",
    "javascript:alert",
)
# Live only when its first character is not escaped (`\<img` shows "<img").
LIVE_PATTERNS = {fragment: re.compile(r"(?<!\\)" + re.escape(fragment), re.IGNORECASE) for fragment in LIVE}
# Proto fields Streamlit renders as Markdown (selectbox options, text input values and table cells are plain).
MARKDOWN_FIELDS = frozenset({"body", "label", "help", "text", "delta", "captions", "title"})
PLAIN_ELEMENTS = frozenset({"code", "text", "html", "arrow_data_frame", "json", "selectbox", "multiselect"})

SELLER_SUCCESS = "pages/admin/seller_success.py"
LEARN_EDITOR = "pages/admin/learn_editor.py"


@pytest.fixture(scope="module", autouse=True)
def hostile(world: World) -> Iterator[dict[str, str]]:
    with Session(world.engine) as session:
        eve = make_seller(session, username="eve", password="eve-test-pass", name=NAME)
        product = make_product(session, seller=eve, title=TITLE, price="19.00")
        now = datetime.now(UTC)
        session.add(
            SellerGoal(
                seller_id=eve.id,
                type=GoalType.REVENUE,
                title=GOAL,
                target_value=Decimal("1000"),
                current_value=Decimal("0"),
                deadline=now + timedelta(days=20),
                status=GoalStatus.ACTIVE,
            )
        )
        session.add(
            SellerInsight(
                seller_id=eve.id,
                insight_type=InsightType.LISTING_QUALITY,
                title=f"Improve “{TITLE}”",
                description=f"“{TITLE}” is missing photos. {GOAL}",
                action_items=[{"label": f"Add photos to {TITLE}", "action": "listing"}],
                priority=InsightPriority.HIGH,
                status=InsightStatus.PENDING,
            )
        )
        create_notification(
            session, user_id=eve.user_id, type=NotificationType.LISTING_QUALITY, title=f"{TITLE} needs photos",
            body=f"Details: {GOAL} {NAME}", link="/listing-health", now=now,
        )  # fmt: skip
        resource = save_resource(
            session,
            now=now,
            title=TITLE,
            type=ResourceType.GUIDE,
            content="<p>Body</p>",
            excerpt=f"Read {GOAL}",
            video_url="",
            thumbnail_url="",
            category=CATEGORY,
            tags="[t](https://evil.example/tag), :red[FRAUD]",  # at most 40 characters a tag
            is_published=True,
            video_hosts=(),
        )
        session.commit()
        yield {"product": product.id, "resource_slug": resource.slug, "user": eve.user_id}


def _strings(proto: Message) -> Iterator[str]:
    for field, value in proto.ListFields():
        if field.type == field.TYPE_MESSAGE:
            for message in [value] if isinstance(value, Message) else value:
                yield from _strings(message)
        elif field.type == field.TYPE_STRING and field.name in MARKDOWN_FIELDS:
            yield from [value] if isinstance(value, str) else value


def rendered_markdown(at: AppTest) -> list[str]:
    """Every text of the page (main and sidebar) that Streamlit renders as Markdown."""
    found: list[str] = []

    def walk(node: Any) -> None:
        proto = getattr(node, "proto", None)
        if isinstance(proto, Message) and getattr(node, "type", None) not in PLAIN_ELEMENTS:
            found.extend(_strings(proto))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return found


def assert_inert(at: AppTest, *shown_as_typed: str) -> None:
    """Each of `shown_as_typed` reads as typed somewhere on the page, and no payload syntax is live anywhere."""
    assert not at.exception, at.exception
    texts = rendered_markdown(at)
    live = [(fragment, text) for text in texts for fragment in LIVE if re.search(LIVE_PATTERNS[fragment], text)]
    assert not live, f"live markup reached Markdown: {live}"
    readable = [plain(text) for text in texts]
    for typed in shown_as_typed:
        assert any(typed in text for text in readable), f"{typed!r} is not shown as typed"


def eve_app(page: str | None = None, **params: str) -> AppTest:
    at = logged_in_app("eve", "seller", NAME).run()
    if page is not None:
        at.switch_page(page)
        for name, value in params.items():
            at.query_params[name] = value
        at.run()
    return at


def test_the_checker_sees_live_markup() -> None:
    at = AppTest.from_string(f"import streamlit as st\nst.expander({TITLE!r})\nst.metric('x', {NAME!r})").run()
    texts = rendered_markdown(at)
    assert TITLE in texts and NAME in texts
    with pytest.raises(AssertionError, match="live markup"):
        assert_inert(at)


def test_home_and_sidebar_show_the_name_and_the_notification_as_typed() -> None:
    at = eve_app()
    assert_inert(at, NAME, f"{TITLE} needs photos", f"Details: {GOAL} Eve [bank](")  # the body is shortened
    assert "Welcome back, Eve" in [plain(t.value) for t in at.title]


def test_the_admin_seller_detail_shows_the_display_name_as_text() -> None:
    at = logged_in_app("admin", "admin", "Ada Admin").run()
    at.switch_page(SELLER_SUCCESS).run()
    table = next(df for df in at.dataframe if (df.key or "").startswith("ss_table_"))
    names = list(table.value["Seller"])
    at.session_state[table.key] = {"selection": {"rows": [names.index(NAME)], "columns": [], "cells": []}}
    at.run()
    assert_inert(at, NAME)
    assert plain(at.subheader[-1].value) == NAME


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        ("pages/seller/listing_health.py", [TITLE]),
        ("pages/seller/goals.py", [GOAL]),
        ("pages/seller/insights.py", [f"Improve “{TITLE}”", f"“{TITLE}” is missing photos. {GOAL}"]),
        ("pages/seller/learn.py", [TITLE, category_label(CATEGORY.lower())]),  # categories are stored lower case
    ],
)
def test_seller_pages_show_titles_as_typed(page: str, expected: list[str]) -> None:
    assert_inert(eve_app(page), *expected)


def test_the_pricing_confirmation_names_the_product_as_typed(hostile: dict[str, str]) -> None:
    at = eve_app("pages/seller/pricing_tool.py", product=hostile["product"])
    assert_inert(at)
    at.text_input(key="pricing_manual_price").input("21")
    at.button(key="FormSubmitter:pricing_manual_form-Review my price").click().run()
    assert_inert(at, f"Change the price of “{TITLE}” from $19.00 to $21.00?")
    at.button(key="pricing_confirm_yes").click().run()
    assert_inert(at, f"Price updated: “{TITLE}” now sells at **$21.00** (was $19.00).")


def test_a_learn_article_and_its_tags_are_text(hostile: dict[str, str]) -> None:
    at = eve_app("pages/seller/learn.py", slug=hostile["resource_slug"])
    assert_inert(at, TITLE, "[t](https://evil.example/tag)")
    assert plain(at.title[0].value) == TITLE


def test_a_crafted_slug_is_echoed_as_text() -> None:
    at = eve_app("pages/seller/learn.py", slug=SLUG)
    assert_inert(at, SLUG)
    assert [plain(w.value) for w in at.warning] == [
        f"We couldn't find a published resource at “{SLUG}”. It may have been unpublished or renamed."
    ]


def test_the_learn_editor_lists_the_title_as_text() -> None:
    at = logged_in_app("admin", "admin", "Ada Admin").run()
    at.switch_page(LEARN_EDITOR).run()
    assert_inert(at, TITLE)
