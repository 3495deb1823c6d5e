"""Small, seeded builders of test data. Each returns the flushed ORM object; nothing is copied from fixtures."""

from __future__ import annotations

import itertools
import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import bcrypt
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import (
    AdChannel,
    AdSpend,
    AnalyticsEvent,
    Category,
    DigitalProduct,
    DigitalProductType,
    Order,
    OrderStatus,
    ProductStatus,
    ProductView,
    RevenueRecord,
    SearchQuery,
    SellerProfile,
    SellerStatus,
    SellerTraffic,
    User,
    UserRole,
)
from core.money import to_decimal
from core.sales.channels import classify_channel
from core.sales.orders import order_commission, payment_fee

_counter = itertools.count(1)
# bcrypt with the minimum cost keeps tests fast; the app uses the library default.
_FAST_SALT = bcrypt.gensalt(rounds=4)


def hash_password(password: str) -> str:
    return bcrypt.hashpw(password.encode(), _FAST_SALT).decode()


def make_user(
    session: Session,
    *,
    username: str | None = None,
    password: str = "secret-pass-1",
    role: UserRole = UserRole.SELLER,
    name: str | None = None,
    created_at: datetime | None = None,
) -> User:
    n = next(_counter)
    username = username or f"user{n}"
    user = User(
        username=username,
        email=f"{username}@example.com",
        name=name or f"User {n}",
        password_hash=hash_password(password),
        role=role,
    )
    if created_at:
        user.created_at = created_at
    session.add(user)
    session.flush()
    return user


def make_seller(
    session: Session,
    *,
    username: str | None = None,
    password: str = "secret-pass-1",
    status: SellerStatus = SellerStatus.APPROVED,
    approved_at: datetime | None = None,
    specialties: list[str] | None = None,
    name: str | None = None,
) -> SellerProfile:
    user = make_user(session, username=username, password=password, role=UserRole.SELLER, name=name)
    profile = SellerProfile(
        user_id=user.id,
        display_name=user.name,
        status=status,
        approved_at=approved_at
        if approved_at is not None
        else (datetime(2026, 1, 1, tzinfo=UTC) if status == SellerStatus.APPROVED else None),
        specialties=specialties or [],
    )
    session.add(profile)
    session.flush()
    return profile


def make_category(session: Session, *, name: str | None = None, is_active: bool = True) -> Category:
    n = next(_counter)
    name = name or f"Category {n}"
    category = Category(name=name, slug=f"{name.lower().replace(' ', '-')}-{n}", is_active=is_active)
    session.add(category)
    session.flush()
    return category


def make_product(
    session: Session,
    *,
    seller: SellerProfile,
    category: Category | None = None,
    type: DigitalProductType = DigitalProductType.EBOOK,
    price: Decimal | str | float = "19.00",
    title: str | None = None,
    status: ProductStatus = ProductStatus.PUBLISHED,
    published_at: datetime | None = None,
    **fields: object,
) -> DigitalProduct:
    n = next(_counter)
    product = DigitalProduct(
        seller_id=seller.id,
        category_id=category.id if category else None,
        type=type,
        price=Decimal(str(price)),
        title=title or f"Product {n}",
        status=status,
        published_at=published_at
        if published_at is not None
        else (datetime(2026, 1, 15, tzinfo=UTC) if status == ProductStatus.PUBLISHED else None),
        **fields,
    )
    session.add(product)
    session.flush()
    return product


def add_revenue(
    session: Session, *, product: DigitalProduct, day: date, revenue: Decimal | str | float, units: int
) -> RevenueRecord:
    record = RevenueRecord(
        seller_id=product.seller_id, product_id=product.id, day=day, revenue=Decimal(str(revenue)), units=units
    )
    session.add(record)
    session.flush()
    return record


def add_views(session: Session, *, product: DigitalProduct, day: date, views: int) -> ProductView:
    row = ProductView(
        product_id=product.id, seller_id=product.seller_id, day=day, views=views, unique_visitors=max(1, views * 4 // 5)
    )
    session.add(row)
    session.flush()
    return row


def add_search(session: Session, *, query: str, result_count: int, searched_at: datetime) -> SearchQuery:
    row = SearchQuery(query=query, result_count=result_count, searched_at=searched_at)
    session.add(row)
    session.flush()
    return row


def add_event(
    session: Session,
    *,
    person_id: str,
    event_type: str,
    occurred_at: datetime,
    source: str | None = None,
    **props: object,
) -> AnalyticsEvent:
    row = AnalyticsEvent(
        person_id=person_id, event_type=event_type, occurred_at=occurred_at, source=source, properties=dict(props)
    )
    session.add(row)
    session.flush()
    return row


def add_order(
    session: Session,
    *,
    product: DigitalProduct,
    created_at: datetime,
    amount: Decimal | str | float | None = None,
    quantity: int = 1,
    source: str | None = None,
    utm_source: str | None = None,
    utm_medium: str | None = None,
    buyer_id: str | None = None,
    commission_rate: Decimal | str | None = None,
    refunded_at: datetime | None = None,
    refunded_amount: Decimal | str | float | None = None,
    rollup: bool = True,
) -> Order:
    """One order (amount: the product's price by default; commission and fee by the product's own rules), and,
    unless `rollup=False`, its share of the product's revenue record of that day (the roll-up stays equal)."""
    value = to_decimal(amount if amount is not None else product.price)
    rate = to_decimal(commission_rate if commission_rate is not None else _seller_rate(session, product.seller_id))
    n = next(_counter)
    order = Order(
        seller_id=product.seller_id,
        product_id=product.id,
        buyer_id=buyer_id or f"buyer-{n}",
        amount=value,
        quantity=quantity,
        commission_rate=rate,
        commission=order_commission(value, rate),
        payment_fee=payment_fee(value),
        source=source,
        utm_source=utm_source,
        utm_medium=utm_medium,
        channel=classify_channel(source, utm_source, utm_medium),
        session_id=f"session-{n}",
        status=OrderStatus.REFUNDED if refunded_at is not None else OrderStatus.PAID,
        refunded_at=refunded_at,
        refunded_amount=(
            to_decimal(refunded_amount if refunded_amount is not None else value) if refunded_at is not None else None
        ),
        created_at=created_at,
    )
    session.add(order)
    if rollup:
        day = created_at.astimezone(UTC).date()
        record = session.scalars(
            select(RevenueRecord).where(RevenueRecord.product_id == product.id, RevenueRecord.day == day)
        ).one_or_none()
        if record is None:
            record = RevenueRecord(seller_id=product.seller_id, product_id=product.id, day=day, revenue=0, units=0)
            session.add(record)
        record.revenue = to_decimal(record.revenue) + value
        record.units += quantity
    session.flush()
    return order


def _seller_rate(session: Session, seller_id: str) -> Decimal:
    return to_decimal(session.get(SellerProfile, seller_id).commission_rate)  # type: ignore[union-attr]


def add_traffic(session: Session, *, seller: SellerProfile, day: date, channel: str, visits: int) -> SellerTraffic:
    row = SellerTraffic(seller_id=seller.id, day=day, channel=channel, visits=visits)
    session.add(row)
    session.flush()
    return row


def add_ad_spend(
    session: Session,
    *,
    product: DigitalProduct,
    day: date,
    spend: Decimal | str | float,
    channel: AdChannel = AdChannel.MARKETPLACE_ADS,
    impressions: int = 0,
    clicks: int = 0,
    attributed_orders: int = 0,
    attributed_revenue: Decimal | str | float = 0,
) -> AdSpend:
    row = AdSpend(
        seller_id=product.seller_id,
        product_id=product.id,
        day=day,
        channel=channel,
        spend=to_decimal(spend),
        impressions=impressions,
        clicks=clicks,
        attributed_orders=attributed_orders,
        attributed_revenue=to_decimal(attributed_revenue),
    )
    session.add(row)
    session.flush()
    return row


def daily_series(start: date, values: list[float]) -> list[tuple[date, float]]:
    """[(day, value)] starting at `start`, one per value: a helper for forecast-style inputs."""
    return [(start + timedelta(days=i), v) for i, v in enumerate(values)]


def rng(seed: int = 7) -> random.Random:
    return random.Random(seed)
