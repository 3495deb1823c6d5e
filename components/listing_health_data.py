"""The Listing health page's door to core: the seller's scored listings and 90-day revenue (cached per seller),
one listing's suggestions (asked only for the card a seller opens), and re-scoring."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal

import streamlit as st

from core.ai import listing_suggestions
from core.ai.tasks.listing_suggestions import ListingSuggestion
from core.catalog.products import revenue_by_product
from core.db import session_scope
from core.listings.queries import ScoredListing, score_seller_listing, score_seller_listings
from core.market.benchmarks import sales_window

# Scores change only when a listing is edited (elsewhere) or its market moves: ten minutes is fresh enough,
# and "Re-score" reads again at once.
SCORES_TTL_SECONDS = 600
REVENUE_TTL_SECONDS = 900
SUGGESTIONS_TTL_SECONDS = 600


@st.cache_data(ttl=SCORES_TTL_SECONDS, show_spinner="Scoring your listings…")
def scored_listings(seller_id: str) -> list[ScoredListing]:
    """Every published and draft listing of the seller, scored once per load (three queries), worst first."""
    with session_scope() as session:
        return score_seller_listings(session, seller_id=seller_id)


@st.cache_data(ttl=REVENUE_TTL_SECONDS, show_spinner=False)
def revenue_90_days(seller_id: str, day: date) -> dict[str, Decimal]:
    """Revenue per product over the 90 full days before `day` (the pricing tool's window; `day` keys the cache)."""
    since, until = sales_window(datetime.combine(day, time.min, tzinfo=UTC))
    with session_scope() as session:
        return revenue_by_product(session, seller_id=seller_id, since=since, until=until)


@dataclass(frozen=True)
class SuggestionList:
    items: tuple[ListingSuggestion, ...]
    engine_label: str


@st.cache_data(ttl=SUGGESTIONS_TTL_SECONDS, show_spinner="Writing suggestions for this listing…")
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
    forget_seller(seller_id, product_id)
    return before, now


def forget_seller(seller_id: str, product_id: str | None = None) -> None:
    """Drop the seller's cached scores, and the cached suggestions of `product_id` when given."""
    scored_listings.clear(seller_id)
    if product_id is not None:
        suggestions_for.clear(seller_id, product_id)
