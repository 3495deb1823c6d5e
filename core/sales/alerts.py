"""Seller alerts' settings and list (issue 14): a seller's thresholds (read with defaults, save) and a seller's open
and recent alerts for the Performance page. The rules, defaults and words are in `core.sales.alert_rules`; the daily
evaluation (the `seller-alerts` job's work: opening, following and closing breaches) in
`core.sales.alert_evaluation`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from core.models import (
    DigitalProduct,
    SellerAlertBreach,
    SellerAlertSettings,
    SellerProfile,
)
from core.money import to_cents
from core.periods import require_aware
from core.sales.alert_rules import (
    DEFAULT_SETTINGS,
    HIGH_ACOS,
    LOW_CONVERSION,
    NO_SALE,
    REVENUE_DROP,
    AlertSettings,
    AlertSettingsError,
    breach_text,
    parse_alert_settings,
)

log = logging.getLogger(__name__)

RECENT_DAYS = 30  # closed alerts stay on the page this long
MAX_LISTED = 100  # alerts listed on the page at most


# ---------------------------------------------------------------- settings


def settings_of(row: SellerAlertSettings) -> AlertSettings:
    """A stored settings row as `AlertSettings` (percents to cents precision)."""

    def pct(value: Any) -> Any:
        return None if value is None else to_cents(value)

    return AlertSettings(
        enabled=bool(row.enabled),
        revenue_drop_percent=pct(row.revenue_drop_percent),
        min_conversion_percent=pct(row.min_conversion_percent),
        max_acos_percent=pct(row.max_acos_percent),
        no_sale_days=row.no_sale_days,
        saved=True,
    )


def alert_settings(session: Session, *, seller_id: str) -> AlertSettings:
    """The seller's alert settings; the defaults (`saved` False) when the seller never saved any."""
    row = session.get(SellerAlertSettings, seller_id)
    return DEFAULT_SETTINGS if row is None else settings_of(row)


def save_alert_settings(
    session: Session, *, seller_id: str, values: Mapping[str, object] | AlertSettings, now: datetime
) -> AlertSettings:
    """Store the seller's settings (the form's raw values, see `parse_alert_settings`, or parsed settings) and
    return them. Raises `AlertSettingsError` (field -> message) when a value is wrong — nothing is stored then —
    and `LookupError` for an unknown seller. Flushes; the caller's transaction commits."""
    require_aware(now)
    parsed = values if isinstance(values, AlertSettings) else parse_alert_settings(values)
    if isinstance(parsed, dict):
        raise AlertSettingsError(parsed)
    if session.get(SellerProfile, seller_id) is None:
        raise LookupError(f"seller {seller_id} not found")
    row = session.get(SellerAlertSettings, seller_id)
    if row is None:
        row = SellerAlertSettings(seller_id=seller_id)
        session.add(row)
    row.enabled = parsed.enabled
    row.revenue_drop_percent = parsed.revenue_drop_percent
    row.min_conversion_percent = parsed.min_conversion_percent
    row.max_acos_percent = parsed.max_acos_percent
    row.no_sale_days = parsed.no_sale_days
    row.updated_at = now
    session.flush()
    return settings_of(row)


# ---------------------------------------------------------------- the page's list


@dataclass(frozen=True)
class AlertView:
    """One alert as the Performance page lists it."""

    id: str
    rule: str
    label: str
    product_id: str | None
    product_title: str | None
    started_on: date
    last_seen_on: date
    ended_on: date | None
    numbers: dict[str, Any]
    title: str
    body: str

    @property
    def is_open(self) -> bool:
        return self.ended_on is None


ALERT_LABELS = {
    REVENUE_DROP: "Revenue drop",
    LOW_CONVERSION: "Low conversion",
    HIGH_ACOS: "High ACOS",
    NO_SALE: "No sale",
}


def seller_alerts(session: Session, *, seller_id: str, today: date, limit: int = MAX_LISTED) -> list[AlertView]:
    """The seller's open alerts and those closed in the last `RECENT_DAYS` days: open first, then newest first."""
    B = SellerAlertBreach
    stmt = (
        select(B, DigitalProduct.title)
        .outerjoin(DigitalProduct, and_(B.subject != "", DigitalProduct.id == B.subject))
        .where(B.seller_id == seller_id, or_(B.ended_on.is_(None), B.ended_on >= today - timedelta(RECENT_DAYS)))
        .order_by(B.ended_on.is_not(None), B.started_on.desc(), B.rule, DigitalProduct.title, B.id)
        .limit(limit)
    )
    views = []
    for breach, title in session.execute(stmt):
        text = breach_text(breach.rule, breach.numbers, product_id=breach.subject, product_title=title or "")
        views.append(
            AlertView(
                breach.id,
                breach.rule,
                ALERT_LABELS[breach.rule],
                breach.subject or None,
                title,
                breach.started_on,
                breach.last_seen_on,
                breach.ended_on,
                dict(breach.numbers),
                text.title,
                text.body,
            )
        )
    return views
