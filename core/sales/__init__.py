"""A seller's sales numbers: the home summary, the revenue trend over 12 months and 90 days, the sales forecast.

The face of the package: what components and jobs call, re-exported from its modules."""

from __future__ import annotations

from core.sales.forecast import FORECAST_DAYS, DailyProjection, SalesForecast
from core.sales.queries import load_seller_trend, seller_trend
from core.sales.summary import AdminHomeSummary, SellerHomeSummary
from core.sales.trends import DECLINE_SHARE, MonthPoint, SellerTrend, trend_verdict

__all__ = [
    "DECLINE_SHARE",
    "FORECAST_DAYS",
    "AdminHomeSummary",
    "DailyProjection",
    "MonthPoint",
    "SalesForecast",
    "SellerHomeSummary",
    "SellerTrend",
    "load_seller_trend",
    "seller_trend",
    "trend_verdict",
]
