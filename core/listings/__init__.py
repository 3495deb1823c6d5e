"""Listing health: the listing score's rules, scoring (one listing or in bulk), the listing editor, low-quality
listings.

The face of the package: what components and jobs call, re-exported from its modules."""

from __future__ import annotations

from core.listings.editor import (
    EditableListing,
    LastEdit,
    ListingForm,
    ListingValidationError,
    SavedEdit,
    ScoreChange,
    check_form,
    create_draft,
    last_edits,
    load_listing,
    preview,
    save_listing,
    weakest_dimension,
)
from core.listings.low_quality import (
    DEFAULT_THRESHOLD,
    LowQualityListing,
    LowQualityPage,
    describe_weakest,
    low_quality_listings,
    low_quality_page,
    low_quality_sellers,
)
from core.listings.notices import NotifyReport, notify_sellers_about_listings
from core.listings.persisted import (
    RULE_VERSION,
    StoredScore,
    WeakDimension,
    refresh_listing_scores,
    rescore_products,
    weakest_dimensions,
)
from core.listings.queries import ScoredListing, score_seller_listing, score_seller_listings
from core.listings.rules import BAND_GREEN_ABOVE, BAND_RED_BELOW, plural
from core.listings.score import CheckStatus, ListingScore, portfolio_score
from core.listings.stored_reads import current_scores, seller_listing_scores
from core.listings.suggestions import listing_suggestions

__all__ = [
    "BAND_GREEN_ABOVE",
    "BAND_RED_BELOW",
    "DEFAULT_THRESHOLD",
    "RULE_VERSION",
    "CheckStatus",
    "EditableListing",
    "LastEdit",
    "ListingForm",
    "ListingScore",
    "ListingValidationError",
    "LowQualityListing",
    "LowQualityPage",
    "NotifyReport",
    "SavedEdit",
    "ScoreChange",
    "ScoredListing",
    "StoredScore",
    "WeakDimension",
    "check_form",
    "create_draft",
    "current_scores",
    "describe_weakest",
    "last_edits",
    "listing_suggestions",
    "load_listing",
    "low_quality_listings",
    "low_quality_page",
    "low_quality_sellers",
    "notify_sellers_about_listings",
    "plural",
    "portfolio_score",
    "preview",
    "refresh_listing_scores",
    "rescore_products",
    "save_listing",
    "score_seller_listing",
    "score_seller_listings",
    "seller_listing_scores",
    "weakest_dimension",
    "weakest_dimensions",
]
