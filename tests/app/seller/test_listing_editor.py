"""The Listing editor page as maya (AppTest on the factory world): the URL contract (`?product=&dimension=`,
`?new=1`, nothing), "not found" for anything not hers, live preview, field errors with nothing saved, a save with
its audit row and score change, and a new draft opened in the editor."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs

import pytest
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session
from streamlit import dataframe_util
from streamlit.testing.v1 import AppTest

from core.listings.queries import score_seller_listing
from core.models import DigitalProduct, DigitalProductType, ListingEdit, PriceChange, ProductStatus
from tests.app.conftest import World, logged_in_app, plain

PAGE = "pages/seller/listing_editor.py"
# 2 heading words + 150 + 50 + 3 list words = 205 words, headings, 2 paragraphs, 3 list items: 25 / 25 points.
RICH = "## What's inside\n\n" + " ".join(["lorem"] * 150) + "\n\n" + " ".join(["lorem"] * 50) + "\n\n- a\n- b\n* c"


@pytest.fixture
def product(world: World) -> Iterator[dict[str, str]]:
    """A bare published planner of maya's (restored after each test), plus ids that are not hers."""
    with Session(world.engine) as session:
        mine = DigitalProduct(
            seller_id=world.maya_seller_id,
            type=DigitalProductType.PLANNER,
            title="Monthly Budget Planner for Families",
            price=12,
            status=ProductStatus.PUBLISHED,
            tags=[],
            seo_keywords=[],
            gallery_images=[],
        )
        session.add(mine)
        session.flush()
        ids = {
            "mine": mine.id,
            "foreign": session.scalar(
                select(DigitalProduct.id).where(DigitalProduct.seller_id == world.other_seller_id).limit(1)
            ),
            "deleted": session.scalar(
                select(DigitalProduct.id).where(
                    DigitalProduct.seller_id == world.maya_seller_id, DigitalProduct.deleted_at.is_not(None)
                )
            ),
        }
        session.commit()
    yield ids
    with Session(world.engine) as session:
        session.execute(delete(PriceChange).where(PriceChange.seller_id == world.maya_seller_id))
        session.execute(delete(ListingEdit).where(ListingEdit.seller_id == world.maya_seller_id))
        session.execute(delete(DigitalProduct).where(DigitalProduct.id == ids["mine"]))
        session.execute(
            delete(DigitalProduct).where(
                DigitalProduct.seller_id == world.maya_seller_id, DigitalProduct.title == "Freelance tax guide"
            )
        )
        session.commit()


def open_page(**params: str) -> AppTest:
    at = logged_in_app("maya", "seller", "Maya Lopez").run()
    at.switch_page(PAGE)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def field(at: AppTest, product_id: str, name: str):  # a text_input or text_area element
    key = f"le_{product_id}_{name}"
    found = [w for w in [*at.text_input, *at.text_area] if w.key == key]
    assert found, key
    return found[0]


def score_now(world: World, product_id: str) -> float:
    with Session(world.engine) as session:
        return score_seller_listing(session, seller_id=world.maya_seller_id, product_id=product_id).score.overall


def edits(world: World) -> list[ListingEdit]:
    with Session(world.engine) as session:
        return list(session.scalars(select(ListingEdit).where(ListingEdit.seller_id == world.maya_seller_id)))


def test_opens_at_the_dimension_of_the_link(world: World, product: dict[str, str]) -> None:
    at = open_page(product=product["mine"], dimension="image_quality")
    assert not at.exception
    expanders = at.main.expander
    assert [e.label for e in expanders][:2] == ["Image quality", "Title quality"]  # asked-for section first
    assert [e.proto.expanded for e in expanders] == [True] + [False] * 6
    # Its checks are shown with the points: no featured image, no gallery.
    captions = [plain(c.value) for c in expanders[0].caption]
    assert captions[0].startswith("**0 / 20 points** with what is typed now")
    assert "Featured image: missing" in captions[0]
    assert field(at, product["mine"], "title").value == "Monthly Budget Planner for Families"
    assert field(at, product["mine"], "price").value == "12.00"


def test_without_a_dimension_the_weakest_opens_first(world: World, product: dict[str, str]) -> None:
    at = open_page(product=product["mine"], dimension="not-a-dimension")
    assert not at.exception
    # Points to win: description 25, images 20, SEO 15 …: the description opens.
    assert at.main.expander[0].label == "Description completeness" and at.main.expander[0].proto.expanded


@pytest.mark.parametrize("whose", ["foreign", "deleted", "nul", "garbage"])
def test_anything_not_hers_is_not_found_and_nothing_else_shows(
    world: World, product: dict[str, str], whose: str
) -> None:
    product_id = {"nul": "abc\x00def", "garbage": "<script>alert(1)</script>" * 5}.get(whose) or product[whose]
    at = open_page(product=product_id)
    assert not at.exception
    assert [e.value for e in at.error] == [
        "Product not found. It may have been deleted, or the link is not for one of your products."
    ]
    assert not at.text_input and not at.text_area and not at.main.expander and not at.get("vega_lite_chart")


def test_live_preview_and_save_with_audit_row(world: World, product: dict[str, str]) -> None:
    pid = product["mine"]
    at = open_page(product=pid)
    before = score_now(world, pid)
    assert before == 19.5  # title 6 + 3 (no category: half) + 3, price not judged 7.5
    field(at, pid, "description").input(RICH)
    at.run()
    preview = next(m for m in at.metric if m.label.startswith("Listing score"))
    assert preview.label == "Listing score (preview, not saved)"
    assert (preview.value, preview.delta) == ("44.5 / 100", "+25 vs saved")
    assert "Not saved yet: Description." in [plain(c.value) for c in at.caption]
    chart = at.get("vega_lite_chart")[0]
    drawn = dataframe_util.convert_arrow_bytes_to_pandas_df(chart.proto.data.data).to_dict("records")
    assert [(r["dimension"], r["before"], r["after"]) for r in drawn][:2] == [
        ("Title quality", 12.0, 12.0),
        ("Description completeness", 0.0, 25.0),
    ]
    assert edits(world) == []  # a preview writes nothing

    at.button(key=f"le_save_{pid}").click().run()
    assert not at.exception
    assert [plain(s.value) for s in at.success] == ["Saved. Score 19.5 → 44.5 (+25): Description completeness +25."]
    assert score_now(world, pid) == 44.5
    (edit,) = edits(world)
    assert edit.changed_fields == ["description"]
    assert (edit.score_before, edit.score_after) == (20, 45)
    assert edit.after == {"description": RICH}
    # Saved: the form now holds the saved values and nothing is pending.
    assert not any("Not saved yet" in plain(c.value) for c in at.caption)


def test_a_bad_field_shows_its_message_and_saves_nothing(world: World, product: dict[str, str]) -> None:
    pid = product["mine"]
    at = open_page(product=pid, dimension="image_quality")
    field(at, pid, "featured_image").input("http://insecure.example.com/cover.png")
    field(at, pid, "description").input(RICH)
    at.run()
    message = "The featured image must be a full https:// address (like https://images.example.com/cover.jpg)."
    assert any(plain(c.value) == f":red[:material/error: {message}]" for c in at.caption)
    at.button(key=f"le_save_{pid}").click().run()
    assert [plain(e.value) for e in at.error] == [f"Nothing was saved: Featured image — {message}"]
    assert edits(world) == []
    with Session(world.engine) as session:
        assert session.get(DigitalProduct, pid).description is None


def test_the_price_goes_through_the_price_change(world: World, product: dict[str, str]) -> None:
    pid = product["mine"]
    at = open_page(product=pid, dimension="pricing_competitiveness")
    assert any("validated price change" in plain(c.value) for c in at.caption)
    field(at, pid, "price").input("14.50")
    at.run()
    at.button(key=f"le_save_{pid}").click().run()
    with Session(world.engine) as session:
        change = session.scalars(select(PriceChange).where(PriceChange.product_id == pid)).one()
        assert (str(change.old_price), str(change.new_price)) == ("12.00", "14.50")
    assert edits(world)[0].changed_fields == ["price"]


def test_no_parameter_shows_the_picker(world: World, product: dict[str, str]) -> None:
    at = open_page()
    assert not at.exception
    picker = at.selectbox[0]
    assert picker.label == "Listing to edit"
    assert product["mine"] in picker.options or any(product["mine"][:6] in o for o in picker.options)
    links = {link.proto.label: link.proto for link in at.get("page_link")}
    assert parse_qs(links["Create a new product"].query_string) == {"new": ["1"]}


def test_new_draft_is_created_and_opened(world: World, product: dict[str, str]) -> None:
    at = open_page(new="1", type="EBOOK")
    assert not at.exception
    assert at.selectbox[0].value == "EBOOK"  # the type from the link (Market's "Create product")
    at.text_input[0].input("")
    at.text_input[1].input("nine")
    at.button[0].click().run()
    errors = [plain(c.value) for c in at.caption if c.value.startswith(":red[")]
    assert errors == [
        ":red[:material/error: Enter a title.]",
        ":red[:material/error: Enter a price as a number, like 19.99.]",
    ]
    with Session(world.engine) as session:
        assert not session.scalar(select(func.count()).where(DigitalProduct.title == "Freelance tax guide"))

    at.text_input[0].input("Freelance tax guide")
    at.text_input[1].input("9.00")
    at.button[0].click().run()
    assert not at.exception
    with Session(world.engine) as session:
        created = session.scalars(select(DigitalProduct).where(DigitalProduct.title == "Freelance tax guide")).one()
        assert (created.seller_id, created.status, created.type) == (
            world.maya_seller_id,
            ProductStatus.DRAFT,
            DigitalProductType.EBOOK,
        )
    assert at.query_params["product"] == [created.id] or at.query_params["product"] == created.id
    assert field(at, created.id, "title").value == "Freelance tax guide"
    assert any("Draft “Freelance tax guide” created" in plain(s.value) for s in at.success)


def test_a_draft_made_elsewhere_keeps_other_sellers_out(world: World, product: dict[str, str]) -> None:
    # Re-pointing maya's product to another seller makes it vanish from her editor at once (no stale cache).
    at = open_page(product=product["mine"])
    assert at.text_input
    with Session(world.engine) as session:
        session.execute(
            update(DigitalProduct).where(DigitalProduct.id == product["mine"]).values(deleted_at=func.now())
        )
        session.commit()
    at.button(key=f"le_save_{product['mine']}").click().run()
    assert any("Product not found" in e.value for e in at.error)
