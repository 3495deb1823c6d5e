"""Trust and operator actions (issue #11): nightly price statistics, listing edits, application decisions, runner heartbeats

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 23:48:41

`market_benchmarks` gains the nightly price percentiles (p10/p25/p75/p90), the median conversion and the segment's
demand-model fit, so the Pricing tool, Market and Benchmarks read one set of figures with one date.
`listing_edits` audits every save of the seller's Listing editor; `seller_application_decisions` keeps each
approval or rejection of a seller application with its reason; `job_runner_heartbeats` lets the Jobs page say
whether a runner is alive. Old admin notices take the one finding key of a listing (`listing:<id>`).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "job_runner_heartbeats",
        sa.Column("runner", sa.String(length=120), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("beat_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("stopped_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_runner_heartbeats")),
        sa.UniqueConstraint("runner", name=op.f("uq_job_runner_heartbeats_runner")),
    )
    with op.batch_alter_table("job_runner_heartbeats", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_job_runner_heartbeats_beat_at"), ["beat_at"], unique=False)

    op.create_table(
        "seller_application_decisions",
        sa.Column("seller_id", sa.String(length=36), nullable=False),
        sa.Column(
            "decision",
            sa.Enum(
                "PENDING",
                "APPROVED",
                "SUSPENDED",
                "REJECTED",
                name="seller_status",
                native_enum=False,
                create_constraint=True,
                length=17,
            ),
            nullable=False,
        ),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("decided_by_user_id", sa.String(length=36), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["decided_by_user_id"], ["users.id"], name=op.f("fk_seller_application_decisions_decided_by_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["seller_id"],
            ["seller_profiles.id"],
            name=op.f("fk_seller_application_decisions_seller_id_seller_profiles"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_seller_application_decisions")),
    )
    with op.batch_alter_table("seller_application_decisions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_seller_application_decisions_seller_decided", ["seller_id", "decided_at"], unique=False
        )

    op.create_table(
        "listing_edits",
        sa.Column("product_id", sa.String(length=36), nullable=False),
        sa.Column("seller_id", sa.String(length=36), nullable=False),
        sa.Column("changed_by_user_id", sa.String(length=36), nullable=False),
        sa.Column(
            "changed_fields",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "before", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column(
            "after", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("score_before", sa.Integer(), nullable=True),
        sa.Column("score_after", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["changed_by_user_id"], ["users.id"], name=op.f("fk_listing_edits_changed_by_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["digital_products.id"], name=op.f("fk_listing_edits_product_id_digital_products")
        ),
        sa.ForeignKeyConstraint(
            ["seller_id"], ["seller_profiles.id"], name=op.f("fk_listing_edits_seller_id_seller_profiles")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_listing_edits")),
    )
    with op.batch_alter_table("listing_edits", schema=None) as batch_op:
        batch_op.create_index("ix_listing_edits_product_created", ["product_id", "created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_listing_edits_seller_id"), ["seller_id"], unique=False)

    with op.batch_alter_table("market_benchmarks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("p10_price", sa.Numeric(precision=12, scale=2), nullable=True))
        batch_op.add_column(sa.Column("p25_price", sa.Numeric(precision=12, scale=2), nullable=True))
        batch_op.add_column(sa.Column("p75_price", sa.Numeric(precision=12, scale=2), nullable=True))
        batch_op.add_column(sa.Column("p90_price", sa.Numeric(precision=12, scale=2), nullable=True))
        batch_op.add_column(sa.Column("median_conversion_rate", sa.Numeric(precision=9, scale=6), nullable=True))
        batch_op.add_column(
            sa.Column(
                "demand_model",
                sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
                nullable=True,
            )
        )

    # One finding key per listing: the admin's "Notify seller" wrote `listing_quality:<id>`, generated insights
    # `listing:<id>`; both now write `listing:<id>`, so an open notice and a generated finding never duplicate.
    op.execute(
        "UPDATE seller_insights SET finding_key = 'listing:' || substr(finding_key, 17) "
        "WHERE finding_key LIKE 'listing_quality:%'"
    )


def downgrade() -> None:
    with op.batch_alter_table("market_benchmarks", schema=None) as batch_op:
        batch_op.drop_column("demand_model")
        batch_op.drop_column("median_conversion_rate")
        batch_op.drop_column("p90_price")
        batch_op.drop_column("p75_price")
        batch_op.drop_column("p25_price")
        batch_op.drop_column("p10_price")

    with op.batch_alter_table("listing_edits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_listing_edits_seller_id"))
        batch_op.drop_index("ix_listing_edits_product_created")

    op.drop_table("listing_edits")
    with op.batch_alter_table("seller_application_decisions", schema=None) as batch_op:
        batch_op.drop_index("ix_seller_application_decisions_seller_decided")

    op.drop_table("seller_application_decisions")
    with op.batch_alter_table("job_runner_heartbeats", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_job_runner_heartbeats_beat_at"))

    op.drop_table("job_runner_heartbeats")
