"""What the weekly digest loads: who gets one, a seller's two weeks of numbers, their top open insight (no decisions).

"Average rating" is the current average rating of the seller's published listings: the marketplace keeps
no dated reviews, so it has no "week before" (the e-mail says so).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

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
    found = load_recipients(session, seller_ids=[seller_id]).get(seller_id)
    if found is None:
        raise LookupError(f"seller {seller_id} not found")
    return found


def load_recipients(session: Session, *, seller_ids: Sequence[str]) -> dict[str, Recipient]:
    """`load_recipient` of each known seller of `seller_ids` (unknown ids are left out), in one query."""
    rows = session.execute(
        select(SellerProfile.id, SellerProfile.display_name, User.id, User.email, User.name)
        .join(User, User.id == SellerProfile.user_id)
        .where(SellerProfile.id.in_(list(seller_ids)))
    )
    return {
        seller_id: Recipient(seller_id, user_id, email, user_name, display_name)
        for seller_id, display_name, user_id, email, user_name in rows
    }


def load_week_numbers(session: Session, *, seller_id: str, week: Window) -> WeekNumbers:
    """Revenue and units of `week` and the week before it, the listings' average rating and currency."""
    return load_weeks_numbers(session, seller_ids=[seller_id], week=week)[seller_id]


def load_weeks_numbers(session: Session, *, seller_ids: Sequence[str], week: Window) -> dict[str, WeekNumbers]:
    """`load_week_numbers` of each of `seller_ids` (zeros for a seller without sales or listings): two GROUP BYs,
    the two weeks' sales and the published listings' ratings and currency."""
    ids = list(dict.fromkeys(seller_ids))
    rev = RevenueRecord
    before = week.previous()
    in_week = rev.day >= week.start
    sales = {
        seller_id: values
        for seller_id, *values in session.execute(
            select(
                rev.seller_id,
                func.sum(case((in_week, rev.revenue), else_=0)),
                func.sum(case((in_week, 0), else_=rev.revenue)),
                func.sum(case((in_week, rev.units), else_=0)),
                func.sum(case((in_week, 0), else_=rev.units)),
            )
            .where(rev.seller_id.in_(ids), rev.day >= before.start, rev.day <= week.end)
            .group_by(rev.seller_id)
        )
    }
    p = DigitalProduct
    listings = {
        seller_id: values
        for seller_id, *values in session.execute(
            select(p.seller_id, func.avg(p.average_rating), func.count(p.average_rating), func.min(p.currency))
            .where(p.seller_id.in_(ids), p.status == ProductStatus.PUBLISHED, p.deleted_at.is_(None))
            .group_by(p.seller_id)
        )
    }
    out = {}
    for seller_id in ids:
        revenue_this, revenue_last, units_this, units_last = sales.get(seller_id, (0, 0, 0, 0))
        rating, rated, currency = listings.get(seller_id, (None, 0, None))
        out[seller_id] = WeekNumbers(
            currency=currency or "USD",
            # SQLite sums money as floats: back to cents (exact for any realistic weekly total).
            revenue_this_week=to_cents(revenue_this or 0),
            revenue_last_week=to_cents(revenue_last or 0),
            units_this_week=int(units_this or 0),
            units_last_week=int(units_last or 0),
            average_rating=None if rating is None else to_cents(rating),  # two places, like the listings' ratings
            rated_listings=int(rated or 0),
        )
    return out


_PRIORITY_ORDER = case(
    (SellerInsight.priority == InsightPriority.HIGH, 0),
    (SellerInsight.priority == InsightPriority.MEDIUM, 1),
    else_=2,
)


def load_top_insight(session: Session, *, seller_id: str) -> InsightCard | None:
    """The highest-priority PENDING insight, newest first among equals."""
    return load_top_insights(session, seller_ids=[seller_id]).get(seller_id)


def load_top_insights(session: Session, *, seller_ids: Sequence[str]) -> dict[str, InsightCard]:
    """`load_top_insight` of each of `seller_ids` that has one, in one query (ROW_NUMBER per seller)."""
    i = SellerInsight
    ranked = (
        select(
            i.seller_id,
            i.title,
            i.description,
            i.priority,
            func.row_number()
            .over(partition_by=i.seller_id, order_by=(_PRIORITY_ORDER, i.generated_at.desc(), i.id))
            .label("rank"),
        )
        .where(
            i.seller_id.in_(list(seller_ids)),
            i.status == InsightStatus.PENDING,
            i.deleted_at.is_(None),
        )
        .subquery("ranked")
    )
    rows = session.execute(
        select(ranked.c.seller_id, ranked.c.title, ranked.c.description, ranked.c.priority).where(ranked.c.rank == 1)
    )
    return {
        seller_id: InsightCard(title=title, description=description, priority=str(InsightPriority(priority).value))
        for seller_id, title, description, priority in rows
    }
