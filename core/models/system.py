"""The product's own machinery: notifications, e-mail outbox, job runs and the AI cache."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, IdMixin, TimestampMixin, utcnow
from core.models.enums import EmailStatus, JobStatus, NotificationType
from core.models.types import JSONType, enum_type


class Notification(IdMixin, Base):
    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_read", "user_id", "read_at"),)

    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    type: Mapped[NotificationType] = mapped_column(enum_type(NotificationType, "notification_type"))
    title: Mapped[str] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str | None] = mapped_column(String(500), default=None)
    meta: Mapped[dict[str, Any] | None] = mapped_column("metadata", JSONType, default=None)
    read_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class EmailOutbox(IdMixin, TimestampMixin, Base):
    """Every e-mail the product sends, written first and delivered after (idempotency by key)."""

    __tablename__ = "email_outbox"
    # Status for delivery; sent_at for the health page's hourly outbox history (issue 19).
    __table_args__ = (Index("ix_email_outbox_status", "status"), Index("ix_email_outbox_sent_at", "sent_at"))

    idempotency_key: Mapped[str | None] = mapped_column(String(200), unique=True, default=None)
    kind: Mapped[str] = mapped_column(String(60))
    to_user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"), default=None)
    to_address: Mapped[str] = mapped_column(String(255))
    subject: Mapped[str] = mapped_column(String(255))
    html_body: Mapped[str] = mapped_column(Text)
    text_body: Mapped[str] = mapped_column(Text)
    status: Mapped[EmailStatus] = mapped_column(enum_type(EmailStatus, "email_status"), default=EmailStatus.QUEUED)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    sent_at: Mapped[datetime | None] = mapped_column(default=None)
    delivered_to: Mapped[str | None] = mapped_column(String(500), default=None)  # SMTP host or .eml path


class JobRun(IdMixin, Base):
    __tablename__ = "job_runs"
    __table_args__ = (Index("ix_job_runs_job_started", "job_name", "started_at"),)

    job_name: Mapped[str] = mapped_column(String(60))
    period: Mapped[str] = mapped_column(String(40))
    status: Mapped[JobStatus] = mapped_column(enum_type(JobStatus, "job_status"))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)
    rows_affected: Mapped[int | None] = mapped_column(Integer, default=None)
    error: Mapped[str | None] = mapped_column(Text, default=None)


class JobClaim(IdMixin, Base):
    """Claims one (job, period) for one runner: the unique key makes a second claim of a period fail."""

    __tablename__ = "job_claims"
    __table_args__ = (UniqueConstraint("job_name", "period"),)

    job_name: Mapped[str] = mapped_column(String(60))
    period: Mapped[str] = mapped_column(String(40))
    claimed_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_by: Mapped[str | None] = mapped_column(String(120), default=None)  # host:pid, or "app:<user>"
    run_id: Mapped[str | None] = mapped_column(ForeignKey("job_runs.id"), default=None)


class JobRunnerHeartbeat(IdMixin, Base):
    """One row per jobs runner process (`host:pid`), its last beat refreshed every loop: the Jobs page says a runner
    is alive only when a beat is recent."""

    __tablename__ = "job_runner_heartbeats"

    runner: Mapped[str] = mapped_column(String(120), unique=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    beat_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    stopped_at: Mapped[datetime | None] = mapped_column(default=None)


class AICache(IdMixin, Base):
    __tablename__ = "ai_cache"
    __table_args__ = (UniqueConstraint("task", "input_hash"), Index("ix_ai_cache_expires_at", "expires_at"))

    task: Mapped[str] = mapped_column(String(80))
    input_hash: Mapped[str] = mapped_column(String(64))
    engine: Mapped[str] = mapped_column(String(40))
    result: Mapped[dict[str, Any]] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()


__all__ = ["AICache", "EmailOutbox", "JobClaim", "JobRun", "JobRunnerHeartbeat", "Notification", "TimestampMixin"]
