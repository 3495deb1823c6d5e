"""The quiet-product notices of the seller alerts (issue 14, `core.sales.alert_evaluation`): which open "no sale in
N days" breaches nobody was told of yet, and which sellers had such a notice in the last `NO_SALE_NOTICE_DAYS` days.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Container
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import DigitalProduct, Notification, SellerAlertBreach
from core.sales.alert_rules import NO_SALE, StaleProduct, day_start

NO_SALE_NOTICE_DAYS = 7  # a seller is told about newly quiet products at most once in this many days
_CHUNK = 1000  # ids per IN (…)


def untold_quiet_products(session: Session, sellers: Container[str]) -> dict[str, list[tuple[str, StaleProduct, int]]]:
    """seller -> (breach id, product, number of days) of its open quiet-product breaches not told yet (they opened
    within a week of an earlier notice); the products' titles looked up by key for those few."""
    B = SellerAlertBreach
    found = [
        row
        for row in session.execute(
            select(B.id, B.seller_id, B.subject, B.numbers).where(
                B.rule == NO_SALE, B.ended_on.is_(None), B.notification_id.is_(None)
            )
        )
        if row.seller_id in sellers
    ]
    subjects = sorted({row.subject for row in found})
    titles: dict[str, str] = {}
    for start in range(0, len(subjects), _CHUNK):
        chunk = subjects[start : start + _CHUNK]
        query = select(DigitalProduct.id, DigitalProduct.title).where(DigitalProduct.id.in_(chunk))
        titles.update((product_id, title) for product_id, title in session.execute(query))
    waiting: dict[str, list[tuple[str, StaleProduct, int]]] = defaultdict(list)
    for breach_id, seller_id, subject, numbers in found:
        last = numbers.get("last_sale_on")
        stale = StaleProduct(
            subject,
            titles.get(subject, ""),
            date.fromisoformat(numbers["published_on"]),
            date.fromisoformat(last) if last else None,
        )
        waiting[seller_id].append((breach_id, stale, int(numbers["threshold"])))
    return waiting


def told_of_quiet_products(session: Session, seller_ids: set[str], *, today: date) -> set[str]:
    """The sellers among `seller_ids` sent a quiet-products notification on one of the last `NO_SALE_NOTICE_DAYS`
    days (today included): a notice on Nov 21 holds the next one back until Nov 28."""
    B = SellerAlertBreach
    since = day_start(today - timedelta(days=NO_SALE_NOTICE_DAYS - 1))
    ordered = sorted(seller_ids)
    told: set[str] = set()
    for start in range(0, len(ordered), _CHUNK):
        told.update(
            session.scalars(
                select(B.seller_id)
                .join(Notification, Notification.id == B.notification_id)
                .where(
                    B.seller_id.in_(ordered[start : start + _CHUNK]),
                    B.rule == NO_SALE,
                    Notification.created_at >= since,
                )
                .distinct()
            )
        )
    return told
