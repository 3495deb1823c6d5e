"""Benchmark scenarios for the listing-health reads of the admin pages: the low-quality listings and the seller
overview sorted by listing health."""

from __future__ import annotations

from core.listings.low_quality import low_quality_listings
from core.sellers.overview import seller_overview
from tests.bench.harness import BenchContext, scenario


@scenario("seller overview by listing health", repeats=3, warmup=1)
def seller_overview_by_health(ctx: BenchContext) -> str:
    """seller_overview sorted by listing health: every seller's listings scored in one bulk load (no target)."""
    with ctx.session() as session:
        page = seller_overview(session, now=ctx.now, sort="listing_health", descending=True)
    return f"{page.total} sellers, best {page.rows[0].listing_health if page.rows else None}"


@scenario("low-quality listings", repeats=3, warmup=1)
def low_quality_all(ctx: BenchContext) -> str:
    """low_quality_listings without filters: every published listing scored (no target; see the report)."""
    with ctx.session() as session:
        rows = low_quality_listings(session, now=ctx.now)
    return f"{len(rows)} listings under 40"
