"""A seller's own catalogue as the seller pages list it: products to pick from, and revenue per product.

One query per function; both are scoped to the seller and leave deleted products out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.models import Category, DigitalProduct, ProductStatus, RevenueRecord
from core.money import to_cents


@dataclass(frozen=True)
class ProductOption:
    """One of the seller's products as a selector shows it."""

    id: str
    title: str
    price: Decimal
    type: str  # a DigitalProductType value, e.g. "EBOOK"
    category: str | None  # the category's name; None without a category
    status: str = ProductStatus.PUBLISHED.value
    currency: str = "USD"


def list_seller_products(
    session: Session, *, seller_id: str, statuses: Sequence[ProductStatus] = (ProductStatus.PUBLISHED,)
) -> list[ProductOption]:
    """The seller's non-deleted products with one of `statuses`, by title (case-insensitive), then id."""
    rows = session.execute(
        select(
            DigitalProduct.id,
            DigitalProduct.title,
            DigitalProduct.price,
            DigitalProduct.type,
            Category.name,
            DigitalProduct.status,
            DigitalProduct.currency,
        )
        .outerjoin(Category, Category.id == DigitalProduct.category_id)
        .where(
            DigitalProduct.seller_id == seller_id,
            DigitalProduct.deleted_at.is_(None),
            DigitalProduct.status.in_(list(statuses)),
        )
        .order_by(func.lower(DigitalProduct.title), DigitalProduct.id)
    ).all()
    return [
        ProductOption(
            id=pid,
            title=title or "",
            price=price,
            type=str(ptype),
            category=category,
            status=str(status),
            currency=currency or "USD",
        )
        for pid, title, price, ptype, category, status, currency in rows
    ]


def revenue_by_product(session: Session, *, seller_id: str, since: date, until: date) -> dict[str, Decimal]:
    """Revenue per product of the seller over the days `since` ≤ day < `until`, summed in the database.

    Products without a sale in the window are absent (read them as zero).
    """
    rows = session.execute(
        select(RevenueRecord.product_id, func.sum(RevenueRecord.revenue))
        .where(RevenueRecord.seller_id == seller_id, RevenueRecord.day >= since, RevenueRecord.day < until)
        .group_by(RevenueRecord.product_id)
    ).all()
    # SQLite sums NUMERIC as float: to cents (core.money) so both databases hand back the same amounts.
    return {product_id: to_cents(total) for product_id, total in rows}
