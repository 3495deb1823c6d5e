"""The Insights page as a seller: cards per tab (Open / Done / Dismissed) equal core's counts, shown cards become
VIEWED, the menu badge equals the PENDING count, "Fix now" opens the right page with the product, Dismiss and Done
take a card out of Open, Undo brings it back, and Generate with its hourly limit (the message on the fourth try)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from components.data.insights import TABS
from core.insights.queries import insight_counts, list_insights
from core.models import (
    DigitalProduct,
    InsightGenerationRun,
    InsightPriority,
    InsightStatus,
    InsightType,
    SellerInsight,
)
from tests.app.conftest import World, logged_in_app, plain

INSIGHTS_PAGE = "pages/seller/insights.py"
HOME_PAGE = "pages/seller/home.py"


def _clean(world: World) -> None:
    with Session(world.engine) as session:
        session.execute(delete(SellerInsight))
        session.execute(delete(InsightGenerationRun))
        session.commit()


@pytest.fixture(autouse=True)
def no_insights_left(world: World) -> Iterator[None]:
    """The world is shared by the module: every test starts and ends without insights or runs."""
    _clean(world)
    yield
    _clean(world)


def live_product_id(world: World) -> str:
    with Session(world.engine) as session:
        return session.scalar(select(DigitalProduct.id).where(DigitalProduct.title == "Budget planner"))


def seed(world: World) -> dict[str, str]:
    """Maya: 2 PENDING (HIGH pricing, LOW performance), 1 VIEWED, 1 ACTED_ON, 1 DISMISSED; Otto: 1 PENDING."""
    product = live_product_id(world)
    now = datetime.now(UTC)
    rows = [
        ("pricing", world.maya_seller_id, InsightType.PRICING, InsightPriority.HIGH, InsightStatus.PENDING),
        ("perf", world.maya_seller_id, InsightType.PERFORMANCE, InsightPriority.LOW, InsightStatus.PENDING),
        ("listing", world.maya_seller_id, InsightType.LISTING_QUALITY, InsightPriority.MEDIUM, InsightStatus.VIEWED),
        ("done", world.maya_seller_id, InsightType.MARKETING, InsightPriority.HIGH, InsightStatus.ACTED_ON),
        ("gone", world.maya_seller_id, InsightType.OPPORTUNITY, InsightPriority.HIGH, InsightStatus.DISMISSED),
        ("otto", world.other_seller_id, InsightType.PRICING, InsightPriority.HIGH, InsightStatus.PENDING),
    ]
    ids = {}
    with Session(world.engine) as session:
        for i, (name, seller, kind, priority, status) in enumerate(rows):
            insight = SellerInsight(
                seller_id=seller,
                insight_type=kind,
                priority=priority,
                status=status,
                title=f"Insight {name} costs $5",
                description=f"About {name}: $12 to $18.",
                action_items=[
                    {"label": "Review the price", "action": "review_price", "url": f"/pricing?product={product}"}
                ],
                generated_at=now - timedelta(minutes=i),
                finding_key=f"pricing:{name}",
            )
            session.add(insight)
            session.flush()
            ids[name] = insight.id
        session.commit()
    return ids


def open_page(tab: str | None = None) -> AppTest:
    at = logged_in_app("maya", "seller", "Maya Lopez").run()
    at.switch_page(INSIGHTS_PAGE)
    if tab:
        at.query_params["status"] = tab
    at.run()
    assert not at.exception, at.exception
    return at


def card_titles(at: AppTest) -> list[str]:
    return [m.value.removeprefix("#### ").replace("\\", "") for m in at.markdown if m.value.startswith("#### ")]


def menu_title(at: AppTest, url_path: str) -> str:
    # AppTest keeps the pages st.navigation registered (title as `page_name`); there is no public accessor.
    pages = at._registered_pages.values()
    return next(p["page_name"] for p in pages if p.get("url_pathname") == url_path)


def pending(world: World) -> int:
    with Session(world.engine) as session:
        return insight_counts(session, seller_id=world.maya_seller_id)[InsightStatus.PENDING]


@pytest.mark.parametrize("tab", list(TABS))
def test_each_tab_shows_as_many_cards_as_core_lists(world: World, tab: str) -> None:
    seed(world)
    with Session(world.engine) as session:
        expected = list_insights(session, seller_id=world.maya_seller_id, status=TABS[tab])
        if tab != "Open":  # the Done and Dismissed tabs: the last changed first
            expected = list_insights(session, seller_id=world.maya_seller_id, status=TABS[tab], recent_first=True)
    at = open_page(tab)
    # Open: pricing (HIGH), listing (MEDIUM, viewed), perf (LOW); the done and the dismissed ones have their own tabs.
    assert card_titles(at) == [i.title for i in expected.items]
    assert (
        card_titles(at)
        == {
            "Open": ["Insight pricing costs $5", "Insight listing costs $5", "Insight perf costs $5"],
            "Done": ["Insight done costs $5"],
            "Dismissed": ["Insight gone costs $5"],
        }[tab]
    )
    assert "Insight otto costs $5" not in card_titles(at)


def test_cards_shown_become_viewed_and_the_badge_counts_pending(world: World) -> None:
    seed(world)
    at = logged_in_app("maya", "seller", "Maya Lopez").run()  # home page
    assert menu_title(at, "insights") == "Insights :red-badge[2]"
    at.switch_page(INSIGHTS_PAGE)
    at.run()
    assert pending(world) == 0  # the two pending cards were shown on "Open"
    at.switch_page(HOME_PAGE)
    at.run()
    assert menu_title(at, "insights") == "Insights"  # no badge at 0


def test_fix_now_opens_the_pricing_page_with_the_product(world: World) -> None:
    seed(world)
    at = open_page("Open")
    links = [p.proto for p in at.get("page_link") if p.proto.label == "Fix now"]
    assert len(links) == 3
    assert {(link.page, link.query_string) for link in links} == {("pricing", f"product={live_product_id(world)}")}


def test_dismiss_and_done_change_the_status_and_the_card_leaves_its_tab(world: World) -> None:
    ids = seed(world)
    at = open_page("Open")
    dismiss = [b for b in at.button if b.label == "Dismiss"]
    assert len(dismiss) == 3  # one per open card
    dismiss[0].click().run()  # the first card: the HIGH pricing insight
    with Session(world.engine) as session:
        assert session.get(SellerInsight, ids["pricing"]).status is InsightStatus.DISMISSED
    [b for b in at.button if b.label == "Mark as done"][-1].click().run()  # the last card: the LOW performance one
    with Session(world.engine) as session:
        assert session.get(SellerInsight, ids["perf"]).status is InsightStatus.ACTED_ON
    assert card_titles(open_page("Open")) == ["Insight listing costs $5"]
    assert "Insight perf costs $5" in card_titles(open_page("Done"))
    assert "Insight pricing costs $5" in card_titles(open_page("Dismissed"))


def test_dismiss_then_undo_in_the_dismissed_tab_brings_the_card_back_to_open(world: World) -> None:
    ids = seed(world)
    at = open_page("Open")
    at.button(key=f"dismiss_{ids['listing']}").click().run()
    assert "Insight listing costs $5" not in card_titles(open_page("Open"))
    at = open_page("Dismissed")
    assert card_titles(at) == ["Insight listing costs $5", "Insight gone costs $5"]  # the last dismissed first
    assert not [b for b in at.button if b.label in ("Dismiss", "Mark as done")]  # a closed card: Undo only
    at.button(key=f"undo_{ids['listing']}").click().run()
    assert not at.exception, at.exception
    assert [plain(s.value) for s in at.success] == ["Restored: the card is back in Open."]
    with Session(world.engine) as session:
        assert session.get(SellerInsight, ids["listing"]).status is InsightStatus.PENDING
    assert card_titles(at) == ["Insight gone costs $5"]
    assert "Insight listing costs $5" in card_titles(open_page("Open"))
    # Reopen a done card the same way.
    at = open_page("Done")
    at.button(key=f"reopen_{ids['done']}").click().run()
    assert "Insight done costs $5" in card_titles(open_page("Open"))


def test_empty_state_tells_the_seller_what_to_do(world: World) -> None:
    at = open_page()
    assert any("No insights yet" in i.value for i in at.info)


def test_generate_three_times_then_the_limit_says_when(world: World) -> None:
    at = open_page()
    for n in range(3):
        button = next(b for b in at.button if b.label == "Generate new insights")
        assert not button.disabled, n
        button.click().run()
        assert not at.exception, at.exception
        assert at.success, f"run {n + 1} shows what it found"
    with Session(world.engine) as session:
        first = session.scalar(select(InsightGenerationRun.started_at).order_by(InsightGenerationRun.started_at))
        cards = list_insights(session, seller_id=world.maya_seller_id, status=TABS["Open"]).total
    button = next(b for b in at.button if b.label == "Generate new insights")
    assert button.disabled
    # Settings use UTC in tests: the first run leaves the rolling hour 60 minutes after it started.
    message = f"You can generate new insights again at {(first + timedelta(hours=1)):%H:%M} (3 per hour)."
    assert message in [i.value for i in at.info]
    assert len(card_titles(at)) == cards > 0
