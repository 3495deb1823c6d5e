"""Marketplace scale (issue #13): persisted listing scores, operator roll-ups, per-day search supply counts

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 02:56:40

`listing_scores` keeps each product's last listing score (overall, six dimensions, weakest, 30-day views, rule
version), so the low-quality list, the seller overview and Listing health read a row instead of scoring.
`analytics_rollups` + `rollup_watermarks` hold the operator KPIs' additive measures per time bucket, kept by the
`rollups` job; `analytics_events.recorded_at` tells that job which buckets late or ingested events touched (NULL
for rows loaded before it existed). `search_supply_counts` caches the full-text supply check per term and day.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "analytics_rollups",
        sa.Column("grain", sa.String(length=8), nullable=False),
        sa.Column("metric", sa.String(length=40), nullable=False),
        sa.Column("bucket_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("dimension", sa.String(length=80), nullable=False),
        sa.Column("prior", sa.DateTime(timezone=True), nullable=False),
        sa.Column("value", sa.Numeric(precision=24, scale=6), nullable=False),
        sa.Column("rolled_up_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint(
            "grain", "metric", "bucket_start", "dimension", "prior", name=op.f("pk_analytics_rollups")
        ),
    )
    op.create_table(
        "rollup_watermarks",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("through", sa.DateTime(timezone=True), nullable=False),
        sa.Column("refreshed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "detail", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_rollup_watermarks")),
    )
    op.create_table(
        "search_supply_counts",
        sa.Column("term", sa.String(length=200), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("listings", sa.Integer(), nullable=False),
        sa.Column("counted_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("term", "day", name=op.f("pk_search_supply_counts")),
    )
    op.create_table(
        "listing_scores",
        sa.Column("product_id", sa.String(length=36), nullable=False),
        sa.Column("seller_id", sa.String(length=36), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("category_id", sa.String(length=36), nullable=True),
        sa.Column("product_type", sa.String(length=40), nullable=False),
        sa.Column("overall", sa.Float(), nullable=False),
        sa.Column("title_quality", sa.Float(), nullable=False),
        sa.Column("description_completeness", sa.Float(), nullable=False),
        sa.Column("image_quality", sa.Float(), nullable=False),
        sa.Column("seo_optimization", sa.Float(), nullable=False),
        sa.Column("pricing_competitiveness", sa.Float(), nullable=False),
        sa.Column("tag_relevance", sa.Float(), nullable=False),
        sa.Column(
            "weakest", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column(
            "to_win", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("views_30d", sa.Integer(), nullable=False),
        sa.Column("views_through", sa.Date(), nullable=True),
        sa.Column("rule_version", sa.Integer(), nullable=False),
        sa.Column("scored_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["digital_products.id"],
            name=op.f("fk_listing_scores_product_id_digital_products"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("product_id", name=op.f("pk_listing_scores")),
    )
    with op.batch_alter_table("listing_scores", schema=None) as batch_op:
        batch_op.create_index(
            "ix_listing_scores_published",
            ["overall", "rule_version"],
            unique=False,
            postgresql_where=sa.text("status = 'PUBLISHED'"),
            sqlite_where=sa.text("status = 'PUBLISHED'"),
        )
        batch_op.create_index("ix_listing_scores_scored_at", ["scored_at"], unique=False)
        batch_op.create_index(
            "ix_listing_scores_segment", ["category_id", "product_type", "status", "overall"], unique=False
        )
        batch_op.create_index(
            "ix_listing_scores_seller", ["seller_id", "status", "rule_version", "overall"], unique=False
        )

    with op.batch_alter_table("analytics_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(
            "ix_analytics_events_recorded_at",
            ["recorded_at"],
            unique=False,
            postgresql_where=sa.text("recorded_at IS NOT NULL"),
            sqlite_where=sa.text("recorded_at IS NOT NULL"),
        )


def downgrade() -> None:
    with op.batch_alter_table("analytics_events", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_analytics_events_recorded_at",
            postgresql_where=sa.text("recorded_at IS NOT NULL"),
            sqlite_where=sa.text("recorded_at IS NOT NULL"),
        )
        batch_op.drop_column("recorded_at")

    with op.batch_alter_table("listing_scores", schema=None) as batch_op:
        batch_op.drop_index("ix_listing_scores_seller")
        batch_op.drop_index("ix_listing_scores_segment")
        batch_op.drop_index("ix_listing_scores_scored_at")
        batch_op.drop_index(
            "ix_listing_scores_published",
            postgresql_where=sa.text("status = 'PUBLISHED'"),
            sqlite_where=sa.text("status = 'PUBLISHED'"),
        )

    op.drop_table("listing_scores")
    op.drop_table("search_supply_counts")
    op.drop_table("rollup_watermarks")
    op.drop_table("analytics_rollups")
