"""KPI indexes: activation look-ups by person and event type; covering indexes on PostgreSQL

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21 14:14:09

The operator KPIs and funnels read analytics events by type and time window and check a person's
later events ("purchased within 7 days"); the seller overview sums a seller's recent revenue.
On PostgreSQL the window indexes also carry the columns those queries read (INCLUDE), so the
aggregates come from index-only scans. SQLite has no INCLUDE; its indexes stay plain.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _is_postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    with op.batch_alter_table("analytics_events", schema=None) as batch_op:
        batch_op.drop_index("ix_analytics_events_person_time")
        batch_op.create_index("ix_analytics_events_person_type_time", ["person_id", "event_type", "occurred_at"])
    if _is_postgresql():
        op.drop_index("ix_analytics_events_type_time", table_name="analytics_events")
        op.create_index(
            "ix_analytics_events_type_time",
            "analytics_events",
            ["event_type", "occurred_at"],
            postgresql_include=["person_id", "session_id", "source"],
        )
        op.drop_index("ix_revenue_records_seller_day", table_name="revenue_records")
        op.create_index(
            "ix_revenue_records_seller_day",
            "revenue_records",
            ["seller_id", "day"],
            postgresql_include=["revenue", "units"],
        )


def downgrade() -> None:
    if _is_postgresql():
        op.drop_index("ix_revenue_records_seller_day", table_name="revenue_records")
        op.create_index("ix_revenue_records_seller_day", "revenue_records", ["seller_id", "day"])
        op.drop_index("ix_analytics_events_type_time", table_name="analytics_events")
        op.create_index("ix_analytics_events_type_time", "analytics_events", ["event_type", "occurred_at"])
    with op.batch_alter_table("analytics_events", schema=None) as batch_op:
        batch_op.drop_index("ix_analytics_events_person_type_time")
        batch_op.create_index("ix_analytics_events_person_time", ["person_id", "occurred_at"])
