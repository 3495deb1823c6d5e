"""The effect of a price change (issue 14): for a change at least `PRICE_EFFECT_MIN_DAYS` (7) complete days old,
the product's visits, conversion, orders per day and revenue per day in the `PRICE_EFFECT_BEFORE_DAYS` (14) days
before the day of the change against the days after it (up to `PRICE_EFFECT_AFTER_DAYS`, 28), the change in each,
and a plain verdict on the orders per day with how sure it is: fewer than `MIN_ORDERS` (10) orders in both windows
→ "too early to tell", else an exact test of equal order rates → rose / fell (likely, very likely) or no clear
change. The windows, the figures and the test are `core.sales.before_after`, shared with the outcomes of accepted
"reprice" recommendations; the changes are the Pricing tool's own history (`core.pricing.analysis.price_history`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from core.config import get_settings
from core.periods import local_day
from core.pricing.analysis import price_history
from core.sales.before_after import (
    MIN_ORDERS,
    PRICE_EFFECT_AFTER_DAYS,
    PRICE_EFFECT_BEFORE_DAYS,
    PRICE_EFFECT_MIN_DAYS,
    BeforeAfter,
    load_windows,
    price_change_windows,
)

__all__ = [
    "MIN_ORDERS",
    "PRICE_EFFECT_AFTER_DAYS",
    "PRICE_EFFECT_BEFORE_DAYS",
    "PRICE_EFFECT_MIN_DAYS",
    "PriceChangeEffect",
    "price_change_effects",
]

CHANGES_SHOWN = 20


@dataclass(frozen=True)
class PriceChangeEffect:
    """One price change and, once it is old enough, what happened around it (`effect` None before that)."""

    change_id: str
    product_id: str
    product_title: str
    old_price: Decimal
    new_price: Decimal
    changed_at: datetime
    effect: BeforeAfter | None


def price_change_effects(
    session: Session, *, seller_id: str, now: datetime, limit: int = CHANGES_SHOWN
) -> list[PriceChangeEffect]:
    """The seller's `limit` most recent price changes, newest first, each with its effect when at least 7 complete
    days followed it. Three queries whatever the number of changes (the changes; views and orders of all windows)."""
    changes = price_history(session, seller_id=seller_id, limit=limit)
    tz = get_settings().timezone
    today = local_day(now, tz)
    windows = {}
    for change in changes:
        pair = price_change_windows(local_day(change.changed_at, tz), today=today)
        if pair is not None:
            windows[(change.change_id, "before")] = (change.product_id, pair[0])
            windows[(change.change_id, "after")] = (change.product_id, pair[1])
    numbers = load_windows(session, windows, tz=tz) if windows else {}
    out = []
    for change in changes:
        effect = None
        if (change.change_id, "before") in numbers:
            effect = BeforeAfter(numbers[(change.change_id, "before")], numbers[(change.change_id, "after")])
        out.append(
            PriceChangeEffect(
                change_id=change.change_id,
                product_id=change.product_id,
                product_title=change.product_title or "",
                old_price=change.old_price,
                new_price=change.new_price,
                changed_at=change.changed_at,
                effect=effect,
            )
        )
    return out
