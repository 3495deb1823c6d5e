"""Seller success for admins (seed 000 step 7): activation, time to first sale and 30-day retention (now, 30 days
ago and as of each month end), the paginated seller overview with stages, and one seller's detail.

Definitions as implemented (`DEFINITIONS` holds the tooltip texts):

- **Approved sellers as of T**: status APPROVED today (not deleted) with `approved_at` before T.
- **First sale**: the seller's earliest `revenue_records` day. **Activation rate** = approved sellers whose
  first sale day is on or before T's date ÷ approved sellers. **Median days to first sale** = median of
  (first sale day − approval date), negative values (sales before approval) counted as 0.
- **30-day retention as of T**: of the sellers approved before T − 30 days, the share with activity in
  [T − 30 days, T): a sale on one of the 30 dates ending T's date, a product published or updated, a login
  (`users.last_login_at`, or a `login` event of the seller's user: sellers' events carry person_id = user id).
- **Previous period**: the same KPI as of now − 30 days. **Trend**: as of the end of each of the last 11 full
  months (local midnight of the next month's first day) and now, oldest first.
- **Stage** (first rule that applies): pending (status PENDING); inactive (suspended or rejected); churned (no
  sale, login, publication, product update or approval in the last 60 days); no_first_sale; new (first sale
  less than 60 days ago); declining (revenue of the last 30 complete days < 70 % of the 30 days before);
  active. Revenue windows are complete days ending yesterday (APP_TIMEZONE), as on the home pages.

Dates are local dates in APP_TIMEZONE. Overview rows never hold an e-mail address, only its mask.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Integer, and_, case, exists, func, literal, or_, select, union_all
from sqlalchemy.orm import Session

from core.config import get_settings
from core.db import UTCDateTime
from core.listing_loader import ScoredListing, score_seller_listings
from core.listing_score import portfolio_score
from core.low_quality import listing_health_by_seller
from core.models import (
    AnalyticsEvent,
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
from core.operator_kpis import KpiValue, money, percent
from core.privacy import mask_email

PERIOD_DAYS = 30
ACTIVITY_DAYS = 30
NEW_SELLER_DAYS = 60
CHURN_DAYS = 60
DECLINE_RATIO = Decimal("0.70")
TREND_MONTHS = 12
STAGES = ("pending", "inactive", "churned", "no_first_sale", "new", "declining", "active")

DEFINITIONS: dict[str, str] = {
    "activation_rate": "Approved sellers who have made their first sale, divided by all approved sellers.",
    "median_days_to_first_sale": "Median number of days from approval to the first sale, over the sellers "
    "who have made one.",
    "retention_30d": "Sellers with activity (a sale, a product published or updated, or a login) in the last "
    "30 days, divided by the sellers approved more than 30 days ago.",
    "previous": "The change compares with the same figure 30 days ago.",
}


@dataclass(frozen=True)
class Milestones:
    seller_id: str
    approved_at: datetime
    first_sale_day: date | None


@dataclass(frozen=True)
class AsOf:
    """One point in time for the KPIs: `at` (exclusive) and the activity window before it."""

    at: datetime
    last_day: date  # the local date of the last instant before `at`

    @property
    def activity_start(self) -> datetime:
        return self.at - timedelta(days=ACTIVITY_DAYS)

    @property
    def first_activity_day(self) -> date:
        return self.last_day - timedelta(days=ACTIVITY_DAYS - 1)


@dataclass(frozen=True)
class SuccessPoint:
    as_of: datetime
    approved: int
    activated: int
    median_days: float | None
    eligible: int  # approved more than 30 days before
    retained: int

    @property
    def activation_rate(self) -> float | None:
        return percent(self.activated, self.approved)

    @property
    def retention_rate(self) -> float | None:
        return percent(self.retained, self.eligible)


@dataclass(frozen=True)
class SellerSuccessKpis:
    current: SuccessPoint
    previous: SuccessPoint
    activation_rate: KpiValue
    median_days_to_first_sale: KpiValue
    retention_30d: KpiValue


# --------------------------------------------------------------------------- pure pieces


def as_of(at: datetime, tz: Any) -> AsOf:
    if at.tzinfo is None:
        raise ValueError(f"naive datetime {at!r}: pass an aware datetime")
    return AsOf(at.astimezone(UTC), (at - timedelta(microseconds=1)).astimezone(tz).date())


def month_end_points(now: datetime, tz: Any, months: int = TREND_MONTHS) -> list[AsOf]:
    """The ends of the `months` − 1 full months before now's month (local midnight of the 1st), then now."""
    if months < 1:
        raise ValueError(f"months must be at least 1, got {months}")
    local = now.astimezone(tz)
    year, month = local.year, local.month
    starts = []
    for _ in range(months - 1):
        starts.append(datetime.combine(date(year, month, 1), time(0), tzinfo=tz))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return [as_of(s, tz) for s in reversed(starts)] + [as_of(now, tz)]


def activation_at(milestones: Sequence[Milestones], point: AsOf, tz: Any) -> tuple[int, int, float | None]:
    """(approved, activated, median days to first sale) as of `point` (see the module docstring)."""
    approved = [m for m in milestones if m.approved_at < point.at]
    activated = [m for m in approved if m.first_sale_day is not None and m.first_sale_day <= point.last_day]
    days = [max(0, (m.first_sale_day - m.approved_at.astimezone(tz).date()).days) for m in activated]  # type: ignore[operator]
    return len(approved), len(activated), float(statistics.median(days)) if days else None


# --------------------------------------------------------------------------- loading


def load_milestones(session: Session) -> list[Milestones]:
    """Approval time and first sale day of every approved seller (one query; MIN per seller on its index)."""
    first_sale = (
        select(func.min(RevenueRecord.day)).where(RevenueRecord.seller_id == SellerProfile.id).scalar_subquery()
    )
    rows = session.execute(select(SellerProfile.id, SellerProfile.approved_at, first_sale).where(*_approved())).all()
    return [Milestones(sid, approved_at, day) for sid, approved_at, day in rows]


def _approved() -> tuple[Any, ...]:
    return (
        SellerProfile.status == SellerStatus.APPROVED,
        SellerProfile.deleted_at.is_(None),
        SellerProfile.approved_at.is_not(None),
    )


def _retention_counts(session: Session, points: Sequence[AsOf]) -> dict[int, tuple[int, int]]:
    """{point index: (eligible, retained)} for every point, in one query over a UNION ALL of the points."""
    rows = [
        select(
            literal(i, Integer).label("idx"),
            literal(p.activity_start, UTCDateTime()).label("lo"),
            literal(p.at, UTCDateTime()).label("hi"),
            literal(p.first_activity_day).label("lo_day"),
            literal(p.last_day).label("hi_day"),
        )
        for i, p in enumerate(points)
    ]
    pts = (union_all(*rows) if len(rows) > 1 else rows[0]).subquery("points")
    s, u, e = SellerProfile, User, AnalyticsEvent
    active = or_(
        exists().where(
            RevenueRecord.seller_id == s.id, RevenueRecord.day >= pts.c.lo_day, RevenueRecord.day <= pts.c.hi_day
        ),
        and_(u.last_login_at >= pts.c.lo, u.last_login_at < pts.c.hi),
        exists().where(
            DigitalProduct.seller_id == s.id,
            or_(
                and_(DigitalProduct.published_at >= pts.c.lo, DigitalProduct.published_at < pts.c.hi),
                and_(DigitalProduct.updated_at >= pts.c.lo, DigitalProduct.updated_at < pts.c.hi),
            ),
        ),
        exists().where(
            e.person_id == u.id, e.event_type == "login", e.occurred_at >= pts.c.lo, e.occurred_at < pts.c.hi
        ),
    )
    stmt = (
        select(pts.c.idx, func.count(s.id), func.coalesce(func.sum(case((active, 1), else_=0)), 0))
        .select_from(pts)
        .join(s, and_(*_approved(), s.approved_at < pts.c.lo))
        .join(u, u.id == s.user_id)
        .group_by(pts.c.idx)
    )
    return {int(i): (int(eligible), int(retained)) for i, eligible, retained in session.execute(stmt)}


def _points(session: Session, points: Sequence[AsOf], tz: Any) -> list[SuccessPoint]:
    milestones = load_milestones(session)
    retention = _retention_counts(session, points)
    out = []
    for i, p in enumerate(points):
        approved, activated, median = activation_at(milestones, p, tz)
        eligible, retained = retention.get(i, (0, 0))
        out.append(SuccessPoint(p.at, approved, activated, median, eligible, retained))
    return out


def seller_success_kpis(session: Session, *, now: datetime, tz: Any = None) -> SellerSuccessKpis:
    """The three KPIs now and 30 days ago (two queries in all)."""
    tz = tz or get_settings().timezone
    current, previous = _points(session, [as_of(now, tz), as_of(now - timedelta(days=PERIOD_DAYS), tz)], tz)
    return SellerSuccessKpis(
        current=current,
        previous=previous,
        activation_rate=KpiValue(
            "activation_rate",
            "Activation rate",
            current.activation_rate,
            previous.activation_rate,
            "percent",
            help=DEFINITIONS["activation_rate"],
        ),
        median_days_to_first_sale=KpiValue(
            "median_days_to_first_sale",
            "Median days to first sale",
            current.median_days,
            previous.median_days,
            "days",
            help=DEFINITIONS["median_days_to_first_sale"],
        ),
        retention_30d=KpiValue(
            "retention_30d",
            "30-day retention",
            current.retention_rate,
            previous.retention_rate,
            "percent",
            help=DEFINITIONS["retention_30d"],
        ),
    )


def seller_success_trend(
    session: Session, *, now: datetime, months: int = TREND_MONTHS, tz: Any = None
) -> list[SuccessPoint]:
    """The three KPIs as of each month end (the last point is now), oldest first; two queries in all."""
    tz = tz or get_settings().timezone
    return _points(session, month_end_points(now, tz, months), tz)


# --------------------------------------------------------------------------- the seller overview

SORT_KEYS = ("name", "revenue_30d", "listing_health", "last_login", "active_goals", "pending_insights")
MAX_PAGE_SIZE = 200


@dataclass(frozen=True)
class SellerFilters:
    search: str = ""  # in display name and username (never the e-mail), case-insensitive
    status: str | None = None  # a SellerStatus value
    stage: str | None = None  # one of STAGES


@dataclass(frozen=True)
class SellerOverviewRow:
    seller_id: str  # for selecting a seller; not meant to be displayed
    display_name: str
    username: str
    email_masked: str
    status: str
    stage: str
    approved_at: datetime | None
    first_sale_day: date | None
    last_login_at: datetime | None
    revenue_30d: Decimal
    revenue_prev_30d: Decimal
    active_goals: int
    pending_insights: int
    listing_health: float | None = None  # average score of the seller's published listings and drafts
    listings_scored: int = 0


@dataclass(frozen=True)
class SellerOverviewPage:
    rows: list[SellerOverviewRow]
    total: int
    page: int
    page_size: int
    sort: str
    descending: bool

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


def revenue_windows(today: date) -> tuple[date, date, date, date]:
    """(last start, last end, previous start, previous end): 30 complete days ending yesterday and the 30 before."""
    last_end = today - timedelta(days=1)
    last_start = last_end - timedelta(days=PERIOD_DAYS - 1)
    prev_end = last_start - timedelta(days=1)
    return last_start, last_end, prev_end - timedelta(days=PERIOD_DAYS - 1), prev_end


def _like(term: str) -> str:
    escaped = term.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _overview_select(now: datetime, tz: Any, filters: SellerFilters) -> Any:
    """One row per seller with every overview column and its stage, as a subquery (filters applied)."""
    today = now.astimezone(tz).date()
    last_start, last_end, prev_start, prev_end = revenue_windows(today)
    rr, dp, s, u = RevenueRecord, DigitalProduct, SellerProfile, User
    recent = (
        select(
            rr.seller_id,
            func.sum(case((rr.day >= last_start, rr.revenue), else_=0)).label("last"),
            func.sum(case((rr.day <= prev_end, rr.revenue), else_=0)).label("prev"),
        )
        .where(rr.day >= prev_start, rr.day <= last_end)
        .group_by(rr.seller_id)
        .subquery("recent")
    )
    goals = _count_by_seller(SellerGoal, SellerGoal.status == GoalStatus.ACTIVE, "goals")
    insights = _count_by_seller(SellerInsight, SellerInsight.status == InsightStatus.PENDING, "insights")
    products = (
        select(dp.seller_id, func.max(dp.published_at).label("published"), func.max(dp.updated_at).label("updated"))
        .where(dp.deleted_at.is_(None))
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
                products.c.updated >= cutoff,
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
            func.coalesce(goals.c.n, 0).label("active_goals"),
            func.coalesce(insights.c.n, 0).label("pending_insights"),
            recent_activity.label("recent_activity"),
        )
        .join(u, u.id == s.user_id)
        .outerjoin(recent, recent.c.seller_id == s.id)
        .outerjoin(goals, goals.c.seller_id == s.id)
        .outerjoin(insights, insights.c.seller_id == s.id)
        .outerjoin(products, products.c.seller_id == s.id)
        .where(s.deleted_at.is_(None))
    )
    if filters.search.strip():
        pattern = _like(filters.search)
        inner = inner.where(
            or_(
                func.lower(s.display_name).like(pattern, escape="\\"), func.lower(u.username).like(pattern, escape="\\")
            )
        )
    if filters.status:
        inner = inner.where(s.status == SellerStatus(filters.status))
    inner = inner.subquery("inner")
    c = inner.c
    # The stage rule of the module docstring, first match wins; computed here so it can be filtered and counted.
    stage = case(
        (c.status == SellerStatus.PENDING.value, "pending"),
        (c.status != SellerStatus.APPROVED.value, "inactive"),
        (c.recent_activity == 0, "churned"),
        (c.first_sale_day.is_(None), "no_first_sale"),
        (c.first_sale_day > today - timedelta(days=NEW_SELLER_DAYS), "new"),
        # × 100 against × 70 keeps the comparison exact on SQLite's floating point sums too.
        (c.revenue_30d * 100 < c.revenue_prev_30d * 70, "declining"),
        else_="active",
    )
    outer = select(*c, stage.label("stage"))
    if filters.stage:
        if filters.stage not in STAGES:
            raise ValueError(f"stage must be one of {', '.join(STAGES)}; got {filters.stage!r}")
        outer = outer.where(stage == filters.stage)
    return outer.subquery("overview")


def _count_by_seller(model: Any, condition: Any, name: str) -> Any:
    return (
        select(model.seller_id, func.count(model.id).label("n"))
        .where(condition, model.deleted_at.is_(None))
        .group_by(model.seller_id)
        .subquery(name)
    )


def _row(r: Any, health: dict[str, tuple[float, int]]) -> SellerOverviewRow:
    average, count = health.get(r.seller_id, (None, 0))
    return SellerOverviewRow(
        seller_id=r.seller_id,
        display_name=r.display_name,
        username=r.username,
        email_masked=mask_email(r.email),
        status=str(r.status),
        stage=r.stage,
        approved_at=r.approved_at,
        first_sale_day=r.first_sale_day,
        last_login_at=r.last_login_at,
        revenue_30d=money(r.revenue_30d),
        revenue_prev_30d=money(r.revenue_prev_30d),
        active_goals=int(r.active_goals),
        pending_insights=int(r.pending_insights),
        listing_health=average,
        listings_scored=count,
    )


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
    """One page of sellers, filtered, sorted and paginated in the database; listing health is scored for the
    page's sellers only. Sorting by listing health needs every filtered seller's average: their listings are
    scored in one bulk load and the page is cut in Python. Ties sort by name, then id; missing values last.
    """
    if sort not in SORT_KEYS:
        raise ValueError(f"sort must be one of {', '.join(SORT_KEYS)}; got {sort!r}")
    if page < 1 or not 1 <= page_size <= MAX_PAGE_SIZE:
        raise ValueError(f"page must be >= 1 and page_size between 1 and {MAX_PAGE_SIZE}")
    tz = tz or get_settings().timezone
    ov = _overview_select(now, tz, filters or SellerFilters())
    total = int(session.scalar(select(func.count()).select_from(ov)) or 0)
    name_order = (func.lower(ov.c.display_name), ov.c.seller_id)
    offset = (page - 1) * page_size
    if sort == "listing_health":
        rows = session.execute(select(ov).order_by(*name_order)).all()
        health = listing_health_by_seller(session, seller_ids=[r.seller_id for r in rows])
        built = [_row(r, health) for r in rows]
        scored = [b for b in built if b.listing_health is not None]
        scored.sort(key=lambda b: b.listing_health or 0.0, reverse=descending)  # stable: name order kept on ties
        built = scored + [b for b in built if b.listing_health is None]
        return SellerOverviewPage(built[offset : offset + page_size], total, page, page_size, sort, descending)
    column = {
        "name": func.lower(ov.c.display_name),
        "revenue_30d": ov.c.revenue_30d,
        "last_login": ov.c.last_login_at,
        "active_goals": ov.c.active_goals,
        "pending_insights": ov.c.pending_insights,
    }[sort]
    stmt = select(ov).order_by(column.is_(None), column.desc() if descending else column.asc(), *name_order)
    rows = session.execute(stmt.limit(page_size).offset(offset)).all()
    health = listing_health_by_seller(session, seller_ids=[r.seller_id for r in rows])
    return SellerOverviewPage([_row(r, health) for r in rows], total, page, page_size, sort, descending)


# --------------------------------------------------------------------------- one seller's detail

DETAIL_DAYS = 90
DETAIL_LIMIT = 50


@dataclass(frozen=True)
class DailyRevenue:
    day: date
    revenue: Decimal
    units: int


@dataclass(frozen=True)
class SellerDetail:
    seller: SellerOverviewRow
    daily: list[DailyRevenue]  # the 90 complete days ending yesterday, zero days included
    goals: list[SellerGoal]  # not deleted; active first, then by deadline
    insights: list[SellerInsight]  # not deleted; newest first
    listings: list[ScoredListing]  # published and drafts, worst first (what the seller's Listing health shows)


def seller_detail(session: Session, *, seller_id: str, now: datetime, tz: Any = None) -> SellerDetail:
    """Everything the admin sees on selecting a seller; LookupError for an unknown or deleted seller."""
    tz = tz or get_settings().timezone
    ov = _overview_select(now, tz, SellerFilters())
    row = session.execute(select(ov).where(ov.c.seller_id == seller_id)).one_or_none()
    if row is None:
        raise LookupError(f"seller {seller_id} not found")
    listings = score_seller_listings(session, seller_id=seller_id)
    health = {seller_id: (portfolio_score(s.score for s in listings), len(listings))} if listings else {}
    last_day = now.astimezone(tz).date() - timedelta(days=1)
    first_day = last_day - timedelta(days=DETAIL_DAYS - 1)
    sums = {
        day: (money(revenue), int(units))
        for day, revenue, units in session.execute(
            select(RevenueRecord.day, func.sum(RevenueRecord.revenue), func.sum(RevenueRecord.units))
            .where(RevenueRecord.seller_id == seller_id, RevenueRecord.day >= first_day, RevenueRecord.day <= last_day)
            .group_by(RevenueRecord.day)
        )
    }
    daily = []
    for offset in range(DETAIL_DAYS):
        day = first_day + timedelta(days=offset)
        revenue, units = sums.get(day, (money(0), 0))
        daily.append(DailyRevenue(day, revenue, units))
    goals = session.scalars(
        select(SellerGoal)
        .where(SellerGoal.seller_id == seller_id, SellerGoal.deleted_at.is_(None))
        .order_by((SellerGoal.status != GoalStatus.ACTIVE), SellerGoal.deadline, SellerGoal.id)
        .limit(DETAIL_LIMIT)
    ).all()
    insights = session.scalars(
        select(SellerInsight)
        .where(SellerInsight.seller_id == seller_id, SellerInsight.deleted_at.is_(None))
        .order_by(SellerInsight.generated_at.desc(), SellerInsight.id)
        .limit(DETAIL_LIMIT)
    ).all()
    return SellerDetail(_row(row, health), daily, list(goals), list(insights), listings)
