"""Benchmark scenarios for the pricing optimizer (issue 3) on the large data set, with the offline engine; one
product's market position is also computed by one hand-written SQL query over the nightly benchmark rows."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select, text

from core.ai import get_ai
from core.config import load_settings
from core.models import DigitalProduct, ProductStatus
from core.pricing import analyze_pricing, bulk_analyze_pricing, needs_attention
from tests.bench.harness import BenchContext, comparison, scenario

# No key: the offline engine answers, so the figure is the product's own work (queries + rules), not a model's.
_OFFLINE = get_ai(load_settings(env={}))


Position = tuple[str, Decimal, str, int, Decimal, Decimal, Decimal, str]


def _first_product(ctx: BenchContext) -> str:
    with ctx.session() as session:
        product_id = session.scalar(
            select(DigitalProduct.id)
            .where(
                DigitalProduct.seller_id == ctx.largest_seller_id(),
                DigitalProduct.status == ProductStatus.PUBLISHED,
                DigitalProduct.deleted_at.is_(None),
            )
            .order_by(DigitalProduct.title, DigitalProduct.id)
            .limit(1)
        )
    if product_id is None:
        raise LookupError("the largest seller has no published product")
    return product_id


@scenario("pricing analysis, offline engine", repeats=10, warmup=1, target_ms=300, max_peak_mb=100)
def analyse_one_product(ctx: BenchContext) -> Position:
    """analyze_pricing for the largest seller's first published product: its market position (segment, quartiles)."""
    seller_id, product_id = ctx.largest_seller_id(), _first_product(ctx)
    with ctx.session() as session:
        analysis = analyze_pricing(session, seller_id=seller_id, product_id=product_id, ai=_OFFLINE, now=ctx.now)
    market = analysis.market
    if market is None:
        raise AssertionError(f"no market for the product: {analysis.reason}")
    return (
        analysis.product_id,
        analysis.current_price,
        market.segment_scope,
        market.sample_size,
        market.p25_price,
        market.median_price,
        market.p75_price,
        analysis.competitive_position,
    )


# The product's segment row (its category's when that has ≥ 5 listings, else the type's all-categories row) and
# the position of its price between that row's quartiles.
_POSITION_SQL = """
SELECT p.id, p.price,
       CASE WHEN c.id IS NOT NULL THEN 'category' ELSE 'all categories' END AS scope,
       coalesce(c.sample_size, a.sample_size), coalesce(c.p25_price, a.p25_price),
       coalesce(c.median_price, a.median_price), coalesce(c.p75_price, a.p75_price),
       CASE WHEN p.price < coalesce(c.p25_price, a.p25_price) THEN 'underpriced'
            WHEN p.price > coalesce(c.p75_price, a.p75_price) THEN 'overpriced'
            ELSE 'competitive' END
FROM digital_products AS p
JOIN market_benchmarks AS a ON a.product_type = p.type AND a.category_id IS NULL
LEFT JOIN market_benchmarks AS c ON c.product_type = p.type AND c.category_id = p.category_id AND c.sample_size >= 5
WHERE p.id = :product_id
"""


@comparison("pricing analysis, offline engine", "sql")
def one_product_position_sql(ctx: BenchContext) -> Position:
    product_id = _first_product(ctx)
    with ctx.session() as session:
        row = session.execute(text(_POSITION_SQL), {"product_id": product_id}).one()
    return (row[0], row[1], row[2], int(row[3]), row[4], row[5], row[6], row[7])


@scenario("pricing bulk analysis, offline engine", repeats=3, warmup=1, target_ms=1500, max_peak_mb=100)
def analyse_all_products(ctx: BenchContext) -> int:
    """bulk_analyze_pricing for the largest seller (4 loading queries + one cache lookup and rules per product)."""
    with ctx.session() as session:
        analyses = bulk_analyze_pricing(session, seller_id=ctx.largest_seller_id(), ai=_OFFLINE, now=ctx.now)
        return len(needs_attention(analyses))
