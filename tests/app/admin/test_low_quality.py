"""Low-quality listings page (AppTest, as admin): the table lists what core finds under the threshold with its
filters, "Notify seller" on a selection writes the insights and notifications and reports duplicates on a
second click, and sellers cannot reach the page. The page reads the stored scores: the module's fixture stores them
as the nightly job does.

Besides the world of tests/app/conftest.py (maya's "Budget planner", noah's e-book and otto's product, all bare
listings that score low) this module adds a "Templates" category with two of otto's listings: a bare one with
30-day views and a complete one that scores above 40.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from components.admin import low_quality
from core.config import PROJECT_ROOT
from core.db import utcnow
from core.listings.low_quality import finding_key, low_quality_listings
from core.listings.notices import NotifyReport
from core.listings.persisted import refresh_listing_scores
from core.models import (
    Category,
    DigitalProduct,
    DigitalProductType,
    InsightPriority,
    InsightType,
    Notification,
    NotificationType,
    SellerInsight,
    SellerProfile,
)
from tests.app.conftest import RUN_TIMEOUT, World, logged_in_app, pin_clock
from tests.factories import add_views, make_category, make_product

PAGE = "pages/admin/low_quality.py"
COMPLETE = {
    "description": " ".join(["A complete, well written description of a useful template pack."] * 12),
    "featured_image": "https://img.example.com/cover.png",
    "gallery_images": [f"https://img.example.com/{i}.png" for i in range(5)],
    "seo_title": "Notion templates for small teams",
    "seo_description": "Plan projects, meetings and goals with ready-made Notion templates for small teams.",
    "seo_keywords": ["notion", "templates", "planning", "teams"],
    "tags": ["notion", "templates", "planning", "teams", "productivity"],
}


@pytest.fixture(scope="module", autouse=True)
def templates(world: World) -> Iterator[None]:
    with Session(world.engine) as s:
        otto = s.get(SellerProfile, world.other_seller_id)
        category = make_category(s, name="Templates")
        bare = make_product(
            s, seller=otto, category=category, type=DigitalProductType.WEB_TEMPLATE, title="Bare landing page"
        )
        add_views(s, product=bare, day=world.today - timedelta(days=3), views=120)
        make_product(
            s,
            seller=otto,
            category=category,
            type=DigitalProductType.WEB_TEMPLATE,
            title="Notion templates for small teams",
            **COMPLETE,
        )
        s.flush()
        refresh_listing_scores(s, now=utcnow())  # the nightly job's stored scores, which the page reads
        s.commit()
    yield


def expected_titles(world: World, **filters: object) -> list[str]:
    with Session(world.engine) as s:
        return [r.title for r in low_quality_listings(s, now=utcnow(), **filters)]


def open_page() -> AppTest:
    at = logged_in_app("admin", "admin", "Ada Admin").run()
    at.switch_page(PAGE)
    at.run()
    assert not at.exception, at.exception
    return at


def listing_table(at: AppTest):
    return next(df for df in at.dataframe if (df.key or "").startswith(low_quality.TABLE_KEY_PREFIX))


def select_rows(at: AppTest, rows: list[int]) -> AppTest:
    at.session_state[listing_table(at).key] = {"selection": {"rows": rows, "columns": [], "cells": []}}
    return at.run()


def notify_button(at: AppTest):
    return next(b for b in at.button if b.label.startswith("Notify"))


def counts(world: World) -> tuple[int, int]:
    with Session(world.engine) as s:
        insights = s.scalar(
            select(func.count(SellerInsight.id)).where(SellerInsight.insight_type == InsightType.LISTING_QUALITY)
        )
        notes = s.scalar(
            select(func.count(Notification.id)).where(Notification.type == NotificationType.LISTING_QUALITY)
        )
    return int(insights or 0), int(notes or 0)


def test_the_table_lists_what_core_finds(world: World) -> None:
    at = open_page()
    table = listing_table(at).value
    expected = expected_titles(world, threshold=40)
    assert list(table["Listing"]) == expected
    # Four bare listings, not the complete template: maya's planner, noah's e-book, otto's two bare ones.
    assert len(expected) == 4 and "Notion templates for small teams" not in expected
    views = dict(zip(table["Listing"], table["Views 30 d"], strict=True))
    assert views["Bare landing page"] == 120
    assert all(w != "—" for w in table["Weakest parts"])


def test_filters_and_threshold(world: World) -> None:
    at = open_page()
    with Session(world.engine) as s:
        category_id = s.scalar(select(Category.id).where(Category.name == "Templates"))
    at.selectbox(key=low_quality.KEY_CATEGORY).set_value(category_id).run()
    assert list(listing_table(at).value["Listing"]) == ["Bare landing page"]
    at.selectbox(key=low_quality.KEY_CATEGORY).set_value("all").run()
    at.selectbox(key=low_quality.KEY_TYPE).set_value("EBOOK").run()
    assert list(listing_table(at).value["Listing"]) == expected_titles(world, threshold=40, product_type="EBOOK")
    at.selectbox(key=low_quality.KEY_TYPE).set_value("all").run()
    at.selectbox(key=low_quality.KEY_SELLER).set_value(world.noah_seller_id).run()
    assert list(listing_table(at).value["Seller"]) == ["Noah Kim"]
    at.selectbox(key=low_quality.KEY_SELLER).set_value("all").run()
    at.slider(key=low_quality.KEY_THRESHOLD).set_value(100).run()
    assert list(listing_table(at).value["Listing"]) == expected_titles(world, threshold=100)
    assert "Notion templates for small teams" in expected_titles(world, threshold=100)
    at.slider(key=low_quality.KEY_THRESHOLD).set_value(5).run()
    assert not at.dataframe
    assert [m.value for m in at.success] == [
        "Every published listing scores 5 or more. Raise the threshold to review the next weakest."
    ]


def test_notify_writes_insights_and_reports_duplicates(world: World) -> None:
    before = counts(world)
    at = open_page()
    assert notify_button(at).disabled  # nothing selected yet
    table = listing_table(at).value
    planner = list(table["Listing"]).index("Budget planner")
    ebook = list(table["Listing"]).index("Noah's first e-book")
    select_rows(at, [planner, ebook])
    assert notify_button(at).label == "Notify 2 sellers about 2 listings"
    notify_button(at).click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["Notified 2 sellers about 2 listings."]
    # One insight per listing, one notification per seller.
    assert counts(world) == (before[0] + 2, before[1] + 2)
    table = listing_table(at).value
    notified = dict(zip(table["Listing"], table["Notified"], strict=True))
    assert notified["Budget planner"] and notified["Noah's first e-book"]
    assert not notified["Bare landing page"]
    assert notify_button(at).disabled  # the selection was cleared

    # Again with one new listing: the two pending ones are skipped.
    titles = list(table["Listing"])
    select_rows(
        at, [titles.index("Budget planner"), titles.index("Noah's first e-book"), titles.index("Bare landing page")]
    )
    notify_button(at).click().run()
    assert [s.value for s in at.success] == [
        "Notified 1 seller about 1 listing; 2 listings already had a pending notice."
    ]
    assert counts(world) == (before[0] + 3, before[1] + 3)
    with Session(world.engine) as s:
        insight = s.scalars(
            select(SellerInsight)
            .where(SellerInsight.finding_key.like("listing:%"))
            .where(SellerInsight.seller_id == world.other_seller_id)
        ).one()
    assert "Bare landing page" in insight.title and "weakest parts" in insight.description


def test_notify_message_wording() -> None:
    assert low_quality.notify_message(NotifyReport(3, 5, 2)) == (
        "Notified 3 sellers about 5 listings; 2 listings already had a pending notice."
    )
    assert low_quality.notify_message(NotifyReport(0, 0, 1)) == (
        "No seller notified; 1 listing already had a pending notice."
    )
    assert low_quality.notify_message(NotifyReport(1, 1, 0, ("gone",))) == (
        "Notified 1 seller about 1 listing. 1 listing no longer exists."
    )


def test_a_seller_cannot_reach_the_page(world: World) -> None:
    at = logged_in_app("maya", "seller", "Maya Lopez").run()
    with pytest.raises(ValueError):
        at.switch_page(PAGE)


def test_the_page_itself_stops_a_seller(world: World) -> None:
    at = AppTest.from_file(str(PROJECT_ROOT / PAGE), default_timeout=RUN_TIMEOUT)
    at.session_state["authentication_status"] = True
    at.session_state["username"] = "maya"
    at.session_state["name"] = "Maya Lopez"
    at.session_state["roles"] = ["seller"]
    at.run()
    assert [e.value for e in at.error] == ["This page is only for admins."]
    assert not at.dataframe and not at.button


@pytest.fixture(autouse=True)
def _pinned_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    now = utcnow()
    pin_clock(monkeypatch, now)


def test_a_listing_with_the_sellers_own_open_insight_is_not_notified_twice(world: World) -> None:
    """The seller's generated insight about a listing and the admin's notice share one finding key: the table shows the
    listing as notified, and notifying it reports it as "already had a pending notice" without a second card."""
    with Session(world.engine) as s:
        product_id = s.scalar(
            select(DigitalProduct.id).where(DigitalProduct.title == "Notion templates for small teams")
        )
        generated = SellerInsight(
            seller_id=world.other_seller_id,
            insight_type=InsightType.LISTING_QUALITY,
            priority=InsightPriority.MEDIUM,
            title="“Notion templates for small teams” scores 80/100: fix its listing",
            description="Generated by the seller's insights.",
            action_items=[],
            generated_at=utcnow(),
            finding_key=finding_key(product_id),
        )
        s.add(generated)
        s.commit()
        generated_id = generated.id
    try:
        before = counts(world)
        at = open_page()
        at.slider(key=low_quality.KEY_THRESHOLD).set_value(100).run()
        table = listing_table(at).value
        row = list(table["Listing"]).index("Notion templates for small teams")
        assert bool(table["Notified"][row]) is True
        select_rows(at, [row])
        notify_button(at).click().run()
        assert not at.exception
        assert [m.value for m in at.success] == ["No seller notified; 1 listing already had a pending notice."]
        assert counts(world) == before
    finally:
        with Session(world.engine) as s:
            s.delete(s.get(SellerInsight, generated_id))
            s.commit()
