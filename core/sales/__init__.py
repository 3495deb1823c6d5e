"""A seller's sales numbers: the home summary and the sales forecast.

The face of the package: what components and jobs call, re-exported from its modules."""

from __future__ import annotations

from core.sales.forecast import FORECAST_DAYS, DailyProjection, SalesForecast
from core.sales.summary import AdminHomeSummary, SellerHomeSummary

__all__ = ["FORECAST_DAYS", "AdminHomeSummary", "DailyProjection", "SalesForecast", "SellerHomeSummary"]
