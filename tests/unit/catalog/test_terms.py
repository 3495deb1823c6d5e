"""Search-term normalisation (case, punctuation, whitespace, plurals), content words and named product types."""

from __future__ import annotations

import pytest

from core.catalog.terms import content_words, keyword_product_type, normalize_term, singular, vocabulary
from core.models import DigitalProductType


@pytest.mark.parametrize(
    "raw",
    [
        "Notion Budget Templates",
        "notion budget template",
        "  NOTION   budget\ttemplate ",
        "notion budget-template!",
        "Notion, Budget & Templates?",
    ],
)
def test_spellings_of_one_search_are_one_term(raw: str) -> None:
    assert normalize_term(raw) == "notion budget template"


def test_apostrophes_are_dropped_other_punctuation_splits_words() -> None:
    # "women's" → "womens" → singular rule 4 → "women"; "to-do" → "to do".
    assert normalize_term("Women's To-Do Planners") == "women to do planner"
    assert normalize_term("kid’s chore chart") == "kid chore chart"


def test_nothing_but_punctuation_is_an_empty_term() -> None:
    assert normalize_term("!!! ?? ...") == ""


def test_accented_letters_are_kept() -> None:
    assert normalize_term("Quinceañera Invitations") == "quinceañera invitation"


@pytest.mark.parametrize(
    ("plural", "expected"),
    [
        ("templates", "template"),
        ("planners", "planner"),
        ("slides", "slide"),
        ("ideas", "idea"),
        ("diaries", "diary"),
        ("stories", "story"),
        ("cookies", "cookie"),  # an -ie noun
        ("boxes", "box"),
        ("classes", "class"),
        ("sketches", "sketch"),
        ("wishes", "wish"),
        ("niches", "niche"),  # a -che noun
        ("quizzes", "quiz"),
        ("svgs", "svg"),
    ],
)
def test_plural_rules(plural: str, expected: str) -> None:
    assert singular(plural) == expected


@pytest.mark.parametrize(
    "word",
    ["business", "canvas", "analysis", "status", "bonus", "news", "series", "christmas", "pilates", "ads", "gas"],
)
def test_words_ending_in_s_that_are_not_plurals_stay(word: str) -> None:
    assert singular(word) == word


def test_singular_words_are_unchanged() -> None:
    assert normalize_term("business canvas template") == "business canvas template"


def test_content_words_drop_stop_words_and_repeats() -> None:
    assert content_words("chatgpt prompt for the realtor") == ("chatgpt", "prompt", "realtor")
    assert content_words("planner planner for you") == ("planner",)
    assert content_words("how to") == ()


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("adhd planner", DigitalProductType.PLANNER),
        ("notion budget template", DigitalProductType.SPREADSHEET),  # "budget" is more specific than "template"
        ("grant proposal template", DigitalProductType.DOCUMENT),
        ("depop listing template", DigitalProductType.WEB_TEMPLATE),
        ("pitch deck", DigitalProductType.POWERPOINT),
        ("twitch overlay", DigitalProductType.GRAPHIC),
        ("airbnb welcome book", DigitalProductType.EBOOK),
        ("excel course", DigitalProductType.COURSE),  # a course about spreadsheets is a course
        ("ai prompt library", None),
    ],
)
def test_keyword_product_type(term: str, expected: DigitalProductType | None) -> None:
    assert keyword_product_type(term) == expected


def test_vocabulary_of_category_names_and_specialties() -> None:
    assert vocabulary(["Planners & Journals", "Wedding stationery"]) == {"planner", "journal", "wedding", "stationery"}
