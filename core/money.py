"""Money and percentages, one rule each: cents rounded half up, `-$12.00` for negatives, one percent and one change.

Every page, e-mail and insight formats money and percentages through here, so the same amount reads the same
everywhere (`0.125` is `$0.13` on every screen; a refund is `-$12.00`, never `$-12.00`).
"""

from __future__ import annotations

import numbers
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
# Above this a big metric tile drops the cents (they only add noise to "$2,190,653").
WHOLE_DOLLARS_FROM = Decimal(100_000)
MINUS = "-"

Number = Decimal | int | float | str


def to_decimal(value: Number | None) -> Decimal:
    """Any amount (a Decimal, an int, a float as SQLite sums NUMERIC, a numeric string, None) as a Decimal.

    Floats go through `str()` so `0.1` is `Decimal("0.1")`, not its binary expansion; None is zero.
    """
    if value is None:
        return Decimal(0)
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value))
    except InvalidOperation as exc:
        raise ValueError(f"not an amount: {value!r}") from exc


def parse_amount(value: Number | None) -> Decimal | None:
    """An amount a person typed or a widget gave, exactly (no rounding); None when it is not a finite number.

    Accepts a Decimal, an int, a float (through its shortest text: 19.99, not 19.98999…) or text such as
    "1299", " $1,299.00 ". Booleans, NaN, infinities, words and digits other than ASCII ("١٢", "１２") are
    not amounts: numbers are read from ASCII digits only.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, str):
        text = value.strip().replace(",", "").removeprefix("$").strip()
        if not text.isascii():
            return None
    elif isinstance(value, numbers.Number):  # Decimal, int, float, and numpy's from a data editor
        text = str(value)
    else:
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation:
        return None
    return amount if amount.is_finite() else None


def as_float(value: Decimal | None) -> float | None:
    """A Decimal as a float for JSON columns and charts; None stays None."""
    return None if value is None else float(value)


def to_cents(value: Number | None) -> Decimal:
    """An amount rounded to the cent, half up (`0.125` -> `0.13`, `-0.125` -> `-0.13`); None is `0.00`."""
    return to_decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def format_money(amount: Number | None, currency: str = "USD") -> str:
    """The one money format: `$1,234.50`, `-$12.00`; other currencies `1,234.50 EUR`, `-12.00 EUR`."""
    cents = to_cents(amount)
    sign = MINUS if cents < 0 else ""
    digits = f"{abs(cents):,.2f}"
    if currency.upper() == "USD":
        return f"{sign}${digits}"
    return f"{sign}{digits} {currency.upper()}"


def format_signed_money(amount: Number | None, currency: str = "USD") -> str:
    """A change of money: `+$68.17` / `-$12.00`; zero (or no amount) is `$0.00`, never signed."""
    value = to_cents(amount)
    if value == 0:
        return format_money(Decimal("0.00"), currency)
    return ("+" if value > 0 else "") + format_money(value, currency)


def format_money_compact(amount: Number | None) -> str:
    """Money for a big metric tile: to the cent below $100,000, whole dollars (half up) from there."""
    value = to_decimal(amount)
    return format_money(value) if abs(value) < WHOLE_DOLLARS_FROM else format_money_whole(value)


def format_money_whole(amount: Number | None) -> str:
    """Money to the whole dollar, half up: `$4,210`, `-$13` (totals and goal targets read better without cents)."""
    whole = to_decimal(amount).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return f"{MINUS if whole < 0 else ''}${abs(whole):,.0f}"


def percent(part: Number | None, whole: Number | None, *, places: int = 2) -> Decimal | None:
    """part / whole x 100, rounded half up to `places` decimals; None when whole is zero or missing."""
    base = to_decimal(whole)
    if base == 0:
        return None
    return (to_decimal(part) * 100 / base).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def percent_change(current: Number | None, previous: Number | None, *, places: int = 1) -> Decimal | None:
    """(current - previous) / previous x 100, half up to `places` decimals.

    None when there is no base to compare with (previous is zero or missing) — except that 0 -> 0 is a change
    of 0: nothing was sold in either period, and "no change" is the honest reading.
    """
    now, before = to_decimal(current), to_decimal(previous)
    if before == 0:
        return Decimal(0).quantize(Decimal(1).scaleb(-places)) if now == 0 and previous is not None else None
    return ((now - before) / abs(before) * 100).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def format_percent(value: Number | None, *, places: int = 1, signed: bool = False) -> str:
    """`18.5%` (`+18.5%` / `-5.2%` when signed; `0.0%` is never signed); an em dash when there is no value."""
    if value is None:
        return "—"
    rounded = to_decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = f"{abs(rounded):.{places}f}%"
    if rounded == 0:
        return text
    if rounded < 0:
        return f"{MINUS}{text}"
    return f"+{text}" if signed else text


def format_share(share: Number | None, *, places: int = 1, signed: bool = False) -> str:
    """A fraction as a percent in the house format: `0.185` is `18.5%` (one rounding, from the fraction itself)."""
    if share is None:
        return format_percent(None)
    return format_percent(to_decimal(share) * 100, places=places, signed=signed)
