"""The Listing editor's pure part: one message per refused field (the rest kept), the preview's hand-computed score
change per dimension, the summary line, and where "Fix now" opens."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from core.listings.editor import (
    EDITABLE_FIELDS,
    EditableListing,
    ListingDraft,
    ListingForm,
    ListingValidationError,
    changed_fields,
    check_form,
    preview,
    validate_form,
    weakest_dimension,
)
from core.listings.score import CategoryNorms, ListingInput, PriceBand, score_listing

NORMS = CategoryNorms.build("Budget Planners", ["budget", "finance", "printable", "monthly planner", "savings"])
BAND = PriceBand(p25=10.0, median=14.0, p75=20.0, average=15.0, sample_size=12)
# 2 heading words + 150 + 50 + 3 list words = 205 words, headings, 2 paragraphs, 3 list items: 25 / 25 points.
RICH = "## What's inside\n\n" + " ".join(["lorem"] * 150) + "\n\n" + " ".join(["lorem"] * 50) + "\n\n- a\n- b\n* c\n"

STORED = ListingDraft(
    title="Monthly Budget Planner for Families",  # 35 characters, has "budget"
    description=None,
    tags=("budget",),
    seo_title=None,
    seo_description=None,
    seo_keywords=(),
    featured_image=None,
    gallery_images=(),
    price=Decimal("12.00"),
    status="PUBLISHED",
)


def listing() -> EditableListing:
    score = score_listing(
        ListingInput("p-1", title=STORED.title, tags=STORED.tags, price=STORED.price, category_name="Budget Planners"),
        benchmark=BAND,
        category_norms=NORMS,
    )
    return EditableListing("p-1", "PLANNER", "Budget Planners", "USD", STORED, score, BAND, NORMS)


def form(**changes: str) -> ListingForm:
    return dataclasses.replace(ListingForm.of(STORED), **changes)


def test_the_form_of_a_stored_listing_gives_it_back_unchanged() -> None:
    draft = validate_form(form(), STORED)
    assert draft == STORED
    assert changed_fields(STORED, draft) == ()


def test_the_stored_score_is_computed_by_hand() -> None:
    # Title 6 + 6 + 3 = 15; description 0; images 0; SEO 0; price 12 inside 10–20 = 15;
    # tags: 1 of 3 → 4 × 1/3 = 1.3, 1 common ("budget") of 2 → 3; 1.3 + 3 = 4.3. Overall 34.3.
    score = listing().score
    assert {d.key: d.points for d in score.dimensions} == {
        "title_quality": 15.0,
        "description_completeness": 0.0,
        "image_quality": 0.0,
        "seo_optimization": 0.0,
        "pricing_competitiveness": 15.0,
        "tag_relevance": 4.3,
    }
    assert score.overall == 34.3


def test_preview_of_a_fixed_description_and_tags() -> None:
    draft = validate_form(form(description=RICH, tags="budget, finance, Savings"), STORED)
    assert changed_fields(STORED, draft) == ("description", "tags")
    change = preview(listing(), draft)
    # Description 0 → 12 + 4 + 3 + 6 = 25; tags: 3 tags → 4, 3 common (counted up to 2) → 6: 4.3 → 10 (+5.7).
    deltas = {d.key: d.delta for d in change.dimensions}
    assert deltas == {
        "title_quality": 0,
        "description_completeness": 25.0,
        "image_quality": 0,
        "seo_optimization": 0,
        "pricing_competitiveness": 0,
        "tag_relevance": 5.7,
    }
    assert (change.before, change.after, change.delta) == (34.3, 65.0, 30.7)
    assert change.summary() == "Score 34.3 → 65 (+30.7): Description completeness +25, Tag relevance +5.7"


def test_a_price_outside_the_band_lowers_the_preview() -> None:
    # 30 is above p75 = 20: 15 × (40 − 30) / (40 − 20) = 7.5 points, 7.5 fewer.
    change = preview(listing(), validate_form(form(price="30"), STORED))
    assert change.summary() == "Score 34.3 → 26.8 (−7.5): Pricing competitiveness −7.5"


LONG = "x" * 201


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "   ", "Enter a title."),
        ("title", "Budget\x00planner", "Title contains a control character (U+0000), which can't be saved: remove it."),
        ("title", LONG, "Title can be at most 200 characters (this one has 201)."),
        ("description", "Hello\x07", "Description contains a control character (U+0007), which can't be saved: "
         "remove it."),
        ("description", "y" * 20_001, "Description can be at most 20,000 characters (this one has 20,001)."),
        ("tags", "budget, \u202egnp", "Tags contains an invisible text-direction character (U+202E), which can make it "
         "read differently than it looks: remove it."),
        ("tags", ", ".join(f"t{i}" for i in range(21)), "Tags: at most 20 (you entered 21)."),
        ("tags", "z" * 51, "Tags: each at most 50 characters (“zzzzzzzzzzzzzzzzzzzz…” has 51)."),
        ("seo_title", "s" * 121, "SEO title can be at most 120 characters (this one has 121)."),
        ("seo_description", "d" * 321, "SEO description can be at most 320 characters (this one has 321)."),
        ("seo_keywords", "a\u200bb", "SEO keywords contains an invisible character (U+200B), which makes it differ "
         "from what you see: remove it."),
        ("featured_image", "http://images.example.com/a.png", "The featured image must be a full https:// address "
         "(like https://images.example.com/cover.jpg)."),
        ("featured_image", "javascript:alert(1)", "The featured image must be a full https:// address "
         "(like https://images.example.com/cover.jpg)."),
        ("gallery_images", "https://i.example.com/1.png\nftp://i.example.com/2.png", "Gallery image 2 must be a "
         "full https:// address (like https://images.example.com/cover.jpg)."),
        ("gallery_images", "\n".join(f"https://i.example.com/{i}.png" for i in range(13)),
         "At most 12 gallery images (you entered 13)."),
        ("price", "abc", "Enter a price as a number, like 19.99."),
        ("price", "0", "Enter a price above $0.00."),
        ("price", "1.234", "Use at most two decimals (cents)."),
        ("price", "١٢", "Enter a price as a number, like 19.99."),
        ("status", "DELETED", "Choose Draft, Published or Archived."),
    ],
)  # fmt: skip
def test_each_bad_field_gets_its_message_and_keeps_its_stored_value(field: str, value: str, message: str) -> None:
    typed = form(**{"title": "A better budget planner title", field: value})
    draft, errors = check_form(typed, STORED)
    assert errors == {field: message}
    assert getattr(draft, field) == getattr(STORED, field)  # the preview scores the stored value
    if field != "title":
        assert draft.title == "A better budget planner title"  # the other fields are taken as typed
    with pytest.raises(ListingValidationError) as refused:
        validate_form(typed, STORED)
    assert refused.value.errors == {field: message}


def test_every_bad_field_is_reported_at_once() -> None:
    _, errors = check_form(form(title="", price="-1", featured_image="cover.png"), STORED)
    assert set(errors) == {"title", "price", "featured_image"}


def test_terms_and_images_are_tidied() -> None:
    draft = validate_form(
        form(
            tags=" budget ,Finance,, budget, BUDGET ,  monthly   planner ",
            seo_keywords="",
            gallery_images="https://i.example.com/1.png\n\n https://i.example.com/2.png \nhttps://i.example.com/1.png",
            price="$1,299.00",
            title="  Budget   planner  ",
            description="  Text  \n",
        ),
        STORED,
    )
    assert draft.tags == ("budget", "Finance", "monthly planner")  # first spelling kept, repeats (any case) dropped
    assert draft.seo_keywords == ()
    assert draft.gallery_images == ("https://i.example.com/1.png", "https://i.example.com/2.png")
    assert draft.price == Decimal("1299.00")
    assert draft.title == "Budget planner"
    assert draft.description == "Text"
    assert set(EDITABLE_FIELDS) == set(dataclasses.asdict(draft))


def test_fix_now_opens_the_dimension_with_the_most_points_to_win() -> None:
    # Points to win: description 25, images 20, SEO 15, tags 5.7; title and price 0.
    assert weakest_dimension(listing().score) == "description_completeness"
    no_description_gap = preview(listing(), validate_form(form(description=RICH), STORED))
    assert no_description_gap.after == 59.3
    rich = score_listing(
        ListingInput("p-1", title=STORED.title, description=RICH, tags=STORED.tags, price=12, category_name="B"),
        benchmark=BAND,
        category_norms=NORMS,
    )
    assert weakest_dimension(rich) == "image_quality"
