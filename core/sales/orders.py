"""What an order leaves the seller: the platform's commission and the payment provider's fee, one rule each.

Both are computed once, when the order is written (the demo generator, an import, the ingestion), and stored on
the order, so a later change of the seller's commission rate or of the fee settings never rewrites the past.
"""

from __future__ import annotations

from decimal import Decimal

from core.money import Number, to_cents, to_decimal


def order_commission(amount: Number, commission_rate: Number) -> Decimal:
    """The platform's commission on one order: amount x the seller's rate at the time, to the cent (half up)."""
    return to_cents(to_decimal(amount) * to_decimal(commission_rate))


def payment_fee(amount: Number, *, percent: Number = Decimal("2.9"), fixed: Number = Decimal("0.30")) -> Decimal:
    """The payment provider's fee on one order: `percent` % of the amount plus `fixed`, to the cent (half up).
    A free order (amount 0) pays no fee. The defaults are the settings' defaults (PAYMENT_FEE_PERCENT/FIXED)."""
    value = to_decimal(amount)
    if value <= 0:
        return Decimal("0.00")
    return to_cents(value * to_decimal(percent) / 100 + to_decimal(fixed))
