"""Loading for insights: a seller's insights (a page at a time, counts per status) as plain data, and what insight
generation loads besides the other capabilities' results: per-product activity (views, purchases, revenue) in one
GROUP BY per table, and the learn library's marketing article."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from core import urls
from core.insights.findings import ProductActivity
from core.models import (
    ConversionEvent,
    ConversionEventType,
    DigitalProduct,
    InsightPriority,
    InsightStatus,
    InsightType,
    ProductStatus,
    ProductView,
    RevenueRecord,
    SellerInsight,
    SellerResource,
)
from core.money import ZERO, to_cents
from core.periods import complete_days, require_aware

MARKETING_RESOURCE_CATEGORY = "marketing"
MAX_PAGE_SIZE = 100


# ---------------------------------------------------------------- the seller's insights


@dataclass(frozen=True)
class InsightView:
    """An insight as plain data (what the page caches and shows)."""

    id: str
    insight_type: InsightType
    priority: InsightPriority
    status: InsightStatus
    title: str
    description: str
    action_items: tuple[dict[str, str], ...]
    generated_at: datetime
    finding_key: str | None
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class InsightPage:
    items: list[InsightView]
    total: int  # all matching insights, over every page


def insight_view(insight: SellerInsight) -> InsightView:
    """The row as plain data."""
    return InsightView(
        id=insight.id,
        insight_type=InsightType(insight.insight_type),
        priority=InsightPriority(insight.priority),
        status=InsightStatus(insight.status),
        title=insight.title,
        description=insight.description,
        action_items=tuple(dict(i) for i in insight.action_items or ()),
        generated_at=insight.generated_at,
        finding_key=insight.finding_key,
        meta=dict(insight.meta or {}),
    )


_PRIORITY_ORDER = case(
    (SellerInsight.priority == InsightPriority.HIGH, 0),
    (SellerInsight.priority == InsightPriority.MEDIUM, 1),
    else_=2,
)


def _statuses(status: InsightStatus | Sequence[InsightStatus] | None) -> list[InsightStatus] | None:
    if status is None:
        return None
    if isinstance(status, (str, InsightStatus)):
        return [InsightStatus(status)]
    return [InsightStatus(s) for s in status]


def list_insights(
    session: Session,
    *,
    seller_id: str,
    status: InsightStatus | Sequence[InsightStatus] | None = None,
    insight_type: InsightType | None = None,
    page: int = 1,
    page_size: int = 12,
    recent_first: bool = False,
) -> InsightPage:
    """The seller's insights (not deleted), HIGH priority first, then the newest, one page at a time.

    `status` filters by one status or several (None: all). Priority first, then newest: the issue asks for
    "newest and highest priority first", and an urgent insight from yesterday matters more than a minor one
    from today. With `recent_first` (the Done and Dismissed tabs) the last changed come first instead.
    ValueError for a page < 1 or a page size outside 1–100.
    """
    if page < 1 or not 1 <= page_size <= MAX_PAGE_SIZE:
        raise ValueError(f"page must be ≥ 1 and page_size 1–{MAX_PAGE_SIZE}")
    conditions = [SellerInsight.seller_id == seller_id, SellerInsight.deleted_at.is_(None)]
    if (wanted := _statuses(status)) is not None:
        conditions.append(SellerInsight.status.in_(wanted))
    if insight_type is not None:
        conditions.append(SellerInsight.insight_type == InsightType(insight_type))
    total = int(session.scalar(select(func.count()).select_from(SellerInsight).where(*conditions)) or 0)
    rows = session.scalars(
        select(SellerInsight)
        .where(*conditions)
        .order_by(
            *(
                (SellerInsight.updated_at.desc(), SellerInsight.id)
                if recent_first
                else (_PRIORITY_ORDER, SellerInsight.generated_at.desc(), SellerInsight.id)
            )
        )
        .limit(page_size)
        .offset((page - 1) * page_size)
    )
    return InsightPage([insight_view(r) for r in rows], total)


def insight_counts(session: Session, *, seller_id: str) -> dict[InsightStatus, int]:
    """How many of the seller's insights (not deleted) have each status (every status present, 0 included)."""
    counts = dict.fromkeys(InsightStatus, 0)
    rows = session.execute(
        select(SellerInsight.status, func.count())
        .where(SellerInsight.seller_id == seller_id, SellerInsight.deleted_at.is_(None))
        .group_by(SellerInsight.status)
    )
    for status, count in rows:
        counts[InsightStatus(status)] = int(count)
    return counts


def pending_insight_count(session: Session, *, seller_id: str) -> int:
    """The seller's PENDING insights (not deleted): the badge on the Insights menu item."""
    return insight_counts(session, seller_id=seller_id)[InsightStatus.PENDING]


# ---------------------------------------------------------------- what generation reads


def load_product_activity(session: Session, *, seller_id: str, now: datetime) -> list[ProductActivity]:
    """Views (30/90 days), purchases (90 days) and revenue (last 30 / previous 30 / last 90 days) of the seller's
    published products: one GROUP BY per activity table. Windows end with yesterday (UTC), the last complete day."""
    require_aware(now)
    today = now.astimezone(UTC).date()
    as_of = today - timedelta(days=1)

    def since(days: int) -> date:
        return complete_days(days, today=today).start

    products = session.execute(
        select(DigitalProduct.id, DigitalProduct.title, DigitalProduct.price, DigitalProduct.currency)
        .where(
            DigitalProduct.seller_id == seller_id,
            DigitalProduct.status == ProductStatus.PUBLISHED,
            DigitalProduct.deleted_at.is_(None),
        )
        .order_by(func.lower(DigitalProduct.title), DigitalProduct.id)
    ).all()
    in_30 = ProductView.day >= since(30)
    views = {
        r.product_id: (int(r.v30 or 0), int(r.v90 or 0))
        for r in session.execute(
            select(
                ProductView.product_id,
                func.sum(case((in_30, ProductView.views), else_=0)).label("v30"),
                func.sum(ProductView.views).label("v90"),
            )
            .where(ProductView.seller_id == seller_id, ProductView.day.between(since(90), as_of))
            .group_by(ProductView.product_id)
        )
    }
    purchases = dict(
        session.execute(
            select(ConversionEvent.product_id, func.sum(ConversionEvent.count))
            .where(
                ConversionEvent.seller_id == seller_id,
                ConversionEvent.event_type == ConversionEventType.PURCHASE,
                ConversionEvent.day.between(since(90), as_of),
            )
            .group_by(ConversionEvent.product_id)
        ).all()
    )
    last = RevenueRecord.day >= since(30)
    previous = RevenueRecord.day.between(since(60), since(30) - timedelta(days=1))
    revenue = {
        r.product_id: (to_cents(r.last), to_cents(r.previous), to_cents(r.total))
        for r in session.execute(
            select(
                RevenueRecord.product_id,
                func.sum(case((last, RevenueRecord.revenue), else_=0)).label("last"),
                func.sum(case((previous, RevenueRecord.revenue), else_=0)).label("previous"),
                func.sum(RevenueRecord.revenue).label("total"),
            )
            .where(RevenueRecord.seller_id == seller_id, RevenueRecord.day.between(since(90), as_of))
            .group_by(RevenueRecord.product_id)
        )
    }
    return [
        ProductActivity(
            product_id=p.id,
            title=p.title or "",
            price=p.price,
            currency=p.currency or "USD",
            views_30=views.get(p.id, (0, 0))[0],
            views_90=views.get(p.id, (0, 0))[1],
            purchases_90=int(purchases.get(p.id) or 0),
            revenue_30=revenue.get(p.id, (ZERO, ZERO, ZERO))[0],
            revenue_previous_30=revenue.get(p.id, (ZERO, ZERO, ZERO))[1],
            revenue_90=revenue.get(p.id, (ZERO, ZERO, ZERO))[2],
        )
        for p in products
    ]


def marketing_article_url(session: Session) -> str | None:
    """The first published learn article about marketing (by the library's order), as a Learn link; None if none."""
    slug = session.scalar(
        select(SellerResource.slug)
        .where(
            SellerResource.is_published.is_(True),
            SellerResource.deleted_at.is_(None),
            SellerResource.category == MARKETING_RESOURCE_CATEGORY,
        )
        .order_by(SellerResource.order, SellerResource.title)
        .limit(1)
    )
    return urls.page_link(urls.LEARN, slug=slug) if slug else None
