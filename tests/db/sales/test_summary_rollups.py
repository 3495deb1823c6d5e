"""Admin Home from the daily sales roll-up (`core.analytics.daily_sales`) equals Admin Home from `revenue_records`, on
SQLite and PostgreSQL: after a full build, with days the roll-up does not hold yet, after an incremental run, and a
re-run writes the same rows."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.analytics.daily_sales import refresh_daily_sales, selling_sellers_from_rollups
from core.models import AnalyticsRollup
from core.sales.summary import admin_home_summary
from tests.factories import add_revenue, make_product, make_seller

TODAY = date(2026, 11, 21)
NOW = datetime.combine(TODAY, time(15), tzinfo=UTC)


def random_sales(session: Session, seed: int, *, last: date) -> None:
    rng = random.Random(seed)
    products = [make_product(session, seller=make_seller(session)) for _ in range(8)]
    for product in products:
        for offset in rng.sample(range(0, 130), rng.randint(5, 60)):  # sparse and dense sellers
            add_revenue(session, product=product, day=last - timedelta(days=offset),
                        revenue=str(Decimal(rng.randint(100, 9999)) / 100), units=rng.randint(1, 4))  # fmt: skip


def rows(session: Session) -> list[tuple[object, ...]]:
    r = AnalyticsRollup
    stmt = select(r.bucket_start, r.metric, r.prior, r.value).where(r.grain == "day")
    return sorted(tuple(row) for row in session.execute(stmt))


def test_admin_home_is_the_same_from_the_daily_rollup(session: Session) -> None:
    random_sales(session, 11, last=TODAY - timedelta(days=1))
    raw = admin_home_summary(session, now=NOW)

    # Built three days ago: the last three days come from revenue_records, the rest from the roll-up.
    refresh_daily_sales(session, today=TODAY - timedelta(days=3))
    assert admin_home_summary(session, now=NOW) == raw
    refresh_daily_sales(session, today=TODAY)
    assert admin_home_summary(session, now=NOW) == raw
    assert raw.selling_sellers == selling_sellers_from_rollups(session, raw.period.start, raw.period.end)
    assert raw.gmv > 0 and 0 < raw.selling_sellers <= 8

    before = rows(session)
    refresh_daily_sales(session, today=TODAY)
    assert rows(session) == before


def test_selling_sellers_count_each_seller_once_by_hand(session: Session) -> None:
    # Seller a sells on days 1, 2 and 40 (before the look-back of day 40: counted under the epoch), b on day 2.
    a, b = make_product(session, seller=make_seller(session)), make_product(session, seller=make_seller(session))
    d0 = date(2026, 9, 1)
    for product, day in [
        (a, d0),
        (a, d0 + timedelta(days=1)),
        (a, d0 + timedelta(days=40)),
        (b, d0 + timedelta(days=1)),
    ]:
        add_revenue(session, product=product, day=day, revenue="10.00", units=1)
    refresh_daily_sales(session, today=date(2026, 11, 1))
    assert selling_sellers_from_rollups(session, d0, d0 + timedelta(days=29)) == 2  # a and b
    assert selling_sellers_from_rollups(session, d0 + timedelta(days=1), d0 + timedelta(days=1)) == 2
    assert selling_sellers_from_rollups(session, d0 + timedelta(days=2), d0 + timedelta(days=31)) == 0
    assert selling_sellers_from_rollups(session, d0 + timedelta(days=20), d0 + timedelta(days=45)) == 1  # a on day 40
