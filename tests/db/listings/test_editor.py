"""The Listing editor against the database (SQLite and PostgreSQL): scoping, saving with its audit row and the
score read back (hand-computed), nothing written on bad input or no change, the price through `apply_price`, and
new drafts."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.listings.editor import (
    ListingForm,
    ListingValidationError,
    create_draft,
    last_edits,
    load_listing,
    save_listing,
)
from core.listings.queries import score_seller_listing
from core.models import DigitalProduct, DigitalProductType, ListingEdit, PriceChange, ProductStatus
from tests.conftest import NOW
from tests.factories import make_category, make_product, make_seller

# 2 heading words + 150 + 50 + 3 list words = 205 words, headings, 2 paragraphs, 3 list items: 25 / 25 points.
RICH = "## What's inside\n\n" + " ".join(["lorem"] * 150) + "\n\n" + " ".join(["lorem"] * 50) + "\n\n- a\n- b\n* c\n"
GALLERY = "https://i.example.com/1.png\nhttps://i.example.com/2.png\nhttps://i.example.com/3.png"


@dataclasses.dataclass
class World:
    seller_id: str
    user_id: str
    product_id: str
    other_product_id: str
    deleted_id: str


@pytest.fixture
def world(session: Session) -> World:
    seller, other = make_seller(session), make_seller(session)
    # No category and under 5 published planners: keyword, tag-match and price rules are not judged (half points).
    product = make_product(
        session,
        seller=seller,
        type=DigitalProductType.PLANNER,
        title="Monthly Budget Planner for Families",
        price="12.00",
        tags=[],
    )
    foreign = make_product(session, seller=other, type=DigitalProductType.PLANNER)
    deleted = make_product(session, seller=seller, deleted_at=NOW)
    return World(seller.id, seller.user_id, product.id, foreign.id, deleted.id)


def typed(session: Session, world: World, **changes: str) -> ListingForm:
    stored = load_listing(session, seller_id=world.seller_id, product_id=world.product_id).stored
    return dataclasses.replace(ListingForm.of(stored), **changes)


def count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_load_gives_the_stored_values_and_listing_healths_score(session: Session, world: World) -> None:
    opened = load_listing(session, seller_id=world.seller_id, product_id=world.product_id)
    assert opened.stored.title == "Monthly Budget Planner for Families"
    assert opened.stored.price == Decimal("12.00")
    assert opened.stored.status == "PUBLISHED"
    # Title: 6 (35 characters) + 3 (no category keywords yet: half) + 3 = 12; price not judged: 7.5; rest 0.
    assert opened.score.overall == 19.5
    health = score_seller_listing(session, seller_id=world.seller_id, product_id=world.product_id).score
    assert opened.score == health


@pytest.mark.parametrize("which", ["other seller", "deleted", "unknown", "nul", "garbage", "blank"])
def test_a_product_that_is_not_hers_is_not_found(session: Session, world: World, which: str) -> None:
    product_id = {
        "other seller": world.other_product_id,
        "deleted": world.deleted_id,
        "unknown": "00000000-0000-0000-0000-000000000000",
        "nul": world.product_id[:8] + "\x00",
        "garbage": "' OR 1=1 --" * 20,
        "blank": "  ",
    }[which]
    with pytest.raises(LookupError, match=r"^Product not found$"):
        load_listing(session, seller_id=world.seller_id, product_id=product_id)
    with pytest.raises(LookupError, match=r"^Product not found$"):
        save_listing(
            session,
            seller_id=world.seller_id,
            product_id=product_id,
            form=ListingForm(title="Mine now", price="1.00"),
            changed_by_user_id=world.user_id,
        )
    assert count(session, ListingEdit) == 0
    if which == "other seller":
        assert session.get(DigitalProduct, world.other_product_id).title != "Mine now"


def test_save_rescores_and_writes_one_audit_row(session: Session, world: World) -> None:
    form = typed(session, world, description=RICH, featured_image="https://i.example.com/c.png", gallery_images=GALLERY)
    saved = save_listing(
        session, seller_id=world.seller_id, product_id=world.product_id, form=form, changed_by_user_id=world.user_id
    )
    # Description 0 → 25, images 0 → 8 + 12 = 20: 19.5 → 64.5.
    assert saved.changed_fields == ("description", "featured_image", "gallery_images")
    assert (saved.change.before, saved.change.after) == (19.5, 64.5)
    assert saved.change.summary() == "Score 19.5 → 64.5 (+45): Description completeness +25, Image quality +20"
    product = session.get(DigitalProduct, world.product_id)
    assert product.description == RICH.strip()
    assert product.gallery_images == GALLERY.splitlines()
    assert score_seller_listing(session, seller_id=world.seller_id, product_id=world.product_id).score.overall == 64.5

    edit = session.scalars(select(ListingEdit)).one()
    assert edit.id == saved.edit_id
    assert (edit.product_id, edit.seller_id, edit.changed_by_user_id) == (
        world.product_id,
        world.seller_id,
        world.user_id,
    )
    assert edit.changed_fields == ["description", "featured_image", "gallery_images"]
    assert edit.before == {"description": None, "featured_image": None, "gallery_images": []}
    assert edit.after == {
        "description": RICH.strip(),
        "featured_image": "https://i.example.com/c.png",
        "gallery_images": GALLERY.splitlines(),
    }
    assert (edit.score_before, edit.score_after) == (20, 65)  # whole points, halves rounded up
    assert count(session, PriceChange) == 0  # the price did not change

    last = last_edits(session, seller_id=world.seller_id)
    assert set(last) == {world.product_id}
    assert (last[world.product_id].score_before, last[world.product_id].score_after) == (20, 65)


def test_saving_without_a_change_writes_nothing(session: Session, world: World) -> None:
    saved = save_listing(
        session,
        seller_id=world.seller_id,
        product_id=world.product_id,
        form=typed(session, world, title="  Monthly Budget   Planner for Families "),  # the same once tidied
        changed_by_user_id=world.user_id,
    )
    assert saved.changed_fields == () and saved.edit_id is None
    assert (saved.change.before, saved.change.after) == (19.5, 19.5)
    assert count(session, ListingEdit) == 0
    assert last_edits(session, seller_id=world.seller_id) == {}


def test_a_bad_field_saves_nothing(session: Session, world: World) -> None:
    form = typed(session, world, description=RICH, featured_image="http://insecure.example.com/c.png")
    with pytest.raises(ListingValidationError) as refused:
        save_listing(
            session, seller_id=world.seller_id, product_id=world.product_id, form=form, changed_by_user_id=world.user_id
        )
    assert set(refused.value.errors) == {"featured_image"}
    session.expire_all()
    assert session.get(DigitalProduct, world.product_id).description is None
    assert count(session, ListingEdit) == 0


def test_the_price_goes_through_the_validated_price_change(session: Session, world: World) -> None:
    form = typed(session, world, price="15.50", seo_title="Budget planner")
    saved = save_listing(
        session, seller_id=world.seller_id, product_id=world.product_id, form=form, changed_by_user_id=world.user_id
    )
    assert saved.changed_fields == ("seo_title", "price")
    change = session.scalars(select(PriceChange)).one()
    assert (change.old_price, change.new_price, change.product_id) == (
        Decimal("12.00"),
        Decimal("15.50"),
        world.product_id,
    )
    edit = session.scalars(select(ListingEdit)).one()
    assert edit.before == {"seo_title": None, "price": "12.00"}
    assert edit.after == {"seo_title": "Budget planner", "price": "15.50"}
    assert saved.change.summary() == "Score 19.5 → 24.5 (+5): SEO +5"


def test_a_price_the_pricing_rules_refuse_saves_nothing(session: Session, world: World) -> None:
    # The other seller's planner (19.00) and this one (12.00): 95th percentile 12 + 0.95 × 7 = 18.65; cap 10×.
    form = typed(session, world, price="200", description=RICH)
    with pytest.raises(ListingValidationError) as refused:
        save_listing(
            session, seller_id=world.seller_id, product_id=world.product_id, form=form, changed_by_user_id=world.user_id
        )
    assert refused.value.errors == {
        "price": "$200.00 is more than 10× the highest typical price of comparable listings ($18.65); check for a typo."
    }
    session.expire_all()
    product = session.get(DigitalProduct, world.product_id)
    assert (product.price, product.description) == (Decimal("12.00"), None)
    assert count(session, ListingEdit) == 0 and count(session, PriceChange) == 0


def test_publishing_a_draft_sets_its_publication_time(session: Session, world: World) -> None:
    draft = create_draft(
        session,
        seller_id=world.seller_id,
        product_type="EBOOK",
        title="Freelance tax guide",
        price="9.00",
        changed_by_user_id=world.user_id,
    )
    stored = load_listing(session, seller_id=world.seller_id, product_id=draft.product_id).stored
    assert stored.status == "DRAFT"
    saved = save_listing(
        session,
        seller_id=world.seller_id,
        product_id=draft.product_id,
        form=dataclasses.replace(ListingForm.of(stored), status="PUBLISHED"),
        changed_by_user_id=world.user_id,
    )
    assert saved.changed_fields == ("status",)
    product = session.get(DigitalProduct, draft.product_id)
    assert product.status == ProductStatus.PUBLISHED and product.published_at is not None


def test_create_draft(session: Session, world: World) -> None:
    category = make_category(session, name="Tax Guides")
    created = create_draft(
        session,
        seller_id=world.seller_id,
        product_type="EBOOK",
        title="  Freelance   tax guide ",
        price="9",
        category_id=category.id,
        changed_by_user_id=world.user_id,
    )
    product = session.get(DigitalProduct, created.product_id)
    assert (product.seller_id, product.type, product.title, product.price, product.status) == (
        world.seller_id,
        DigitalProductType.EBOOK,
        "Freelance tax guide",
        Decimal("9.00"),
        ProductStatus.DRAFT,
    )
    assert product.category_id == category.id and product.published_at is None
    # Title 19 characters: 6 × 19/30 = 3.8; keyword "tax" found (category words) 6; caps 3 → 12.8;
    # price not judged 7.5; tags: none → 0. Overall 20.3.
    assert created.change.before is None and created.change.after == 20.3
    edit = session.scalars(select(ListingEdit).where(ListingEdit.product_id == product.id)).one()
    assert edit.changed_fields == ["type", "title", "price", "status", "category"]
    assert edit.before == {}
    assert edit.after == {
        "type": "EBOOK",
        "title": "Freelance tax guide",
        "price": "9.00",
        "status": "DRAFT",
        "category": "Tax Guides",
    }
    assert (edit.score_before, edit.score_after) == (None, 20)
    assert load_listing(session, seller_id=world.seller_id, product_id=product.id).stored.title == "Freelance tax guide"


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"product_type": "CAR"}, {"type": "Choose what kind of product it is."}),
        ({"title": ""}, {"title": "Enter a title."}),
        ({"title": "Tax\x00guide"}, {"title": "Title contains a control character (U+0000), which can't be saved: "
                                            "remove it."}),
        ({"price": "free"}, {"price": "Enter a price as a number, like 19.99."}),
        ({"price": "10000.01"}, {"price": "$10,000.01 is above the $10,000.00 maximum for a product without comparable "
                                 "listings; check for a typo."}),
        ({"category_id": "no-such-category"}, {"category": "Choose a category from the list."}),
    ],
)  # fmt: skip
def test_create_draft_refuses_bad_input(session: Session, world: World, fields: dict, errors: dict) -> None:
    before = count(session, DigitalProduct)
    args = {"product_type": "EBOOK", "title": "Freelance tax guide", "price": "9.00"} | fields
    with pytest.raises(ListingValidationError) as refused:
        create_draft(session, seller_id=world.seller_id, changed_by_user_id=world.user_id, **args)
    assert refused.value.errors == errors
    assert count(session, DigitalProduct) == before and count(session, ListingEdit) == 0
