"""At most three HIGH insights at once, in the database: after a write that may add a HIGH insight (generation, the
daily goal check), the seller's open HIGH insights beyond `MAX_HIGH` are demoted to MEDIUM. Which stay is the pure
rule `core.insights.rules.highs_to_demote` (highest stakes first)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.insights.rules import MAX_HIGH, OPEN_STATUSES, HighInsight, highs_to_demote, stakes_of, weight_of
from core.models import InsightPriority, SellerInsight
from core.periods import require_aware


def enforce_high_cap(session: Session, *, seller_id: str, now: datetime, limit: int = MAX_HIGH) -> int:
    """Demote the seller's open (PENDING or VIEWED), not deleted HIGH insights beyond `limit` to MEDIUM; returns
    how many. Each demoted one records `meta["demoted_from"] = "HIGH"`. Flushes; the caller commits."""
    require_aware(now)
    rows = list(
        session.scalars(
            select(SellerInsight).where(
                SellerInsight.seller_id == seller_id,
                SellerInsight.priority == InsightPriority.HIGH,
                SellerInsight.status.in_(OPEN_STATUSES),
                SellerInsight.deleted_at.is_(None),
            )
        )
    )
    highs = [HighInsight(r.id, stakes_of(r.meta), r.generated_at, weight_of(r.meta)) for r in rows]
    demote = set(highs_to_demote(highs, limit))
    for row in rows:
        if row.id in demote:
            row.priority = InsightPriority.MEDIUM
            row.meta = {**(row.meta or {}), "demoted_from": InsightPriority.HIGH.value}
            row.updated_at = now
    session.flush()
    return len(demote)
