"""The operators' daily business digest (seed 001 §4.4): compose yesterday's digest once, store it in
`daily_digests` and e-mail it through the outbox to the active admins who opted in.

* **The day**: the last complete local day (APP_TIMEZONE) before `now`; compared with the same weekday a week before.
* **Numbers** (the anomaly scan's definitions, `core.analytics.anomaly_scan`): revenue and orders are Σ revenue and
  Σ units of `revenue_records`; conversion is purchases (`conversion_events`) per 100 unique product-page visitors
  (`product_views`); the top product is the day's highest revenue (ties: more units, then the title), with its
  revenue a week before.
* **Concerns and highlights**: the day's marketplace and product anomalies in `detected_anomalies` (the `anomalies`
  job runs at 07:30, before this one at 08:00; product spikes are judged relative to the marketplace's day and kept
  from severity warning up, so a marketplace-wide surge is one concern, not hundreds of products) and the unresolved
  `operator_alerts` (read only).
* **Texts** through the AI door (`core.ai.tasks.daily_business_digest`, offline engine by default).
* **Once**: a day with a stored digest is not composed again (INSERT … ON CONFLICT DO NOTHING on the day); each
  admin's mail has the idempotency key `daily-digest:<day>:<user id>`, so a re-run, or an admin who opts in later
  that morning, queues only what is missing. An opted-out or inactive admin gets nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from core import urls
from core.ai.door import AIDoor, default_ai
from core.ai.tasks.daily_business_digest import (
    AlertFact,
    AnomalyFact,
    DailyDigestPayload,
    KeyMetric,
    TopProduct,
    daily_business_digest,
)
from core.analytics.anomaly_scan import anomalies_of_day
from core.config import Settings, get_settings
from core.db import insert_for, new_id
from core.models import (
    AlertSeverity,
    ConversionEvent,
    ConversionEventType,
    DailyDigest,
    DigitalProduct,
    OperatorAlert,
    ProductView,
    RevenueRecord,
    User,
    UserRole,
)
from core.money import format_percent, percent
from core.notify.email import queue_email
from core.notify.render import render_email
from core.periods import format_day, local_day, require_aware

log = logging.getLogger(__name__)

KIND = "daily-digest"


def idempotency_key(day: date, user_id: str) -> str:
    return f"{KIND}:{day.isoformat()}:{user_id}"


def digest_day(now: datetime, settings: Settings) -> date:
    """The day a digest sent at `now` is about: the last complete local day."""
    require_aware(now)
    return local_day(now, settings.timezone) - timedelta(days=1)


def digest_subject(day: date) -> str:
    return f"Daily digest: {day:%A} {format_day(day)}"


# --------------------------------------------------------------------------- loading


def _sales(session: Session, days: tuple[date, date]) -> dict[date, tuple[Decimal, int]]:
    r = RevenueRecord
    rows = session.execute(select(r.day, func.sum(r.revenue), func.sum(r.units)).where(r.day.in_(days)).group_by(r.day))
    return {day: (Decimal(revenue or 0), int(units or 0)) for day, revenue, units in rows}


def _conversion(session: Session, days: tuple[date, date]) -> dict[date, Decimal]:
    """Purchases per 100 unique product-page visitors (0 when nobody visited)."""
    c, v = ConversionEvent, ProductView
    purchases = dict(
        session.execute(
            select(c.day, func.sum(c.count))
            .where(c.day.in_(days), c.event_type == ConversionEventType.PURCHASE)
            .group_by(c.day)
        ).all()
    )
    visitors = dict(
        session.execute(select(v.day, func.sum(v.unique_visitors)).where(v.day.in_(days)).group_by(v.day)).all()
    )
    return {d: percent(purchases.get(d, 0), visitors.get(d, 0)) or Decimal(0) for d in days}


def _top_product(session: Session, day: date) -> TopProduct | None:
    r, p = RevenueRecord, DigitalProduct
    row = session.execute(
        select(r.product_id, p.title, r.revenue, r.units)
        .join(p, p.id == r.product_id)
        .where(r.day == day, r.revenue > 0)
        .order_by(r.revenue.desc(), r.units.desc(), p.title, r.product_id)
        .limit(1)
    ).first()
    if row is None:
        return None
    product_id, title, revenue, units = row
    before = session.scalar(select(r.revenue).where(r.product_id == product_id, r.day == day - timedelta(days=7)))
    return TopProduct(title=title, revenue=Decimal(revenue), units=int(units), previous_revenue=Decimal(before or 0))


def _open_alerts(session: Session) -> list[AlertFact]:
    a = OperatorAlert
    rank = case({AlertSeverity.CRITICAL: 0, AlertSeverity.WARNING: 1}, value=a.severity, else_=2)
    rows = session.execute(select(a.severity, a.message).where(a.resolved_at.is_(None)).order_by(rank, a.opened_at))
    return [AlertFact(severity=str(getattr(s, "value", s)), message=m) for s, m in rows]


def load_payload(session: Session, day: date) -> DailyDigestPayload:
    """The digest's numbers for `day` against the same weekday a week before (module docstring)."""
    before = day - timedelta(days=7)
    sales = _sales(session, (day, before))
    conversion = _conversion(session, (day, before))
    (revenue, units), (revenue_before, units_before) = (sales.get(d, (Decimal(0), 0)) for d in (day, before))
    metrics = (
        KeyMetric("revenue", "Revenue", "money", revenue, revenue_before),
        KeyMetric("orders", "Orders", "count", Decimal(units), Decimal(units_before)),
        KeyMetric("conversion", "Conversion", "percent", conversion[day], conversion[before]),
    )
    anomalies = tuple(
        AnomalyFact(scope=a.scope, metric=a.metric, kind=a.kind, severity=a.severity.value, sentence=a.sentence)
        for a in anomalies_of_day(session, day)
    )
    return DailyDigestPayload(
        day=day,
        metrics=metrics,
        top_product=_top_product(session, day),
        anomalies=anomalies,
        alerts=tuple(_open_alerts(session)),
    )


# --------------------------------------------------------------------------- composing and storing


def _metric_row(m: KeyMetric) -> dict[str, str]:
    change = m.change
    return {
        "key": m.key,
        "label": m.label,
        "value": m.text(),
        "previous": m.text(m.previous),
        "change": "—" if change is None else format_percent(change, signed=True),
    }


def compose_content(payload: DailyDigestPayload, *, ai: AIDoor, session: Session) -> tuple[str, str, dict[str, Any]]:
    """(engine, summary, content) of the digest: the texts through the AI door, the numbers as display text."""
    result = daily_business_digest(payload, ai=ai, session=session)
    text = result.value
    t = payload.top_product
    content = {
        "metrics": [_metric_row(m) for m in payload.metrics],
        "top_product": None if t is None else f"“{t.title}”, {t.versus()}",
        "highlights": text.highlights,
        "concerns": text.concerns,
        "recommendations": text.recommendations,
        "engine_label": result.engine_label,
        "anomalies": len(payload.anomalies),
        "alerts": len(payload.alerts),
    }
    return result.engine, text.summary, content


def store_digest(session: Session, *, day: date, ai: AIDoor, now: datetime) -> tuple[DailyDigest, bool]:
    """The stored digest of `day`, composed and inserted when there is none yet: (row, created now)."""
    existing = session.scalar(select(DailyDigest).where(DailyDigest.day == day))
    if existing is not None:
        return existing, False
    engine, summary, content = compose_content(load_payload(session, day), ai=ai, session=session)
    statement = (
        insert_for(session, DailyDigest)
        .values(id=new_id(), day=day, engine=engine, summary=summary, content=content, created_at=now)
        .on_conflict_do_nothing(index_elements=["day"])
        .returning(DailyDigest.id)
    )
    created = session.scalar(statement) is not None  # None: another runner stored the day meanwhile
    return session.scalars(select(DailyDigest).where(DailyDigest.day == day)).one(), created


def render_digest(digest: DailyDigest, *, settings: Settings) -> tuple[str, str, str]:
    """(subject, html, text) of the stored digest's e-mail."""
    content = digest.content
    subject = digest_subject(digest.day)
    context = {
        "subject": subject,
        "summary": digest.summary,
        "day_label": format_day(digest.day),
        "previous_label": format_day(digest.day - timedelta(days=7)),
        "metrics": content.get("metrics", []),
        "top_product": content.get("top_product"),
        "highlights": content.get("highlights", []),
        "concerns": content.get("concerns", []),
        "recommendations": content.get("recommendations", []),
        "sections": [
            ("Highlights", content.get("highlights", [])),
            ("Concerns", content.get("concerns", [])),
            ("Recommendations", content.get("recommendations", [])),
        ],
        "home_url": urls.absolute_link(settings.app_base_url, urls.ADMIN_HOME),
        "engine_label": content.get("engine_label", digest.engine),
    }
    html, text = render_email("daily_digest", context)
    return subject, html, text


def digest_recipients(session: Session) -> list[tuple[str, str]]:
    """(user id, e-mail) of the active admins who opted in, oldest account first."""
    u = User
    statement = (
        select(u.id, u.email)
        .where(u.role == UserRole.ADMIN, u.is_active, u.daily_digest_opt_in)
        .order_by(u.created_at, u.id)
    )
    return [(user_id, email) for user_id, email in session.execute(statement)]


@dataclass
class DailyDigestReport:
    """What one run did: the day, whether it composed the digest now, the engine, and the mail queued."""

    day: date
    composed: bool = False
    engine: str = ""
    recipients: int = 0
    queued: int = 0

    @property
    def rows(self) -> int:
        return int(self.composed) + self.queued

    def summary(self) -> str:
        state = "composed" if self.composed else "already stored"
        return (
            f"digest of {self.day.isoformat()} {state} ({self.engine}); "
            f"{self.queued} of {self.recipients} admin e-mails queued"
        )


def send_daily_digest(
    session: Session, *, now: datetime, settings: Settings | None = None, ai: AIDoor | None = None
) -> DailyDigestReport:
    """Compose and store yesterday's digest (once) and queue it to every opted-in active admin (once each).

    Writes in the caller's transaction (no commit); delivery is the outbox job's (`then`).
    """
    settings = settings or get_settings()
    day = digest_day(now, settings)
    digest, created = store_digest(session, day=day, ai=ai or default_ai(), now=now)
    report = DailyDigestReport(day=day, composed=created, engine=digest.engine)
    recipients = digest_recipients(session)
    report.recipients = len(recipients)
    if recipients:
        subject, html, text = render_digest(digest, settings=settings)
        for user_id, email in recipients:
            row = queue_email(
                session,
                idempotency_key=idempotency_key(day, user_id),
                kind=KIND,
                to_user_id=user_id,
                to_address=email,
                subject=subject,
                html=html,
                text=text,
                now=now,
            )
            report.queued += row is not None
    if report.queued:
        digest.emailed_at = now
    session.flush()
    log.info("daily digest: %s", report.summary())
    return report


@dataclass(frozen=True)
class DigestView:
    """A stored digest as the admin Home shows it (plain values; every text is data, shown as text)."""

    day: date
    engine: str
    engine_label: str
    summary: str
    metrics: list[dict[str, str]]
    top_product: str | None
    highlights: list[str]
    concerns: list[str]
    recommendations: list[str]
    created_at: datetime
    emailed_at: datetime | None


def latest_digest(session: Session, *, today: date) -> DigestView | None:
    """The newest stored digest of a day before `today` (the admin Home's card), or None."""
    d = DailyDigest
    row = session.scalars(select(d).where(d.day < today).order_by(d.day.desc()).limit(1)).first()
    if row is None:
        return None
    content = row.content or {}
    return DigestView(
        day=row.day,
        engine=row.engine,
        engine_label=str(content.get("engine_label") or row.engine),
        summary=row.summary,
        metrics=list(content.get("metrics", [])),
        top_product=content.get("top_product"),
        highlights=list(content.get("highlights", [])),
        concerns=list(content.get("concerns", [])),
        recommendations=list(content.get("recommendations", [])),
        created_at=row.created_at,
        emailed_at=row.emailed_at,
    )
