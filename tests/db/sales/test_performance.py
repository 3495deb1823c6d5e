"""`seller_performance` on a hand-built shop (tests/db/sales/performance_shop.py), both databases: every figure of
both periods, refunds dated apart from their orders, zero-visit days, ACOS without ad revenue, a period across a
month, the daily series aligned by offset, the top products, the freshness — and another seller never counted.
Then the database's sums against the same figures counted in Python from the raw rows, on random shops."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import AdSpend, Order, SellerTraffic
from core.sales.metrics import MIN_VISITS_FOR_CONVERSION
from core.sales.performance import seller_performance
from tests.db.sales.performance_shop import END, NEWEST_ORDER, PREVIOUS_END, PREVIOUS_START, START, build_shop
from tests.factories import add_ad_spend, add_order, add_traffic, make_product, make_seller

D = Decimal


def test_every_figure_of_both_periods(session: Session) -> None:
    shop = build_shop(session)
    perf = seller_performance(session, seller_id=shop.seller.id, start=START, end=END)
    assert (perf.period.start, perf.period.end) == (START, END)
    assert (perf.previous_period.start, perf.previous_period.end) == (PREVIOUS_START, PREVIOUS_END)
    now, before = perf.current, perf.previous
    # current: A $20 x3 (Oct 25, Oct 31, Nov 1), B $50 x2 units (Nov 3 23:59:59)
    assert (now.revenue, now.orders, now.units) == (D("110.00"), 4, 5)
    assert (now.commission, now.payment_fees) == (D("11.00"), D("4.39"))
    assert now.refunds == D("40.00")  # Nov 2 (A's Nov 1 order) + Oct 26 (A's Oct 15 order)
    assert now.refunded_orders == 1 and now.refund_rate == D("25.00")
    assert (now.ad_spend, now.ad_revenue) == (D("10.00"), D("40.00"))
    assert now.visits == 100 and now.conversion_rate == D("4.00")
    assert now.average_order_value == D("27.50")
    assert now.net_profit == D("44.61")  # 110 - 11 - 4.39 - 10 - 40
    assert now.profit_margin == D("40.55")
    assert (now.acos, now.roas, now.tacos) == (D("25.00"), D("4.00"), D("9.09"))
    # previous: A $20 Oct 15 (refunded Oct 26) and Oct 24 23:59:59; C's old order refunded Oct 16; A's ads $5, no
    # attributed revenue; no visits
    assert (before.revenue, before.orders, before.units) == (D("40.00"), 2, 2)
    assert (before.commission, before.payment_fees, before.refunds) == (D("4.00"), D("1.76"), D("10.00"))
    assert before.refund_rate == D("50.00")
    assert before.net_profit == D("19.24")
    assert before.profit_margin == D("48.10")
    assert before.visits == 0 and before.conversion_rate is None  # zero visits: "—", not 0 %
    assert before.acos is None  # ad spend without attributed revenue: no ACOS
    assert before.roas == D("0.00") and before.tacos == D("12.50")
    # the names, each with current and previous
    assert (perf.revenue.current, perf.revenue.previous, perf.revenue.change) == (D("110.00"), D("40.00"), D("175.0"))
    assert perf.orders.change == D("100.0")
    assert perf.average_order_value.previous == D("20.00") and perf.average_order_value.change == D("37.5")
    assert perf.net_profit.change == D("131.9")
    assert perf.profit_margin.current == D("40.55")
    assert perf.conversion_rate.previous is None and perf.conversion_rate.change is None
    assert perf.ad_spend.change == D("100.0")
    assert perf.acos.current == D("25.00") and perf.acos.change is None
    assert perf.roas.previous == D("0.00") and perf.roas.change is None  # no base to compare with
    assert perf.tacos.change == D("-27.3")
    assert perf.has_orders and perf.has_ads


def test_daily_series_is_aligned_by_offset(session: Session) -> None:
    shop = build_shop(session)
    perf = seller_performance(session, seller_id=shop.seller.id, start=START, end=END)
    assert len(perf.daily) == 10
    assert [d.offset for d in perf.daily] == list(range(10))
    first, second, oct31, nov2, last = perf.daily[0], perf.daily[1], perf.daily[6], perf.daily[8], perf.daily[9]
    assert (first.day, first.previous_day) == (date(2026, 10, 25), date(2026, 10, 15))
    assert (first.revenue, first.profit, first.visits) == (D("20.00"), D("17.12"), 30)
    assert (first.previous_revenue, first.previous_profit, first.previous_visits) == (D("20.00"), D("17.12"), 0)
    # Oct 26: nothing sold, A's Oct 15 order refunded, no visit; Oct 16: C's old order refunded
    assert (second.revenue, second.profit, second.visits) == (D("0.00"), D("-20.00"), 0)
    assert (second.previous_revenue, second.previous_profit) == (D("0.00"), D("-10.00"))
    assert (oct31.day, oct31.revenue, oct31.visits) == (date(2026, 10, 31), D("20.00"), 40)
    assert (nov2.day, nov2.revenue, nov2.profit) == (date(2026, 11, 2), D("0.00"), D("-24.00"))  # refund + B's ads
    assert (last.day, last.previous_day) == (date(2026, 11, 3), date(2026, 10, 24))
    assert (last.revenue, last.profit, last.previous_revenue, last.previous_profit) == (
        D("50.00"),
        D("43.25"),
        D("20.00"),
        D("17.12"),
    )
    assert sum(d.revenue for d in perf.daily) == perf.current.revenue
    assert sum(d.profit for d in perf.daily) == perf.current.net_profit
    assert sum(d.previous_profit for d in perf.daily) == perf.previous.net_profit


def test_top_products(session: Session) -> None:
    shop = build_shop(session)
    perf = seller_performance(session, seller_id=shop.seller.id, start=START, end=END)
    by_id = {p.product_id: p for p in perf.products}
    assert set(by_id) == {shop.a.id, shop.b.id}  # C and the idle product had nothing in the period
    a, b = by_id[shop.a.id], by_id[shop.b.id]
    assert (a.revenue, a.orders, a.units, a.visits, a.ad_spend, a.refunds) == (D("60.00"), 3, 3, 20, D("6.00"), D(40))
    assert a.profit == D("5.36")  # 60 - 6 - 2.64 - 6 - 40
    assert (b.revenue, b.orders, b.units, b.visits, b.profit) == (D("50.00"), 1, 2, 8, D("39.25"))
    assert [p.product_id for p in perf.top_by_revenue] == [shop.a.id, shop.b.id]
    assert [p.product_id for p in perf.top_by_profit] == [shop.b.id, shop.a.id]
    # B converts at 12.5 % but on 8 visits: under the minimum, not ranked
    assert MIN_VISITS_FOR_CONVERSION == 20
    assert [(p.product_id, p.conversion_rate) for p in perf.top_by_conversion] == [(shop.a.id, D("15.00"))]


def test_freshness_and_other_sellers(session: Session) -> None:
    shop = build_shop(session)
    perf = seller_performance(session, seller_id=shop.seller.id, start=START, end=END)
    assert perf.meta.data_as_of == NEWEST_ORDER
    assert perf.meta.query_ms >= 0
    theirs = seller_performance(session, seller_id=shop.other.id, start=START, end=END)
    assert (theirs.current.revenue, theirs.current.orders, theirs.current.refunds) == (D("99.00"), 1, D("99.00"))
    assert (theirs.current.visits, theirs.current.ad_spend, theirs.previous.revenue) == (1000, D("70.00"), D("99.00"))
    assert [p.title for p in theirs.products] == ["Not yours"]


def test_seller_without_orders_or_ads(session: Session) -> None:
    seller = make_seller(session)
    make_product(session, seller=seller)
    perf = seller_performance(session, seller_id=seller.id, start=START, end=END)
    assert not perf.has_orders and not perf.has_ads
    assert perf.revenue.current == D("0.00") and perf.revenue.change is None
    for figure in (perf.average_order_value, perf.profit_margin, perf.conversion_rate, perf.acos, perf.roas):
        assert figure.current is None and figure.previous is None and figure.change is None
    assert perf.tacos.current is None
    assert perf.products == [] and perf.top_by_conversion == []
    assert [d.revenue for d in perf.daily] == [D("0.00")] * 10


def test_database_sums_equal_python_sums_on_random_shops(session: Session) -> None:
    """The grouped statements against the raw rows summed in Python (the same definitions), on random data."""
    rnd = random.Random(14)
    seller = make_seller(session)
    products = [
        make_product(session, seller=seller, price=f"{rnd.randint(1, 90)}.{rnd.randint(0, 99):02d}") for _ in range(4)
    ]
    first = date(2026, 9, 1)
    for _ in range(120):
        product = rnd.choice(products)
        created = datetime(2026, 9, 1, tzinfo=UTC) + timedelta(seconds=rnd.randint(0, 80 * 86400))
        refunded = created + timedelta(hours=rnd.randint(1, 400)) if rnd.random() < 0.2 else None
        add_order(session, product=product, created_at=created, quantity=rnd.randint(1, 3), refunded_at=refunded)
    for offset in range(0, 80, 2):
        day = first + timedelta(days=offset)
        add_traffic(
            session, seller=seller, day=day, channel=rnd.choice(["direct", "search"]), visits=rnd.randint(0, 50)
        )
        if rnd.random() < 0.5:
            spend = f"{rnd.randint(0, 9)}.{rnd.randint(0, 99):02d}"
            revenue = f"{rnd.randint(0, 30)}.00"
            add_ad_spend(session, product=rnd.choice(products), day=day, spend=spend, attributed_revenue=revenue)
    start, end = date(2026, 10, 1), date(2026, 10, 30)
    perf = seller_performance(session, seller_id=seller.id, start=start, end=end)

    def in_days(moment: datetime | None, lo: date, hi: date) -> bool:
        return moment is not None and lo <= moment.astimezone(UTC).date() <= hi

    orders = session.scalars(select(Order).where(Order.seller_id == seller.id)).all()
    traffic = session.scalars(select(SellerTraffic).where(SellerTraffic.seller_id == seller.id)).all()
    ads = session.scalars(select(AdSpend).where(AdSpend.seller_id == seller.id)).all()
    for totals, (lo, hi) in ((perf.current, (start, end)), (perf.previous, (date(2026, 9, 1), date(2026, 9, 30)))):
        mine = [o for o in orders if in_days(o.created_at, lo, hi)]
        assert totals.orders == len(mine)
        assert totals.revenue == sum((D(str(o.amount)) for o in mine), D(0))
        assert totals.units == sum(o.quantity for o in mine)
        assert totals.commission == sum((D(str(o.commission)) for o in mine), D(0))
        assert totals.payment_fees == sum((D(str(o.payment_fee)) for o in mine), D(0))
        assert totals.refunded_orders == sum(1 for o in mine if o.refunded_at is not None)
        refunded = [o for o in orders if in_days(o.refunded_at, lo, hi)]
        assert totals.refunds == sum((D(str(o.refunded_amount)) for o in refunded), D(0))
        assert totals.visits == sum(t.visits for t in traffic if lo <= t.day <= hi)
        assert totals.ad_spend == sum((D(str(a.spend)) for a in ads if lo <= a.day <= hi), D(0))
        assert totals.ad_revenue == sum((D(str(a.attributed_revenue)) for a in ads if lo <= a.day <= hi), D(0))
    assert sum(p.revenue for p in perf.products) == perf.current.revenue
    assert sum(p.profit for p in perf.products) == perf.current.net_profit
