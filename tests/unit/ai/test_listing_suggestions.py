"""The `listing_suggestions` task: Claude through the stub, its checks, and the listing score's rules offline
(the listings package converts its score into the task's payload and passes its rules as the offline engine)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from core.ai import get_ai
from core.ai.tasks.listing_suggestions import (
    DIMENSIONS,
    INPUT_SCHEMA,
    ListingSuggestion,
    as_listing_suggestions,
    build_listing_message,
)
from core.config import load_settings
from core.listings.rules import CategoryNorms, PriceBand
from core.listings.score import DIMENSIONS as SCORE_DIMENSIONS
from core.listings.score import ListingInput, listing_suggestions_offline, score_listing
from core.listings.suggestions import listing_suggestions, suggestions_payload
from tests.ai_stub import STUB_MODEL, StubAnthropic, tool_use_response

DESCRIPTION = "A short planner for busy people. Questions: owner.private@example.com"
# SEO is complete (title, description, 3 keywords) so that dimension has no points to win.
LISTING = ListingInput(
    product_id="prod-1",
    title="PLANNER for seller@example.com fans",
    description=DESCRIPTION,
    gallery_images=["a.png"],
    seo_title="Weekly planner",
    seo_description="A weekly planner",
    seo_keywords=["planner", "weekly", "goals"],
    tags=["planner"],
    price=D("45.00"),
    category_name="Productivity",
    product_type="PLANNER",
)
SCORE = score_listing(
    LISTING,
    benchmark=PriceBand(p25=10, median=15, p75=20, average=16, sample_size=30),
    category_norms=CategoryNorms.build("Productivity", ["planner", "productivity", "notion"]),
)
GOOD = {
    "suggestions": [
        {
            "dimension": "image_quality",
            "suggestion": "Add a featured image and 2 gallery images.",
            "impact": "high",
        },
        {"dimension": "tag_relevance", "suggestion": "Add 'productivity' and 'notion' as tags.", "impact": "medium"},
    ]
}


def offline_answer():
    return as_listing_suggestions(listing_suggestions_offline(SCORE, LISTING))


def test_the_task_uses_the_listing_scores_dimension_keys() -> None:
    assert tuple(key for key, _label, _max in SCORE_DIMENSIONS) == DIMENSIONS
    assert INPUT_SCHEMA["properties"]["suggestions"]["items"]["properties"]["dimension"]["enum"] == list(DIMENSIONS)
    assert SCORE.dimension("seo_optimization").actionable_gap == 0  # the fixture's premise


def test_a_good_answer_is_parsed() -> None:
    stub = StubAnthropic(tool_use_response("listing_suggestions", GOOD))
    result = listing_suggestions(SCORE, LISTING, ai=stub.door())
    assert result.engine == f"anthropic:{STUB_MODEL}"
    assert result.value.suggestions == (
        ListingSuggestion("image_quality", "Add a featured image and 2 gallery images.", "high"),
        ListingSuggestion("tag_relevance", "Add 'productivity' and 'notion' as tags.", "medium"),
    )
    body = stub.bodies[0]
    assert body["tool_choice"] == {"type": "tool", "name": "listing_suggestions"}
    assert body["tools"][0]["strict"] is True
    sent = stub.requests[0].content.decode()
    # The description's text never leaves (only its statistics), and e-mail addresses in the title are removed.
    assert "owner.private" not in sent and "A short planner for busy people" not in sent
    assert "seller@example.com" not in sent and "PLANNER for [e-mail removed] fans" in body["messages"][0]["content"]


@pytest.mark.parametrize(
    ("suggestions", "reason"),
    [
        (
            [{"dimension": "seo_optimization", "suggestion": "Set an SEO title.", "impact": "high"}],
            "schema violation: suggestions[0].dimension seo_optimization has no points to win",
        ),
        (
            [{"dimension": "image_quality", "suggestion": "Add images.", "impact": "huge"}],
            "schema violation: suggestions[0].impact 'huge' is not one of high, low, medium",
        ),
        (
            [{"dimension": "looks", "suggestion": "Nicer.", "impact": "low"}],
            "schema violation: suggestions[0].dimension 'looks' is not one of " + ", ".join(sorted(DIMENSIONS)),
        ),
        ([], "schema violation: suggestions has 0 items, expected 1–8"),
        (
            [{"dimension": "image_quality", "suggestion": "x" * 301, "impact": "low"}],
            "schema violation: suggestions[0].suggestion has 301 characters, more than 300",
        ),
    ],
)
def test_a_bad_answer_falls_back_to_the_listing_score_rules(suggestions, reason: str) -> None:
    stub = StubAnthropic(tool_use_response("listing_suggestions", {"suggestions": suggestions}))
    result = listing_suggestions(SCORE, LISTING, ai=stub.door())
    assert (result.engine, result.fallback_reason) == ("offline", reason)
    assert result.value == offline_answer()


def test_without_a_key_the_listing_score_rules_answer() -> None:
    result = listing_suggestions(SCORE, LISTING, ai=get_ai(load_settings(env={})))
    assert (result.engine, result.fallback_reason) == ("offline", "no API key")
    assert result.value == offline_answer()
    dimensions = [s.dimension for s in result.value.suggestions]
    assert "seo_optimization" not in dimensions  # nothing to win there
    # Biggest gain first: description (25 max) leads.
    assert dimensions[0] == "description_completeness"


def test_a_score_must_come_with_its_own_listing() -> None:
    other = ListingInput(product_id="prod-2", title="Other")
    with pytest.raises(ValueError, match="prod-1"):
        suggestions_payload(SCORE, other)


def test_the_message_holds_the_score_and_the_measurements() -> None:
    message = build_listing_message(suggestions_payload(SCORE, LISTING))
    lines = message.splitlines()
    assert lines[0] == f"Overall score: {SCORE.overall:g} of 100."
    # SEO is complete: 15 of 15, nothing to win; its checklist follows with the checks' statuses.
    assert "seo_optimization: 15 of 15 (points to win: 0)" in lines
    assert "  - SEO title: met, set" in lines
    assert "- title: PLANNER for seller@example.com fans (35 characters)" in lines
    assert "- product type: PLANNER; category: Productivity" in lines
    assert "- price: 45.00; market: p25 10.00, median 15.00, p75 20.00 over 30 listings" in lines
    assert lines[-1].startswith("Dimensions with points to win: title_quality, description_completeness")
    assert "seo_optimization" not in lines[-1]
