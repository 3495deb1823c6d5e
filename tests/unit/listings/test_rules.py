"""The listing rules' wording: counts with their noun, score points as people read them (core/listings/rules.py)."""

from __future__ import annotations

from core.listings.rules import format_points, plural


def test_plural_counts_with_thousands_separators() -> None:
    assert plural(1, "word") == "1 word"
    assert plural(0, "listing") == "0 listings"
    assert plural(12, "word") == "12 words"
    assert plural(1200, "view") == "1,200 views"


def test_points_have_one_decimal_and_no_trailing_zero() -> None:
    assert format_points(37.5) == "37.5"
    assert format_points(40.0) == "40"
    assert format_points(0.0) == "0"
    assert format_points(2.5) == "2.5"
    assert format_points(1.3333) == "1.3"  # e.g. 4 sales in 90 days: 1.3 a month
