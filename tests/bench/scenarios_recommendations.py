"""Benchmark scenarios for product recommendations (issue 14) on the large data set, with the offline engine: the
evidence of every published product of the largest seller and the offline rules' answer for each."""

from __future__ import annotations

from core.ai import get_ai
from core.config import load_settings
from core.sales.recommendation_evidence import load_evidence
from core.sales.recommendations import generate_recommendations, recommend_all
from tests.bench.harness import BenchContext, scenario

# No key: the offline engine answers, so the figure is the product's own work (queries + rules), not a model's.
_OFFLINE = get_ai(load_settings(env={}))

Summary = list[tuple[str, str, int, int, int]]


@scenario("recommendations for the largest seller", repeats=5, warmup=1, target_ms=1000, max_peak_mb=50)
def recommendations_largest_seller(ctx: BenchContext) -> Summary:
    """load_evidence + the offline rules for all published products of the largest seller (nothing stored)."""
    with ctx.session() as session:
        evidence = load_evidence(session, seller_id=ctx.largest_seller_id(), now=ctx.now)
        answers = recommend_all(evidence, ai=_OFFLINE)
    return sorted(
        (item.product_id, answer.value.action, answer.value.confidence, item.payload.views, item.payload.orders)
        for item, answer in answers
    )


@scenario("recommendations for the largest seller, stored", repeats=5, warmup=1, target_ms=1000)
def recommendations_largest_seller_stored(ctx: BenchContext) -> int:
    """generate_recommendations (evidence, rules, replace the new ones) in a transaction rolled back afterwards."""
    with ctx.session() as session:
        return generate_recommendations(session, seller_id=ctx.largest_seller_id(), now=ctx.now, ai=_OFFLINE)
