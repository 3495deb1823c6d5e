"""Benchmark scenario for the pricing optimizer (issue 3) on the large data set, with the offline engine."""

from __future__ import annotations

from sqlalchemy import select

from core.ai import get_ai
from core.config import load_settings
from core.models import DigitalProduct, ProductStatus
from core.pricing import analyze_pricing, bulk_analyze_pricing, needs_attention
from tests.bench.harness import BenchContext, scenario

# No key: the offline engine answers, so the figure is the product's own work (queries + rules), not a model's.
_OFFLINE = get_ai(load_settings(env={}))


@scenario("pricing analysis, offline engine", repeats=10, warmup=1)
def analyse_one_product(ctx: BenchContext) -> str:
    """analyze_pricing for the largest seller's first published product: from selecting it to the result."""
    seller_id = ctx.largest_seller_id()
    with ctx.session() as session:
        product_id = session.scalar(
            select(DigitalProduct.id)
            .where(
                DigitalProduct.seller_id == seller_id,
                DigitalProduct.status == ProductStatus.PUBLISHED,
                DigitalProduct.deleted_at.is_(None),
            )
            .order_by(DigitalProduct.title, DigitalProduct.id)
            .limit(1)
        )
        analysis = analyze_pricing(session, seller_id=seller_id, product_id=product_id, ai=_OFFLINE, now=ctx.now)
        return f"{analysis.competitive_position} {analysis.confidence_score}"


@scenario("pricing bulk analysis, offline engine", repeats=3, warmup=1)
def analyse_all_products(ctx: BenchContext) -> int:
    """bulk_analyze_pricing for the largest seller (4 loading queries + one cache lookup and rules per product)."""
    with ctx.session() as session:
        analyses = bulk_analyze_pricing(session, seller_id=ctx.largest_seller_id(), ai=_OFFLINE, now=ctx.now)
        return len(needs_attention(analyses))
