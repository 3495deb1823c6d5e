"""`cached_market_growth` (the day's per-type figures minus the seller's own) equals the live `load_market_growth`."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from core.models import DigitalProductType
from core.sales.queries import (
    cached_market_growth,
    load_history,
    load_market_growth,
    market_history,
)
from core.sales.trends import History, trend_windows
from tests.conftest import NOW
from tests.factories import add_revenue, make_product, make_seller

AS_OF = NOW.date() - timedelta(days=1)
TYPES = [DigitalProductType.EBOOK, DigitalProductType.COURSE, DigitalProductType.PLANNER]


def live_history(session, seller_id: str) -> History:
    """The live query's history, straight from `load_history` with `load_market_growth`'s conditions."""
    from sqlalchemy import select

    from core.models import DigitalProduct

    types = select(DigitalProduct.type).where(DigitalProduct.seller_id == seller_id).distinct()
    return load_history(
        session,
        windows=trend_windows(AS_OF + timedelta(days=1)),
        conditions=lambda rr, dp: [rr.seller_id != seller_id, dp.type.in_(types)],
        products=True,
    )


def nonzero(history: History) -> History:
    """A history without the months that hold nothing (what `monthly_growth` reads as 0 either way)."""
    keep = [m for m in history.month_cents if history.month_cents[m] or history.month_units[m]]
    return History(
        {m: history.month_cents[m] for m in sorted(keep)},
        {m: history.month_units[m] for m in sorted(keep)},
        tuple(history.block_cents),
        history.first_sale,
    )


def test_cached_equals_live_on_random_sellers(session):
    rng = random.Random(13)
    sellers = [make_seller(session) for _ in range(6)]
    for seller in sellers:
        for kind in rng.sample(TYPES, rng.randint(1, 2)):
            product = make_product(session, seller=seller, type=kind)
            # Over two years and a bit, a few days after AS_OF too (the first sale has no upper bound).
            for back in rng.sample(range(-2, 800), rng.randint(0, 40)):
                add_revenue(
                    session,
                    product=product,
                    day=AS_OF - timedelta(days=back),
                    revenue=f"{rng.randint(0, 50000) / 100:.2f}",
                    units=rng.randint(0, 5),
                )
    lonely = make_seller(session)  # only product type nobody else sells, and no sales at all
    make_product(session, seller=lonely, type=DigitalProductType.GRAPHIC)
    session.flush()
    windows = trend_windows(AS_OF + timedelta(days=1))
    methods = set()
    for seller in [*sellers, lonely]:
        cached = market_history(session, seller_id=seller.id, windows=windows, now=NOW)
        assert cached == nonzero(live_history(session, seller.id))
        growth = cached_market_growth(session, seller_id=seller.id, as_of=AS_OF, now=NOW)
        assert growth == load_market_growth(session, seller_id=seller.id, as_of=AS_OF)
        methods.add(growth.method)
    assert "year_over_year" in methods  # the random data reaches the year-over-year rule


@pytest.mark.parametrize("year", [2025, 2024])
def test_first_sale_without_the_seller_is_the_next_sellers(session, year):
    """The subject sold first; the market's first sale is the next seller's, per type, then the earliest type.

    In 2024 every sale is before the 24 months the trend loads: the live query then has no row and no first sale.
    """
    subject, second, third = make_seller(session), make_seller(session), make_seller(session)
    mine = make_product(session, seller=subject, type=DigitalProductType.EBOOK)
    make_product(session, seller=subject, type=DigitalProductType.COURSE)
    add_revenue(session, product=mine, day=date(year, 1, 1), revenue="1.00", units=1)
    add_revenue(session, product=make_product(session, seller=second), day=date(year, 6, 1), revenue="1.00", units=1)
    course = make_product(session, seller=third, type=DigitalProductType.COURSE)
    add_revenue(session, product=course, day=date(year, 3, 1), revenue="2.00", units=1)
    session.flush()
    windows = trend_windows(AS_OF + timedelta(days=1))
    expected = {2025: (date(2025, 3, 1), date(2025, 1, 1)), 2024: (None, None)}[year]
    got = tuple(market_history(session, seller_id=s.id, windows=windows, now=NOW).first_sale for s in (subject, second))
    assert got == expected
    assert (live_history(session, subject.id).first_sale, live_history(session, second.id).first_sale) == expected
    for seller in (subject, second, third):
        assert cached_market_growth(session, seller_id=seller.id, as_of=AS_OF, now=NOW) == load_market_growth(
            session, seller_id=seller.id, as_of=AS_OF
        )


def test_the_figures_are_counted_once_a_day(session):
    """Revenue recorded later the same day counts from the next day's count (the documented trade-off)."""
    subject, other = make_seller(session), make_seller(session)
    make_product(session, seller=subject, type=DigitalProductType.PLANNER)
    theirs = make_product(session, seller=other, type=DigitalProductType.PLANNER)
    add_revenue(session, product=theirs, day=date(2026, 10, 1), revenue="100.00", units=1)
    session.flush()
    windows = trend_windows(AS_OF + timedelta(days=1))
    first = market_history(session, seller_id=subject.id, windows=windows, now=NOW)
    assert first.month_cents == {date(2026, 10, 1): 10000}
    add_revenue(session, product=theirs, day=date(2026, 9, 1), revenue="50.00", units=1)
    session.flush()
    assert market_history(session, seller_id=subject.id, windows=windows, now=NOW + timedelta(hours=1)) == first
    later = market_history(session, seller_id=subject.id, windows=windows, now=NOW + timedelta(days=1, minutes=1))
    assert later.month_cents == {date(2026, 9, 1): 5000, date(2026, 10, 1): 10000}
    assert later == nonzero(live_history(session, subject.id))


@pytest.mark.parametrize("seller_sells_too", [False, True])
def test_the_sellers_own_sales_are_subtracted(session, seller_sells_too):
    subject, other = make_seller(session), make_seller(session)
    mine = make_product(session, seller=subject, type=DigitalProductType.EBOOK)
    add_revenue(session, product=make_product(session, seller=other), day=date(2026, 8, 3), revenue="7.00", units=2)
    if seller_sells_too:
        add_revenue(session, product=mine, day=date(2026, 8, 4), revenue="1000.00", units=9)
    session.flush()
    history = market_history(session, seller_id=subject.id, windows=trend_windows(AS_OF + timedelta(days=1)), now=NOW)
    assert (history.month_cents, history.month_units) == ({date(2026, 8, 1): 700}, {date(2026, 8, 1): 2})
    assert history.block_cents == (0, 700, 0, 0, 0) and history.first_sale == date(2026, 8, 3)
