"""Listing health: the listing score's rules, scoring (one listing or in bulk), low-quality listings.

The face of the package: what components and jobs call, re-exported from its modules."""

from __future__ import annotations

from core.listings.low_quality import (
    DEFAULT_THRESHOLD,
    LowQualityListing,
    NotifyReport,
    describe_weakest,
    low_quality_listings,
    notify_sellers_about_listings,
    weakest_dimensions,
)
from core.listings.queries import ScoredListing, score_seller_listing, score_seller_listings
from core.listings.rules import BAND_GREEN_ABOVE, BAND_RED_BELOW, plural
from core.listings.score import CheckStatus, ListingScore, portfolio_score
from core.listings.suggestions import listing_suggestions

__all__ = [
    "BAND_GREEN_ABOVE",
    "BAND_RED_BELOW",
    "DEFAULT_THRESHOLD",
    "CheckStatus",
    "ListingScore",
    "LowQualityListing",
    "NotifyReport",
    "ScoredListing",
    "describe_weakest",
    "listing_suggestions",
    "low_quality_listings",
    "notify_sellers_about_listings",
    "plural",
    "portfolio_score",
    "score_seller_listing",
    "score_seller_listings",
    "weakest_dimensions",
]
