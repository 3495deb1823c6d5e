"""One number per metric (DESIGN §2): GMV, orders, buyers, AOV and e-mails sent are defined here, once, and every page
that shows one (Admin Home, Operator KPIs) calls these functions, so the same period gives the same value everywhere.

Definitions, over a half-open window [start, end) of instants (`TimeRange`; `day_range` makes one from local days):

- **Sales** are the `purchase` events: one per sale, at the instant of the sale, with the buyer (`person_id`), the
  product (`properties.product_id`) and the amount (`properties.amount_cents`). They are the only record of a
  sale that carries both its instant and its buyer (`revenue_records` is the daily roll-up of the same sales per
  seller and product, without buyers; the demo writes both from one ledger, `core.demo.purchases`). When the
  orders table lands, these functions read it instead and every page follows.
- **GMV** = Σ amount_cents ÷ 100, rounded to cents. **Orders** = number of purchases. **Buyers** = distinct
  persons with a purchase. **AOV** = GMV ÷ orders, rounded half up to cents (None without orders).
  **Platform revenue** = Σ amount × the product's seller's commission rate (`DEFAULT_COMMISSION_RATE` when the
  product cannot be linked). A seller's figures (`seller_id`) count the purchases of that seller's products.
- **E-mails sent** = rows of the e-mail outbox with status SENT and `sent_at` in the window: what the product
  actually handed to the mail server (or wrote as `.eml`), not what was queued or tracked.

The marketplace's sales read the hourly roll-ups (`core.analytics.rollups`) for a window's whole hours and the raw
purchases for its partial edges, with the same result as `raw_sales_totals` (the reference, and a seller's path).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from decimal import Decimal
from typing import Literal

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from core.analytics.kpis import DEFAULT_COMMISSION_RATE, TimeRange, average_order_value
from core.analytics.rollup_keys import BUYERS, SALES_METRICS
from core.analytics.rollup_reads import RollupState, distinct_counts, rolled_sums, rollup_state, split
from core.models import AnalyticsEvent, DigitalProduct, EmailOutbox, EmailStatus, SellerProfile
from core.money import to_cents
from core.periods import Window, complete_days

PURCHASE = "purchase"
HOME_DAYS = 30  # Admin Home's window: the last 30 complete days, as the home pages' (`core.sales.summary`)


@dataclass(frozen=True)
class SalesTotals:
    """The sales of one window (see the module docstring for each definition)."""

    window: TimeRange
    gmv_cents: Decimal  # exact sum of the purchases' amount_cents
    orders: int
    buyers: int
    commission_cents: Decimal = Decimal(0)

    @property
    def gmv(self) -> Decimal:
        return to_cents(self.gmv_cents / 100)

    @property
    def platform_revenue(self) -> Decimal:
        return to_cents(self.commission_cents / 100)

    @property
    def aov(self) -> Decimal | None:
        return average_order_value(self.gmv, self.orders)


def day_range(first: date, last: date, tz: tzinfo) -> TimeRange:
    """Local days `first` … `last` (inclusive) in `tz` as instants: [local midnight of first, of the day after last)."""
    if last < first:
        raise ValueError(f"last day {last} is before first day {first}")
    start = datetime.combine(first, time.min, tzinfo=tz)
    end = datetime.combine(last + timedelta(days=1), time.min, tzinfo=tz)
    return TimeRange(start.astimezone(UTC), end.astimezone(UTC))


def sales_totals(
    session: Session,
    windows: Sequence[TimeRange],
    *,
    seller_id: str | None = None,
    state: RollupState | Literal["look up"] | None = "look up",
) -> list[SalesTotals]:
    """GMV, orders, buyers and platform revenue of each window (in the order given).

    The marketplace's figures read the hourly roll-ups for each window's whole hours and the raw purchases for
    its edges (`core.analytics.rollups`; `state` saves looking the watermark up again); a seller's, a window
    longer than the roll-ups' look-back, or no roll-ups at all read `raw_sales_totals`, the reference."""
    if seller_id is not None or not windows:
        return raw_sales_totals(session, windows, seller_id=seller_id)
    if state == "look up":
        state = rollup_state(session)
    splits = [split(w, state) for w in windows]
    if all(s.body is None for s in splits):
        return raw_sales_totals(session, windows)
    sums = rolled_sums(session, SALES_METRICS, [s.body for s in splits])
    edges = [(i, edge) for i, s in enumerate(splits) for edge in s.edges]
    raw = raw_sales_totals(session, [edge for _, edge in edges])
    for (i, _), part in zip(edges, raw, strict=True):
        sums[i]["orders"] += part.orders
        sums[i]["gmv_cents"] += part.gmv_cents
        sums[i]["commission_cents"] += part.commission_cents
    buyers = distinct_counts(session, [BUYERS], windows, state)[BUYERS.metric]
    return [
        SalesTotals(
            w, sums[i]["gmv_cents"], int(sums[i]["orders"]), sum(buyers[i].values()), sums[i]["commission_cents"]
        )
        for i, w in enumerate(windows)
    ]


def raw_sales_totals(
    session: Session, windows: Sequence[TimeRange], *, seller_id: str | None = None
) -> list[SalesTotals]:
    """`sales_totals` from the raw purchase events alone, one statement for all windows (the reference)."""
    if not windows:
        return []
    e = AnalyticsEvent
    amount = e.properties["amount_cents"].as_numeric(18, 2)
    rate = func.coalesce(SellerProfile.commission_rate, DEFAULT_COMMISSION_RATE)
    columns = []
    for w in windows:
        inside = and_(e.occurred_at >= w.start, e.occurred_at < w.end)
        columns += [
            func.coalesce(func.sum(case((inside, amount), else_=0)), 0),
            func.count(case((inside, 1), else_=None)),
            func.count(func.distinct(case((inside, e.person_id), else_=None))),
            func.coalesce(func.sum(case((inside, amount * rate), else_=0)), 0),
        ]
    stmt = (
        select(*columns)
        .select_from(e)
        .outerjoin(DigitalProduct, DigitalProduct.id == e.properties["product_id"].as_string())
        .outerjoin(SellerProfile, SellerProfile.id == DigitalProduct.seller_id)
        .where(
            e.event_type == PURCHASE,
            e.occurred_at >= min(w.start for w in windows),
            e.occurred_at < max(w.end for w in windows),
        )
    )
    if seller_id is not None:
        stmt = stmt.where(DigitalProduct.seller_id == seller_id)
    row = session.execute(stmt).one()
    out = []
    for i, w in enumerate(windows):
        gmv, orders, buyers, commission = row[4 * i : 4 * i + 4]
        out.append(SalesTotals(w, Decimal(str(gmv)), int(orders), int(buyers), Decimal(str(commission))))
    return out


def emails_sent(session: Session, windows: Sequence[TimeRange]) -> list[int]:
    """E-mails the outbox sent in each window (status SENT, `sent_at` inside), in the order given; one statement."""
    if not windows:
        return []
    o = EmailOutbox
    columns = [func.count(case((and_(o.sent_at >= w.start, o.sent_at < w.end), 1), else_=None)) for w in windows]
    row = session.execute(
        select(*columns).where(
            o.status == EmailStatus.SENT,
            o.sent_at >= min(w.start for w in windows),
            o.sent_at < max(w.end for w in windows),
        )
    ).one()
    return [int(n) for n in row]


@dataclass(frozen=True)
class HomeMetrics:
    """Admin Home's marketplace figures: the last 30 complete local days and the 30 before, and the e-mails sent
    since local midnight (the Operator KPIs' "today" window, so both pages show the same number)."""

    period: Window
    previous_period: Window
    sales: SalesTotals
    previous_sales: SalesTotals
    today: TimeRange
    emails_sent_today: int


def home_metrics(session: Session, *, now: datetime, tz: tzinfo) -> HomeMetrics:
    """The figures of Admin Home at `now` (local today in `tz`): three statements in all."""
    today = now.astimezone(tz).date()
    period = complete_days(HOME_DAYS, today=today)
    previous = period.previous()
    windows = [day_range(period.start, period.end, tz), day_range(previous.start, previous.end, tz)]
    since_midnight = TimeRange(day_range(today, today, tz).start, now.astimezone(UTC))
    sales, before = sales_totals(session, windows)
    (sent,) = emails_sent(session, [since_midnight])
    return HomeMetrics(period, previous, sales, before, since_midnight, sent)
