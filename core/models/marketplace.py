"""The marketplace the product reads: users, sellers, categories, products and their activity."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, IdMixin, SoftDeleteMixin, TimestampMixin, utcnow
from core.models.enums import (
    ConversionEventType,
    DigitalProductType,
    ProductStatus,
    SellerStatus,
    UserRole,
)
from core.models.types import JSONType, enum_type


class User(IdMixin, TimestampMixin, Base):
    __tablename__ = "users"

    username: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(255), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(100))  # bcrypt, never the password
    role: Mapped[UserRole] = mapped_column(enum_type(UserRole, "user_role"), index=True)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_login_at: Mapped[datetime | None] = mapped_column(default=None)
    # Admins: receive the daily business digest by e-mail (issue 19).
    daily_digest_opt_in: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("true"))

    seller_profile: Mapped[SellerProfile | None] = relationship(back_populates="user")


class SellerProfile(IdMixin, TimestampMixin, SoftDeleteMixin, Base):
    __tablename__ = "seller_profiles"

    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    bio: Mapped[str | None] = mapped_column(Text, default=None)
    status: Mapped[SellerStatus] = mapped_column(
        enum_type(SellerStatus, "seller_status"), default=SellerStatus.PENDING, index=True
    )
    approved_at: Mapped[datetime | None] = mapped_column(default=None)
    # Denormalised totals kept by the marketplace; the product recomputes from revenue_records.
    total_sales: Mapped[int] = mapped_column(Integer, default=0)
    total_revenue: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    average_rating: Mapped[Decimal | None] = mapped_column(Numeric(3, 2), default=None)
    commission_rate: Mapped[Decimal] = mapped_column(Numeric(5, 4), default=Decimal("0.1500"))
    specialties: Mapped[list[str]] = mapped_column(JSONType, default=list)
    # The seller's choice on the Settings page; the weekly coaching digest skips sellers who opted out.
    weekly_digest_opt_in: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("true"))

    user: Mapped[User] = relationship(back_populates="seller_profile")


class Category(IdMixin, TimestampMixin, Base):
    __tablename__ = "categories"

    name: Mapped[str] = mapped_column(String(120))
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)


class DigitalProduct(IdMixin, TimestampMixin, SoftDeleteMixin, Base):
    __tablename__ = "digital_products"
    __table_args__ = (
        Index("ix_digital_products_seller_status", "seller_id", "status"),
        Index("ix_digital_products_type_category_status", "type", "category_id", "status"),
    )

    seller_id: Mapped[str] = mapped_column(ForeignKey("seller_profiles.id"))
    category_id: Mapped[str | None] = mapped_column(ForeignKey("categories.id"), default=None)
    type: Mapped[DigitalProductType] = mapped_column(enum_type(DigitalProductType, "digital_product_type"))
    title: Mapped[str] = mapped_column(String(255))
    description: Mapped[str | None] = mapped_column(Text, default=None)
    price: Mapped[Decimal] = mapped_column()
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    tags: Mapped[list[str]] = mapped_column(JSONType, default=list)
    seo_title: Mapped[str | None] = mapped_column(String(255), default=None)
    seo_description: Mapped[str | None] = mapped_column(Text, default=None)
    seo_keywords: Mapped[list[str]] = mapped_column(JSONType, default=list)
    featured_image: Mapped[str | None] = mapped_column(String(500), default=None)
    gallery_images: Mapped[list[str]] = mapped_column(JSONType, default=list)
    average_rating: Mapped[Decimal | None] = mapped_column(Numeric(3, 2), default=None)
    rating_count: Mapped[int] = mapped_column(Integer, default=0)
    view_count: Mapped[int] = mapped_column(Integer, default=0)
    download_count: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[ProductStatus] = mapped_column(
        enum_type(ProductStatus, "product_status"), default=ProductStatus.DRAFT
    )
    published_at: Mapped[datetime | None] = mapped_column(default=None)

    category: Mapped[Category | None] = relationship()
    seller: Mapped[SellerProfile] = relationship()


class ProductView(IdMixin, Base):
    """Product page views, rolled up per product and day by the marketplace's tracker."""

    __tablename__ = "product_views"
    __table_args__ = (
        UniqueConstraint("product_id", "day"),
        Index("ix_product_views_seller_day", "seller_id", "day"),
    )

    product_id: Mapped[str] = mapped_column(ForeignKey("digital_products.id"))
    seller_id: Mapped[str] = mapped_column(ForeignKey("seller_profiles.id"))
    day: Mapped[date] = mapped_column(Date)
    views: Mapped[int] = mapped_column(Integer)
    unique_visitors: Mapped[int] = mapped_column(Integer)


class ConversionEvent(IdMixin, Base):
    """Add-to-cart, checkout and purchase counts, rolled up per product, day and event type."""

    __tablename__ = "conversion_events"
    __table_args__ = (
        UniqueConstraint("product_id", "day", "event_type"),
        Index("ix_conversion_events_seller_day", "seller_id", "day"),
    )

    product_id: Mapped[str] = mapped_column(ForeignKey("digital_products.id"))
    seller_id: Mapped[str] = mapped_column(ForeignKey("seller_profiles.id"))
    day: Mapped[date] = mapped_column(Date)
    event_type: Mapped[ConversionEventType] = mapped_column(enum_type(ConversionEventType, "conversion_event_type"))
    count: Mapped[int] = mapped_column(Integer)


class RevenueRecord(IdMixin, Base):
    """A product's sales on one day (days without a sale have no row)."""

    __tablename__ = "revenue_records"
    __table_args__ = (
        UniqueConstraint("product_id", "day"),
        Index("ix_revenue_records_seller_day", "seller_id", "day", postgresql_include=["revenue", "units"]),
        # Covering index: the benchmark and KPI windows read day ranges without touching the table.
        Index("ix_revenue_records_day_covering", "day", "product_id", "units", "revenue"),
    )

    seller_id: Mapped[str] = mapped_column(ForeignKey("seller_profiles.id"))
    product_id: Mapped[str] = mapped_column(ForeignKey("digital_products.id"))
    day: Mapped[date] = mapped_column(Date)
    revenue: Mapped[Decimal] = mapped_column()
    units: Mapped[int] = mapped_column(Integer)


class SearchQuery(IdMixin, Base):
    __tablename__ = "search_queries"
    __table_args__ = (Index("ix_search_queries_searched_at_result_count", "searched_at", "result_count"),)

    query: Mapped[str] = mapped_column(String(255))
    result_count: Mapped[int] = mapped_column(Integer)
    searched_at: Mapped[datetime] = mapped_column(default=utcnow)
    person_id: Mapped[str | None] = mapped_column(String(36), default=None)


class AnalyticsEvent(IdMixin, Base):
    """One tracked event of a person (visitor, learner, creator) in a session (seed 004 schema)."""

    __tablename__ = "analytics_events"
    __table_args__ = (
        # Covering on PostgreSQL: KPI windows and traffic shares read the index alone.
        Index(
            "ix_analytics_events_type_time",
            "event_type",
            "occurred_at",
            postgresql_include=["person_id", "session_id", "source"],
        ),
        # Activation checks ("purchased within 7 days of signing up") look up one person's event type.
        Index("ix_analytics_events_person_type_time", "person_id", "event_type", "occurred_at"),
        # The roll-ups job finds the days touched by late or ingested events (rows recorded since its last run).
        Index(
            "ix_analytics_events_recorded_at",
            "recorded_at",
            postgresql_where=text("recorded_at IS NOT NULL"),
            sqlite_where=text("recorded_at IS NOT NULL"),
        ),
        # Ingestion deduplicates on the client's event id: a retried batch inserts nothing twice (issue 19).
        Index(
            "uq_analytics_events_event_id",
            "event_id",
            unique=True,
            postgresql_where=text("event_id IS NOT NULL"),
            sqlite_where=text("event_id IS NOT NULL"),
        ),
    )

    person_id: Mapped[str] = mapped_column(String(36))
    user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"), default=None)
    session_id: Mapped[str | None] = mapped_column(String(36), default=None)
    event_type: Mapped[str] = mapped_column(String(40))
    source: Mapped[str | None] = mapped_column(String(40), default=None)
    utm_source: Mapped[str | None] = mapped_column(String(80), default=None)
    utm_medium: Mapped[str | None] = mapped_column(String(80), default=None)
    utm_campaign: Mapped[str | None] = mapped_column(String(120), default=None)
    properties: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When the row reached the database (NULL: loaded in bulk before roll-ups existed, e.g. the demo data).
    recorded_at: Mapped[datetime | None] = mapped_column(default=utcnow)
    # Issue 19, filled by ingestion (`core.analytics.events`): the client's event id, the landing URL and referrer,
    # the device / browser / OS parsed from the user agent, the country (ISO 3166 alpha-2).
    event_id: Mapped[str | None] = mapped_column(String(36), default=None)
    url: Mapped[str | None] = mapped_column(String(1000), default=None)
    referrer: Mapped[str | None] = mapped_column(String(1000), default=None)
    device_type: Mapped[str | None] = mapped_column(String(16), default=None)
    browser: Mapped[str | None] = mapped_column(String(60), default=None)
    os: Mapped[str | None] = mapped_column(String(60), default=None)
    country: Mapped[str | None] = mapped_column(String(2), default=None)
