"""Benchmark scenario for AI insights (issue 5) on the large data set, with the offline engine: one full generation
for the largest seller (pricing review, listing scores, opportunities, forecast, activity, de-duplication), rolled
back so every repeat starts from the same state."""

from __future__ import annotations

from core.ai import get_ai
from core.config import load_settings
from core.insights.generation import generate_insights_report
from tests.bench.harness import BenchContext, scenario

# No key: the offline engine answers, so the figure is the product's own work (queries + rules), not a model's.
_OFFLINE = get_ai(load_settings(env={}))


@scenario("generate insights for the largest seller, offline engine", repeats=3, warmup=1)
def generate_for_largest_seller(ctx: BenchContext) -> str:
    """generate_insights for the seller with the most published products; the session is rolled back after."""
    with ctx.session() as session:
        report = generate_insights_report(session, seller_id=ctx.largest_seller_id(), now=ctx.now, ai=_OFFLINE)
    return f"{len(report.created)} new, {len(report.updated)} updated"
