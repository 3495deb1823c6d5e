"""The money an order leaves the seller (core.sales.orders): commission and payment fee, to the cent, by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.config import load_settings
from core.sales.orders import order_commission, payment_fee


@pytest.mark.parametrize(
    ("amount", "rate", "expected"),
    [
        ("19.99", "0.15", "3.00"),  # 2.9985
        ("2.50", "0.05", "0.13"),  # 0.125 exactly: half up
        ("0.10", "0.125", "0.01"),  # 0.0125
        ("100.00", "0.0000", "0.00"),
        ("0.00", "0.15", "0.00"),
    ],
)
def test_order_commission(amount: str, rate: str, expected: str) -> None:
    assert order_commission(Decimal(amount), Decimal(rate)) == Decimal(expected)


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        ("19.00", "0.85"),  # 0.551 + 0.30 = 0.851
        ("10.00", "0.59"),  # 0.29 + 0.30
        ("0.50", "0.31"),  # 0.0145 + 0.30 = 0.3145
        ("50.00", "1.75"),  # 1.45 + 0.30
        ("0.00", "0.00"),  # a free order pays no fee
    ],
)
def test_payment_fee_default_rates(amount: str, expected: str) -> None:
    assert payment_fee(Decimal(amount)) == Decimal(expected)


def test_payment_fee_other_rates() -> None:
    # 3.5 % of 40 = 1.40, plus 0.25
    assert payment_fee(Decimal("40"), percent="3.5", fixed="0.25") == Decimal("1.65")


def test_fee_settings_from_environment() -> None:
    settings = load_settings({"PAYMENT_FEE_PERCENT": "3.4", "PAYMENT_FEE_FIXED": "0"})
    assert (settings.payment_fee_percent, settings.payment_fee_fixed) == (3.4, 0.0)
    defaults = load_settings({})
    assert (defaults.payment_fee_percent, defaults.payment_fee_fixed) == (2.9, 0.30)
