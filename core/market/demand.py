"""The rates of an opportunity's demand chain: the click-through (a stated assumption) and each product type's
conversion (measured); the arithmetic is `core.ai.tasks.opportunity_demand`'s.

The chain: expected searches a month (the 90-day volume ÷ 3 × the bounded trend) × the click-through × the
suggested type's conversion = sales a month. The conversion is measured: units ÷ views of the type's live
listings over the last 90 days (two GROUP BYs; the whole marketplace's rate for a type with fewer than 1,000
views). The click-through is an assumption, stated as one: the marketplace records which searches are made, not
which result a searcher opens, so `SEARCH_CLICK_THROUGH` (30 %) stands in until search clicks are tracked. Both
rates are at most 100 %, so an estimate never exceeds the searches; a model's estimate above them is refused.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.ai.tasks.classify_opportunities import PRODUCT_TYPES
from core.ai.tasks.opportunity_demand import DemandRates
from core.market.benchmarks import sales_window
from core.models import DigitalProduct, ProductStatus, ProductView, RevenueRecord

# The marketplace records which searches are made, not which result a searcher opens: until search clicks are
# tracked, the share of searches that open a listing is this stated assumption (shown with every estimate).
SEARCH_CLICK_THROUGH = 0.30
MIN_TYPE_VIEWS = 1_000  # fewer views of a type in 90 days: its conversion is the marketplace's


def conversion_rates(
    views: dict[str, int], units: dict[str, int], *, click_through: float = SEARCH_CLICK_THROUGH
) -> DemandRates:
    """Per product type, units ÷ views (4 decimals); a type with fewer than 1,000 views gets the pooled rate of all
    types (0 without any view)."""
    total_views, total_units = sum(views.values()), sum(units.values())
    pooled = round(total_units / total_views, 4) if total_views else 0.0
    rates = []
    for kind in PRODUCT_TYPES:
        seen = views.get(kind, 0)
        rate = round(units.get(kind, 0) / seen, 4) if seen >= MIN_TYPE_VIEWS else pooled
        rates.append((kind, min(rate, 1.0)))
    return DemandRates(click_through, tuple(rates))


def load_type_activity(session: Session, *, window: tuple[date, date]) -> tuple[dict[str, int], dict[str, int]]:
    """(views, units) per product type of the live listings over `window` (first day included, last excluded)."""
    start, end = window
    live = (DigitalProduct.status == ProductStatus.PUBLISHED, DigitalProduct.deleted_at.is_(None))
    views = session.execute(
        select(DigitalProduct.type, func.sum(ProductView.views))
        .join(DigitalProduct, DigitalProduct.id == ProductView.product_id)
        .where(*live, ProductView.day >= start, ProductView.day < end)
        .group_by(DigitalProduct.type)
    )
    units = session.execute(
        select(DigitalProduct.type, func.sum(RevenueRecord.units))
        .join(DigitalProduct, DigitalProduct.id == RevenueRecord.product_id)
        .where(*live, RevenueRecord.day >= start, RevenueRecord.day < end)
        .group_by(DigitalProduct.type)
    )
    return {_type(kind): int(n or 0) for kind, n in views}, {_type(kind): int(n or 0) for kind, n in units}


def load_demand_rates(session: Session, *, now: datetime) -> DemandRates:
    """The chain's rates: the conversion of each product type's live listings over the sales window (90 days)."""
    views, units = load_type_activity(session, window=sales_window(now))
    return conversion_rates(views, units)


def _type(kind: Any) -> str:
    return str(getattr(kind, "value", kind))
