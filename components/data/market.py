"""The Market page's reads: the seller's segments, benchmark rows, one segment's charts, the sales forecast and the
opportunity report (plain data, cached, keyed by seller id and day), and the opportunity refresh."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from components.data import cached, clock, forget_seller
from core.db import session_scope
from core.market import (
    BenchmarkView,
    OpportunityReport,
    PriceHistogram,
    SellerPrice,
    SellerSegment,
    list_benchmarks,
    opportunities,
    segments,
)
from core.models import DigitalProductType
from core.periods import DailyPoint, MonthPoint
from core.sales import SalesForecast
from core.sales import forecast as forecasting

TTL_SECONDS = 300


def _noon(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=UTC)


@dataclass(frozen=True)
class ForecastView:
    forecast: SalesForecast
    actual: list[DailyPoint]  # the 90 days ending the forecast's last known day


@cached("market", ttl=TTL_SECONDS, show_spinner="Projecting your sales…")
def forecast_view(seller_id: str, days: int, day: date) -> ForecastView:
    """`day` is the UTC date (`clock.utc_today()`): the forecast's last known day is yesterday in UTC, so its
    cache turns over at UTC midnight."""
    with session_scope() as session:
        result = forecasting.forecast_for_seller(session, seller_id=seller_id, days=days, now=_noon(day))
        as_of = result.as_of or day
        actual = segments.recent_daily_revenue(session, seller_id=seller_id, as_of=as_of)
    return ForecastView(result, actual)


@cached("market", ttl=TTL_SECONDS)
def benchmark_rows(product_type: str) -> list[BenchmarkView]:
    with session_scope() as session:
        return list_benchmarks(session, product_type=DigitalProductType(product_type) if product_type else None)


@cached("market", ttl=TTL_SECONDS)
def my_segments(seller_id: str) -> list[SellerSegment]:
    with session_scope() as session:
        return segments.seller_segments(session, seller_id=seller_id)


@dataclass(frozen=True)
class SegmentCharts:
    histogram: PriceHistogram
    mine: list[SellerPrice]
    monthly: list[MonthPoint]


@cached("market", ttl=TTL_SECONDS, show_spinner="Loading the segment…")
def segment_charts(seller_id: str, product_type: str, category_id: str | None, day: date) -> SegmentCharts:
    with session_scope() as session:
        kind = DigitalProductType(product_type)
        return SegmentCharts(
            segments.segment_price_histogram(session, product_type=kind, category_id=category_id),
            segments.seller_prices_in_segment(session, seller_id=seller_id, product_type=kind, category_id=category_id),
            segments.segment_monthly_sales(session, product_type=kind, category_id=category_id, now=_noon(day)),
        )


@cached("opportunities", ttl=TTL_SECONDS)
def opportunity_report(seller_id: str) -> OpportunityReport:
    # find_opportunities keeps its own 24-hour cache in the database (and writes it), hence a committing session.
    with session_scope() as session:
        return opportunities.find_opportunities(session, seller_id=seller_id, now=clock.now())


def refresh_opportunities(seller_id: str) -> OpportunityReport:
    with session_scope() as session:
        report = opportunities.find_opportunities(session, seller_id=seller_id, now=clock.now(), refresh=True)
    forget_seller(seller_id, "opportunities")
    return report
