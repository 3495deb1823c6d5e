"""Seller success for admins (seed 000 step 7): activation, time to first sale and 30-day retention (now, 30 days
ago and as of each month end). The seller overview table and one seller's detail are in `core.sellers.overview`.

Definitions as implemented (`DEFINITIONS` holds the tooltip texts):

- **Approved sellers as of T**: status APPROVED today (not deleted) with `approved_at` before T.
- **First sale**: the seller's earliest `revenue_records` day. **Activation rate** = approved sellers whose
  first sale day is on or before T's date ÷ approved sellers. **Median days to first sale** = median of
  (first sale day − approval date), negative values (sales before approval) counted as 0.
- **30-day retention as of T**: of the sellers approved before T − 30 days, the share with activity on one of the
  30 local dates ending T's date: a sale on one of them, a product published, a listing edit or a price
  change saved by the seller's own account (`seller_edited`; a product's `updated_at` is not activity, the
  marketplace touches it too), a login (`users.last_login_at`, or a `login` event of the seller's user: sellers'
  events carry person_id = user id). The seller overview's churn rule reads the same kinds of activity. The
  active sellers come from the monthly activity roll-up (`core.sellers.activity`) when it reaches back far
  enough, else from the raw tables (`_retention_counts`, the reference it is tested against).
- **Previous period**: the same KPI as of now − 30 days. **Trend**: as of the end of each of the last 11 full
  months (local midnight of the next month's first day) and now, oldest first.
- **Revenue windows** (`revenue_windows`): 30 complete days ending yesterday (APP_TIMEZONE) and the 30 before,
  as on the home pages.

Dates are local dates in APP_TIMEZONE.
"""

from __future__ import annotations

import statistics
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Integer, and_, case, exists, func, literal, or_, select, union_all
from sqlalchemy.orm import Session

from core.analytics.kpis import KpiValue, percent_value
from core.config import get_settings
from core.db import UTCDateTime
from core.models import (
    AnalyticsEvent,
    DigitalProduct,
    ListingEdit,
    PriceChange,
    RevenueRecord,
    SellerProfile,
    SellerStatus,
    User,
)
from core.periods import complete_days, require_aware, start_of_day
from core.sellers.activity import ActivityWindow, rolled_active_counts, rolled_activity, rolled_first_sales

PERIOD_DAYS = 30
ACTIVITY_DAYS = 30
TREND_MONTHS = 12

DEFINITIONS: dict[str, str] = {
    "activation_rate": "Approved sellers who have made their first sale, divided by all approved sellers.",
    "median_days_to_first_sale": "Median number of days from approval to the first sale, over the sellers "
    "who have made one.",
    "retention_30d": "Sellers with activity (a sale, a login, a product published, a listing or price edited by "
    "the seller) in the last 30 days, divided by the sellers approved more than 30 days ago.",
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
        return percent_value(self.activated, self.approved)

    @property
    def retention_rate(self) -> float | None:
        return percent_value(self.retained, self.eligible)


@dataclass(frozen=True)
class SellerSuccessKpis:
    current: SuccessPoint
    previous: SuccessPoint
    activation_rate: KpiValue
    median_days_to_first_sale: KpiValue
    retention_30d: KpiValue


# --------------------------------------------------------------------------- pure pieces


def as_of(at: datetime, tz: Any) -> AsOf:
    require_aware(at)
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
    return _activation(_prepared(milestones, tz), point)


# (approved at, first sale day, days from the local approval day to it, at least 0) per seller
_Prepared = list[tuple[datetime, date | None, int]]


def _prepared(milestones: Sequence[Milestones], tz: Any) -> _Prepared:
    """Each milestone's days to first sale, computed once for all the points."""
    return [
        (
            m.approved_at,
            m.first_sale_day,
            0 if m.first_sale_day is None else max(0, (m.first_sale_day - m.approved_at.astimezone(tz).date()).days),
        )
        for m in milestones
    ]


def _activation(prepared: _Prepared, point: AsOf) -> tuple[int, int, float | None]:
    approved, days = 0, []
    for approved_at, first_sale_day, to_first_sale in prepared:
        if approved_at < point.at:
            approved += 1
            if first_sale_day is not None and first_sale_day <= point.last_day:
                days.append(to_first_sale)
    return approved, len(days), float(statistics.median(days)) if days else None


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


def seller_edited(seller: Any, since: Any, until: Any = None) -> Any:
    """SQL: the seller saved a listing edit or a price change with their own account in [since, until) (no end for
    None); an admin's change to their product is not the seller's activity. Bounds may be columns."""

    def own(model: Any) -> Any:
        window = [model.created_at >= since] + ([model.created_at < until] if until is not None else [])
        return exists().where(model.seller_id == seller.id, model.changed_by_user_id == seller.user_id, *window)

    return or_(own(ListingEdit), own(PriceChange))


def _retention_counts(session: Session, points: Sequence[AsOf], tz: Any) -> dict[int, tuple[int, int]]:
    """{point index: (eligible, retained)} for every point from the raw tables, in one query over a UNION ALL of
    the points: the reference the roll-up (`core.sellers.activity`) is tested against, and the answer without it."""
    rows = [
        select(
            literal(i, Integer).label("idx"),
            literal(p.activity_start, UTCDateTime()).label("approved_before"),
            literal(start_of_day(p.first_activity_day, tz), UTCDateTime()).label("lo"),
            literal(start_of_day(p.last_day + timedelta(days=1), tz), UTCDateTime()).label("hi"),
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
            DigitalProduct.published_at >= pts.c.lo,
            DigitalProduct.published_at < pts.c.hi,
        ),
        seller_edited(s, pts.c.lo, pts.c.hi),
        exists().where(
            e.person_id == u.id, e.event_type == "login", e.occurred_at >= pts.c.lo, e.occurred_at < pts.c.hi
        ),
    )
    stmt = (
        select(pts.c.idx, func.count(s.id), func.coalesce(func.sum(case((active, 1), else_=0)), 0))
        .select_from(pts)
        .join(s, and_(*_approved(), s.approved_at < pts.c.approved_before))
        .join(u, u.id == s.user_id)
        .group_by(pts.c.idx)
    )
    return {int(i): (int(eligible), int(retained)) for i, eligible, retained in session.execute(stmt)}


def _points(session: Session, points: Sequence[AsOf], tz: Any) -> tuple[list[SuccessPoint], datetime | None]:
    """The points, and up to when activity was counted (the roll-up's reach; None: live from the raw tables)."""
    rolled = rolled_activity(session, tz)
    windows = [ActivityWindow(p.activity_start, p.first_activity_day, p.last_day) for p in points]
    through: datetime | None = None
    if rolled is not None and rolled.first <= min(w.first for w in windows):
        milestones = [Milestones(*row) for row in rolled_first_sales(session, *_approved())]
        active = rolled_active_counts(session, windows)
        approval_times = sorted(m.approved_at for m in milestones)
        retention = {
            i: (bisect_left(approval_times, w.approved_before), active.get(i, 0)) for i, w in enumerate(windows)
        }
        through = rolled.through
    else:
        milestones = load_milestones(session)
        retention = _retention_counts(session, points, tz)
    prepared = _prepared(milestones, tz)
    out = []
    for i, p in enumerate(points):
        approved, activated, median = _activation(prepared, p)
        eligible, retained = retention.get(i, (0, 0))
        out.append(SuccessPoint(p.at, approved, activated, median, eligible, retained))
    return out, through


def seller_success_kpis(session: Session, *, now: datetime, tz: Any = None) -> SellerSuccessKpis:
    """The three KPIs now and 30 days ago."""
    tz = tz or get_settings().timezone
    (current, previous), _through = _points(session, [as_of(now, tz), as_of(now - timedelta(days=PERIOD_DAYS), tz)], tz)
    return _kpis(current, previous)


def _kpis(current: SuccessPoint, previous: SuccessPoint) -> SellerSuccessKpis:
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
    """The three KPIs as of each month end (the last point is now), oldest first."""
    tz = tz or get_settings().timezone
    return _points(session, month_end_points(now, tz, months), tz)[0]


@dataclass(frozen=True)
class SellerSuccess:
    """The page's figures: the KPIs, their 12-month trend and up to when activity was counted."""

    kpis: SellerSuccessKpis
    trend: list[SuccessPoint]
    activity_through: datetime | None  # the activity roll-up's reach; None: counted live from the raw tables


def seller_success(session: Session, *, now: datetime, months: int = TREND_MONTHS, tz: Any = None) -> SellerSuccess:
    """`seller_success_kpis` and `seller_success_trend` together: the month ends, now and 30 days ago in one pass
    (one read of the sellers' first sales, one retention statement)."""
    tz = tz or get_settings().timezone
    points, through = _points(
        session, [*month_end_points(now, tz, months), as_of(now - timedelta(days=PERIOD_DAYS), tz)], tz
    )
    trend, previous = points[:-1], points[-1]
    return SellerSuccess(_kpis(trend[-1], previous), trend, through)


# --------------------------------------------------------------------------- revenue windows


def revenue_windows(today: date) -> tuple[date, date, date, date]:
    """(last start, last end, previous start, previous end): 30 complete days ending yesterday and the 30 before."""
    last = complete_days(PERIOD_DAYS, today=today)
    previous = last.previous()
    return last.start, last.end, previous.start, previous.end
