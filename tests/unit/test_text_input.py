"""The text input rules (core/text_input.py) over a corpus of hostile characters, and every validator that applies
them: each refuses with its own field name, search boxes strip instead, URL keys become "not found", and every
number parser reads ASCII digits only."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from core.catalog.terms import normalize_term
from core.goals.rules import parse_target, validate_goal
from core.learn.rules import ResourceValidationError, category_filter, search_words, validate_resource
from core.market.overrides import OverrideValidationError, parse_override_price, validate_override
from core.money import parse_amount
from core.pricing.rules import PriceValidationError, parse_price
from core.text_input import NAME, PROSE, TextInputError, check_text, clean_search, text_problem, url_key

TODAY = date(2026, 11, 21)

# The corpus (issue 12): NUL, the other C0 controls and DEL, direction overrides and isolates, zero-width characters.
CONTROLS = [chr(c) for c in range(0x00, 0x20) if chr(c) not in "\t\n\r"] + ["\x7f", "\x85"]
LINE_BREAKS = ["\t", "\n", "\r"]
BIDI = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\u200e", "\u200f"]
ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\ufeff", "\u2060"]
HOSTILE_IN_NAMES = CONTROLS + LINE_BREAKS + BIDI + ZERO_WIDTH
NON_ASCII_DIGITS = ["٥", "١٢", "５", "１２.５０", "५", "𝟓"]  # Arabic-Indic, full-width, Devanagari, mathematical


def ids(chars: list[str]) -> list[str]:
    return [f"U+{ord(c[0]):04X}" for c in chars]


# ---------------------------------------------------------------- the rules themselves


@pytest.mark.parametrize("char", HOSTILE_IN_NAMES, ids=ids(HOSTILE_IN_NAMES))
def test_names_refuse_every_hostile_character_wherever_it_is(char: str) -> None:
    for value in (f"{char}Pricing", f"Pri{char}cing", f"Pricing{char}"):
        problem = text_problem(value, label="Title", kind=NAME)
        assert problem is not None and problem.startswith("Title contains ")
        assert f"U+{ord(char):04X}" in problem  # says which character, since most of them are invisible


@pytest.mark.parametrize("char", CONTROLS, ids=ids(CONTROLS))
def test_prose_refuses_control_characters(char: str) -> None:
    assert text_problem(f"Line one{char}line two", label="Excerpt", kind=PROSE) == (
        f"Excerpt contains a control character (U+{ord(char):04X}), which can't be saved: remove it."
    )


@pytest.mark.parametrize("char", LINE_BREAKS + BIDI + ZERO_WIDTH, ids=ids(LINE_BREAKS + BIDI + ZERO_WIDTH))
def test_prose_keeps_line_breaks_and_the_characters_right_to_left_scripts_need(char: str) -> None:
    assert text_problem(f"Line one{char}line two", label="Excerpt", kind=PROSE) is None


def test_the_three_messages_name_the_field_and_the_character() -> None:
    assert text_problem("a\x00b", label="Title") == (
        "Title contains a control character (U+0000), which can't be saved: remove it."
    )
    assert text_problem("a\tb", label="Title") == (
        "Title contains a line break or tab (U+0009), which can't be saved: remove it."
    )
    assert text_problem("gnp\u202eexe", label="Title") == (
        "Title contains an invisible text-direction character (U+202E), which can make it read differently than it "
        "looks: remove it."
    )
    assert text_problem("note\u200bbook", label="Title") == (
        "Title contains an invisible character (U+200B), which makes it differ from what you see: remove it."
    )
    assert text_problem("a\ud800b", label="Title") == (
        "Title contains an invalid character (U+D800): retype it without that character."
    )


@pytest.mark.parametrize(
    "value",
    [
        "Pricing 101",
        "Café crème",
        "定价指南",
        "مرحبا بالعالم",
        "שלום",
        "👩\u200d💻 Launch week",
        "❤️\u200d🔥 hot",
        "50% off",
    ],
)
def test_ordinary_text_in_any_script_and_emoji_sequences_are_fine(value: str) -> None:
    assert text_problem(value, label="Title") is None
    assert check_text(value, field="title", label="Title") == value


def test_check_text_raises_a_typed_error_carrying_the_field() -> None:
    with pytest.raises(TextInputError) as caught:
        check_text("a\x00", field="title", label="Title")
    assert caught.value.field == "title"
    assert caught.value.errors == {
        "title": "Title contains a control character (U+0000), which can't be saved: remove it."
    }


def test_a_zero_width_joiner_between_letters_is_still_refused() -> None:
    assert text_problem("pay\u200dpal", label="Name") is not None
    assert text_problem("\u200d💻", label="Name") is not None  # nothing to join before it


# ---------------------------------------------------------------- search boxes strip, URL keys are "not found"


@pytest.mark.parametrize("char", CONTROLS + BIDI + ZERO_WIDTH, ids=ids(CONTROLS + BIDI + ZERO_WIDTH))
def test_a_search_box_drops_the_character_and_keeps_the_words(char: str) -> None:
    assert clean_search(f" pri{char}cing  guide{char} ") == "pricing guide"
    assert search_words(f"pri{char}cing guide") == ["pricing", "guide"]
    assert normalize_term(f"Pri{char}cing Guides") == "pricing guide"


def test_line_breaks_in_a_search_box_separate_words() -> None:
    assert clean_search("pricing\tguide\nfor\r\nsellers") == "pricing guide for sellers"
    assert category_filter("  Pricing\x00 ") == "pricing"
    assert category_filter("\x00\u200b") is None


@pytest.mark.parametrize(
    ("value", "key"),
    [
        ("pricing-101", "pricing-101"),
        ("  pricing-101 ", "pricing-101"),
        ("pricing\x00-101", None),
        ("pricing-101\x00", None),
        ("\u202epricing", None),
        ("pricing\u200b", None),
        ("", None),
        ("   ", None),
        (None, None),
        ("x" * 256, None),
    ],
)
def test_a_key_from_the_url_with_a_hostile_character_is_not_found(value: str | None, key: str | None) -> None:
    assert url_key(value) == key


# ---------------------------------------------------------------- every validator applies the rules, by field name


@pytest.mark.parametrize("char", HOSTILE_IN_NAMES, ids=ids(HOSTILE_IN_NAMES))
def test_goal_title(char: str) -> None:
    errors = validate_goal("REVENUE", "500", date(2027, 1, 1), today=TODAY, active_count=0, title=f"Q1{char} push")
    assert list(errors) == ["title"] and errors["title"].startswith("Title contains ")


LEARN = {"title": "Pricing 101", "type": "GUIDE", "content": "<p>Price with the market.</p>"}
LEARN_FIELDS = [
    ("title", "The title", HOSTILE_IN_NAMES),
    ("category", "The category", HOSTILE_IN_NAMES),
    ("tags", "The tags", HOSTILE_IN_NAMES),
    ("excerpt", "The excerpt", CONTROLS),
    ("content", "The content", CONTROLS),
]


@pytest.mark.parametrize(
    ("field", "label", "char"),
    [(field, label, char) for field, label, chars in LEARN_FIELDS for char in chars],
    ids=[f"{field}-U+{ord(char):04X}" for field, _, chars in LEARN_FIELDS for char in chars],
)
def test_learn_resource_fields(field: str, label: str, char: str) -> None:
    value = {"title": "Pricing 101", "category": "pricing", "tags": "seo, pricing", "excerpt": "Short.",
             "content": "<p>Price with the market.</p>"}[field]  # fmt: skip
    typed = value[:3] + char + value[3:]

    with pytest.raises(ResourceValidationError) as caught:
        validate_resource(**{**LEARN, field: typed})

    assert list(caught.value.errors) == [field]
    assert caught.value.errors[field].startswith(f"{label} contains ")


def test_learn_tags_given_as_a_list_are_checked_too() -> None:
    with pytest.raises(ResourceValidationError) as caught:
        validate_resource(**LEARN, tags=["seo", "pri\x00cing"])
    assert list(caught.value.errors) == ["tags"]


def test_learn_urls_refuse_hostile_characters_with_their_own_messages() -> None:
    with pytest.raises(ResourceValidationError) as caught:
        validate_resource(
            **LEARN, video_url="https://youtu.be/abc\x00def", thumbnail_url="https://img.example/\u202eg.png"
        )
    assert set(caught.value.errors) == {"video_url", "thumbnail_url"}


def test_a_hostile_character_wins_over_the_length_message() -> None:
    with pytest.raises(ResourceValidationError) as caught:
        validate_resource(**{**LEARN, "title": "x" * 300 + "\x00"})
    assert caught.value.errors == {
        "title": "The title contains a control character (U+0000), which can't be saved: remove it."
    }


@pytest.mark.parametrize("char", CONTROLS, ids=ids(CONTROLS))
def test_benchmark_override_note(char: str) -> None:
    with pytest.raises(OverrideValidationError) as caught:
        validate_override(median_price="15.00", note=f"Spam{char} listings")
    assert caught.value.errors == {
        "note": f"Note contains a control character (U+{ord(char):04X}), which can't be saved: remove it."
    }


def test_a_multi_line_override_note_is_fine() -> None:
    assert validate_override(median_price="15.00", note="Spam listings.\nRemoved by hand.").note == (
        "Spam listings.\nRemoved by hand."
    )


# ---------------------------------------------------------------- numbers: ASCII digits only


@pytest.mark.parametrize("typed", NON_ASCII_DIGITS)
def test_every_number_parser_refuses_digits_other_than_ascii(typed: str) -> None:
    assert parse_amount(typed) is None
    assert parse_amount(f"${typed}") is None
    assert parse_target(typed) == "Enter a number."
    with pytest.raises(PriceValidationError, match="Enter a price as a number"):
        parse_price(typed)
    with pytest.raises(OverrideValidationError) as caught:
        parse_override_price(typed, "median_price")
    assert caught.value.errors == {"median_price": "Median price: enter an amount like 14.99."}
    errors = validate_goal("REVENUE", typed, date(2027, 1, 1), today=TODAY, active_count=0)
    assert errors == {"target_value": "Enter a number."}


@pytest.mark.parametrize("char", ["\x00", "\u200b", "\u202e"], ids=["NUL", "ZWSP", "RLO"])
def test_numbers_with_a_hostile_character_are_not_numbers(char: str) -> None:
    assert parse_amount(f"12{char}.50") is None
    with pytest.raises(PriceValidationError):
        parse_price(f"12.50{char}")


def test_ascii_numbers_still_parse() -> None:
    assert parse_amount(" $1,299.50 ") == Decimal("1299.50")
    assert parse_price("19.99") == Decimal("19.99")
    assert parse_target("5,000") == Decimal("5000")
