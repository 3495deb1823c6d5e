"""Benchmark scenario for listing health (issue 3): score every product of the largest seller."""

from __future__ import annotations

from core.listings.queries import score_seller_listings
from tests.bench.harness import BenchContext, scenario


@scenario("score all products of the largest seller", repeats=5, warmup=1)
def score_largest_seller(ctx: BenchContext) -> int:
    """score_seller_listings for the seller with the most published products (3 queries + pure scoring)."""
    seller_id = ctx.largest_seller_id()
    with ctx.session() as session:
        return len(score_seller_listings(session, seller_id=seller_id))
