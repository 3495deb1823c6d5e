"""The products' own price evidence for the demand model (loading, `core.pricing.demand` does the arithmetic): their
price changes of the last year and, for the products that have some, their daily units (the past changes' arc
elasticities) and the units, views and purchases since the day after the last change (the anchor).

One query when no product has a price change; four when some do (changes, daily units, daily views, daily
purchases of just those products).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.models import ConversionEvent, ConversionEventType, PriceChange, ProductView, RevenueRecord


@dataclass(frozen=True)
class ProductEvidence:
    """A product's price changes (day, old, new; oldest first) and its sums since the anchor day."""

    changes: tuple[tuple[date, Decimal, Decimal], ...] = ()
    daily_units: dict[date, int] | None = None
    anchor_sums: tuple[int, int, int] | None = None  # (units, views, purchases) since the anchor when it moved

    @property
    def last_change(self) -> date | None:
        return self.changes[-1][0] if self.changes else None


def load_evidence(
    session: Session, product_ids: list[str], *, window: tuple[date, date], lookback_days: int = 365
) -> dict[str, ProductEvidence]:
    """Price changes of the last `lookback_days` and, for products that have one, daily units (for the past
    changes' arc elasticities) and the units, views and purchases since the day after the last change."""
    if not product_ids:
        return {}
    since = window[1] - timedelta(days=lookback_days)
    changes: dict[str, list[tuple[date, Decimal, Decimal]]] = {}
    query = (
        select(PriceChange.product_id, PriceChange.created_at, PriceChange.old_price, PriceChange.new_price)
        .where(PriceChange.product_id.in_(product_ids), PriceChange.created_at >= datetime.combine(since, time(), UTC))
        .order_by(PriceChange.product_id, PriceChange.created_at, PriceChange.id)
    )
    for product_id, created_at, old, new in session.execute(query):
        changes.setdefault(product_id, []).append((created_at.astimezone(UTC).date(), old, new))
    if not changes:
        return {}
    first_day = min(c[0][0] for c in changes.values()) - timedelta(days=28)
    ids = sorted(changes)
    units: dict[str, dict[date, int]] = {pid: {} for pid in ids}
    for pid, day, amount in session.execute(
        select(RevenueRecord.product_id, RevenueRecord.day, func.sum(RevenueRecord.units))
        .where(RevenueRecord.product_id.in_(ids), RevenueRecord.day >= first_day, RevenueRecord.day < window[1])
        .group_by(RevenueRecord.product_id, RevenueRecord.day)
    ):
        units[pid][day] = int(amount or 0)
    moved = {
        pid: c[-1][0] + timedelta(days=1) for pid, c in changes.items() if c[-1][0] + timedelta(days=1) > window[0]
    }
    views: dict[str, int] = {}
    purchases: dict[str, int] = {}
    if moved:
        start = min(moved.values())
        for pid, day, amount in session.execute(
            select(ProductView.product_id, ProductView.day, func.sum(ProductView.views))
            .where(ProductView.product_id.in_(sorted(moved)), ProductView.day >= start, ProductView.day < window[1])
            .group_by(ProductView.product_id, ProductView.day)
        ):
            if day >= moved[pid]:
                views[pid] = views.get(pid, 0) + int(amount or 0)
        for pid, day, amount in session.execute(
            select(ConversionEvent.product_id, ConversionEvent.day, func.sum(ConversionEvent.count))
            .where(
                ConversionEvent.product_id.in_(sorted(moved)),
                ConversionEvent.day >= start,
                ConversionEvent.day < window[1],
                ConversionEvent.event_type == ConversionEventType.PURCHASE,
            )
            .group_by(ConversionEvent.product_id, ConversionEvent.day)
        ):
            if day >= moved[pid]:
                purchases[pid] = purchases.get(pid, 0) + int(amount or 0)
    evidence = {}
    for pid, product_changes in changes.items():
        sums = None
        if pid in moved:
            sold = sum(n for day, n in units[pid].items() if day >= moved[pid])
            sums = (sold, views.get(pid, 0), purchases.get(pid, 0))
        evidence[pid] = ProductEvidence(tuple(product_changes), units[pid], sums)
    return evidence
