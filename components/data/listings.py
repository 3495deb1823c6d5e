"""Listing reads and writes: a seller's scored listings and 90-day revenue (cached per seller), one listing's
suggestions (asked only for the card a seller opens), re-scoring; and the admin's low-quality listings with
"Notify seller"."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal

from components.data import cached, clear_all, clock, forget_seller
from core.ai.tasks.listing_suggestions import ListingSuggestion
from core.catalog import revenue_by_product
from core.db import session_scope
from core.listings import (
    LowQualityListing,
    NotifyReport,
    ScoredListing,
    listing_suggestions,
    low_quality_listings,
    notify_sellers_about_listings,
    score_seller_listing,
    score_seller_listings,
)
from core.market import sales_window
from core.sellers import category_choices

# Scores change only when a listing is edited (elsewhere) or its market moves: ten minutes is fresh enough,
# and "Re-score" reads again at once.
SCORES_TTL_SECONDS = 600
REVENUE_TTL_SECONDS = 900
SUGGESTIONS_TTL_SECONDS = 600
LOW_QUALITY_TTL_SECONDS = 300
CATEGORIES_TTL_SECONDS = 600


@cached("listings", ttl=SCORES_TTL_SECONDS, show_spinner="Scoring your listings…")
def scored_listings(seller_id: str) -> list[ScoredListing]:
    """Every published and draft listing of the seller, scored once per load (three queries), worst first."""
    with session_scope() as session:
        return score_seller_listings(session, seller_id=seller_id)


@cached("listings", ttl=REVENUE_TTL_SECONDS)
def revenue_90_days(seller_id: str, day: date) -> dict[str, Decimal]:
    """Revenue per product over the 90 full days before `day` (the pricing tool's window; `day` keys the cache)."""
    since, until = sales_window(datetime.combine(day, time.min, tzinfo=UTC))
    with session_scope() as session:
        return revenue_by_product(session, seller_id=seller_id, since=since, until=until)


@dataclass(frozen=True)
class SuggestionList:
    items: tuple[ListingSuggestion, ...]
    engine_label: str


@cached("listings", ttl=SUGGESTIONS_TTL_SECONDS, show_spinner="Writing suggestions for this listing…")
def suggestions_for(seller_id: str, product_id: str) -> SuggestionList:
    """What to fix in one listing, re-scored from the database so the advice matches its current state."""
    with session_scope() as session:
        scored = score_seller_listing(session, seller_id=seller_id, product_id=product_id)
        result = listing_suggestions(scored.score, scored.listing, session=session)
    return SuggestionList(tuple(result.value.suggestions), result.engine_label)


def rescore(seller_id: str, product_id: str) -> tuple[float | None, float]:
    """(score before, score now) of one listing; forgets the seller's cached scores so the page reads them anew."""
    before = next((s.score.overall for s in scored_listings(seller_id) if s.listing.product_id == product_id), None)
    with session_scope() as session:
        now = score_seller_listing(session, seller_id=seller_id, product_id=product_id).score.overall
    forget_seller(seller_id, "listings")
    return before, now


# ---------------------------------------------------------------- the admin's low-quality listings


@cached("listings", ttl=CATEGORIES_TTL_SECONDS)
def categories() -> list[tuple[str, str]]:
    """(category id, name) of every category, for the filter."""
    with session_scope() as session:
        return category_choices(session)


@cached("listings", ttl=LOW_QUALITY_TTL_SECONDS)
def low_quality(
    threshold: float, category_id: str | None, product_type: str | None, day: date
) -> list[LowQualityListing]:
    """Every published listing under `threshold` for the filters, worst first (`day` keys the views window)."""
    with session_scope() as session:
        return low_quality_listings(
            session, threshold=threshold, category_id=category_id, product_type=product_type, now=clock.now()
        )


def notify(product_ids: Sequence[str], admin_user_id: str) -> NotifyReport:
    """One transaction: the insights and notifications; then every cached read, so sellers see them soon."""
    with session_scope() as session:
        report = notify_sellers_about_listings(
            session, product_ids=product_ids, admin_user_id=admin_user_id, now=clock.now()
        )
    clear_all()
    return report
