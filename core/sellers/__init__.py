"""Sellers as the admin sees them: seller success KPIs, the seller overview, and seller applications.

The face of the package: what components and jobs call, re-exported from its modules."""

from __future__ import annotations

from core.sellers.applications import (
    Decision,
    NotPending,
    PendingApplication,
    approve_application,
    decided_applications,
    latest_decision,
    pending_applications,
    reject_application,
)
from core.sellers.detail import seller_detail
from core.sellers.overview import (
    STAGES,
    SellerFilters,
    SellerOverviewPage,
    SellerOverviewRow,
    all_seller_overview_rows,
    category_choices,
    seller_overview,
)
from core.sellers.overview_rows import seller_overview_csv
from core.sellers.success import (
    DEFINITIONS,
    SellerSuccess,
    SellerSuccessKpis,
    SuccessPoint,
    seller_success,
    seller_success_kpis,
    seller_success_trend,
)

__all__ = [
    "DEFINITIONS",
    "STAGES",
    "Decision",
    "NotPending",
    "PendingApplication",
    "SellerFilters",
    "SellerOverviewPage",
    "SellerOverviewRow",
    "SellerSuccess",
    "SellerSuccessKpis",
    "SuccessPoint",
    "all_seller_overview_rows",
    "approve_application",
    "category_choices",
    "decided_applications",
    "latest_decision",
    "pending_applications",
    "reject_application",
    "seller_detail",
    "seller_overview",
    "seller_overview_csv",
    "seller_success",
    "seller_success_kpis",
    "seller_success_trend",
]
