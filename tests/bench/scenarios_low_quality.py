"""Benchmark scenarios for the listing-health reads of the admin pages, from the persisted listing scores: the
low-quality listings (first page: no filter, a category + type, one seller) and the seller overview (first page by
name, and sorted by listing health); each with the hand-written SQL query that returns the same numbers.

The stored scores must be in the data set: `python -m tests.bench.scenarios_listing --database-url …` (the nightly
job's work, committed) before measuring.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from typing import Any

from sqlalchemy import text

from core.config import get_settings
from core.listings.low_quality import DEFAULT_THRESHOLD, low_quality_page
from core.listings.persisted import RULE_VERSION
from core.sellers.overview import seller_overview
from core.sellers.success import revenue_windows
from tests.bench.harness import BenchContext, comparison, scenario

PAGE_SIZE = 50
OVERVIEW_PAGE = 25


@cache
def _busiest_segment(url: str, engine: Any) -> tuple[str, str]:
    """(category id, product type) with the most published products: the filtered scenario's filters."""
    del url
    with engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT category_id, type FROM digital_products WHERE status = 'PUBLISHED' AND deleted_at IS NULL "
                "AND category_id IS NOT NULL GROUP BY category_id, type ORDER BY count(*) DESC, category_id, type "
                "LIMIT 1"
            )
        ).one()
    return row[0], str(row[1])


def _page(ctx: BenchContext, **filters: Any) -> tuple[int, list[tuple[str, float, int, bool]]]:
    with ctx.session() as session:
        page = low_quality_page(session, now=ctx.now, page_size=PAGE_SIZE, **filters)
    return page.total, [(r.product_id, r.score, r.views_30d, r.already_notified) for r in page.rows]


_LOW_QUALITY_SQL = """
SELECT s.product_id, s.overall, s.views_30d,
       EXISTS (SELECT 1 FROM seller_insights i
               WHERE i.seller_id = p.seller_id AND i.finding_key = 'listing:' || s.product_id
                 AND i.status IN ('PENDING', 'VIEWED') AND i.deleted_at IS NULL) AS notified,
       (SELECT count(*) FROM listing_scores s
        WHERE s.status = 'PUBLISHED' AND s.rule_version = :version AND s.overall < :threshold {filters}) AS total
FROM listing_scores s JOIN digital_products p ON p.id = s.product_id
WHERE s.status = 'PUBLISHED' AND s.rule_version = :version AND s.overall < :threshold {filters}
ORDER BY s.overall, s.views_30d DESC, lower(p.title) COLLATE "C", p.id
LIMIT :limit
"""


def _page_sql(ctx: BenchContext, filters: str = "", **params: Any) -> tuple[int, list[tuple[str, float, int, bool]]]:
    with ctx.engine.connect() as conn:
        rows = conn.execute(
            text(_LOW_QUALITY_SQL.format(filters=filters)),
            {"version": RULE_VERSION, "threshold": DEFAULT_THRESHOLD, "limit": PAGE_SIZE, **params},
        ).all()
    total = int(rows[0].total) if rows else 0
    return total, [(r[0], float(r[1]), int(r[2]), bool(r[3])) for r in rows]


@scenario("low-quality listings", repeats=5, warmup=1, target_ms=300, max_peak_mb=100)
def low_quality_first_page(ctx: BenchContext) -> tuple[int, list[tuple[str, float, int, bool]]]:
    """low_quality_page without filters: the first 50 of the stored scores under 40, with the total."""
    return _page(ctx)


@comparison("low-quality listings", "sql")
def low_quality_first_page_sql(ctx: BenchContext) -> tuple[int, list[tuple[str, float, int, bool]]]:
    return _page_sql(ctx)


@scenario("low-quality listings, category and type", repeats=5, warmup=1, target_ms=300, max_peak_mb=100)
def low_quality_segment(ctx: BenchContext) -> tuple[int, list[tuple[str, float, int, bool]]]:
    """low_quality_page filtered by the busiest category + product type."""
    category_id, product_type = _busiest_segment(ctx.database_url, ctx.engine)
    return _page(ctx, category_id=category_id, product_type=product_type)


@comparison("low-quality listings, category and type", "sql")
def low_quality_segment_sql(ctx: BenchContext) -> tuple[int, list[tuple[str, float, int, bool]]]:
    category_id, product_type = _busiest_segment(ctx.database_url, ctx.engine)
    filters = "AND s.category_id = :category AND s.product_type = :type"
    return _page_sql(ctx, filters, category=category_id, type=product_type)


@scenario("low-quality listings, one seller", repeats=5, warmup=1, target_ms=300, max_peak_mb=100)
def low_quality_seller(ctx: BenchContext) -> tuple[int, list[tuple[str, float, int, bool]]]:
    """low_quality_page of the largest seller (their stale rows, if any, rescored first)."""
    return _page(ctx, seller_id=ctx.largest_seller_id())


@comparison("low-quality listings, one seller", "sql")
def low_quality_seller_sql(ctx: BenchContext) -> tuple[int, list[tuple[str, float, int, bool]]]:
    return _page_sql(ctx, "AND s.seller_id = :seller", seller=ctx.largest_seller_id())


# --------------------------------------------------------------------------- the seller overview


Row = tuple[str, Decimal, int, int, float | None, int]


def _overview(ctx: BenchContext, **kw: Any) -> tuple[int, list[Row]]:
    with ctx.session() as session:
        page = seller_overview(session, now=ctx.now, page_size=OVERVIEW_PAGE, **kw)
    return page.total, [
        (r.seller_id, r.revenue_30d, r.active_goals, r.pending_insights, r.listing_health, r.listings_scored)
        for r in page.rows
    ]


_HEALTH = """
  SELECT s.seller_id, sum(round(s.overall * 10)) AS tenths, count(*) AS n
  FROM listing_scores s
  WHERE s.status IN ('PUBLISHED', 'DRAFT') AND s.rule_version = :version {only}
  GROUP BY s.seller_id
"""
_COLUMNS = """
SELECT page.id, page.total,
  (SELECT coalesce(sum(r.revenue), 0) FROM revenue_records r
   WHERE r.seller_id = page.id AND r.day BETWEEN :first AND :last) AS revenue_30d,
  (SELECT count(*) FROM seller_goals g
   WHERE g.seller_id = page.id AND g.status = 'ACTIVE' AND g.deleted_at IS NULL) AS goals,
  (SELECT count(*) FROM seller_insights i
   WHERE i.seller_id = page.id AND i.status = 'PENDING' AND i.deleted_at IS NULL) AS insights,
"""
_BY_NAME_SQL = (
    """
WITH page AS (
  SELECT sp.id, lower(sp.display_name) AS name, count(*) OVER () AS total
  FROM seller_profiles sp JOIN users u ON u.id = sp.user_id WHERE sp.deleted_at IS NULL
  ORDER BY lower(sp.display_name), sp.id LIMIT :limit
)"""
    + _COLUMNS
    + """  h.tenths, h.n
FROM page LEFT JOIN LATERAL ("""
    + _HEALTH.format(only="AND s.seller_id = page.id")
    + """) h ON true
ORDER BY page.name, page.id
"""
)
_BY_HEALTH_SQL = (
    "WITH health AS ("
    + _HEALTH.format(only="")
    + """), page AS (
  SELECT sp.id, lower(sp.display_name) AS name, h.tenths, h.n, count(*) OVER () AS total
  FROM seller_profiles sp JOIN users u ON u.id = sp.user_id LEFT JOIN health h ON h.seller_id = sp.id
  WHERE sp.deleted_at IS NULL
  ORDER BY h.n IS NULL, h.tenths * 1.0 / h.n DESC, lower(sp.display_name), sp.id LIMIT :limit
)"""
    + _COLUMNS
    + """  page.tenths, page.n
FROM page
ORDER BY page.n IS NULL, page.tenths * 1.0 / page.n DESC, page.name, page.id
"""
)


def _overview_sql(ctx: BenchContext, sql: str) -> tuple[int, list[Row]]:
    """The page's sellers with the overview's revenue (last 30 complete days), active goals, pending insights and
    listing health (mean of the stored scores, from a sum in tenths, rounded as the product rounds it)."""
    today = ctx.now.astimezone(get_settings().timezone).date()
    first, last, _, _ = revenue_windows(today)
    params = {"version": RULE_VERSION, "limit": OVERVIEW_PAGE, "first": first, "last": last}
    with ctx.engine.connect() as conn:
        rows = conn.execute(text(sql), params).all()
    total = int(rows[0].total) if rows else 0
    return total, [
        (
            r.id,
            Decimal(r.revenue_30d),
            int(r.goals),
            int(r.insights),
            None if not r.n else round(int(r.tenths) / 10 / int(r.n), 1),
            int(r.n or 0),
        )
        for r in rows
    ]


@scenario("seller overview by listing health", repeats=5, warmup=1, target_ms=300, max_peak_mb=100)
def seller_overview_by_health(ctx: BenchContext) -> tuple[int, list[Row]]:
    """seller_overview sorted by listing health, best first: the first page of 25 (health from stored scores)."""
    return _overview(ctx, sort="listing_health", descending=True)


@comparison("seller overview by listing health", "sql")
def seller_overview_by_health_sql(ctx: BenchContext) -> tuple[int, list[Row]]:
    return _overview_sql(ctx, _BY_HEALTH_SQL)


@scenario("seller overview first page", repeats=5, warmup=1, target_ms=100, max_peak_mb=100)
def seller_overview_first_page(ctx: BenchContext) -> tuple[int, list[Row]]:
    """seller_overview's default: the first 25 sellers by name, only their rows built."""
    return _overview(ctx)


@comparison("seller overview first page", "sql")
def seller_overview_first_page_sql(ctx: BenchContext) -> tuple[int, list[Row]]:
    return _overview_sql(ctx, _BY_NAME_SQL)
