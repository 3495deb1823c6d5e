"""The Performance page's reads: a seller's figures for a period against the one before, and the channel report,
loaded together (one read of the orders for both sections) and cached briefly per seller and period (orders keep
coming in; two minutes old is fresh enough for a report)."""

from __future__ import annotations

from datetime import date

from components.data import cached
from core.db import session_scope
from core.sales.channel_report import ChannelReport, build_channel_report
from core.sales.performance import SellerPerformance, build_performance, load_performance_data

PERFORMANCE_TTL_SECONDS = 120


@cached("sales", ttl=PERFORMANCE_TTL_SECONDS, show_spinner="Counting your sales…")
def performance_page(seller_id: str, start: date, end: date) -> tuple[SellerPerformance, ChannelReport]:
    """The overview's figures and the channel report for the seller and the inclusive UTC days `start`..`end`."""
    with session_scope() as session:
        data = load_performance_data(session, seller_id=seller_id, start=start, end=end)
    return build_performance(data), build_channel_report(data)


def seller_performance(seller_id: str, start: date, end: date) -> SellerPerformance:
    """`core.sales.performance.seller_performance` (from the page's cached read)."""
    return performance_page(seller_id, start, end)[0]


def channel_report(seller_id: str, start: date, end: date) -> ChannelReport:
    """`core.sales.channel_report.channel_report` (from the page's cached read)."""
    return performance_page(seller_id, start, end)[1]
