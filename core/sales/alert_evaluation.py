"""The daily evaluation of every approved seller's alerts (issue 14): the `seller-alerts` job's work. The rules,
defaults and words are in `core.sales.alert_rules`; a seller's thresholds and the page's list in `core.sales.alerts`.

The evaluation is set-based: one statement per figure over all sellers (orders of the last 14 complete days,
visits and ad spend of the last 7, products without a recent order), the rules applied in Python to the per-seller
rows, then the breaches written in bulk. A breach is a row of `seller_alert_breaches` per seller, rule and subject
(a product id for the per-product rule, '' for the shop): opened with ONE in-app notification when it starts,
kept open while it lasts (`last_seen_on` and its numbers follow), closed (`ended_on`) the first day it no longer
holds — or its rule or the seller's alerts were switched off, or the seller is no longer an active, approved
seller. A later breach opens a new row and notifies again. Products that go without a sale on the same day share
one notification per seller (each keeps its own breach row), so a seller with many quiet products gets one
message, not one per product; and a seller hears about quiet products at most once in `NO_SALE_NOTICE_DAYS` (7)
days: products going quiet in the days after a notice open their breach at once (the page lists them) and are told
in the next notice, a week after the last one — each breach is still told exactly once, only later. (On the large
set's first day the rule opened 128,951 breaches; a notice a day for the long tail of quiet listings is noise.)
Running twice on one day changes nothing the second time.
"""

from __future__ import annotations

import itertools
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, String, and_, case, cast, exists, func, insert, literal, or_, select, update
from sqlalchemy.orm import Session, aliased

from core import urls
from core.db import UTCDateTime, new_id
from core.models import (
    AdSpend,
    DigitalProduct,
    NotificationType,
    Order,
    ProductStatus,
    SellerAlertBreach,
    SellerAlertSettings,
    SellerProfile,
    SellerStatus,
    SellerTraffic,
    User,
)
from core.money import to_cents
from core.notify.inapp import create_notification
from core.periods import Window, complete_days, require_aware
from core.sales.alert_rules import (
    DEFAULT_NO_SALE_DAYS,
    DEFAULT_SETTINGS,
    HIGH_ACOS,
    LOW_CONVERSION,
    NO_SALE,
    REVENUE_DROP,
    WINDOW_DAYS,
    AlertSettings,
    AlertText,
    StaleProduct,
    acos_numbers,
    breach_text,
    conversion_numbers,
    day_start,
    is_high_acos,
    is_low_conversion,
    is_revenue_drop,
    no_sale_cutoff,
    no_sale_numbers,
    no_sale_text,
    revenue_drop_numbers,
)
from core.sales.alerts import settings_of
from core.sales.quiet_products import told_of_quiet_products, untold_quiet_products

log = logging.getLogger(__name__)

PERFORMANCE_LINK = urls.page_link(urls.PERFORMANCE)
_CHUNK = 1000  # ids per UPDATE … WHERE id IN (…)
_INSERT_CHUNK = 5000  # new breaches per INSERT batch
_STREAM_ROWS = 5000  # rows fetched at a time from the long results (quiet products, open breaches)


@dataclass(frozen=True)
class AlertRunReport:
    """What one evaluation did: breaches opened (each notified, alone or with other quiet products), still open,
    closed, and notifications sent."""

    opened: int
    continued: int
    closed: int
    notified: int

    def summary(self) -> str:
        return (
            f"{self.opened} alerts opened ({self.notified} notifications), {self.continued} still open, "
            f"{self.closed} closed"
        )


@dataclass(frozen=True, slots=True)
class _Seller:
    user_id: str
    settings: AlertSettings


@dataclass(frozen=True, slots=True)
class _Finding:
    """A breach that holds today: who, which rule and subject, its numbers; a quiet product's details."""

    seller_id: str
    rule: str
    subject: str
    numbers: dict[str, Any] | None  # None: an open breach whose stored numbers stay as they are
    stale: StaleProduct | None = None

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.seller_id, self.rule, self.subject)


def _active_sellers(*columns: Any) -> Select[Any]:
    """`columns` of approved, not deleted sellers whose account is active, with their settings row (outer join)."""
    return (
        select(*columns)
        .select_from(SellerProfile)
        .join(User, User.id == SellerProfile.user_id)
        .outerjoin(SellerAlertSettings, SellerAlertSettings.seller_id == SellerProfile.id)
        .where(SellerProfile.status == SellerStatus.APPROVED, SellerProfile.deleted_at.is_(None), User.is_active)
    )


def _alerting_sellers(session: Session) -> dict[str, _Seller]:
    rows = session.execute(_active_sellers(SellerProfile.id, SellerProfile.user_id, SellerAlertSettings))
    return {
        seller_id: _Seller(user_id, DEFAULT_SETTINGS if row is None else settings_of(row))
        for seller_id, user_id, row in rows
    }


def _window_numbers(window: Window, threshold: Any) -> dict[str, Any]:
    return {"start": window.start.isoformat(), "end": window.end.isoformat(), "threshold": str(threshold)}


def _shop_findings(session: Session, sellers: dict[str, _Seller], week: Window, before: Window) -> Iterable[_Finding]:
    """Revenue drop and low conversion (orders of both weeks in one statement, visits of the week in another),
    and high ACOS (ad spend of the week)."""
    current = Order.created_at >= day_start(week.start)
    orders = session.execute(
        select(
            Order.seller_id,
            func.sum(case((current, Order.amount), else_=0)),
            func.sum(case((current, 1), else_=0)),
            func.sum(case((current, 0), else_=Order.amount)),
            func.sum(case((current, 0), else_=1)),
        )
        .where(Order.created_at >= day_start(before.start), Order.created_at < day_start(week.end + timedelta(1)))
        .group_by(Order.seller_id)
    ).all()
    week_orders: dict[str, int] = {}
    for seller_id, revenue, count, previous_revenue, previous_count in orders:
        week_orders[seller_id] = int(count)
        seller = sellers.get(seller_id)
        threshold = seller and seller.settings.threshold(REVENUE_DROP)
        if threshold is None:
            continue
        revenue, previous_revenue = to_cents(revenue), to_cents(previous_revenue)
        if is_revenue_drop(revenue, previous_revenue, int(previous_count), threshold):
            numbers = revenue_drop_numbers(revenue, previous_revenue, int(count), int(previous_count))
            yield _Finding(seller_id, REVENUE_DROP, "", numbers | _window_numbers(week, threshold))

    visits = session.execute(
        select(SellerTraffic.seller_id, func.sum(SellerTraffic.visits))
        .where(SellerTraffic.day >= week.start, SellerTraffic.day <= week.end)
        .group_by(SellerTraffic.seller_id)
    ).all()
    for seller_id, seller_visits in visits:
        seller = sellers.get(seller_id)
        threshold = seller and seller.settings.threshold(LOW_CONVERSION)
        count = week_orders.get(seller_id, 0)
        if threshold is not None and is_low_conversion(count, int(seller_visits), threshold):
            numbers = conversion_numbers(count, int(seller_visits))
            yield _Finding(seller_id, LOW_CONVERSION, "", numbers | _window_numbers(week, threshold))

    ads = session.execute(
        select(AdSpend.seller_id, func.sum(AdSpend.spend), func.sum(AdSpend.attributed_revenue))
        .where(AdSpend.day >= week.start, AdSpend.day <= week.end)
        .group_by(AdSpend.seller_id)
    ).all()
    for seller_id, spend, attributed in ads:
        seller = sellers.get(seller_id)
        threshold = seller and seller.settings.threshold(HIGH_ACOS)
        spend, attributed = to_cents(spend), to_cents(attributed)
        if threshold is not None and is_high_acos(spend, attributed, threshold):
            yield _Finding(seller_id, HIGH_ACOS, "", acos_numbers(spend, attributed) | _window_numbers(week, threshold))


def _no_sale_findings(session: Session, sellers: dict[str, _Seller], today: date) -> Iterable[_Finding]:
    """Published products of alerting sellers, published before and without an order since their seller's cutoff
    (`no_sale_cutoff`), in one statement; each seller's number of days is picked in SQL from the few distinct ones.

    A product whose breach is already open keeps its numbers (no order since the cutoff means its last sale has not
    changed): its last sale is looked up only for the products that just went quiet, and its stored numbers are read
    only when the seller changed the number of days (tens of thousands of quiet products on the large data set)."""
    wanted = {s.settings.threshold(NO_SALE) for s in sellers.values()} - {None}
    if not wanted:
        return
    days = case((SellerAlertSettings.seller_id.is_(None), DEFAULT_NO_SALE_DAYS), else_=SellerAlertSettings.no_sale_days)
    cutoff = case(
        {n: literal(no_sale_cutoff(today, int(n)), UTCDateTime()) for n in sorted(wanted)},  # type: ignore[arg-type]
        value=days,
    )
    known = aliased(SellerAlertBreach)
    last_sale = select(func.max(Order.created_at)).where(Order.product_id == DigitalProduct.id).scalar_subquery()
    stmt = (
        _active_sellers(
            DigitalProduct.id,
            DigitalProduct.seller_id,
            DigitalProduct.title,
            DigitalProduct.published_at,
            days,
            known.id,
            case((known.numbers["threshold"].as_string() != cast(days, String), known.numbers)),
            case((known.id.is_(None), last_sale)),  # evaluated only when the breach is new
        )
        .join(DigitalProduct, DigitalProduct.seller_id == SellerProfile.id)
        .outerjoin(
            known,
            and_(
                known.seller_id == DigitalProduct.seller_id,
                known.rule == NO_SALE,
                known.subject == DigitalProduct.id,
                known.ended_on.is_(None),
            ),
        )
        .where(
            or_(
                SellerAlertSettings.seller_id.is_(None),
                and_(SellerAlertSettings.enabled, SellerAlertSettings.no_sale_days.is_not(None)),
            ),
            DigitalProduct.status == ProductStatus.PUBLISHED,
            DigitalProduct.deleted_at.is_(None),
            DigitalProduct.published_at <= cutoff,
            ~exists().where(Order.product_id == DigitalProduct.id, Order.created_at >= cutoff),
        )
    )
    rows = session.execute(stmt.execution_options(yield_per=_STREAM_ROWS))  # streamed: many quiet products
    for product_id, seller_id, title, published_at, n, open_id, stored, last in rows:
        if open_id is not None:  # still quiet: the numbers stay, with the new number of days if it changed
            yield _Finding(seller_id, NO_SALE, product_id, None if stored is None else stored | {"threshold": str(n)})
            continue
        published_on, last_on = published_at.astimezone(UTC).date(), last and last.astimezone(UTC).date()
        numbers = no_sale_numbers(published_on, last_on) | {"threshold": str(n)}
        yield _Finding(seller_id, NO_SALE, product_id, numbers, StaleProduct(product_id, title, published_on, last_on))


def evaluate_seller_alerts(session: Session, *, now: datetime) -> AlertRunReport:
    """Evaluate every active, approved seller's alerts as of `now` (see the module docstring): open, follow and
    close breaches and notify each new one once. Flushes; the job's run commits."""
    require_aware(now)
    today = now.astimezone(UTC).date()
    week = complete_days(WINDOW_DAYS, today=today)
    sellers = _alerting_sellers(session)
    findings = itertools.chain(_shop_findings(session, sellers, week, week.previous()),
                               _no_sale_findings(session, sellers, today))  # fmt: skip
    report = _record(session, findings, sellers, today=today, now=now)
    log.info("seller alerts: %s", report.summary())
    return report


def _record(
    session: Session, findings: Iterable[_Finding], sellers: dict[str, _Seller], *, today: date, now: datetime
) -> AlertRunReport:
    """Close what no longer holds, follow what still does, open (and notify) what is new."""
    B = SellerAlertBreach
    # (id, numbers) of each open breach; the numbers of the shop-wide ones only: quiet products' numbers do not
    # change while they last (and there are many of them).
    stmt = select(B.seller_id, B.rule, B.subject, B.id, case((B.rule != NO_SALE, B.numbers)))
    open_rows = {
        (seller_id, rule, subject): (id_, numbers)
        for seller_id, rule, subject, id_, numbers in session.execute(
            stmt.where(B.ended_on.is_(None)).execution_options(yield_per=_STREAM_ROWS)
        )
    }
    found = {f.key: f for f in findings}
    gone = [id_ for key, (id_, _) in open_rows.items() if key not in found]
    for start in range(0, len(gone), _CHUNK):
        session.execute(
            update(B).where(B.id.in_(gone[start : start + _CHUNK])).values(ended_on=today),
            execution_options={"synchronize_session": False},
        )
    session.execute(
        update(B).where(B.ended_on.is_(None), B.last_seen_on < today).values(last_seen_on=today),
        execution_options={"synchronize_session": False},
    )
    changed = [
        {"id": open_rows[key][0], "numbers": f.numbers}
        for key, f in found.items()
        if key in open_rows and f.numbers is not None and open_rows[key][1] != f.numbers
    ]
    if changed:
        session.execute(update(B), changed, execution_options={"synchronize_session": False})
    new = [f for key, f in found.items() if key not in open_rows]
    notified = _open(session, new, sellers, today=today, now=now)
    return AlertRunReport(opened=len(new), continued=len(found) - len(new), closed=len(gone), notified=notified)


def _open(session: Session, new: list[_Finding], sellers: dict[str, _Seller], *, today: date, now: datetime) -> int:
    """Insert the new breaches, each shop-wide one with its notification; a seller's quiet products (new ones and
    those not told yet) share one notification, unless the seller had one in the last `NO_SALE_NOTICE_DAYS` days:
    then they wait, untold, for the first run after that week. Returns the notifications sent."""
    quiet_new: dict[str, list[_Finding]] = defaultdict(list)
    for finding in new:
        if finding.rule == NO_SALE and finding.stale is not None:
            quiet_new[finding.seller_id].append(finding)
    waiting = untold_quiet_products(session, sellers)
    told = told_of_quiet_products(session, set(quiet_new) | set(waiting), today=today)
    notice: dict[str, str] = {}  # seller -> the notification of its quiet products sent now
    updates = []
    for seller_id in sorted((set(quiet_new) | set(waiting)) - told):
        earlier = waiting.get(seller_id, [])
        products = [stale for _, stale, _ in earlier] + [f.stale for f in quiet_new.get(seller_id, []) if f.stale]
        days = [n for _, _, n in earlier] + [int((f.numbers or {})["threshold"]) for f in quiet_new.get(seller_id, [])]
        products.sort(key=lambda p: (p.title, p.product_id))
        text = no_sale_text(products, min(days))
        notice[seller_id] = _notify(session, sellers[seller_id].user_id, NO_SALE, text, len(products), now)
        updates += [{"id": breach_id, "notification_id": notice[seller_id]} for breach_id, _, _ in earlier]
    rows = []
    notified = len(notice)
    for finding in sorted(new, key=lambda f: (f.seller_id, f.rule, f.subject)):
        if finding.rule == NO_SALE:
            notification = notice.get(finding.seller_id)
        else:
            text = breach_text(finding.rule, finding.numbers or {})
            notification = _notify(session, sellers[finding.seller_id].user_id, finding.rule, text, 1, now)
            notified += 1
        rows.append(
            {"id": new_id(), "seller_id": finding.seller_id, "rule": finding.rule, "subject": finding.subject,
             "started_on": today, "last_seen_on": today, "numbers": finding.numbers, "notification_id": notification,
             "created_at": now}
        )  # fmt: skip
    for start in range(0, len(rows), _INSERT_CHUNK):  # bounded batches: the first run opens tens of thousands
        session.execute(insert(SellerAlertBreach), rows[start : start + _INSERT_CHUNK])
    if updates:  # the few quiet products that waited for this notice
        session.execute(update(SellerAlertBreach), updates, execution_options={"synchronize_session": False})
    return notified


def _notify(session: Session, user_id: str, rule: str, text: AlertText, count: int, now: datetime) -> str:
    note = create_notification(
        session,
        user_id=user_id,
        type=NotificationType.PERFORMANCE_ALERT,
        title=text.title,
        body=text.body,
        link=PERFORMANCE_LINK,
        meta={"alert": rule, "count": count},
        now=now,
    )
    return note.id
