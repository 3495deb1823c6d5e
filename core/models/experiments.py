"""The experiments tracker's table (issue 16, seed 004 `experiments`): one A/B test of a call to action, its two
variants, its plan (baseline rate and relative MDE, for the planned sample size) and, once completed, its winner.
Exposures and conversions are not stored: they are counted from `analytics_events` (`core.analytics.experiments`)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, IdMixin, utcnow
from core.models.types import enum_type

RATE = Numeric(9, 6)  # a share or a relative change, exact (the baseline rate, the MDE)


class ExperimentStatus(StrEnum):
    DRAFT = "draft"
    RUNNING = "running"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class ExperimentWinner(StrEnum):
    A = "A"
    B = "B"
    TIE = "tie"


class Experiment(IdMixin, Base):
    """An A/B test: variant A is the control, B the treatment. It counts the events between `start_at` and
    `end_at` (UTC; no end: up to now). `name` is unique; the store also refuses names equal in any case."""

    __tablename__ = "experiments"
    __table_args__ = (Index("ix_experiments_status", "status"),)

    name: Mapped[str] = mapped_column(String(120), unique=True)
    hypothesis: Mapped[str] = mapped_column(Text, default="")
    metric: Mapped[str] = mapped_column(String(60), default="conversion_rate")
    status: Mapped[ExperimentStatus] = mapped_column(
        enum_type(ExperimentStatus, "experiment_status"), default=ExperimentStatus.DRAFT
    )
    start_at: Mapped[datetime]
    end_at: Mapped[datetime | None] = mapped_column(default=None)

    variant_a_name: Mapped[str] = mapped_column(String(80))
    variant_a_description: Mapped[str] = mapped_column(Text, default="")
    variant_a_cta_text: Mapped[str | None] = mapped_column(String(120), default=None)
    variant_a_cta_url: Mapped[str | None] = mapped_column(String(1000), default=None)
    variant_a_asset_url: Mapped[str | None] = mapped_column(String(1000), default=None)
    variant_b_name: Mapped[str] = mapped_column(String(80))
    variant_b_description: Mapped[str] = mapped_column(Text, default="")
    variant_b_cta_text: Mapped[str | None] = mapped_column(String(120), default=None)
    variant_b_cta_url: Mapped[str | None] = mapped_column(String(1000), default=None)
    variant_b_asset_url: Mapped[str | None] = mapped_column(String(1000), default=None)

    baseline_rate: Mapped[Decimal] = mapped_column(RATE)  # control's expected conversion rate, in (0, 1)
    minimum_detectable_effect: Mapped[Decimal] = mapped_column(RATE)  # relative: 0.1 = +10 %, in (0, 10)
    winner: Mapped[ExperimentWinner | None] = mapped_column(
        enum_type(ExperimentWinner, "experiment_winner"), default=None
    )

    created_by_user_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
