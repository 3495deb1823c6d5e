"""The creator pipeline's tables (issue 16, seed 004 `creatorPipeline`): one row per creator with the stage on the
admins' board, when each stage was first reached, outreach notes and totals, and the history of every stage change.
Stages from "signed up" on are derived from the marketplace's data by `core.sellers.pipeline.refresh_pipeline`.
Outreach (migration 0012): every touch with a creator and personal invite links (`core.sellers.outreach`, `invites`)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, IdMixin, TimestampMixin, utcnow
from core.models.types import JSONType, enum_type


class PipelineStage(StrEnum):
    """In board order; `core.sellers.pipeline.STAGES` is the same order (further = later in it)."""

    PROSPECT = "prospect"
    INVITED = "invited"
    SIGNED_UP = "signed_up"
    DRAFTING = "drafting"
    PUBLISHED = "published"
    FIRST_SALE = "first_sale"
    ACTIVE = "active"
    CHURN_RISK = "churn_risk"


class TouchType(StrEnum):
    DM = "dm"
    EMAIL = "email"
    COMMENT = "comment"
    CALL = "call"


class CreatorPipeline(IdMixin, TimestampMixin, Base):
    """A creator on the board. `user_id` is NULL for a prospect without an account yet (then `name` says who).
    `manual_stage`: an admin set the stage; the data-derived stage replaces it only once it is further."""

    __tablename__ = "creator_pipeline"
    __table_args__ = (
        Index("ix_creator_pipeline_stage_entered", "stage", "stage_entered_at"),
        Index("ix_creator_pipeline_assigned_admin_stage", "assigned_admin_id", "stage"),
    )

    user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"), unique=True, default=None)
    name: Mapped[str] = mapped_column(String(120), default="")
    # A prospect's address (no account yet); a creator with an account is written to at `users.email`.
    contact_email: Mapped[str | None] = mapped_column(String(254), default=None)
    stage: Mapped[PipelineStage] = mapped_column(enum_type(PipelineStage, "pipeline_stage"))
    stage_entered_at: Mapped[datetime] = mapped_column(default=utcnow)

    # When each stage was first reached (kept when the creator moves on or back).
    prospect_at: Mapped[datetime | None] = mapped_column(default=None)
    invited_at: Mapped[datetime | None] = mapped_column(default=None)
    signed_up_at: Mapped[datetime | None] = mapped_column(default=None)
    drafting_at: Mapped[datetime | None] = mapped_column(default=None)
    published_at: Mapped[datetime | None] = mapped_column(default=None)
    first_sale_at: Mapped[datetime | None] = mapped_column(default=None)
    active_at: Mapped[datetime | None] = mapped_column(default=None)
    churn_risk_at: Mapped[datetime | None] = mapped_column(default=None)

    manual_stage: Mapped[bool] = mapped_column(Boolean, default=False)
    manual_stage_set_at: Mapped[datetime | None] = mapped_column(default=None)

    # Outreach (set by hand).
    last_touch_at: Mapped[datetime | None] = mapped_column(default=None)
    last_touch_type: Mapped[TouchType | None] = mapped_column(enum_type(TouchType, "touch_type"), default=None)
    next_step: Mapped[str | None] = mapped_column(Text, default=None)
    assigned_admin_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"), default=None)
    niche: Mapped[str | None] = mapped_column(String(80), default=None)
    social_handles: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)  # network -> handle
    audience_size: Mapped[int | None] = mapped_column(Integer, default=None)

    # Totals, kept by the refresh: published products now, paid orders and their amount ever, the last paid order.
    products_published: Mapped[int] = mapped_column(Integer, default=0)
    orders_count: Mapped[int] = mapped_column(Integer, default=0)
    gmv: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    last_sale_at: Mapped[datetime | None] = mapped_column(default=None)


class PipelineStageChange(IdMixin, Base):
    """One move on the board: `changed_by_user_id` NULL = the refresh job (the data moved the creator);
    `from_stage` NULL = the creator's first stage. Each stage column has its own CHECK name (PostgreSQL wants
    constraint names unique per table)."""

    __tablename__ = "pipeline_stage_changes"
    __table_args__ = (Index("ix_pipeline_stage_changes_creator_changed", "creator_id", "changed_at"),)

    creator_id: Mapped[str] = mapped_column(ForeignKey("creator_pipeline.id"))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    changed_by_user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"), default=None)
    from_stage: Mapped[PipelineStage | None] = mapped_column(
        enum_type(PipelineStage, "pipeline_from_stage"), default=None
    )
    to_stage: Mapped[PipelineStage] = mapped_column(enum_type(PipelineStage, "pipeline_to_stage"))
    reason: Mapped[str] = mapped_column(Text, default="")


class TouchSource(StrEnum):
    """Who logged a touch: an admin by hand, the invite e-mail, or a bulk nudge (the nudge interval reads these)."""

    MANUAL = "manual"
    INVITE = "invite"
    NUDGE = "nudge"


class PipelineTouch(IdMixin, Base):
    """One outreach contact with a creator (issue 16): when, by which admin (NULL = the system), how (`touch_type`),
    where it came from (`source`, a `TouchSource` value) and a note. The newest sets the creator's last touch."""

    __tablename__ = "pipeline_touches"
    __table_args__ = (Index("ix_pipeline_touches_creator_at", "creator_id", "at"),)

    creator_id: Mapped[str] = mapped_column(ForeignKey("creator_pipeline.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    by_user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"), default=None)
    touch_type: Mapped[TouchType] = mapped_column(enum_type(TouchType, "touch_type"))
    source: Mapped[str] = mapped_column(String(16), default=TouchSource.MANUAL.value)
    note: Mapped[str] = mapped_column(Text, default="")


class PipelineInvite(IdMixin, Base):
    """A personal invite link (issue 16). Only the SHA-256 of the link's random nonce is stored (`token_hash`), never
    the link; `used_at` is set once, by the redemption that wins (`core.sellers.invites.redeem_invite`)."""

    __tablename__ = "pipeline_invites"
    __table_args__ = (Index("ix_pipeline_invites_creator_created", "creator_id", "created_at"),)

    creator_id: Mapped[str] = mapped_column(ForeignKey("creator_pipeline.id"))
    created_by_user_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
    used_at: Mapped[datetime | None] = mapped_column(default=None)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
