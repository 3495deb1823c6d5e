"""Opportunity alerts (seed 000 step 2f `notifyOpportunity`): tell a seller about a new HIGH market opportunity.

The daily `opportunity-alerts` job runs `notify_new_opportunities`: each approved seller gets at most one
SELLER_OPPORTUNITY notification per 7 days, never twice for the same search term. Which
opportunity is "new and HIGH in the seller's categories" is `core.market.opportunities.top_new_high_opportunity`.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import urls
from core.ai.door import AIDoor, default_ai
from core.market.opportunities import top_new_high_opportunity
from core.models import Notification, NotificationType, SellerProfile, SellerStatus, User
from core.notify.inapp import create_notification

log = logging.getLogger(__name__)

MARKET_LINK = urls.page_link(urls.MARKET)
ALERT_INTERVAL = timedelta(days=7)


def _field(opportunity: Any, name: str, default: Any = None) -> Any:
    """Read a field of an opportunity given as a dataclass or a mapping."""
    if isinstance(opportunity, dict):
        return opportunity.get(name, default)
    return getattr(opportunity, name, default)


def notify_opportunity(session: Session, *, seller_id: str, opportunity: Any, now: datetime) -> Notification:
    """An in-app SELLER_OPPORTUNITY notification for the seller, linking to the Market page (flushed, no commit)."""
    user_id = session.scalar(select(SellerProfile.user_id).where(SellerProfile.id == seller_id))
    if user_id is None:
        raise LookupError(f"seller {seller_id} not found")
    term = str(_field(opportunity, "term", "")).strip()
    volume = _field(opportunity, "search_volume")
    existing = _field(opportunity, "existing_products")
    product_type = _field(opportunity, "suggested_product_type")
    body = f'Buyers searched for "{term}"'
    body += f" {volume} times" if volume is not None else ""
    body += f" and found {existing} matching listings." if existing is not None else "."
    if product_type:
        body += f" A {str(product_type).replace('_', ' ').lower()} could fill the gap."
    return create_notification(
        session,
        user_id=user_id,
        type=NotificationType.SELLER_OPPORTUNITY,
        title=f"New opportunity: {term}",
        body=body,
        link=MARKET_LINK,
        meta={"term": term, "search_volume": volume, "potential": str(_field(opportunity, "potential", "HIGH"))},
        now=now,
    )


def notify_new_opportunities(session: Session, *, now: datetime, ai: AIDoor | None = None) -> int:
    """Notify each approved seller of at most one new HIGH opportunity per week; the number of notifications.

    Skips sellers notified in the last 7 days, and passes every term they were already told about as
    `exclude_terms`. Does not commit: the job's run does.
    """
    ai = ai or default_ai()
    sellers = session.execute(
        select(SellerProfile.id, SellerProfile.user_id)
        .join(User, User.id == SellerProfile.user_id)
        .where(SellerProfile.status == SellerStatus.APPROVED, SellerProfile.deleted_at.is_(None), User.is_active)
        .order_by(SellerProfile.id)
    ).all()
    past = session.execute(
        select(Notification.user_id, Notification.created_at, Notification.meta).where(
            Notification.type == NotificationType.SELLER_OPPORTUNITY
        )
    ).all()
    recent_users = {row.user_id for row in past if row.created_at > now - ALERT_INTERVAL}
    told: dict[str, set[str]] = {}
    for row in past:
        term = (row.meta or {}).get("term") if isinstance(row.meta, dict) else None
        if term:
            told.setdefault(row.user_id, set()).add(str(term))
    sent = 0
    for seller_id, user_id in sellers:
        if user_id in recent_users:
            continue
        opportunity = top_new_high_opportunity(
            session, seller_id=seller_id, now=now, ai=ai, exclude_terms=frozenset(told.get(user_id, ()))
        )
        if opportunity is not None:
            notify_opportunity(session, seller_id=seller_id, opportunity=opportunity, now=now)
            sent += 1
    log.info("opportunity alerts: %d sellers notified", sent)
    return sent
