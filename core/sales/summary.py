"""The numbers on the two home pages: a seller's last 30 days and the marketplace's, with daily series.

Windows, daily points and totals are `core.periods`'; money and the percent change are `core.money`'s. Admin Home's
daily revenue and selling sellers read the daily roll-up the `rollups` job keeps (`core.analytics.daily_sales`) for
the days it holds and `revenue_records` for the rest, with the same result.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.analytics.daily_sales import daily_from_rollups, rolled_through, selling_sellers_from_rollups
from core.models import DigitalProduct, ProductStatus, RevenueRecord, SellerProfile, SellerStatus
from core.money import percent_change, to_cents
from core.periods import DailyPoint, Window, complete_days, fill_missing_days, window_totals

PERIOD_DAYS = 30
SERIES_DAYS = 90


@dataclass(frozen=True)
class SellerHomeSummary:
    seller_id: str
    period: Window
    previous_period: Window
    revenue: Decimal
    previous_revenue: Decimal
    units: int
    previous_units: int
    live_products: int
    has_any_sale: bool
    daily: list[DailyPoint]

    @property
    def revenue_change(self) -> Decimal | None:
        """Percent change on the previous period (`core.money.percent_change`)."""
        return percent_change(self.revenue, self.previous_revenue)

    @property
    def units_change(self) -> Decimal | None:
        return percent_change(self.units, self.previous_units)


@dataclass(frozen=True)
class AdminHomeSummary:
    period: Window
    previous_period: Window
    sellers_by_status: dict[SellerStatus, int]
    selling_sellers: int
    live_products: int
    gmv: Decimal
    previous_gmv: Decimal
    units: int
    previous_units: int
    daily: list[DailyPoint]

    @property
    def total_sellers(self) -> int:
        return sum(self.sellers_by_status.values())

    @property
    def gmv_change(self) -> Decimal | None:
        return percent_change(self.gmv, self.previous_gmv)


# --- pure helpers -------------------------------------------------------------------------------


def home_windows(today: date) -> tuple[Window, Window, Window]:
    """(period, previous period, chart series) of complete days ending yesterday (`core.periods.complete_days`).

    Both 30-day periods lie inside the 90-day series, so one daily query serves all three.
    """
    period = complete_days(PERIOD_DAYS, today=today)
    return period, period.previous(), complete_days(SERIES_DAYS, today=today)


# --- loading ------------------------------------------------------------------------------------


def _selling_sellers(session: Session, *, window: Window) -> int:
    """Distinct sellers with at least one sale in `window`."""
    stmt = select(func.count(func.distinct(RevenueRecord.seller_id))).where(
        RevenueRecord.day >= window.start, RevenueRecord.day <= window.end
    )
    return int(session.scalar(stmt) or 0)


def _daily_rows(session: Session, *, window: Window, seller_id: str | None) -> list[tuple[date, Decimal, int]]:
    stmt = (
        select(RevenueRecord.day, func.sum(RevenueRecord.revenue), func.sum(RevenueRecord.units))
        .where(RevenueRecord.day >= window.start, RevenueRecord.day <= window.end)
        .group_by(RevenueRecord.day)
    )
    if seller_id is not None:
        stmt = stmt.where(RevenueRecord.seller_id == seller_id)
    # SQLite sums NUMERIC as float: to cents so both databases hand back the same amounts.
    return [(day, to_cents(revenue), int(units)) for day, revenue, units in session.execute(stmt)]


def _live_products(session: Session, *, seller_id: str | None) -> int:
    stmt = select(func.count(DigitalProduct.id)).where(
        DigitalProduct.status == ProductStatus.PUBLISHED, DigitalProduct.deleted_at.is_(None)
    )
    if seller_id is not None:
        stmt = stmt.where(DigitalProduct.seller_id == seller_id)
    return int(session.scalar(stmt) or 0)


def seller_home_summary(session: Session, *, seller_id: str, now: datetime) -> SellerHomeSummary:
    """A seller's last 30 complete days against the 30 before, live products and 90 days of daily revenue.

    The day of `now` (in `now`'s own time zone) is "today"; pass `now` in the marketplace's zone.
    """
    period, previous, series = home_windows(now.date())
    daily = fill_missing_days(_daily_rows(session, window=series, seller_id=seller_id), series)
    revenue, units = window_totals(daily, period)
    prev_revenue, prev_units = window_totals(daily, previous)
    has_any_sale = (
        session.scalar(select(RevenueRecord.id).where(RevenueRecord.seller_id == seller_id).limit(1)) is not None
    )
    return SellerHomeSummary(
        seller_id=seller_id,
        period=period,
        previous_period=previous,
        revenue=revenue,
        previous_revenue=prev_revenue,
        units=units,
        previous_units=prev_units,
        live_products=_live_products(session, seller_id=seller_id),
        has_any_sale=has_any_sale,
        daily=daily,
    )


def _marketplace_daily(session: Session, *, series: Window, until: date | None) -> list[tuple[date, Decimal, int]]:
    """The marketplace's daily rows: rolled-up days before `until`, `revenue_records` for the days after."""
    if until is None or until <= series.start:
        return _daily_rows(session, window=series, seller_id=None)
    rows = [
        (day, to_cents(revenue), units)
        for day, revenue, units in daily_from_rollups(session, series.start, series.end, until)
    ]
    if until <= series.end:
        rows += _daily_rows(session, window=Window(until, series.end), seller_id=None)
    return rows


def admin_home_summary(session: Session, *, now: datetime) -> AdminHomeSummary:
    """The marketplace at a glance: sellers by status, live products, 30-day GMV and 90 days of daily GMV."""
    period, previous, series = home_windows(now.date())
    until = rolled_through(session)
    daily = fill_missing_days(_marketplace_daily(session, series=series, until=until), series)
    gmv, units = window_totals(daily, period)
    prev_gmv, prev_units = window_totals(daily, previous)
    status_rows = session.execute(
        select(SellerProfile.status, func.count(SellerProfile.id))
        .where(SellerProfile.deleted_at.is_(None))
        .group_by(SellerProfile.status)
    ).all()
    by_status = {status: 0 for status in SellerStatus}
    for status, count in status_rows:
        by_status[SellerStatus(status)] = int(count)
    return AdminHomeSummary(
        period=period,
        previous_period=previous,
        sellers_by_status=by_status,
        selling_sellers=selling_sellers_from_rollups(session, period.start, period.end)
        if until is not None and period.end < until
        else _selling_sellers(session, window=period),
        live_products=_live_products(session, seller_id=None),
        gmv=gmv,
        previous_gmv=prev_gmv,
        units=units,
        previous_units=prev_units,
        daily=daily,
    )
