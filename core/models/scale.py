"""Tables that keep marketplace-scale reads fast (issue 13): persisted listing scores, the operator roll-ups with
their watermark, and the per-day full-text supply counts. Each is derived data: a job or a trigger rebuilds it from
the source tables, and deleting a row only costs a recomputation."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, Float, ForeignKey, Index, Integer, Numeric, String, text
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, utcnow
from core.models.types import JSONType


# ----------------------------------------------------------------------------- listing scores (owner: listing scores)
class ListingScoreRecord(Base):
    """The last computed listing score of one product (`core.listings.score.score_listing`), with its six
    dimensions, its weakest dimensions, its 30-day views and the rule version it was computed with."""

    __tablename__ = "listing_scores"
    __table_args__ = (
        # The low-quality list: published listings worst first (and their count) from this table alone.
        Index(
            "ix_listing_scores_published",
            "overall",
            "rule_version",
            postgresql_where=text("status = 'PUBLISHED'"),
            sqlite_where=text("status = 'PUBLISHED'"),
        ),
        Index("ix_listing_scores_segment", "category_id", "product_type", "status", "overall"),
        # One seller's rows, and every seller's listing health (GROUP BY seller over an index-only scan).
        Index("ix_listing_scores_seller", "seller_id", "status", "rule_version", "overall"),
        Index("ix_listing_scores_scored_at", "scored_at"),
    )

    product_id: Mapped[str] = mapped_column(ForeignKey("digital_products.id", ondelete="CASCADE"), primary_key=True)
    seller_id: Mapped[str] = mapped_column(String(36))
    # The product's status, category and type when it was scored: the lists filter on them without a join (every
    # in-app change of them goes through a trigger that rescores; the nightly run catches the rest).
    status: Mapped[str] = mapped_column(String(16))
    category_id: Mapped[str | None] = mapped_column(String(36), default=None)
    product_type: Mapped[str] = mapped_column(String(40))
    overall: Mapped[float] = mapped_column(Float)
    title_quality: Mapped[float] = mapped_column(Float)
    description_completeness: Mapped[float] = mapped_column(Float)
    image_quality: Mapped[float] = mapped_column(Float)
    seo_optimization: Mapped[float] = mapped_column(Float)
    pricing_competitiveness: Mapped[float] = mapped_column(Float)
    tag_relevance: Mapped[float] = mapped_column(Float)
    weakest: Mapped[list[str]] = mapped_column(JSONType, default=list)
    to_win: Mapped[dict[str, float]] = mapped_column(JSONType, default=dict)  # actionable points per dimension
    views_30d: Mapped[int] = mapped_column(Integer, default=0)
    views_through: Mapped[date | None] = mapped_column(Date, default=None)
    rule_version: Mapped[int] = mapped_column(Integer)
    scored_at: Mapped[datetime] = mapped_column(default=utcnow)


# ----------------------------------------------------------------------------- roll-ups (owner: roll-ups)
class AnalyticsRollup(Base):
    """One measure of one hourly UTC bucket (and one dimension value, '' when none), re-aggregated by the
    `rollups` job from `analytics_events` (`core.analytics.rollups`). Additive measures have `prior` = the epoch;
    a distinct-count measure counts, per `prior`, the occurrences whose key was last seen in the hour `prior`
    (the epoch: not within the look-back), which makes distinct counts over any window exact."""

    __tablename__ = "analytics_rollups"

    # Key order (grain, metric, bucket_start, …): one measure's range of hours is one index range.
    grain: Mapped[str] = mapped_column(String(8), primary_key=True)
    metric: Mapped[str] = mapped_column(String(40), primary_key=True)
    bucket_start: Mapped[datetime] = mapped_column(primary_key=True)
    dimension: Mapped[str] = mapped_column(String(80), primary_key=True, default="")
    prior: Mapped[datetime] = mapped_column(primary_key=True)
    value: Mapped[Decimal] = mapped_column(Numeric(24, 6))
    rolled_up_at: Mapped[datetime] = mapped_column(default=utcnow)


class RollupWatermark(Base):
    """How far a roll-up is complete: events recorded up to `through` are in it; refreshed at `refreshed_at`."""

    __tablename__ = "rollup_watermarks"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    through: Mapped[datetime]
    refreshed_at: Mapped[datetime] = mapped_column(default=utcnow)
    detail: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)


# ----------------------------------------------------------------------------- search supply (owner: insights/market)
class SearchSupplyCount(Base):
    """How many published listings match a search term by full text, counted once per term and day."""

    __tablename__ = "search_supply_counts"

    term: Mapped[str] = mapped_column(String(200), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    listings: Mapped[int] = mapped_column(Integer)
    counted_at: Mapped[datetime] = mapped_column(default=utcnow)
