"""What insight generation loads besides the other capabilities' results: per-product activity (views, purchases,
revenue) in one GROUP BY per table, and the learn library's marketing article."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from core import urls
from core.insights.findings import ProductActivity
from core.models import (
    ConversionEvent,
    ConversionEventType,
    DigitalProduct,
    ProductStatus,
    ProductView,
    RevenueRecord,
    SellerResource,
)

MARKETING_RESOURCE_CATEGORY = "marketing"


def load_product_activity(session: Session, *, seller_id: str, now: datetime) -> list[ProductActivity]:
    """Views (30/90 days), purchases (90 days) and revenue (last 30 / previous 30 days) of the seller's published
    products: one GROUP BY per activity table. Windows end with yesterday (UTC), the last complete day."""
    if now.tzinfo is None:
        raise ValueError("now must be a timezone-aware datetime")
    as_of = now.astimezone(UTC).date() - timedelta(days=1)

    def since(days: int) -> date:
        return as_of - timedelta(days=days - 1)

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
    revenue = {
        r.product_id: (Decimal(r.last or 0), Decimal(r.previous or 0))
        for r in session.execute(
            select(
                RevenueRecord.product_id,
                func.sum(case((last, RevenueRecord.revenue), else_=0)).label("last"),
                func.sum(case((last, 0), else_=RevenueRecord.revenue)).label("previous"),
            )
            .where(RevenueRecord.seller_id == seller_id, RevenueRecord.day.between(since(60), as_of))
            .group_by(RevenueRecord.product_id)
        )
    }
    cent = Decimal("0.01")
    return [
        ProductActivity(
            product_id=p.id,
            title=p.title or "",
            price=p.price,
            currency=p.currency or "USD",
            views_30=views.get(p.id, (0, 0))[0],
            views_90=views.get(p.id, (0, 0))[1],
            purchases_90=int(purchases.get(p.id) or 0),
            revenue_30=revenue.get(p.id, (Decimal(0), Decimal(0)))[0].quantize(cent),
            revenue_previous_30=revenue.get(p.id, (Decimal(0), Decimal(0)))[1].quantize(cent),
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
