"""Seller performance (issue 14): orders (the source of sales), ad spend, visits per traffic channel, product
recommendations with their measured outcomes, and the seller's own alert thresholds and breaches."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, IdMixin, utcnow
from core.models.enums import AdChannel, OrderStatus, RecommendationAction, RecommendationStatus
from core.models.types import JSONType, enum_type


# ----------------------------------------------------------------------------- orders (owner: demo + sales)
class Order(IdMixin, Base):
    """One purchase: who bought which product of which seller, for how much, what the platform and the payment
    provider kept, where the visit came from. `revenue_records` is the daily roll-up of these: per product and day
    the sum of `amount` (and of `quantity`) of the orders created that day, refunded or not (gross sales); a refund
    is its own figure, dated `refunded_at`."""

    __tablename__ = "orders"
    __table_args__ = (
        # One seller's orders in a period, read from the index alone on PostgreSQL (all Performance figures).
        Index(
            "ix_orders_seller_created",
            "seller_id",
            "created_at",
            postgresql_include=["product_id", "amount", "quantity", "commission", "payment_fee", "channel"],
        ),
        Index("ix_orders_product_created", "product_id", "created_at"),
        Index("ix_orders_created", "created_at"),
        # Refunds are dated by when they happened, not by the order's day.
        Index(
            "ix_orders_seller_refunded",
            "seller_id",
            "refunded_at",
            postgresql_where=text("refunded_at IS NOT NULL"),
            sqlite_where=text("refunded_at IS NOT NULL"),
        ),
    )

    seller_id: Mapped[str] = mapped_column(ForeignKey("seller_profiles.id"))
    product_id: Mapped[str] = mapped_column(ForeignKey("digital_products.id"))
    buyer_id: Mapped[str] = mapped_column(String(36))  # the person id of analytics_events (a user or a visitor)
    amount: Mapped[Decimal] = mapped_column()
    quantity: Mapped[int] = mapped_column(Integer, default=1, server_default=text("1"))
    commission_rate: Mapped[Decimal] = mapped_column(Numeric(5, 4))  # the seller's rate when the order was made
    commission: Mapped[Decimal] = mapped_column()
    payment_fee: Mapped[Decimal] = mapped_column()
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    # Traffic source of the visit that led to the order, as tracked, and its channel (`core.sales.channels`).
    source: Mapped[str | None] = mapped_column(String(40), default=None)
    utm_source: Mapped[str | None] = mapped_column(String(80), default=None)
    utm_medium: Mapped[str | None] = mapped_column(String(80), default=None)
    utm_campaign: Mapped[str | None] = mapped_column(String(120), default=None)
    referrer: Mapped[str | None] = mapped_column(String(255), default=None)
    channel: Mapped[str] = mapped_column(String(16))
    session_id: Mapped[str | None] = mapped_column(String(36), default=None)
    status: Mapped[OrderStatus] = mapped_column(enum_type(OrderStatus, "order_status"), default=OrderStatus.PAID)
    refunded_at: Mapped[datetime | None] = mapped_column(default=None)
    refunded_amount: Mapped[Decimal | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


# ----------------------------------------------------------------------------- visits per channel (owner: demo + sales)
class SellerTraffic(Base):
    """Visits to one seller's listings on one day from one traffic channel: sessions with a product view of the
    seller's (a session counts once per seller and day), as the tracker rolls them up."""

    __tablename__ = "seller_traffic"

    seller_id: Mapped[str] = mapped_column(ForeignKey("seller_profiles.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    visits: Mapped[int] = mapped_column(Integer)


# ----------------------------------------------------------------------------- ads (owner: demo + sales)
class AdSpend(IdMixin, Base):
    """What one product's ads on one channel cost on one day, and what the channel attributes to them."""

    __tablename__ = "ad_spend"
    __table_args__ = (
        UniqueConstraint("product_id", "day", "channel"),
        Index(
            "ix_ad_spend_seller_day",
            "seller_id",
            "day",
            postgresql_include=["product_id", "channel", "spend", "attributed_revenue"],
        ),
    )

    seller_id: Mapped[str] = mapped_column(ForeignKey("seller_profiles.id"))
    product_id: Mapped[str] = mapped_column(ForeignKey("digital_products.id"))
    day: Mapped[date] = mapped_column(Date)
    channel: Mapped[AdChannel] = mapped_column(enum_type(AdChannel, "ad_channel"))
    spend: Mapped[Decimal] = mapped_column()
    impressions: Mapped[int] = mapped_column(Integer, default=0)
    clicks: Mapped[int] = mapped_column(Integer, default=0)
    attributed_orders: Mapped[int] = mapped_column(Integer, default=0)
    attributed_revenue: Mapped[Decimal] = mapped_column(default=Decimal("0"))


# ----------------------------------------------------------------------------- recommendations (owner: recommendations)
class ProductRecommendation(IdMixin, Base):
    """Keep / promote / reprice / drop for one product, with the numbers behind it; once accepted, the numbers
    before (`baseline`) and, 30 days later, after (`outcome`)."""

    __tablename__ = "product_recommendations"
    __table_args__ = (
        Index("ix_product_recommendations_seller_status", "seller_id", "status", "created_at"),
        Index("ix_product_recommendations_product_created", "product_id", "created_at"),
        Index(
            "ix_product_recommendations_outcome_due",
            "accepted_at",
            postgresql_where=text("status = 'accepted' AND outcome_measured_at IS NULL"),
            sqlite_where=text("status = 'accepted' AND outcome_measured_at IS NULL"),
        ),
    )

    seller_id: Mapped[str] = mapped_column(ForeignKey("seller_profiles.id"))
    product_id: Mapped[str] = mapped_column(ForeignKey("digital_products.id"))
    action: Mapped[RecommendationAction] = mapped_column(enum_type(RecommendationAction, "recommendation_action"))
    confidence: Mapped[int] = mapped_column(Integer)  # 0-100
    reason: Mapped[str] = mapped_column(Text)
    evidence: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)  # the numbers behind it
    engine: Mapped[str] = mapped_column(String(40))  # "offline" or the model that wrote it
    status: Mapped[RecommendationStatus] = mapped_column(
        enum_type(RecommendationStatus, "recommendation_status"), default=RecommendationStatus.NEW
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(default=None)
    decided_by_user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"), default=None)
    accepted_at: Mapped[datetime | None] = mapped_column(default=None)
    baseline: Mapped[dict[str, Any] | None] = mapped_column(JSONType, default=None)
    outcome: Mapped[dict[str, Any] | None] = mapped_column(JSONType, default=None)
    outcome_measured_at: Mapped[datetime | None] = mapped_column(default=None)


# ----------------------------------------------------------------------------- seller alerts (owner: alerts)
class SellerAlertSettings(Base):
    """A seller's alert thresholds (a NULL threshold or `enabled` false: that alert is off)."""

    __tablename__ = "seller_alert_settings"

    seller_id: Mapped[str] = mapped_column(ForeignKey("seller_profiles.id"), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("true"))
    revenue_drop_percent: Mapped[Decimal | None] = mapped_column(Numeric(6, 2), default=None)
    min_conversion_percent: Mapped[Decimal | None] = mapped_column(Numeric(6, 2), default=None)
    max_acos_percent: Mapped[Decimal | None] = mapped_column(Numeric(7, 2), default=None)
    no_sale_days: Mapped[int | None] = mapped_column(Integer, default=None)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class SellerAlertBreach(IdMixin, Base):
    """One breach of one alert rule (for one product where the rule is per product): notified once when it
    starts, kept open while it lasts (`last_seen_on`), closed (`ended_on`) the first day it no longer holds."""

    __tablename__ = "seller_alert_breaches"
    __table_args__ = (
        Index("ix_seller_alert_breaches_seller_rule", "seller_id", "rule", "subject", "ended_on"),
        # At most one open breach per seller, rule and subject.
        Index(
            "uq_seller_alert_breaches_open",
            "seller_id",
            "rule",
            "subject",
            unique=True,
            postgresql_where=text("ended_on IS NULL"),
            sqlite_where=text("ended_on IS NULL"),
        ),
        # The daily run moves every open breach's `last_seen_on` (tens of thousands of quiet products on a large
        # marketplace): half-empty pages let PostgreSQL update them in place (HOT), without touching the indexes.
        {"postgresql_with": {"fillfactor": 50}},
    )

    seller_id: Mapped[str] = mapped_column(ForeignKey("seller_profiles.id"))
    rule: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(36), default="")  # a product id, or '' for the whole shop
    started_on: Mapped[date] = mapped_column(Date)
    last_seen_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date, default=None)
    numbers: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    notification_id: Mapped[str | None] = mapped_column(ForeignKey("notifications.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
