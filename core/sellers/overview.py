"""The admin's seller overview (seed 000 step 7): every seller with stage, 30-day revenue, goals, insights and
listing health, filtered, sorted and paginated in the database; the category choices of the admin filters. The row
types, one row and the CSV export are `core.sellers.overview_rows`; one seller's detail is `core.sellers.detail`;
the seller-success KPIs and their trend are in `core.sellers.success`.

- **Stage** (first rule that applies): pending (status PENDING); inactive (suspended or rejected); churned (no
  seller activity in the last 60 days: a sale, a login, a product published, a listing edit or a price change
  saved by the seller's own account, or the approval. A product's `updated_at` is not activity: the marketplace
  touches it too — counters, status, an admin's change); no_first_sale; new (first sale
  less than 60 days ago); declining (the rule of `core.sales.trends`, the one a seller's trend uses: the last
  90 complete days under 60 % of the same 90 days a year earlier when the seller was already selling on the
  first of them, else under 60 % of their best 90-day block of the last 360 days); active. Revenue windows are
  complete days ending yesterday (APP_TIMEZONE), as on the home pages (`core.sellers.success.revenue_windows`).

Listing health is the mean of the seller's stored listing scores (`core.listings.persisted`, published listings and
drafts), aggregated in SQL. Sorted by name, last login or listing health without a stage filter, the page's
sellers are picked first and only their 25 rows are computed.

Dates are local dates in APP_TIMEZONE. Overview rows never hold an e-mail address, only its mask.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, func, or_, select, true
from sqlalchemy.orm import Session

from core.config import get_settings
from core.db import hundredths
from core.listings.low_quality import average_health, health_from, listing_health_by_seller
from core.models import (
    Category,
    DigitalProduct,
    GoalStatus,
    InsightStatus,
    RevenueRecord,
    SellerGoal,
    SellerInsight,
    SellerProfile,
    SellerStatus,
    User,
)
from core.sales.trends import BLOCKS, DECLINE_SHARE, add_months, trend_windows
from core.sellers.overview_rows import (
    MAX_PAGE_SIZE,
    SORT_KEYS,
    STAGES,
    SellerFilters,
    SellerOverviewPage,
    SellerOverviewRow,
    overview_row,
)
from core.sellers.success import revenue_windows, seller_edited
from core.text_input import clean_search

NEW_SELLER_DAYS = 60
CHURN_DAYS = 60


def _like(term: str) -> str:
    """A LIKE pattern for a cleaned search term (`%`, `_` and the escape character literal)."""
    escaped = term.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _seller_filters(filters: SellerFilters) -> list[Any]:
    """The WHERE of the search box and the status filter, on `SellerProfile` joined to `User`."""
    s, u = SellerProfile, User
    conditions: list[Any] = [s.deleted_at.is_(None)]
    # The search box is cleaned, not refused: a NUL or a zero-width character is dropped and the rest searched.
    search = clean_search(filters.search)
    if search:
        pattern = _like(search)
        conditions.append(
            or_(
                func.lower(s.display_name).like(pattern, escape="\\"), func.lower(u.username).like(pattern, escape="\\")
            )
        )
    if filters.status:
        conditions.append(s.status == SellerStatus(filters.status))
    return conditions


def overview_query(now: datetime, tz: Any, filters: SellerFilters, seller_ids: Sequence[str] | None = None) -> Any:
    """One row per seller with every overview column and its stage, as a subquery (filters applied).

    With `seller_ids`, only those sellers (every aggregate is narrowed to them first: a page of 25 sellers
    reads their rows, not the marketplace's)."""
    only = (lambda column: column.in_(list(seller_ids))) if seller_ids is not None else (lambda column: true())
    today = now.astimezone(tz).date()
    last_start, last_end, prev_start, prev_end = revenue_windows(today)
    windows = trend_windows(today)  # the 90-day blocks of the declining rule (`core.sales.trends`)
    rr, dp, s, u = RevenueRecord, DigitalProduct, SellerProfile, User
    cents = hundredths(rr.revenue)
    recent = (
        select(
            rr.seller_id,
            func.sum(case((and_(rr.day >= last_start, rr.day <= last_end), rr.revenue), else_=0)).label("last"),
            func.sum(case((and_(rr.day >= prev_start, rr.day <= prev_end), rr.revenue), else_=0)).label("prev"),
            *(
                func.sum(case((and_(rr.day >= b.start, rr.day <= b.end), cents), else_=0)).label(f"cents_{i}")
                for i, b in enumerate(windows.blocks)
            ),
            *(
                func.sum(case((and_(rr.day >= ms[0], rr.day < add_months(ms[-1], 1)), cents), else_=0)).label(name)
                for name, ms in (("cents_12m", windows.months), ("cents_prev_12m", windows.earlier_months))
            ),
        )
        .where(rr.day >= windows.first_day, rr.day <= last_end, only(rr.seller_id))
        .group_by(rr.seller_id)
        .subquery("recent")
    )
    goals = _count_by_seller(
        SellerGoal, and_(SellerGoal.status == GoalStatus.ACTIVE, only(SellerGoal.seller_id)), "goals"
    )
    insights = _count_by_seller(
        SellerInsight, and_(SellerInsight.status == InsightStatus.PENDING, only(SellerInsight.seller_id)), "insights"
    )
    products = (
        select(dp.seller_id, func.max(dp.published_at).label("published"))
        .where(dp.deleted_at.is_(None), only(dp.seller_id))
        .group_by(dp.seller_id)
        .subquery("products")
    )
    first_sale = select(func.min(rr.day)).where(rr.seller_id == s.id).scalar_subquery()
    last_sale = select(func.max(rr.day)).where(rr.seller_id == s.id).scalar_subquery()
    cutoff = now - timedelta(days=CHURN_DAYS)
    recent_activity = case(
        (
            or_(
                last_sale >= today - timedelta(days=CHURN_DAYS - 1),
                u.last_login_at >= cutoff,
                products.c.published >= cutoff,
                seller_edited(s, cutoff),
                s.approved_at >= cutoff,
            ),
            1,
        ),
        else_=0,
    )
    inner = (
        select(
            s.id.label("seller_id"),
            s.display_name,
            u.username,
            u.email,
            s.status,
            s.approved_at,
            u.last_login_at,
            first_sale.label("first_sale_day"),
            func.coalesce(recent.c.last, 0).label("revenue_30d"),
            func.coalesce(recent.c.prev, 0).label("revenue_prev_30d"),
            *(func.coalesce(recent.c[f"cents_{i}"], 0).label(f"cents_{i}") for i in range(len(windows.blocks))),
            func.coalesce(recent.c.cents_12m, 0).label("cents_12m"),
            func.coalesce(recent.c.cents_prev_12m, 0).label("cents_prev_12m"),
            func.coalesce(goals.c.n, 0).label("active_goals"),
            func.coalesce(insights.c.n, 0).label("pending_insights"),
            recent_activity.label("recent_activity"),
        )
        .join(u, u.id == s.user_id)
        .outerjoin(recent, recent.c.seller_id == s.id)
        .outerjoin(goals, goals.c.seller_id == s.id)
        .outerjoin(insights, insights.c.seller_id == s.id)
        .outerjoin(products, products.c.seller_id == s.id)
        .where(*_seller_filters(filters), only(s.id))
    )
    inner = inner.subquery("inner")
    c = inner.c
    # The stage rule of the module docstring, first match wins; computed here so it can be filtered and counted.
    stage = case(
        (c.status == SellerStatus.PENDING.value, "pending"),
        (c.status != SellerStatus.APPROVED.value, "inactive"),
        (c.recent_activity == 0, "churned"),
        (c.first_sale_day.is_(None), "no_first_sale"),
        (c.first_sale_day > today - timedelta(days=NEW_SELLER_DAYS), "new"),
        (_declining(c, windows.year_earlier_90.start), "declining"),
        else_="active",
    )
    outer = select(*c, stage.label("stage"), _changes(c, windows.earlier_months[0]))
    if filters.stage:
        if filters.stage not in STAGES:
            raise ValueError(f"stage must be one of {', '.join(STAGES)}; got {filters.stage!r}")
        outer = outer.where(stage == filters.stage)
    return outer.subquery("overview")


def _declining(c: Any, year_earlier_start: date) -> Any:
    """`core.sales.trends.is_declining` in SQL, on integer cents (exact on both databases): the last 90 days
    (cents_0) × 100 under the comparison × 60, the comparison being the same 90 days a year earlier (cents_4) with
    a year of history, else the best 90-day block (cents_1..3; the last block itself can never be undercut)."""
    share = int(DECLINE_SHARE * 100)
    under = [c.cents_0 * 100 < c[f"cents_{i}"] * share for i in range(1, BLOCKS)]
    year = c.first_sale_day <= year_earlier_start
    return or_(and_(year, c.cents_0 * 100 < c[f"cents_{BLOCKS}"] * share), and_(~year, or_(*under)))


def _changes(c: Any, earlier_start: date) -> Any:  # the 12-month change as a ratio (NULL: no base / no year)
    known = and_(c.first_sale_day <= earlier_start, c.cents_prev_12m > 0)
    ratio = (c.cents_12m - c.cents_prev_12m) * 1.0 / case((known, c.cents_prev_12m), else_=None)
    return ratio.label("ratio_12m")


def _count_by_seller(model: Any, condition: Any, name: str) -> Any:
    return (
        select(model.seller_id, func.count(model.id).label("n"))
        .where(condition, model.deleted_at.is_(None))
        .group_by(model.seller_id)
        .subquery(name)
    )


def _check_sort(sort: str) -> None:
    if sort not in SORT_KEYS:
        raise ValueError(f"sort must be one of {', '.join(SORT_KEYS)}; got {sort!r}")


def _health() -> Any:
    """Per seller: the sum of their listings' stored scores in tenths and the number of listings (the listings
    their Listing health page shows), and the exact average for sorting."""
    grouped = health_from().subquery("health_sums")
    average = (grouped.c.tenths * 1.0 / grouped.c.listings).label("average")
    return select(grouped.c.seller_id, grouped.c.tenths, grouped.c.listings, average).subquery("health")


_SORT_COLUMNS = {
    "revenue_30d": "revenue_30d",
    "last_login": "last_login_at",
    "active_goals": "active_goals",
    "pending_insights": "pending_insights",
    "change_12m": "ratio_12m",
}


def _order(sort: str, descending: bool, c: Any, name: Any, seller_id: Any, health: Any) -> list[Any]:
    """ORDER BY of `sort` over columns `c` (the overview's, or the user's for last login): missing values last,
    ties by name, then id."""
    if sort == "name":
        column = name
    elif sort == "listing_health":
        column = health.c.average
    elif sort == "change_90d":
        column = (c.cents_0 - c.cents_1) * 1.0 / case((c.cents_1 > 0, c.cents_1), else_=None)
    else:
        column = getattr(c, _SORT_COLUMNS[sort])
    return [column.is_(None), column.desc() if descending else column.asc(), name, seller_id]


PAGED_FIRST = ("name", "last_login", "listing_health")
"""Sorts that need no revenue or stage column: without a stage filter the page's sellers are chosen first and
only their overview rows are computed."""


def _sorted_rows(
    session: Session,
    *,
    now: datetime,
    tz: Any,
    filters: SellerFilters,
    sort: str,
    descending: bool,
    offset: int = 0,
    limit: int | None = None,
) -> tuple[list[SellerOverviewRow], int]:
    """(rows in the chosen order cut to [offset, offset + limit) (all for None), number of filtered sellers).

    Listing health comes from the stored scores (`core.listings.persisted`), aggregated in SQL. Sorted by name,
    last login or listing health without a stage filter, the page's ids are picked from the sellers table (and
    the health aggregate) first, and only those sellers' overview rows are computed. Ties sort by name, then id;
    missing values last.
    """
    health = _health() if sort == "listing_health" else None
    scores: dict[str, tuple[float, int]] | None = None
    if not filters.stage and sort in PAGED_FIRST:
        s, u = SellerProfile, User
        columns = [s.id, func.count().over().label("total")]
        pick = select(*columns).join(u, u.id == s.user_id).where(*_seller_filters(filters))
        if health is not None:
            pick = pick.add_columns(health.c.tenths, health.c.listings)
            pick = pick.outerjoin(health, health.c.seller_id == s.id)
        pick = pick.order_by(*_order(sort, descending, u, func.lower(s.display_name), s.id, health)).offset(offset)
        if limit is not None:
            pick = pick.limit(limit)
        picked = session.execute(pick).all()
        if not picked:  # past the last page: the count alone
            base = select(s.id).join(u, u.id == s.user_id).where(*_seller_filters(filters)).subquery()
            return [], int(session.scalar(select(func.count()).select_from(base)) or 0)
        total = int(picked[0].total)
        ids = [r.id for r in picked]
        if health is not None:  # the page's health came with the sort
            scores = {
                r.id: (average, int(r.listings))
                for r in picked
                if (average := average_health(r.tenths, r.listings)) is not None
            }
        ov = overview_query(now, tz, filters, seller_ids=ids)
        found = {r.seller_id: r for r in session.execute(select(ov))}
        rows = [found[i] for i in ids if i in found]
    else:
        ov = overview_query(now, tz, filters)
        total = int(session.scalar(select(func.count()).select_from(ov)) or 0)
        stmt = select(ov)
        if health is not None:
            stmt = stmt.outerjoin(health, health.c.seller_id == ov.c.seller_id)
        stmt = stmt.order_by(*_order(sort, descending, ov.c, func.lower(ov.c.display_name), ov.c.seller_id, health))
        if limit is not None:
            stmt = stmt.limit(limit).offset(offset)
        elif offset:
            stmt = stmt.offset(offset)
        rows = list(session.execute(stmt))
    if scores is None:
        scores = listing_health_by_seller(session, seller_ids=[r.seller_id for r in rows])
    return [overview_row(r, scores) for r in rows], total


def seller_overview(
    session: Session,
    *,
    now: datetime,
    filters: SellerFilters | None = None,
    sort: str = "name",
    descending: bool = False,
    page: int = 1,
    page_size: int = 25,
    tz: Any = None,
) -> SellerOverviewPage:
    """One page of sellers, filtered, sorted and paginated in the database (listing health from the stored
    scores); only the page's sellers' rows are built."""
    _check_sort(sort)
    if page < 1 or not 1 <= page_size <= MAX_PAGE_SIZE:
        raise ValueError(f"page must be >= 1 and page_size between 1 and {MAX_PAGE_SIZE}")
    tz = tz or get_settings().timezone
    rows, total = _sorted_rows(
        session,
        now=now,
        tz=tz,
        filters=filters or SellerFilters(),
        sort=sort,
        descending=descending,
        offset=(page - 1) * page_size,
        limit=page_size,
    )
    return SellerOverviewPage(rows, total, page, page_size, sort, descending)


def all_seller_overview_rows(
    session: Session,
    *,
    now: datetime,
    filters: SellerFilters | None = None,
    sort: str = "name",
    descending: bool = False,
    tz: Any = None,
) -> list[SellerOverviewRow]:
    """Every seller matching `filters`, in the overview's order (one query, listing health scored in bulk):
    the CSV export of the current filter, read only when an admin asks for it."""
    _check_sort(sort)
    tz = tz or get_settings().timezone
    f = filters or SellerFilters()
    return _sorted_rows(session, now=now, tz=tz, filters=f, sort=sort, descending=descending)[0]


def category_choices(session: Session) -> list[tuple[str, str]]:
    """(id, name) of every active category, by name: the admin tables' category filter."""
    return [
        (cid, name)
        for cid, name in session.execute(
            select(Category.id, Category.name).where(Category.is_active.is_(True)).order_by(Category.name, Category.id)
        )
    ]
