"""The one CSV-injection guard (`core.csv_safety`), shared by the seller overview's and the Performance page's CSVs."""

from __future__ import annotations

import pytest

from core.csv_safety import spreadsheet_text


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1 555", "'+1 555"),
        ("-5 % off", "'-5 % off"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("  =1+1", "'  =1+1"),  # leading spaces do not hide it
        ("\uff1d1+1", "'\uff1d1+1"),  # full-width equals sign
        ("\t=1", "'\t=1"),
        ("\n=1", "'\n=1"),
        ("Budget planner", "Budget planner"),
        ("a=b", "a=b"),  # only the start counts
        ("", ""),
    ],
)
def test_formula_starts_get_an_apostrophe(value: str, shown: str) -> None:
    assert spreadsheet_text(value) == shown
