"""The first-sale congratulation (seed 004 Phase 6): a creator's first paid order sends them one e-mail, exactly once.

`congratulate_first_sales` (the `first-sale-emails` job's work) finds, in one statement over `orders`, the sellers
whose first paid order was created in the last `LOOKBACK` (7 days) — a paid order in that window and none before
it — and who have no congratulation in the outbox yet (idempotency key `first-sale:<seller_id>`), and queues one
mail each; `queue_email`'s ON CONFLICT makes a second run, or two runners at once, queue nothing more.

Decisions: an order refunded before the job saw it is not a sale (`status = refunded`): a seller whose only
orders were refunded is not congratulated, and one whose first order was refunded is congratulated for the first
order that stayed paid. A sale refunded after the mail was queued does not take it back. The 7-day look-back
covers a jobs runner that was down for days while keeping the sellers of the past (whose first sale is older) from
getting a late congratulation when the job first runs; the seller must still be an active, not deleted account.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import exists, func, literal, select
from sqlalchemy.orm import Session

from core import urls
from core.config import Settings, get_settings
from core.messaging.rules import first_name
from core.models import DigitalProduct, EmailOutbox, Order, OrderStatus, SellerProfile, User
from core.money import format_money
from core.notify.email import queue_email
from core.notify.render import render_email
from core.periods import format_day, local_day, require_aware

LOOKBACK = timedelta(days=7)
KIND = "first-sale"
KEY_PREFIX = "first-sale:"
SUBJECT = "Congratulations on your first sale!"


def idempotency_key(seller_id: str) -> str:
    return f"{KEY_PREFIX}{seller_id}"


@dataclass(frozen=True)
class FirstSale:
    """A seller due a congratulation and their first paid order."""

    seller_id: str
    user_id: str
    email: str
    user_name: str
    display_name: str
    product_title: str
    amount: Decimal
    currency: str
    ordered_at: datetime


def due_first_sales(session: Session, *, now: datetime) -> list[FirstSale]:
    """Sellers whose first paid order was created in (now - LOOKBACK, now] and who have no congratulation queued,
    with that order (the earliest; ties by id), by seller id.

    Set-based from the sellers, not from the week's orders (half a million on the large set): each seller's first
    paid order is one probe of `ix_orders_seller_created` from its oldest entry, the outbox key one probe of its
    unique index; then the few due sellers' first orders are read.
    """
    require_aware(now)
    since = now - LOOKBACK
    first_paid = (
        select(func.min(Order.created_at))
        .where(Order.seller_id == SellerProfile.id, Order.status == OrderStatus.PAID)
        .correlate(SellerProfile)
        .scalar_subquery()
    )
    congratulated = exists().where(EmailOutbox.idempotency_key == literal(KEY_PREFIX) + SellerProfile.id)
    sellers = (
        select(SellerProfile.id.label("seller_id"), first_paid.label("first_paid_at"))
        .join(User, User.id == SellerProfile.user_id)
        .where(User.is_active, SellerProfile.deleted_at.is_(None), ~congratulated)
        .subquery()
    )
    due = dict(
        session.execute(
            select(sellers.c.seller_id, sellers.c.first_paid_at).where(
                sellers.c.first_paid_at > since, sellers.c.first_paid_at <= now
            )
        ).all()
    )
    if not due:
        return []
    ranked = (
        select(
            Order.seller_id,
            Order.product_id,
            Order.amount,
            Order.currency,
            Order.created_at,
            func.row_number().over(partition_by=Order.seller_id, order_by=(Order.created_at, Order.id)).label("n"),
        )
        .where(Order.seller_id.in_(sorted(due)), Order.status == OrderStatus.PAID, Order.created_at > since)
        .subquery()
    )
    rows = session.execute(
        select(
            ranked.c.seller_id,
            User.id,
            User.email,
            User.name,
            SellerProfile.display_name,
            DigitalProduct.title,
            ranked.c.amount,
            ranked.c.currency,
            ranked.c.created_at,
        )
        .join(SellerProfile, SellerProfile.id == ranked.c.seller_id)
        .join(User, User.id == SellerProfile.user_id)
        .join(DigitalProduct, DigitalProduct.id == ranked.c.product_id)
        .where(ranked.c.n == 1)
        .order_by(ranked.c.seller_id)
    ).all()
    return [FirstSale(*row) for row in rows]


def compose_first_sale(sale: FirstSale, *, settings: Settings) -> tuple[str, str]:
    """(html, text) of one congratulation."""
    day = format_day(local_day(sale.ordered_at, settings.timezone))
    context = {
        "subject": SUBJECT,
        "first_name": first_name(sale.user_name, sale.display_name),
        "sale_sentence": f"“{sale.product_title}” sold for {format_money(sale.amount, sale.currency)} on {day}.",
        "performance_url": urls.absolute_link(settings.app_base_url, urls.PERFORMANCE),
        "listing_health_url": urls.absolute_link(settings.app_base_url, urls.LISTING_HEALTH),
    }
    return render_email("first_sale", context)


def congratulate_first_sales(session: Session, *, now: datetime, settings: Settings | None = None) -> int:
    """Queue the congratulation of every seller due one (`due_first_sales`); returns how many were queued now.
    Does not commit (the job's transaction does); delivery is the outbox job's."""
    settings = settings or get_settings()
    queued = 0
    for sale in due_first_sales(session, now=now):
        html, text = compose_first_sale(sale, settings=settings)
        row = queue_email(
            session,
            idempotency_key=idempotency_key(sale.seller_id),
            kind=KIND,
            to_user_id=sale.user_id,
            to_address=sale.email,
            subject=SUBJECT,
            html=html,
            text=text,
            now=now,
        )
        queued += row is not None
    return queued
