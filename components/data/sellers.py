"""The admin's seller reads: the seller-success KPIs and trend, one page of the seller table, one seller's detail
(as plain copies, cached briefly), and the CSV of a whole filter, built only when the admin downloads it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from components.data import cached, clock
from core.config import get_settings
from core.db import session_scope
from core.goals import default_title, format_goal_value, progress_ratio
from core.listings import ScoredListing
from core.periods import DailyPoint
from core.sellers import (
    SellerFilters,
    SellerOverviewPage,
    SellerOverviewRow,
    SellerSuccess,
    all_seller_overview_rows,
    seller_detail,
    seller_overview,
    seller_overview_csv,
    seller_success,
)

KPI_TTL_SECONDS = 600
TABLE_TTL_SECONDS = 120
PAGE_SIZE = 25


@cached("sellers", ttl=KPI_TTL_SECONDS)
def kpis_and_trend(day: date) -> SellerSuccess:
    now = clock.now()
    with session_scope() as session:
        return seller_success(session, now=now)


@cached("sellers", ttl=TABLE_TTL_SECONDS)
def overview_page(
    search: str, status: str | None, stage: str | None, sort: str, desc: bool, page: int, day: date
) -> SellerOverviewPage:
    with session_scope() as session:
        return seller_overview(
            session,
            now=clock.now(),
            filters=SellerFilters(search, status, stage),
            sort=sort,
            descending=desc,
            page=page,
            page_size=PAGE_SIZE,
        )


@dataclass(frozen=True)
class GoalLine:
    title: str
    target: str
    current: str
    progress: float  # percent
    deadline: date
    status: str


@dataclass(frozen=True)
class InsightLine:
    generated_at: datetime
    type: str
    priority: str
    status: str
    title: str


@dataclass(frozen=True)
class DetailView:
    seller: SellerOverviewRow
    daily: list[DailyPoint]  # the 90 complete days ending yesterday
    goals: list[GoalLine]
    insights: list[InsightLine]
    listings: list[ScoredListing]


@cached("sellers", ttl=TABLE_TTL_SECONDS, show_spinner="Loading the seller…")
def detail(seller_id: str, day: date) -> DetailView | None:
    """Plain copies of the detail (ORM rows are not cached); None when the seller is gone."""
    tz = get_settings().timezone
    with session_scope() as session:
        try:
            found = seller_detail(session, seller_id=seller_id, now=clock.now())
        except LookupError:
            return None
        goals = [
            GoalLine(
                title=g.title or default_title(g.type, g.target_value, g.deadline.astimezone(tz).date()),
                target=format_goal_value(g.type, g.target_value),
                current=format_goal_value(g.type, g.current_value),
                progress=round(min(progress_ratio(g.current_value, g.target_value), 1.0) * 100, 1),
                deadline=g.deadline.astimezone(tz).date(),
                status=str(g.status).title(),
            )
            for g in found.goals
        ]
        insights = [
            InsightLine(i.generated_at, _words(i.insight_type), _words(i.priority), _words(i.status), i.title)
            for i in found.insights
        ]
    daily = [DailyPoint(d.day, d.revenue, d.units) for d in found.daily]
    return DetailView(found.seller, daily, goals, insights, found.listings)


def csv_download(filters: SellerFilters, sort: str, descending: bool) -> Callable[[], bytes]:
    """What the download button calls when clicked: every seller of the filter (not just this page), as CSV."""

    def build() -> bytes:
        with session_scope() as session:
            rows = all_seller_overview_rows(session, now=clock.now(), filters=filters, sort=sort, descending=descending)
        return seller_overview_csv(rows).encode("utf-8")

    return build


def _words(value: object) -> str:
    return str(value).replace("_", " ").capitalize()
