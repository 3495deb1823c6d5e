"""The Listing health page as maya on factory data: the portfolio numbers are core's, cards come 20 to a page in
core's order, a deep link opens its card with core's dimension scores and suggestions, filters and re-score work."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from urllib.parse import parse_qs

import pytest
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from components.ui.text import md
from core.catalog.products import revenue_by_product
from core.config import get_settings
from core.listings.queries import ScoredListing, score_seller_listings
from core.listings.score import listing_suggestions_offline, portfolio_score
from core.market.benchmarks import sales_window
from core.models import DigitalProduct, ProductStatus, SellerProfile
from tests.app.conftest import World, logged_in_app, plain
from tests.factories import make_product

PAGE = "pages/seller/listing_health.py"
RICH_DESCRIPTION = (
    "## What's inside\n\n"
    + " ".join(["A clear, practical guide to planning your monthly budget step by step."] * 30)
    + "\n\n## Who it is for\n\nFreelancers and families who want calm money habits.\n\n"
    "- 12 monthly sheets\n- A yearly overview\n- Savings tracker\n- Debt payoff plan\n- Printable and editable\n"
)


@pytest.fixture(scope="module")
def listings(world: World) -> Iterator[dict[str, str]]:
    """maya gets 24 more listings (a third of them complete), so she has 26 in all: two pages of cards."""
    with Session(world.engine) as session:
        maya = session.get(SellerProfile, world.maya_seller_id)
        for n in range(24):
            rich = n % 3 == 0
            make_product(
                session,
                seller=maya,
                title=f"Monthly budget planner for freelancers, edition {n + 1:02d}" if rich else f"Sheet {n + 1}",
                price=f"{12 + n}.00",
                description=RICH_DESCRIPTION if rich else ("Short text." if n % 3 == 1 else None),
                featured_image="https://cdn.example.com/cover.png" if n % 3 != 2 else None,
                gallery_images=[f"https://cdn.example.com/{n}-{i}.png" for i in range(4)] if rich else [],
                seo_title="Budget planner" if rich else None,
                seo_description="A budget planner for freelancers." if rich else None,
                seo_keywords=["budget", "planner", "finance", "money", "freelance"] if rich else [],
                tags=["budget", "planner", "finance", "money", "savings"] if rich else [],
            )
        ids = {
            "budget": session.scalar(select(DigitalProduct.id).where(DigitalProduct.title == "Budget planner")),
            "archived": session.scalar(
                select(DigitalProduct.id).where(
                    DigitalProduct.seller_id == maya.id, DigitalProduct.status == ProductStatus.ARCHIVED
                )
            ),
            "foreign": session.scalar(
                select(DigitalProduct.id).where(DigitalProduct.seller_id == world.other_seller_id).limit(1)
            ),
        }
        session.commit()
    yield ids


@pytest.fixture(autouse=True)
def offline_ai(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)


def open_page(product_id: str | None = None) -> AppTest:
    at = logged_in_app("maya", "seller", "Maya Lopez").run()
    at.switch_page(PAGE)
    if product_id is not None:
        at.query_params["product"] = product_id
    return at.run()


def core_scores(world: World) -> list[ScoredListing]:
    with Session(world.engine) as session:
        return score_seller_listings(session, seller_id=world.maya_seller_id)


def card_ids(at: AppTest, prefix: str = "lh_toggle_") -> list[str]:
    """The product ids of the cards on the page, in order (each card has one Details button)."""
    return [b.key.removeprefix(prefix) for b in at.button if b.key and b.key.startswith(prefix)]


def gauge_texts(at: AppTest) -> list[str]:
    texts = []
    for chart in at.get("vega_lite_chart"):
        found = []

        def walk(node: object, found: list[str] = found) -> None:
            if isinstance(node, dict):
                if set(node) == {"text"} and isinstance(node["text"], str):
                    found.append(node["text"])
                for value in node.values():
                    walk(value)
            elif isinstance(node, list):
                for value in node:
                    walk(value)

        walk(json.loads(chart.proto.spec))
        texts += found
    return texts


def test_portfolio_score_and_band_counts_are_cores(world: World, listings: dict[str, str]) -> None:
    at = open_page()
    assert not at.exception
    scored = core_scores(world)
    assert len(scored) == 26  # 24 new + "Budget planner" + the world's draft (archived and deleted left out)
    shown = {m.label: m.value for m in at.metric}
    average = portfolio_score(s.score for s in scored)
    assert shown["Portfolio health"] == f"{average:g} / 100"
    bands = [s.score.band for s in scored]
    assert shown["Needs work (< 40)"] == str(bands.count("red"))
    assert shown["Fair (40–70)"] == str(bands.count("yellow"))
    assert shown["Good (> 70)"] == str(bands.count("green"))
    assert bands.count("red") + bands.count("yellow") + bands.count("green") == 26
    assert {"red", "green"} <= set(bands)  # the world has listings at both ends
    # The portfolio gauge shows the average; each card's gauge shows its own score.
    assert gauge_texts(at)[0] == f"{average:g}"


def test_cards_come_twenty_to_a_page_worst_first(world: World, listings: dict[str, str]) -> None:
    at = open_page()
    expected = [s.listing.product_id for s in core_scores(world)]  # core sorts worst first, then by title
    first_page = card_ids(at)
    assert first_page == expected[:20]
    assert gauge_texts(at)[1:] == [f"{s.score.overall:g}" for s in core_scores(world)[:20]]
    assert "Showing 1–20 of 26 listings." in [c.value for c in at.caption]
    next_button = next(b for b in at.button if b.label == "Next")
    next_button.click().run()
    assert card_ids(at) == expected[20:]
    assert listings["archived"] not in expected


def test_a_deep_link_opens_that_card_with_scores_and_suggestions(world: World, listings: dict[str, str]) -> None:
    at = open_page(listings["budget"])
    assert not at.exception
    item = next(s for s in core_scores(world) if s.listing.product_id == listings["budget"])
    assert card_ids(at, "lh_pin_toggle_") == [listings["budget"]]  # pinned above the list, open
    bars = at.get("progress")
    assert [b.proto.text for b in bars] == [
        f"{d.label} — {d.points:g} / {d.max_points:g}" for d in item.score.dimensions
    ]
    assert [b.proto.value for b in bars] == [
        int(d.points / d.max_points * 100) for d in item.score.dimensions
    ]  # Streamlit truncates to whole percent
    suggestions = listing_suggestions_offline(item.score, item.listing)
    assert suggestions, "a bare listing has plenty to fix"
    dimension_labels = {d.key: d.label for d in item.score.dimensions}
    badges = {"high": ":red-badge[High impact]", "medium": ":orange-badge[Medium]", "low": ":gray-badge[Low]"}
    assert [c.label for c in at.checkbox] == [
        f"**{dimension_labels[s.dimension]}** {badges[s.impact]}" for s in suggestions
    ]
    captions = [c.value for c in at.caption]
    for suggestion in suggestions:
        assert md(suggestion.suggestion) in captions
    assert any("Written by the offline engine (no API key)" in plain(c) for c in captions)

    # A ticked item is struck through, and stays ticked when the card is closed and opened again.
    at.checkbox[0].check().run()
    assert f"~~{md(suggestions[0].suggestion)}~~" in [c.value for c in at.caption]
    at.button(key=f"lh_pin_toggle_{listings['budget']}").click().run()
    assert not at.checkbox
    at.button(key=f"lh_toggle_{listings['budget']}").click().run()
    assert at.checkbox[0].value is True and at.checkbox[1].value is False


@pytest.mark.parametrize("whose", ["foreign", "archived", "unknown"])
def test_a_link_to_a_listing_that_is_not_hers_is_ignored(world: World, listings: dict[str, str], whose: str) -> None:
    at = open_page(listings.get(whose, "no-such-id"))
    assert not at.exception
    assert any("not one of your listings" in i.value for i in at.info)
    assert not at.get("progress")  # no card is open
    assert not card_ids(at, "lh_pin_toggle_")


def test_details_open_and_close_in_place(world: World, listings: dict[str, str]) -> None:
    at = open_page()
    first = card_ids(at)[0]
    at.button(key=f"lh_toggle_{first}").click().run()
    assert len(at.get("progress")) == 6
    assert at.button(key=f"lh_toggle_{first}").label == "Hide details"
    at.button(key=f"lh_toggle_{first}").click().run()
    assert not at.get("progress")


def test_filter_by_band_and_sort_by_revenue(world: World, listings: dict[str, str]) -> None:
    at = open_page()
    scored = core_scores(world)
    at.button_group(key="lh_band").set_value("green").run()
    greens = [s.listing.product_id for s in scored if s.score.band == "green"]
    assert card_ids(at) == greens[:20]

    at.button_group(key="lh_band").set_value("all").run()
    at.selectbox(key="lh_sort").set_value("revenue").run()
    # Only "Budget planner" sold in the last 90 days, so it comes first; the rest follow worst score first.
    day = datetime.now(get_settings().timezone).date()
    since, until = sales_window(datetime.combine(day, datetime.min.time(), tzinfo=UTC))
    with Session(world.engine) as session:
        revenue = revenue_by_product(session, seller_id=world.maya_seller_id, since=since, until=until)
    assert set(revenue) == {listings["budget"]}
    assert revenue[listings["budget"]] >= Decimal("1099.50")  # 100 + 50.50 + 40 + 10 + 999 (± the edge days)
    assert card_ids(at)[0] == listings["budget"]
    assert card_ids(at)[1:] == [s.listing.product_id for s in scored if s.listing.product_id != listings["budget"]][:19]


def test_rescore_reads_the_listing_again(world: World, listings: dict[str, str]) -> None:
    at = open_page()
    worst = core_scores(world)[0]
    before = worst.score.overall
    with Session(world.engine) as session:
        session.execute(
            update(DigitalProduct)
            .where(DigitalProduct.id == worst.listing.product_id)
            .values(description=RICH_DESCRIPTION, featured_image="https://cdn.example.com/new-cover.png")
        )
        session.commit()
    try:
        at.run()
        assert card_ids(at)[0] == worst.listing.product_id  # still the cached score until re-scored
        at.button(key=f"lh_rescore_{worst.listing.product_id}").click().run()
        after = next(s for s in core_scores(world) if s.listing.product_id == worst.listing.product_id).score.overall
        assert after > before
        assert [t.value for t in at.toast] == [f"Re-scored “{worst.listing.title}”: {before:g} → {after:g}."]
        shown = {m.label: m.value for m in at.metric}
        assert shown["Portfolio health"] == f"{portfolio_score(s.score for s in core_scores(world)):g} / 100"
    finally:
        with Session(world.engine) as session:
            session.execute(
                update(DigitalProduct)
                .where(DigitalProduct.id == worst.listing.product_id)
                .values(description=worst.listing.description, featured_image=worst.listing.featured_image)
            )
            session.commit()


def editor_links(at: AppTest) -> list[tuple[str, dict[str, list[str]]]]:
    """(label, query) of every link to the Listing editor on the page, in order."""
    return [
        (link.proto.label, parse_qs(link.proto.query_string))
        for link in at.get("page_link")
        if link.proto.page.endswith("listing_editor.py") or "listing-editor" in link.proto.page
    ]


def test_fix_now_opens_the_editor_at_the_weakest_dimension(world: World, listings: dict[str, str]) -> None:
    at = open_page()
    shown = core_scores(world)[:20]
    expected = []
    for item in shown:
        # The dimension with the most points to win, as the card's "Most to win" says.
        best = max(item.score.dimensions, key=lambda d: d.actionable_gap)
        if best.actionable_gap > 0:
            expected.append(("Fix now", {"product": [item.listing.product_id], "dimension": [best.key]}))
        else:
            expected.append(("Edit", {"product": [item.listing.product_id]}))
    assert editor_links(at) == expected
    assert expected[0][1]["dimension"], "the worst listing has something to fix"


def test_each_suggestion_links_to_its_dimension_in_the_editor(world: World, listings: dict[str, str]) -> None:
    at = open_page(listings["budget"])
    item = next(s for s in core_scores(world) if s.listing.product_id == listings["budget"])
    suggestions = listing_suggestions_offline(item.score, item.listing)
    labels = {d.key: d.label for d in item.score.dimensions}
    fixes = [link for link in editor_links(at) if link[0].startswith("Fix in the editor")]
    assert fixes == [
        (
            f"Fix in the editor: {labels[s.dimension]}",
            {"product": [listings["budget"]], "dimension": [s.dimension]},
        )
        for s in suggestions
    ]


def test_rescore_after_an_edit_shows_the_change_the_edit_made(world: World, listings: dict[str, str]) -> None:
    from components.data import listing_editor as editor_data
    from components.ui.format import format_local
    from core.listings import ListingForm
    from core.models import ListingEdit

    at = open_page()
    worst = core_scores(world)[0]
    pid = worst.listing.product_id
    with Session(world.engine) as session:
        user_id = session.get(SellerProfile, world.maya_seller_id).user_id
        stored = ListingForm(
            title=worst.listing.title,
            description=RICH_DESCRIPTION,
            tags=", ".join(worst.listing.tags),
            seo_title=worst.listing.seo_title or "",
            seo_description=worst.listing.seo_description or "",
            seo_keywords=", ".join(worst.listing.seo_keywords),
            featured_image=worst.listing.featured_image or "",
            gallery_images="\n".join(worst.listing.gallery_images),
            price=f"{Decimal(str(worst.listing.price)):.2f}",
            status=worst.status,
        )
    try:
        # What the editor's "Save" does: save, then forget the cached scores (so the page shows the new one).
        saved = editor_data.save(seller_id=world.maya_seller_id, user_id=user_id, product_id=pid, form=stored)
        assert saved.changed_fields == ("description",)
        at.run()
        after = next(s for s in core_scores(world) if s.listing.product_id == pid).score.overall
        assert after > worst.score.overall
        with Session(world.engine) as session:
            edit = session.scalars(select(ListingEdit).where(ListingEdit.product_id == pid)).one()
        note = f"Last edited {format_local(edit.created_at)}: score {edit.score_before} → {edit.score_after}"
        assert any(plain(note) in plain(c.value) for c in at.caption)  # the card says what the last edit did
        at.button(key=f"lh_rescore_{pid}").click().run()
        # The page already showed the new score: Re-score says so and names the change the edit made.
        assert [plain(t.value) for t in at.toast] == [
            f"Re-scored “{worst.listing.title}”: {after:g}, unchanged since your edit "
            f"({note.removeprefix('Last edited ')})."
        ]
    finally:
        with Session(world.engine) as session:
            session.execute(delete(ListingEdit).where(ListingEdit.product_id == pid))
            session.execute(
                update(DigitalProduct).where(DigitalProduct.id == pid).values(description=worst.listing.description)
            )
            session.commit()
