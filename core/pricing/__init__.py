"""The pricing optimizer: analysis of a product's price against its market, its rules, validated price changes.

The face of the package: what components and jobs call, re-exported from its modules."""

from __future__ import annotations

from core.pricing.analysis import PriceHistoryEntry, analyze_pricing, apply_price, bulk_analyze_pricing, price_history
from core.pricing.demand import SETTLE_DAYS, confidence_words
from core.pricing.market import MIN_CATEGORY_SAMPLE, PricingMarket
from core.pricing.rules import (
    PriceValidationError,
    PricingAnalysis,
    ReviewTotals,
    check_price_cap,
    needs_attention,
    parse_price,
    review_totals,
)

__all__ = [
    "MIN_CATEGORY_SAMPLE",
    "SETTLE_DAYS",
    "PriceHistoryEntry",
    "PriceValidationError",
    "PricingAnalysis",
    "PricingMarket",
    "ReviewTotals",
    "analyze_pricing",
    "apply_price",
    "bulk_analyze_pricing",
    "check_price_cap",
    "confidence_words",
    "needs_attention",
    "parse_price",
    "price_history",
    "review_totals",
]
