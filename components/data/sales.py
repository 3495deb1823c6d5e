"""The home pages' numbers: a seller's and the marketplace's last 30 days and daily revenue, and the seller's
12-month trend (cached per day)."""

from __future__ import annotations

from datetime import date, datetime, time

from components.data import cached
from core.config import get_settings
from core.db import session_scope
from core.sales import SellerTrend, load_seller_trend
from core.sales import summary as home

SUMMARY_TTL_SECONDS = 300


def _start_of(day: date) -> datetime:
    # The summaries only look at the calendar day of `now`, read in `now`'s own zone: so the marketplace's zone
    # (not UTC, whose date may be the day before). Cache keys are days, not seconds.
    return datetime.combine(day, time.min, tzinfo=get_settings().timezone)


@cached("sales", ttl=SUMMARY_TTL_SECONDS, show_spinner="Loading your numbers…")
def seller_home(seller_id: str, day: date) -> home.SellerHomeSummary:
    with session_scope() as session:
        return home.seller_home_summary(session, seller_id=seller_id, now=_start_of(day))


@cached("sales", ttl=SUMMARY_TTL_SECONDS, show_spinner="Loading the marketplace…")
def admin_home(day: date) -> home.AdminHomeSummary:
    with session_scope() as session:
        return home.admin_home_summary(session, now=_start_of(day))


@cached("sales", ttl=SUMMARY_TTL_SECONDS, show_spinner="Loading your last 12 months…")
def seller_trend(seller_id: str, day: date) -> SellerTrend:
    """The seller's trend (`core.sales.trends`) with `day` (the marketplace's today) as today."""
    with session_scope() as session:
        return load_seller_trend(session, seller_id=seller_id, today=day)
