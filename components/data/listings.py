"""Listing reads and writes: a seller's stored listing scores and 90-day revenue (cached per seller), one listing's
full score and suggestions (asked only for the card a seller opens), re-scoring; and the admin's low-quality
listings (a page at a time, from the stored scores) with "Notify seller" and "Score all listings now"."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal

from components.data import cached, clear_all, clock, forget_seller
from core.ai.tasks.listing_suggestions import ListingSuggestion
from core.catalog import revenue_by_product
from core.db import session_scope
from core.listings import (
    LowQualityPage,
    NotifyReport,
    ScoredListing,
    StoredScore,
    listing_suggestions,
    low_quality_page,
    low_quality_sellers,
    notify_sellers_about_listings,
    refresh_listing_scores,
    rescore_products,
    score_seller_listing,
    score_seller_listings,
    seller_listing_scores,
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
    """Every published and draft listing of the seller with its full score (checks, facts), worst first: the
    Listing editor's picker. Lists read `stored_scores`."""
    with session_scope() as session:
        return score_seller_listings(session, seller_id=seller_id)


@cached("listings", ttl=SCORES_TTL_SECONDS, show_spinner="Reading your listing scores…")
def stored_scores(seller_id: str) -> list[StoredScore]:
    """Every published and draft listing of the seller with its stored score (any missing or stale one is scored
    and stored first), worst first: the Listing health page's list."""
    with session_scope() as session:
        return seller_listing_scores(session, seller_id=seller_id, now=clock.now())


@cached("listings", ttl=SCORES_TTL_SECONDS, show_spinner="Scoring this listing…")
def listing_score(seller_id: str, product_id: str) -> ScoredListing:
    """One of the seller's listings scored with every check (the open card's details); LookupError if not theirs."""
    with session_scope() as session:
        return score_seller_listing(session, seller_id=seller_id, product_id=product_id)


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
    before = next((s.overall for s in stored_scores(seller_id) if s.product_id == product_id), None)
    with session_scope() as session:
        now = score_seller_listing(session, seller_id=seller_id, product_id=product_id).score.overall
        rescore_products(session, [product_id], now=clock.now())
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
    threshold: float, category_id: str | None, product_type: str | None, seller_id: str | None, page: int
) -> LowQualityPage:
    """One page of the published listings whose stored score is under `threshold` for the filters, worst first,
    with the total count."""
    with session_scope() as session:
        return low_quality_page(
            session,
            threshold=threshold,
            category_id=category_id,
            product_type=product_type,
            seller_id=seller_id,
            now=clock.now(),
            page=page,
        )


@cached("listings", ttl=LOW_QUALITY_TTL_SECONDS)
def low_quality_seller_choices(
    threshold: float, category_id: str | None, product_type: str | None
) -> list[tuple[str, str, int]]:
    """(seller id, name, listings) of the sellers with low-quality listings under the filters, most first."""
    with session_scope() as session:
        return low_quality_sellers(session, threshold=threshold, category_id=category_id, product_type=product_type)


def score_all_now(progress: Callable[[str], None]) -> int:
    """The nightly `listing-scores` job's work, now (one transaction): every stale listing scored and stored."""
    with session_scope() as session:
        count = refresh_listing_scores(session, now=clock.now(), progress=progress)
    clear_all()
    return count


def notify(product_ids: Sequence[str], admin_user_id: str) -> NotifyReport:
    """One transaction: the insights and notifications; then every cached read, so sellers see them soon."""
    with session_scope() as session:
        report = notify_sellers_about_listings(
            session, product_ids=product_ids, admin_user_id=admin_user_id, now=clock.now()
        )
    clear_all()
    return report
