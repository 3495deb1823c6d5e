"""A small hand-built shop for the Performance figures: the period Oct 25 – Nov 3, 2026 (it crosses a month) and
the one before it (Oct 15 – 24), with refunds dated apart from their orders, zero-visit days, ads with and without
attributed revenue, orders at the edges of UTC days, and another seller whose rows must never count.

Every expected value in the tests is worked out by hand from the rows below (commission 10 %, payment fee
2.9 % + $0.30: a $20 order leaves $2.00 + $0.88, a $50 order $5.00 + $1.75, a $10 order $1.00 + $0.59)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from core.models import AdChannel, DigitalProduct, SellerProfile
from tests.factories import add_ad_spend, add_order, add_traffic, add_views, make_product, make_seller

START, END = date(2026, 10, 25), date(2026, 11, 3)
PREVIOUS_START, PREVIOUS_END = date(2026, 10, 15), date(2026, 10, 24)
RATE = Decimal("0.1000")
NEWEST_ORDER = datetime(2026, 11, 4, 0, 0, tzinfo=UTC)


def at(day: int, month: int = 10, hour: int = 12, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, second, tzinfo=UTC)


@dataclass(frozen=True)
class Shop:
    seller: SellerProfile
    other: SellerProfile
    a: DigitalProduct  # $20, sells in both periods, one refund in each
    b: DigitalProduct  # $50, one order of 2 units, profitable ads
    c: DigitalProduct  # $10, an old order refunded in the previous period
    idle: DigitalProduct  # never sold


def build_shop(session: Session) -> Shop:
    seller = make_seller(session)
    other = make_seller(session)
    a = make_product(session, seller=seller, price="20.00", title="Alpha planner")
    b = make_product(session, seller=seller, price="50.00", title="Beta course")
    c = make_product(session, seller=seller, price="10.00", title="Gamma sheet")
    idle = make_product(session, seller=seller, price="5.00", title="Idle")
    theirs = make_product(session, seller=other, price="99.00", title="Not yours")

    def order(product: DigitalProduct, created_at: datetime, **kw: object) -> None:
        add_order(session, product=product, created_at=created_at, commission_rate=RATE, **kw)  # type: ignore[arg-type]

    # before both periods: only its refund (Oct 16) counts, in the previous period
    order(c, at(10), refunded_at=at(16))
    # previous period
    order(a, at(15, hour=8), refunded_at=at(26))  # refunded in the current period
    order(a, at(24, hour=23, minute=59, second=59), source="google")  # the last second of the previous period
    # current period
    order(a, at(25, hour=0))  # first second of the period, direct
    order(a, at(31, hour=23, minute=30), source="google")  # Oct 31 (UTC)
    order(a, at(1, month=11, hour=0, minute=10), utm_source="google", utm_medium="cpc", refunded_at=at(2, month=11))
    order(b, at(3, month=11, hour=23, minute=59, second=59), source="instagram", quantity=2)
    # after the period (its first second): never counted, but the newest order of the marketplace
    order(a, NEWEST_ORDER)
    # another seller: orders, refunds, traffic, ads and views in both periods
    order(theirs, at(30), refunded_at=at(31))
    order(theirs, at(20))
    add_traffic(session, seller=other, day=date(2026, 10, 30), channel="direct", visits=1000)
    add_ad_spend(session, product=theirs, day=date(2026, 10, 30), spend="70.00", attributed_revenue="99.00")
    add_views(session, product=theirs, day=date(2026, 10, 30), views=500)

    # visits: three days of the current period, none in the previous one
    add_traffic(session, seller=seller, day=date(2026, 10, 25), channel="direct", visits=30)
    add_traffic(session, seller=seller, day=date(2026, 10, 31), channel="search", visits=40)
    add_traffic(session, seller=seller, day=date(2026, 11, 1), channel="direct", visits=30)
    add_traffic(session, seller=seller, day=date(2026, 11, 4), channel="direct", visits=999)  # after the period
    # ads: A without attributed revenue, B with
    add_ad_spend(session, product=a, day=date(2026, 10, 28), spend="6.00", attributed_revenue="0")
    add_ad_spend(
        session,
        product=b,
        day=date(2026, 11, 2),
        spend="4.00",
        attributed_revenue="40.00",
        channel=AdChannel.INSTAGRAM_ADS,
    )
    add_ad_spend(session, product=a, day=date(2026, 10, 20), spend="5.00", attributed_revenue="0")
    # product page visitors (unique_visitors = views x 4 // 5): A 20 (exactly the minimum to rank), B 8
    add_views(session, product=a, day=date(2026, 10, 26), views=25)
    add_views(session, product=b, day=date(2026, 10, 27), views=10)
    add_views(session, product=a, day=date(2026, 10, 24), views=500)  # previous period: not the product's visits
    return Shop(seller, other, a, b, c, idle)
