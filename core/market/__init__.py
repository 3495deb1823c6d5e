"""The market: benchmarks (+ admin overrides), segment charts, opportunities from failed searches, alerts.

The face of the package: what components and jobs call, re-exported from its modules."""

from __future__ import annotations

from core.market.benchmarks import ALL_CATEGORIES_LABEL, THIN_SAMPLE_SIZE, sales_window
from core.market.opportunities import MarketOpportunity, OpportunityReport
from core.market.queries import BenchmarkView, list_benchmarks
from core.market.segments import PriceHistogram, SellerPrice, SellerSegment

__all__ = [
    "ALL_CATEGORIES_LABEL",
    "THIN_SAMPLE_SIZE",
    "BenchmarkView",
    "MarketOpportunity",
    "OpportunityReport",
    "PriceHistogram",
    "SellerPrice",
    "SellerSegment",
    "list_benchmarks",
    "sales_window",
]
