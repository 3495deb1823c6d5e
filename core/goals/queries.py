"""Loading for goals: a seller's goal progress in one query, and the facts a missed goal's tip is chosen from."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from core.goals.tips import VIEWS_WINDOW_DAYS, ListingGap, UnderpricedListing
from core.listings.low_quality import seller_product_labels
from core.listings.queries import ScoredListing, score_seller_listings
from core.listings.rules import usable_band
from core.listings.score import DIMENSIONS, listing_suggestions_offline
from core.models import DigitalProduct, GoalType, ProductStatus, ProductView, RevenueRecord, SellerGoal
from core.money import to_cents
from core.periods import local_day
from core.pricing.rules import competitive_position


def _published(seller_id: str) -> tuple[ColumnElement[bool], ...]:
    return (
        DigitalProduct.seller_id == seller_id,
        DigitalProduct.status == ProductStatus.PUBLISHED,
        DigitalProduct.deleted_at.is_(None),
    )


def measure_goals(
    session: Session, *, seller_id: str, goals: Sequence[SellerGoal], until: dict[str, datetime], tz: tzinfo
) -> dict[str, Decimal]:
    """Each goal's current value counted up to `until[goal.id]` (rules: `core.goals.store`' docstring), in ONE query.

    The query has one scalar subquery per goal (only the measure its type needs) and two for the seller's
    rating, so ten goals still cost a single round trip; each subquery reads the (seller, day) index.
    """
    columns: list[Any] = []
    for i, goal in enumerate(goals):
        start_day, end_day = local_day(goal.created_at, tz), local_day(until[goal.id], tz)
        if goal.type in (GoalType.REVENUE, GoalType.SALES):
            amount = RevenueRecord.revenue if goal.type is GoalType.REVENUE else RevenueRecord.units
            measure = select(func.sum(amount)).where(
                RevenueRecord.seller_id == seller_id, RevenueRecord.day >= start_day, RevenueRecord.day <= end_day
            )
        elif goal.type is GoalType.PRODUCTS:
            measure = select(func.count(DigitalProduct.id)).where(
                *_published(seller_id),
                DigitalProduct.published_at >= goal.created_at,
                DigitalProduct.published_at <= until[goal.id],
            )
        else:
            continue
        columns.append(measure.scalar_subquery().label(f"g{i}"))
    if any(goal.type is GoalType.RATING for goal in goals):
        rated = (*_published(seller_id), DigitalProduct.average_rating.is_not(None))
        columns.append(select(func.sum(DigitalProduct.average_rating)).where(*rated).scalar_subquery().label("r_sum"))
        columns.append(select(func.count(DigitalProduct.average_rating)).where(*rated).scalar_subquery().label("r_n"))
    if not columns:
        return {}
    row = session.execute(select(*columns)).one()._mapping
    values: dict[str, Decimal] = {}
    for i, goal in enumerate(goals):
        if goal.type is GoalType.RATING:
            count = row["r_n"] or 0
            # Back to exact cents before dividing: SQLite adds the 2-decimal ratings as floats.
            total = to_cents(row["r_sum"])
            values[goal.id] = to_cents(total / count) if count else to_cents(0)
        else:
            values[goal.id] = to_cents(row[f"g{i}"])
    return values


# ---------------------------------------------------------------- facts for a missed goal's tip


@dataclass(frozen=True)
class TipFacts:
    listings: list[ListingGap]
    underpriced: list[UnderpricedListing]


def listing_gap(scored: ScoredListing, views: int, name: str | None = None) -> ListingGap:
    """The listing's dimension with the most points to win (ties: the page's dimension order) and its first fix.
    `name` is how the seller's cards name the product (`product_labels`); its title by default."""
    order = {key: i for i, (key, _, _) in enumerate(DIMENSIONS)}
    weakest = min(scored.score.dimensions, key=lambda d: (-d.actionable_gap, order[d.key]))
    advice = next(
        (s.suggestion for s in listing_suggestions_offline(scored.score, scored.listing) if s.dimension == weakest.key),
        None,
    )
    return ListingGap(
        product_id=scored.listing.product_id,
        title=name or scored.listing.title,
        status=scored.status,
        views=views,
        overall=scored.score.overall,
        dimension_label=weakest.label,
        missing_points=weakest.actionable_gap,
        max_points=weakest.max_points,
        advice=advice,
        dimension_key=weakest.key,
    )


def underpriced_listing(scored: ScoredListing, views: int, name: str | None = None) -> UnderpricedListing | None:
    """The published listing when its price is below its segment's p25 (a segment of ≥ 5 listings), else None."""
    band, price = scored.score.facts.benchmark, scored.listing.price
    if scored.status != ProductStatus.PUBLISHED.value or price is None or not usable_band(band):
        return None
    assert band is not None  # usable_band checked it
    p25, p75 = to_cents(band.p25), to_cents(band.p75)
    price = Decimal(str(price))
    if competitive_position(price, p25, p75) != "underpriced":
        return None
    title = name or scored.listing.title
    return UnderpricedListing(scored.listing.product_id, title, price, p25, p75, band.sample_size, views)


def load_tip_facts(session: Session, *, seller_id: str, now: datetime, tz: tzinfo) -> TipFacts:
    """The seller's published listings and drafts, scored, with their views over the `VIEWS_WINDOW_DAYS` (30)
    complete days before today, named as the seller's cards name them (`product_labels`). Five queries: three for
    the scores (`score_seller_listings`), one for views, one for the names."""
    scored = score_seller_listings(
        session, seller_id=seller_id, statuses=(ProductStatus.PUBLISHED, ProductStatus.DRAFT)
    )
    today = local_day(now, tz)
    views = dict(
        session.execute(
            select(ProductView.product_id, func.sum(ProductView.views))
            .where(
                ProductView.seller_id == seller_id,
                ProductView.day >= today - timedelta(days=VIEWS_WINDOW_DAYS),
                ProductView.day < today,
            )
            .group_by(ProductView.product_id)
        ).all()
    )
    names = seller_product_labels(session, seller_ids=[seller_id])
    listings, underpriced = [], []
    for item in scored:
        seen = int(views.get(item.listing.product_id) or 0)
        name = names.get(item.listing.product_id)
        listings.append(listing_gap(item, seen, name))
        cheap = underpriced_listing(item, seen, name)
        if cheap is not None:
            underpriced.append(cheap)
    return TipFacts(listings, underpriced)
