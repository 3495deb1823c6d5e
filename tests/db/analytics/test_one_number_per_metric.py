"""One number per metric (issue 11, finding 3): GMV, orders, buyers, AOV and e-mails sent, computed through every
page's data function for the same period on a hand-built marketplace, agree with each other and with the values
worked out by hand below — on SQLite and PostgreSQL.

Each sale is written as the marketplace writes it: one `purchase` event at its instant (buyer, product, cents) and
its share of the day's `revenue_records` roll-up. APP_TIMEZONE is UTC in tests; NOW = Saturday 2026-11-21 15:00.

Sales (cents):                                   in Home's 30 days   28 d (now = midnight)   7 d (midnight)
  1  Oct 10 12:00     a1  u1  1000               previous 30         previous 28
  8  Oct 21 23:59:59  b1  u5   700               previous 30         previous 28
  2  Nov 10 09:00     a1  u1  2500               yes                 yes
  3  Nov 14 00:00:00  b1  u2  1999               yes                 yes                     yes (first instant)
  4  Nov 15 10:00     a1  u2  2500               yes                 yes                     yes
  5  Nov 15 18:00     a1  u3  2500               yes                 yes                     yes (same record as 4)
  6  Nov 20 23:59:59  b1  u1  4002               yes                 yes                     yes (last second)
  7  Nov 21 10:00     a1  u4  9999               today: in no complete-day window

By hand — 30 days (Oct 22 – Nov 20) = 28 days (Oct 24 – Nov 20): GMV 2500 + 1999 + 2500 + 2500 + 4002 = 13,501 c =
$135.01, 5 orders, buyers u1 u2 u3 = 3, AOV 135.01 / 5 = 27.002 -> $27.00. 7 days (Nov 14 – 20): 11,001 c = $110.01,
4 orders, 3 buyers, AOV 27.5025 -> $27.50. Before: 1000 + 700 = $17.00, 2 orders, 2 buyers. Seller A (a1) 30 days:
2500 + 2500 + 2500 = $75.00 in 3 units; seller B (b1): 1999 + 4002 = $60.01 in 2 units. Week Nov 14 – 20: A $50.00,
B $60.01.
E-mails (outbox): SENT at Nov 21 01:00 and 14:00 -> 2 today before 15:00; one SENT at 15:00 (= now, outside), one
SENT Nov 20 23:00 (yesterday after 15:00), one QUEUED, one FAILED: never counted.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from core.analytics import day_range, home_metrics, operator_kpis, sales_totals
from core.messaging.queries import load_week_numbers
from core.models import AnalyticsEvent, DigitalProduct, EmailOutbox, EmailStatus
from core.periods import Window
from core.sales.summary import admin_home_summary, seller_home_summary
from core.sellers import seller_overview
from tests.conftest import NOW
from tests.factories import add_revenue, make_product, make_seller

MIDNIGHT = datetime(2026, 11, 21, tzinfo=UTC)
SALES = [
    (datetime(2026, 10, 10, 12, tzinfo=UTC), "a1", "u1", 1000),
    (datetime(2026, 10, 21, 23, 59, 59, tzinfo=UTC), "b1", "u5", 700),
    (datetime(2026, 11, 10, 9, tzinfo=UTC), "a1", "u1", 2500),
    (datetime(2026, 11, 14, tzinfo=UTC), "b1", "u2", 1999),
    (datetime(2026, 11, 15, 10, tzinfo=UTC), "a1", "u2", 2500),
    (datetime(2026, 11, 15, 18, tzinfo=UTC), "a1", "u3", 2500),
    (datetime(2026, 11, 20, 23, 59, 59, tzinfo=UTC), "b1", "u1", 4002),
    (datetime(2026, 11, 21, 10, tzinfo=UTC), "a1", "u4", 9999),
]
MAIL = [
    (EmailStatus.SENT, datetime(2026, 11, 21, 1, tzinfo=UTC)),
    (EmailStatus.SENT, datetime(2026, 11, 21, 14, tzinfo=UTC)),
    (EmailStatus.SENT, NOW),
    (EmailStatus.SENT, datetime(2026, 11, 20, 23, tzinfo=UTC)),
    (EmailStatus.QUEUED, None),
    (EmailStatus.FAILED, None),
]
HAND_30 = (Decimal("135.01"), 5, 3, Decimal("27.00"))  # GMV, orders, buyers, AOV
HAND_7 = (Decimal("110.01"), 4, 3, Decimal("27.50"))
HAND_BEFORE = (Decimal("17.00"), 2, 2, Decimal("8.50"))
HAND_SELLER_30 = {"A": (Decimal("75.00"), 3), "B": (Decimal("60.01"), 2)}
HAND_SELLER_WEEK = {"A": Decimal("50.00"), "B": Decimal("60.01")}


@pytest.fixture
def marketplace(session: Session) -> dict[str, str]:
    """The sales and mail of the module docstring; returns {"A": seller id, "B": seller id}."""
    seller_a, seller_b = make_seller(session, name="A"), make_seller(session, name="B")
    products: dict[str, DigitalProduct] = {
        "a1": make_product(session, seller=seller_a),
        "b1": make_product(session, seller=seller_b),
    }
    roll_up: dict[tuple[str, date], list[int]] = defaultdict(lambda: [0, 0])
    for when, product, buyer, cents in SALES:
        session.add(
            AnalyticsEvent(
                person_id=buyer, event_type="purchase", occurred_at=when,
                properties={"amount_cents": cents, "product_id": products[product].id},
            )
        )  # fmt: skip
        roll_up[(product, when.date())][0] += cents
        roll_up[(product, when.date())][1] += 1
    for (product, day), (cents, units) in roll_up.items():
        add_revenue(session, product=products[product], day=day, revenue=Decimal(cents) / 100, units=units)
    for n, (status, sent_at) in enumerate(MAIL):
        session.add(
            EmailOutbox(idempotency_key=f"one-number-{n}", kind="test", to_address=f"x{n}@example.com", subject="s",
                        html_body="h", text_body="t", status=status, sent_at=sent_at)
        )  # fmt: skip
    session.flush()
    return {"A": seller_a.id, "B": seller_b.id}


def four(totals) -> tuple[Decimal, int, int, Decimal | None]:
    return totals.gmv, totals.orders, totals.buyers, totals.aov


def kpi_four(kpis) -> tuple[tuple, tuple]:
    """(GMV, paying buyers, AOV) now and before, from an Operator KPIs strip."""
    k = kpis.kpis
    return (k["gmv"].value, k["paying_buyers"].value, k["aov"].value), (
        k["gmv"].previous,
        k["paying_buyers"].previous,
        k["aov"].previous,
    )


def test_gmv_orders_buyers_and_aov_agree_on_every_page(session: Session, marketplace: dict[str, str]) -> None:
    # Admin Home (components.data.analytics -> core.analytics.home_metrics): the last 30 complete days.
    home = home_metrics(session, now=NOW, tz=UTC)
    assert (home.period.start, home.period.end) == (date(2026, 10, 22), date(2026, 11, 20))
    assert four(home.sales) == HAND_30
    assert four(home.previous_sales) == HAND_BEFORE

    # Operator KPIs (components.data.analytics -> core.analytics.operator_kpis) at midnight: 28 complete days,
    # which hold the same sales as Home's 30, and the 7 days.
    k28 = operator_kpis(session, window="28d", now=MIDNIGHT)
    assert kpi_four(k28) == ((HAND_30[0], HAND_30[2], HAND_30[3]), (HAND_BEFORE[0], HAND_BEFORE[2], HAND_BEFORE[3]))
    k7 = operator_kpis(session, window="7d", now=MIDNIGHT)
    assert kpi_four(k7)[0] == (HAND_7[0], HAND_7[2], HAND_7[3])
    assert four(sales_totals(session, [day_range(date(2026, 11, 14), date(2026, 11, 20), UTC)])[0]) == HAND_7

    # Admin Home's daily GMV chart and its units (core.sales.summary, the revenue_records roll-up): same totals.
    summary = admin_home_summary(session, now=NOW)
    assert (summary.gmv, summary.units) == (HAND_30[0], HAND_30[1])
    assert (summary.previous_gmv, summary.previous_units) == (HAND_BEFORE[0], HAND_BEFORE[1])
    assert sum(p.revenue for p in summary.daily if p.day in summary.period) == home.sales.gmv

    # Per seller: seller Home, the admin's seller overview and the weekly digest, against the sales of the seller.
    rows = {r.display_name: r for r in seller_overview(session, now=NOW, page_size=50).rows}
    window_30 = day_range(date(2026, 10, 22), date(2026, 11, 20), UTC)
    week = Window(date(2026, 11, 14), date(2026, 11, 20))
    for name, seller_id in marketplace.items():
        revenue, units = HAND_SELLER_30[name]
        (own,) = sales_totals(session, [window_30], seller_id=seller_id)
        assert (own.gmv, own.orders) == (revenue, units), name
        seller_home = seller_home_summary(session, seller_id=seller_id, now=NOW)
        assert (seller_home.revenue, seller_home.units) == (revenue, units), name
        assert rows[name].revenue_30d == revenue, name
        (own_week,) = sales_totals(session, [day_range(week.start, week.end, UTC)], seller_id=seller_id)
        digest = load_week_numbers(session, seller_id=seller_id, week=week)
        assert digest.revenue_this_week == own_week.gmv == HAND_SELLER_WEEK[name], name
    assert sum(HAND_SELLER_30[n][0] for n in marketplace) == home.sales.gmv


def test_emails_sent_count_what_the_outbox_sent(session: Session, marketplace: dict[str, str]) -> None:
    home = home_metrics(session, now=NOW, tz=UTC)
    today = operator_kpis(session, window="today", now=NOW).kpis["emails_sent"]

    assert home.emails_sent_today == today.value == 2
    assert today.previous == 0  # yesterday 00:00–15:00: the 23:00 message is after the compared hours
    week = operator_kpis(session, window="7d", now=NOW).kpis["emails_sent"]
    assert week.value == 3  # Nov 14 15:00 – Nov 21 15:00: 23:00, 01:00, 14:00
