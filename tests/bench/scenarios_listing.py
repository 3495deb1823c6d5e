"""Benchmark scenarios for listing health (issues 3 and 13): one seller's listing scores from the persisted table
(with its hand-written SQL) and the live scoring of every product of the largest seller.

The nightly `listing-scores` job rescoring the whole marketplace takes minutes (not a scenario: `make bench` would
run it twice); running this module stores the scores in the bench data set (that job's work, committed; derived
data) and prints its time:
`python -m tests.bench.scenarios_listing --database-url postgresql+psycopg://…`
"""

from __future__ import annotations

import argparse
import time

from sqlalchemy import text

from core.listings.persisted import DIMENSION_KEYS, RULE_VERSION, refresh_listing_scores
from core.listings.queries import score_seller_listings
from core.listings.score import SELLER_VIEW_STATUSES
from core.listings.stored_reads import seller_listing_scores
from tests.bench.harness import BENCH_NOW, BenchContext, comparison, scenario

Scores = tuple[str, float, tuple[float, ...], int]


@scenario("listing scores of the largest seller", repeats=5, warmup=1, target_ms=150, max_peak_mb=100)
def stored_scores_largest_seller(ctx: BenchContext) -> list[Scores]:
    """seller_listing_scores for the seller with the most published products (stored rows; stale ones rescored):
    overall, the six dimensions and 30-day views of each listing, worst first."""
    with ctx.session() as session:
        rows = seller_listing_scores(session, seller_id=ctx.largest_seller_id(), now=ctx.now)
    return [(r.product_id, r.overall, tuple(d.points for d in r.dimensions), r.views_30d) for r in rows]


@comparison("listing scores of the largest seller", "sql")
def stored_scores_largest_seller_sql(ctx: BenchContext) -> list[Scores]:
    statuses = ", ".join(f"'{s.value}'" for s in SELLER_VIEW_STATUSES)
    with ctx.engine.connect() as conn:
        rows = conn.execute(
            text(
                f"SELECT s.product_id, s.overall, {', '.join(f's.{k}' for k in DIMENSION_KEYS)}, s.views_30d, p.title "
                "FROM listing_scores s JOIN digital_products p "
                f"ON p.id = s.product_id WHERE p.seller_id = :seller AND p.status IN ({statuses}) "
                "AND p.deleted_at IS NULL AND s.rule_version = :version"
            ),
            {"seller": ctx.largest_seller_id(), "version": RULE_VERSION},
        ).all()
    ordered = sorted(rows, key=lambda r: (r.overall, (r.title or "").lower(), r.product_id))
    return [
        (r.product_id, float(r.overall), tuple(float(getattr(r, k)) for k in DIMENSION_KEYS), int(r.views_30d))
        for r in ordered
    ]


@scenario("score all products of the largest seller", repeats=3, warmup=1)
def score_largest_seller(ctx: BenchContext) -> int:
    """score_seller_listings for the seller with the most published products, live (3 queries + pure scoring):
    what the Listing editor's picker and one seller's full detail still do."""
    seller_id = ctx.largest_seller_id()
    with ctx.session() as session:
        return len(score_seller_listings(session, seller_id=seller_id))


def main() -> None:
    parser = argparse.ArgumentParser(description="Store the listing scores in a bench data set (committed).")
    parser.add_argument("--database-url", required=True)
    args = parser.parse_args()
    from core.db import make_engine, session_scope

    engine = make_engine(args.database_url)
    started = time.perf_counter()
    with session_scope(engine) as session:
        count = refresh_listing_scores(
            session, now=BENCH_NOW, progress=lambda m: print(m, flush=True), commit_chunks=True
        )
    with engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE listing_scores"))
    print(f"{count:,} listings scored and stored in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
