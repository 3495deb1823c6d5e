"""Running the marketplace (issue 19): ingestion batches, the AI door's call log, operator alert rules and the
alerts they open, detected anomalies and the daily business digest."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, IdMixin, utcnow
from core.models.enums import AlertSeverity, AlertStatus
from core.models.types import JSONType, enum_type


# ----------------------------------------------------------------------------- ingestion (owner: ingestion)
class IngestionBatch(IdMixin, Base):
    """One run of `record_events` from a file or an HTTP request: what it read, inserted, skipped and refused
    (the refused events' reasons go back to the sender: the rejects file or the HTTP answer)."""

    __tablename__ = "ingestion_batches"
    __table_args__ = (Index("ix_ingestion_batches_started", "started_at"),)

    channel: Mapped[str] = mapped_column(String(16))  # "file" | "http"
    origin: Mapped[str] = mapped_column(String(255))  # the file name or the client address
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)
    received: Mapped[int] = mapped_column(Integer, default=0)
    inserted: Mapped[int] = mapped_column(Integer, default=0)
    duplicates: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    sample_reasons: Mapped[list[str]] = mapped_column(JSONType, default=list)  # the first few, for the health page


# ----------------------------------------------------------------------------- AI door calls (owner: health)
class AICallLog(IdMixin, Base):
    """One answer of the AI door: which task, which engine answered, and how (model, cache, offline fallback,
    failure), with its latency. System health counts these per day."""

    __tablename__ = "ai_call_log"
    __table_args__ = (Index("ix_ai_call_log_created", "created_at"),)

    task: Mapped[str] = mapped_column(String(80))
    engine: Mapped[str] = mapped_column(String(40))
    outcome: Mapped[str] = mapped_column(String(16))  # "model" | "cache" | "offline" | "fallback" | "failure"
    latency_ms: Mapped[int] = mapped_column(Integer, default=0)
    detail: Mapped[str | None] = mapped_column(String(255), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


# ----------------------------------------------------------------------------- alert rules (owner: alerts)
class AlertRule(IdMixin, Base):
    """An operator alert rule: `metric` `comparison` `threshold` over `window_minutes` (seed 004 §9, Phase 6)."""

    __tablename__ = "alert_rules"

    key: Mapped[str] = mapped_column(String(60), unique=True)  # stable name of a built-in rule
    name: Mapped[str] = mapped_column(String(120))
    metric: Mapped[str] = mapped_column(String(60))
    comparison: Mapped[str] = mapped_column(String(2))  # ">", ">=", "<", "<="
    threshold: Mapped[Decimal] = mapped_column(Numeric(14, 4))
    window_minutes: Mapped[int] = mapped_column(Integer)
    severity: Mapped[AlertSeverity] = mapped_column(enum_type(AlertSeverity, "alert_severity"))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("true"))
    notify_in_app: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("true"))
    notify_email: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"), default=None)


class OperatorAlert(IdMixin, Base):
    """One breach of one rule: opened once, acknowledged by an admin, resolved when the metric is back."""

    __tablename__ = "operator_alerts"
    __table_args__ = (
        Index("ix_operator_alerts_opened", "opened_at"),
        # One unresolved alert per rule.
        Index(
            "uq_operator_alerts_open_rule",
            "rule_id",
            unique=True,
            postgresql_where=text("resolved_at IS NULL"),
            sqlite_where=text("resolved_at IS NULL"),
        ),
    )

    rule_id: Mapped[str] = mapped_column(ForeignKey("alert_rules.id"))
    status: Mapped[AlertStatus] = mapped_column(enum_type(AlertStatus, "alert_status"), default=AlertStatus.OPEN)
    severity: Mapped[AlertSeverity] = mapped_column(enum_type(AlertSeverity, "alert_severity"))
    value: Mapped[Decimal | None] = mapped_column(Numeric(18, 4), default=None)  # the metric when it opened
    last_value: Mapped[Decimal | None] = mapped_column(Numeric(18, 4), default=None)
    threshold: Mapped[Decimal] = mapped_column(Numeric(14, 4))
    message: Mapped[str] = mapped_column(Text)
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    acknowledged_at: Mapped[datetime | None] = mapped_column(default=None)
    acknowledged_by_user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"), default=None)
    resolved_at: Mapped[datetime | None] = mapped_column(default=None)


# ----------------------------------------------------------------------------- anomalies (owner: anomalies)
class DetectedAnomaly(IdMixin, Base):
    """A day whose value left its expected range (`core.analytics.anomalies`), for the marketplace, a product or a
    seller, kept so the digest, the alerts and the seller's insights read one list."""

    __tablename__ = "detected_anomalies"
    __table_args__ = (
        UniqueConstraint("scope", "subject_id", "metric", "day"),
        Index("ix_detected_anomalies_day", "day"),
    )

    scope: Mapped[str] = mapped_column(String(16))  # "marketplace" | "product" | "seller"
    subject_id: Mapped[str] = mapped_column(String(36), default="")  # product or seller id; '' for the marketplace
    metric: Mapped[str] = mapped_column(String(40))
    day: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(8))  # "drop" | "spike"
    severity: Mapped[AlertSeverity] = mapped_column(enum_type(AlertSeverity, "alert_severity"))
    value: Mapped[Decimal] = mapped_column(Numeric(18, 4))
    expected: Mapped[Decimal] = mapped_column(Numeric(18, 4))
    low: Mapped[Decimal] = mapped_column(Numeric(18, 4))
    high: Mapped[Decimal] = mapped_column(Numeric(18, 4))
    sentence: Mapped[str] = mapped_column(Text)
    detected_at: Mapped[datetime] = mapped_column(default=utcnow)


# ----------------------------------------------------------------------------- daily digest (owner: anomalies/digest)
class DailyDigest(IdMixin, Base):
    """The operators' daily business digest of one local day (seed 001 §4.4), as composed and e-mailed."""

    __tablename__ = "daily_digests"

    day: Mapped[date] = mapped_column(Date, unique=True)
    engine: Mapped[str] = mapped_column(String(40))
    summary: Mapped[str] = mapped_column(Text)
    content: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)  # metrics, highlights, concerns, advice
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    emailed_at: Mapped[datetime | None] = mapped_column(default=None)
