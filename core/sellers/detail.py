"""One seller's detail for the admin (seed 000 step 7): the overview row, 90 days of daily revenue, goals, insights
and scored listings.

The row is the overview's own (`core.sellers.overview.overview_query`), so stage and revenue read the same in the
table and in the detail. Days are local days in APP_TIMEZONE; the daily series is the 90 complete days ending
yesterday, days without a sale included as zero days (`core.periods`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.config import get_settings
from core.listings.queries import ScoredListing, score_seller_listings
from core.listings.score import portfolio_score
from core.models import GoalStatus, RevenueRecord, SellerGoal, SellerInsight
from core.money import to_cents
from core.periods import DailyPoint, complete_days, fill_missing_days
from core.sellers.overview import SellerFilters, SellerOverviewRow, overview_query, overview_row

DETAIL_DAYS = 90
DETAIL_LIMIT = 50


@dataclass(frozen=True)
class SellerDetail:
    seller: SellerOverviewRow
    daily: list[DailyPoint]  # the 90 complete days ending yesterday, zero days included
    goals: list[SellerGoal]  # not deleted; active first, then by deadline
    insights: list[SellerInsight]  # not deleted; newest first
    listings: list[ScoredListing]  # published and drafts, worst first (what the seller's Listing health shows)


def seller_detail(session: Session, *, seller_id: str, now: datetime, tz: Any = None) -> SellerDetail:
    """Everything the admin sees on selecting a seller; LookupError for an unknown or deleted seller."""
    tz = tz or get_settings().timezone
    ov = overview_query(now, tz, SellerFilters(), seller_ids=[seller_id])
    row = session.execute(select(ov)).one_or_none()
    if row is None:
        raise LookupError(f"seller {seller_id} not found")
    listings = score_seller_listings(session, seller_id=seller_id)
    health = {seller_id: (portfolio_score(s.score for s in listings), len(listings))} if listings else {}
    window = complete_days(DETAIL_DAYS, today=now.astimezone(tz).date())
    sums = session.execute(
        select(RevenueRecord.day, func.sum(RevenueRecord.revenue), func.sum(RevenueRecord.units))
        .where(RevenueRecord.seller_id == seller_id, RevenueRecord.day >= window.start, RevenueRecord.day <= window.end)
        .group_by(RevenueRecord.day)
    )
    daily = fill_missing_days(((day, to_cents(revenue), int(units)) for day, revenue, units in sums), window)
    goals = session.scalars(
        select(SellerGoal)
        .where(SellerGoal.seller_id == seller_id, SellerGoal.deleted_at.is_(None))
        .order_by((SellerGoal.status != GoalStatus.ACTIVE), SellerGoal.deadline, SellerGoal.id)
        .limit(DETAIL_LIMIT)
    ).all()
    insights = session.scalars(
        select(SellerInsight)
        .where(SellerInsight.seller_id == seller_id, SellerInsight.deleted_at.is_(None))
        .order_by(SellerInsight.generated_at.desc(), SellerInsight.id)
        .limit(DETAIL_LIMIT)
    ).all()
    return SellerDetail(overview_row(row, health), daily, list(goals), list(insights), listings)
