"""core.money: the one rounding rule, sign style, percent and change, with hand-computed edge cases."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.money import (
    format_money,
    format_money_compact,
    format_money_whole,
    format_percent,
    format_share,
    parse_amount,
    percent,
    percent_change,
    to_cents,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("0.125"), Decimal("0.13")),  # half up, not banker's rounding (which gives 0.12)
        (Decimal("0.135"), Decimal("0.14")),
        (Decimal("-0.125"), Decimal("-0.13")),  # half away from zero on the negative side too
        (Decimal("0.005"), Decimal("0.01")),
        (Decimal("0.004"), Decimal("0.00")),
        (0.1 + 0.2, Decimal("0.30")),  # a float sum from SQLite goes through str(): 0.30000000000000004
        (12, Decimal("12.00")),
        ("7.5", Decimal("7.50")),
        (None, Decimal("0.00")),
    ],
)
def test_to_cents_rounds_half_up(value: object, expected: Decimal) -> None:
    assert to_cents(value) == expected  # type: ignore[arg-type]


def test_to_cents_refuses_text_that_is_no_amount() -> None:
    with pytest.raises(ValueError, match="not an amount"):
        to_cents("twelve")


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        (Decimal("0.125"), "USD", "$0.13"),
        (Decimal("-12"), "USD", "-$12.00"),
        (Decimal("1234.5"), "USD", "$1,234.50"),
        (1234567.891, "USD", "$1,234,567.89"),
        (0, "USD", "$0.00"),
        (Decimal("-0.004"), "USD", "$0.00"),  # rounds to zero: no "-$0.00"
        (Decimal("99.999"), "usd", "$100.00"),
        (Decimal("1500"), "EUR", "1,500.00 EUR"),
        (Decimal("-3.2"), "eur", "-3.20 EUR"),
        (None, "USD", "$0.00"),
    ],
)
def test_format_money(amount: object, currency: str, expected: str) -> None:
    assert format_money(amount, currency) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (Decimal("99999.99"), "$99,999.99"),
        (Decimal("100000"), "$100,000"),
        (Decimal("2190653.5"), "$2,190,654"),  # half up to the dollar
        (Decimal("-250000.4"), "-$250,000"),
    ],
)
def test_format_money_compact(amount: Decimal, expected: str) -> None:
    assert format_money_compact(amount) == expected


@pytest.mark.parametrize(
    ("part", "whole", "places", "expected"),
    [
        (1, 3, 2, Decimal("33.33")),
        (2, 3, 2, Decimal("66.67")),
        (1, 8, 1, Decimal("12.5")),
        (1, 8, 0, Decimal("13")),  # 12.5 half up
        (0, 5, 2, Decimal("0.00")),
        (5, 0, 2, None),
        (5, None, 2, None),
    ],
)
def test_percent(part: int, whole: int | None, places: int, expected: Decimal | None) -> None:
    assert percent(part, whole, places=places) == expected


@pytest.mark.parametrize(
    ("current", "previous", "expected"),
    [
        (Decimal("150"), Decimal("100"), Decimal("50.0")),
        (Decimal("2457"), Decimal("36062"), Decimal("-93.2")),  # -33605 / 36062 = -0.93186...
        (1, 3, Decimal("-66.7")),
        (Decimal("100.05"), Decimal("100"), Decimal("0.1")),  # 0.05 % rounds half up to 0.1
        (0, 0, Decimal("0.0")),  # nothing in either period: no change
        (10, 0, None),  # no base
        (10, None, None),
        (None, None, None),
        (-50, -100, Decimal("50.0")),  # a loss halved is an improvement
    ],
)
def test_percent_change(current: object, previous: object, expected: Decimal | None) -> None:
    assert percent_change(current, previous) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "signed", "expected"),
    [
        (Decimal("18.46"), False, "18.5%"),
        (Decimal("18.46"), True, "+18.5%"),
        (Decimal("-5.25"), True, "-5.3%"),
        (Decimal("-5.25"), False, "-5.3%"),
        (Decimal("0.04"), True, "0.0%"),
        (201.0, True, "+201.0%"),
        (None, True, "—"),
    ],
)
def test_format_percent(value: object, signed: bool, expected: str) -> None:
    assert format_percent(value, signed=signed) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("share", "places", "expected"),
    [
        (0.185, 1, "18.5%"),
        (1 / 300, 1, "0.3%"),  # 0.333… %
        (0.00149, 1, "0.1%"),  # 0.149 %: rounded once, not 0.15 then 0.2
        (Decimal("0.4"), 0, "40%"),
        (0.615, 0, "62%"),  # half up
        (None, 1, "—"),
    ],
)
def test_format_share(share: object, places: int, expected: str) -> None:
    assert format_share(share, places=places) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (Decimal("4210.49"), "$4,210"),
        (Decimal("4210.50"), "$4,211"),  # half up
        (Decimal("-12.5"), "-$13"),
        (Decimal("0.4"), "$0"),
        (None, "$0"),
    ],
)
def test_format_money_whole(amount: object, expected: str) -> None:
    assert format_money_whole(amount) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (" $1,299.00 ", Decimal("1299.00")),
        ("19.990", Decimal("19.990")),  # exact: the caller decides about decimals
        (19.99, Decimal("19.99")),  # a float through its shortest text
        (20, Decimal("20")),
        (Decimal("-3.5"), Decimal("-3.5")),
        ("twelve", None),
        ("", None),
        (None, None),
        (True, None),  # a bool is an int to Python, never an amount
        (float("nan"), None),
        ("inf", None),
        ("١٢", None),  # Arabic-Indic digits: Decimal() would read 12
        ("１２", None),  # full-width digits
    ],
)
def test_parse_amount(value: object, expected: Decimal | None) -> None:
    assert parse_amount(value) == expected  # type: ignore[arg-type]
