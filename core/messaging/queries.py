"""What the weekly digest loads: who gets one, a seller's two weeks of numbers, their top open insight (no decisions).

"Average rating" is the current average rating of the seller's published listings: the marketplace keeps
no dated reviews, so it has no "week before" (the e-mail says so).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from core.ai.tasks.weekly_digest_text import WeekNumbers
from core.messaging.rules import digest_idempotency_key
from core.models import (
    DigitalProduct,
    EmailOutbox,
    InsightPriority,
    InsightStatus,
    ProductStatus,
    RevenueRecord,
    SellerInsight,
    SellerProfile,
    SellerStatus,
    User,
)
from core.money import to_cents
from core.periods import Window


@dataclass(frozen=True)
class Recipient:
    seller_id: str
    user_id: str
    email: str
    user_name: str | None
    display_name: str


@dataclass(frozen=True)
class InsightCard:
    title: str
    description: str
    priority: str


def digest_recipients(session: Session) -> list[str]:
    """Seller ids due a digest: approved, not deleted, active user, not opted out; in a stable order."""
    return list(
        session.scalars(
            select(SellerProfile.id)
            .join(User, User.id == SellerProfile.user_id)
            .where(
                SellerProfile.status == SellerStatus.APPROVED,
                SellerProfile.deleted_at.is_(None),
                SellerProfile.weekly_digest_opt_in.is_(True),
                User.is_active.is_(True),
            )
            .order_by(SellerProfile.created_at, SellerProfile.id)
        )
    )


@dataclass(frozen=True)
class DigestAudience:
    """Who a weekly-digest run for ISO `week` would e-mail: the job's own recipients minus those already queued."""

    week: str
    recipients: int  # digest_recipients() now
    already_queued: int  # of them, queued for `week` already (the job skips them by the same key)
    first_queued_at: datetime | None  # when the first of those was queued

    @property
    def due(self) -> int:
        return self.recipients - self.already_queued


def digest_audience(session: Session, *, week: str) -> DigestAudience:
    """The "Run now" confirmation's count: `digest_recipients` (the query the job runs) and the outbox keys
    (`digest_idempotency_key`) the job checks before composing; two queries."""
    sellers = digest_recipients(session)
    keys = {digest_idempotency_key(seller_id, week) for seller_id in sellers}
    queued = session.execute(
        select(EmailOutbox.idempotency_key, EmailOutbox.created_at).where(
            EmailOutbox.idempotency_key.like(digest_idempotency_key("%", week))
        )
    ).all()
    mine = [created for key, created in queued if key in keys]
    return DigestAudience(week, len(sellers), len(mine), min(mine) if mine else None)


def load_recipient(session: Session, *, seller_id: str) -> Recipient:
    """The seller's user and names (LookupError for an unknown seller)."""
    found = session.execute(
        select(SellerProfile.display_name, User.id, User.email, User.name)
        .join(User, User.id == SellerProfile.user_id)
        .where(SellerProfile.id == seller_id)
    ).first()
    if found is None:
        raise LookupError(f"seller {seller_id} not found")
    display_name, user_id, email, user_name = found
    return Recipient(seller_id, user_id, email, user_name, display_name)


def _published(seller_id: str) -> tuple[Any, ...]:
    return (
        DigitalProduct.seller_id == seller_id,
        DigitalProduct.status == ProductStatus.PUBLISHED,
        DigitalProduct.deleted_at.is_(None),
    )


def load_week_numbers(session: Session, *, seller_id: str, week: Window) -> WeekNumbers:
    """Revenue and units of `week` and the week before it, the listings' average rating and currency: one query."""
    rev = RevenueRecord
    before = week.previous()
    in_week = rev.day >= week.start
    rating = select(func.avg(DigitalProduct.average_rating)).where(*_published(seller_id)).scalar_subquery()
    rated = select(func.count(DigitalProduct.average_rating)).where(*_published(seller_id)).scalar_subquery()
    currency = select(func.min(DigitalProduct.currency)).where(*_published(seller_id)).scalar_subquery()
    row = session.execute(
        select(
            func.coalesce(func.sum(case((in_week, rev.revenue), else_=0)), 0),
            func.coalesce(func.sum(case((in_week, 0), else_=rev.revenue)), 0),
            func.coalesce(func.sum(case((in_week, rev.units), else_=0)), 0),
            func.coalesce(func.sum(case((in_week, 0), else_=rev.units)), 0),
            rating,
            rated,
            currency,
        ).where(rev.seller_id == seller_id, rev.day >= before.start, rev.day <= week.end)
    ).one()
    return WeekNumbers(
        currency=row[6] or "USD",
        # SQLite sums money as floats: back to cents (exact for any realistic weekly total).
        revenue_this_week=to_cents(row[0]),
        revenue_last_week=to_cents(row[1]),
        units_this_week=int(row[2]),
        units_last_week=int(row[3]),
        average_rating=None if row[4] is None else to_cents(row[4]),  # two places, like the listings' ratings
        rated_listings=int(row[5] or 0),
    )


_PRIORITY_ORDER = case(
    (SellerInsight.priority == InsightPriority.HIGH, 0),
    (SellerInsight.priority == InsightPriority.MEDIUM, 1),
    else_=2,
)


def load_top_insight(session: Session, *, seller_id: str) -> InsightCard | None:
    """The highest-priority PENDING insight, newest first among equals."""
    insight = session.scalars(
        select(SellerInsight)
        .where(
            SellerInsight.seller_id == seller_id,
            SellerInsight.status == InsightStatus.PENDING,
            SellerInsight.deleted_at.is_(None),
        )
        .order_by(_PRIORITY_ORDER, SellerInsight.generated_at.desc(), SellerInsight.id)
        .limit(1)
    ).first()
    if insight is None:
        return None
    return InsightCard(title=insight.title, description=insight.description, priority=str(insight.priority.value))
