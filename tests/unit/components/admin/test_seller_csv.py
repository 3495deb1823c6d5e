"""The CSV the Seller success page's download button serves (core.sellers.seller_overview_csv): seller-written text
that a spreadsheet would run as a formula (CSV injection) arrives as plain text, prefixed with an apostrophe."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

from core.sellers import SellerOverviewRow, seller_overview_csv


def _row(display_name: str, username: str = "maya", email_masked: str = "m****@example.com") -> SellerOverviewRow:
    return SellerOverviewRow(
        seller_id="id-1",
        display_name=display_name,
        username=username,
        email_masked=email_masked,
        status="ACTIVE",
        stage="active",
        approved_at=None,
        first_sale_day=None,
        last_login_at=None,
        revenue_30d=Decimal("-12.50"),  # a refund-heavy month: a negative number stays a number
        revenue_prev_30d=Decimal("40"),
        active_goals=1,
        pending_insights=0,
    )


def _cells(row: SellerOverviewRow) -> list[str]:
    header, cells = list(csv.reader(io.StringIO(seller_overview_csv([row]))))
    assert header[:3] == ["Seller", "Username", "E-mail (masked)"]
    return cells


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ('=HYPERLINK("https://evil.example","Click")', '\'=HYPERLINK("https://evil.example","Click")'),
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("  =1+1", "'  =1+1"),  # leading spaces are skipped by some spreadsheets
        ("\t=1+1", "'\t=1+1"),
        ("\uff1d1+1", "'\uff1d1+1"),  # a full-width equals sign
        ("Maya = Studio", "Maya = Studio"),  # a formula character later in the text is harmless
        ("[x](https://evil.example)", "[x](https://evil.example)"),  # Markdown means nothing in a CSV cell
    ],
)
def test_a_name_that_starts_like_a_formula_is_neutralised(typed: str, written: str) -> None:
    assert _cells(_row(typed))[0] == written


def test_username_and_masked_address_are_neutralised_too() -> None:
    cells = _cells(_row("Maya", username="-cmd", email_masked="=****@example.com"))
    assert cells[:3] == ["Maya", "'-cmd", "'=****@example.com"]


def test_numbers_stay_numbers() -> None:
    cells = _cells(_row("Maya"))
    assert (cells[8], cells[9]) == ("-12.50", "40.00")
