"""What the product writes for sellers: insights, goals, benchmarks, learn resources, price changes."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, Numeric, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, IdMixin, SoftDeleteMixin, TimestampMixin, utcnow
from core.models.enums import (
    DigitalProductType,
    GoalStatus,
    GoalType,
    InsightPriority,
    InsightStatus,
    InsightType,
    PriceChangeSource,
    ResourceType,
    SellerStatus,
)
from core.models.marketplace import Category, DigitalProduct
from core.models.types import JSONType, enum_type


class SellerInsight(IdMixin, TimestampMixin, SoftDeleteMixin, Base):
    """Seed 000 step 1a."""

    __tablename__ = "seller_insights"
    __table_args__ = (
        Index("ix_seller_insights_seller_status", "seller_id", "status"),
        Index("ix_seller_insights_seller_finding", "seller_id", "finding_key"),
    )

    seller_id: Mapped[str] = mapped_column(ForeignKey("seller_profiles.id"), index=True)
    insight_type: Mapped[InsightType] = mapped_column(enum_type(InsightType, "insight_type"))
    title: Mapped[str] = mapped_column(String(255))
    description: Mapped[str] = mapped_column(Text)
    # [{label, action, url?}]
    action_items: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    priority: Mapped[InsightPriority] = mapped_column(enum_type(InsightPriority, "insight_priority"))
    status: Mapped[InsightStatus] = mapped_column(
        enum_type(InsightStatus, "insight_status"), default=InsightStatus.PENDING
    )
    # `metadata` is reserved by SQLAlchemy's declarative base; the column keeps the seed's name.
    meta: Mapped[dict[str, Any] | None] = mapped_column("metadata", JSONType, default=None)
    generated_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=text("CURRENT_TIMESTAMP"), index=True)
    # Identifies the finding (e.g. "pricing:<product id>") so a regenerated finding updates its open
    # insight instead of repeating it. Not in seed 000's column list; added for de-duplication.
    finding_key: Mapped[str | None] = mapped_column(String(200), default=None)


class SellerGoal(IdMixin, TimestampMixin, SoftDeleteMixin, Base):
    """Seed 000 step 1b."""

    __tablename__ = "seller_goals"
    __table_args__ = (Index("ix_seller_goals_seller_status", "seller_id", "status"),)

    seller_id: Mapped[str] = mapped_column(ForeignKey("seller_profiles.id"), index=True)
    type: Mapped[GoalType] = mapped_column(enum_type(GoalType, "goal_type"))
    title: Mapped[str | None] = mapped_column(String(255), default=None)
    target_value: Mapped[Decimal] = mapped_column()
    current_value: Mapped[Decimal] = mapped_column(default=Decimal("0"), server_default=text("0"))
    deadline: Mapped[datetime] = mapped_column()
    status: Mapped[GoalStatus] = mapped_column(
        enum_type(GoalStatus, "goal_status"), default=GoalStatus.ACTIVE, server_default=GoalStatus.ACTIVE.value
    )


class MarketBenchmark(IdMixin, TimestampMixin, Base):
    """Seed 000 step 1c. `category_id` NULL is the "all categories" row of a product type.

    Uniqueness per (product type, category) holds for the NULL row too: two partial
    unique indexes, which SQLite and PostgreSQL both enforce (a plain composite
    unique constraint would let any number of NULL rows through).
    """

    __tablename__ = "market_benchmarks"
    __table_args__ = (
        Index(
            "uq_market_benchmarks_type_category",
            "product_type",
            "category_id",
            unique=True,
            sqlite_where=text("category_id IS NOT NULL"),
            postgresql_where=text("category_id IS NOT NULL"),
        ),
        Index(
            "uq_market_benchmarks_type_all_categories",
            "product_type",
            unique=True,
            sqlite_where=text("category_id IS NULL"),
            postgresql_where=text("category_id IS NULL"),
        ),
    )

    product_type: Mapped[DigitalProductType] = mapped_column(enum_type(DigitalProductType, "digital_product_type"))
    category_id: Mapped[str | None] = mapped_column(ForeignKey("categories.id"), default=None)
    average_price: Mapped[Decimal] = mapped_column()
    median_price: Mapped[Decimal] = mapped_column()
    price_range: Mapped[dict[str, float]] = mapped_column(JSONType)  # {min, max}
    average_rating: Mapped[Decimal | None] = mapped_column(Numeric(3, 2), default=None)
    average_sales_per_month: Mapped[Decimal] = mapped_column()
    top_seller_metrics: Mapped[dict[str, float]] = mapped_column(JSONType)  # {avgPrice, avgRating, avgMonthlySales}
    sample_size: Mapped[int] = mapped_column(Integer)
    calculated_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=text("CURRENT_TIMESTAMP"))
    # Admin overrides of the displayed reference values, kept beside the computed ones (which the daily
    # recalculation keeps refreshing); NULL = no override. Who and when are recorded for the audit.
    override_average_price: Mapped[Decimal | None] = mapped_column(default=None)
    override_median_price: Mapped[Decimal | None] = mapped_column(default=None)
    override_top_seller_avg_price: Mapped[Decimal | None] = mapped_column(default=None)
    override_note: Mapped[str | None] = mapped_column(String(500), default=None)
    overridden_by_user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"), default=None)
    overridden_at: Mapped[datetime | None] = mapped_column(default=None)
    # The nightly price distribution and demand statistics every page reads (issue 11: the Pricing tool, Market
    # and Benchmarks show the same figures, with `calculated_at` as their date). NULL until the job has run
    # with these columns.
    p10_price: Mapped[Decimal | None] = mapped_column(default=None)
    p25_price: Mapped[Decimal | None] = mapped_column(default=None)
    p75_price: Mapped[Decimal | None] = mapped_column(default=None)
    p90_price: Mapped[Decimal | None] = mapped_column(default=None)
    median_conversion_rate: Mapped[Decimal | None] = mapped_column(Numeric(9, 6), default=None)
    # The segment's semi-log price-response fit (core.market.segment_stats.fit_price_response):
    # {form: "semi-log", slope, standardError, intercept, medianPrice, sample, ...}.
    demand_model: Mapped[dict[str, Any] | None] = mapped_column(JSONType, default=None)

    category: Mapped[Category | None] = relationship()


class SellerResource(IdMixin, TimestampMixin, SoftDeleteMixin, Base):
    """Seed 000 step 1d: a learn-library article, guide or video."""

    __tablename__ = "seller_resources"

    title: Mapped[str] = mapped_column(String(255))
    slug: Mapped[str] = mapped_column(String(255), unique=True, index=True)
    type: Mapped[ResourceType] = mapped_column(enum_type(ResourceType, "resource_type"))
    content: Mapped[str] = mapped_column(Text)  # sanitised HTML
    excerpt: Mapped[str | None] = mapped_column(String(500), default=None)
    video_url: Mapped[str | None] = mapped_column(String(500), default=None)
    thumbnail_url: Mapped[str | None] = mapped_column(String(500), default=None)
    category: Mapped[str | None] = mapped_column(String(80), default=None)
    tags: Mapped[list[str] | None] = mapped_column(JSONType, default=None)
    order: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    is_published: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    published_at: Mapped[datetime | None] = mapped_column(default=None)


class PriceChange(IdMixin, Base):
    """Audit of every price a seller (or admin) changes through the product."""

    __tablename__ = "price_changes"
    __table_args__ = (Index("ix_price_changes_seller_created", "seller_id", "created_at"),)

    product_id: Mapped[str] = mapped_column(ForeignKey("digital_products.id"), index=True)
    seller_id: Mapped[str] = mapped_column(ForeignKey("seller_profiles.id"))
    changed_by_user_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    old_price: Mapped[Decimal] = mapped_column()
    new_price: Mapped[Decimal] = mapped_column()
    source: Mapped[PriceChangeSource] = mapped_column(enum_type(PriceChangeSource, "price_change_source"))
    suggested_price: Mapped[Decimal | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    product: Mapped[DigitalProduct] = relationship()


class ListingEdit(IdMixin, Base):
    """Audit of every save of the Listing editor: which fields changed, before and after, and the score then."""

    __tablename__ = "listing_edits"
    __table_args__ = (Index("ix_listing_edits_product_created", "product_id", "created_at"),)

    product_id: Mapped[str] = mapped_column(ForeignKey("digital_products.id"))
    seller_id: Mapped[str] = mapped_column(ForeignKey("seller_profiles.id"), index=True)
    changed_by_user_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    changed_fields: Mapped[list[str]] = mapped_column(JSONType, default=list)
    before: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    after: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    score_before: Mapped[int | None] = mapped_column(Integer, default=None)
    score_after: Mapped[int | None] = mapped_column(Integer, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SellerApplicationDecision(IdMixin, Base):
    """An admin's decision on a seller application (approve or reject, with the reason), kept as history."""

    __tablename__ = "seller_application_decisions"
    __table_args__ = (Index("ix_seller_application_decisions_seller_decided", "seller_id", "decided_at"),)

    seller_id: Mapped[str] = mapped_column(ForeignKey("seller_profiles.id"))
    decision: Mapped[SellerStatus] = mapped_column(enum_type(SellerStatus, "seller_status"))
    reason: Mapped[str | None] = mapped_column(String(500), default=None)
    decided_by_user_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)


class InsightGenerationRun(IdMixin, Base):
    """One "generate insights" run of a seller: the rate limit (3 per rolling hour) counts these."""

    __tablename__ = "insight_generation_runs"
    __table_args__ = (Index("ix_insight_generation_runs_seller_started", "seller_id", "started_at"),)

    seller_id: Mapped[str] = mapped_column(ForeignKey("seller_profiles.id"))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    insights_created: Mapped[int] = mapped_column(Integer, default=0)
    insights_updated: Mapped[int] = mapped_column(Integer, default=0)
