"""The effect of a price change on both databases: the numbers before and after by hand, "too early to tell", a
clear rise, and changes too recent to measure."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal as D
from fractions import Fraction
from math import comb

import pytest
from sqlalchemy.orm import Session

from core.models import DigitalProduct, PriceChange, PriceChangeSource
from core.pricing.price_effect import MIN_ORDERS, price_change_effects
from core.sales.before_after import order_rate_p_value
from tests.conftest import NOW
from tests.factories import add_order, add_views, make_product, make_seller

# NOW = 2026-11-21 15:00 UTC: complete days end Nov 20.


def at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def change(session: Session, product: DigitalProduct, user_id: str, when: datetime, old: str, new: str) -> None:
    session.add(
        PriceChange(
            product_id=product.id,
            seller_id=product.seller_id,
            changed_by_user_id=user_id,
            old_price=D(old),
            new_price=D(new),
            source=PriceChangeSource.MANUAL,
            created_at=when,
        )
    )


def binomial_two_sided(k: int, n: int, p: Fraction) -> float:
    pmf = [comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(n + 1)]
    return float(sum(x for x in pmf if x <= pmf[k]))


def test_before_after_by_hand_and_a_clear_rise(session: Session) -> None:
    seller = make_seller(session, username="effect_seller")
    other = make_seller(session, username="effect_other")
    p = make_product(session, seller=seller, price="15.00", title="Habit Tracker")
    # Changed Nov 1 10:00 from 20.00 to 15.00: before = Oct 18 .. Oct 31 (14 days), after = Nov 2 .. Nov 20 (19).
    change(session, p, seller.user_id, datetime(2026, 11, 1, 10, tzinfo=UTC), "20.00", "15.00")
    add_views(session, product=p, day=date(2026, 10, 17), views=1000)  # before the window
    add_views(session, product=p, day=date(2026, 10, 20), views=140)
    add_views(session, product=p, day=date(2026, 10, 31), views=140)
    add_views(session, product=p, day=date(2026, 11, 1), views=1000)  # the day of the change: neither
    add_views(session, product=p, day=date(2026, 11, 2), views=190)
    add_views(session, product=p, day=date(2026, 11, 20), views=190)
    add_order(session, product=p, created_at=at(date(2026, 10, 20)), amount="20.00")
    add_order(session, product=p, created_at=at(date(2026, 10, 31), 23), amount="20.00")
    add_order(session, product=p, created_at=at(date(2026, 11, 1), 11))  # the day of the change
    for i in range(19):
        add_order(session, product=p, created_at=at(date(2026, 11, 2 + i)))  # one a day Nov 2 .. Nov 20
    add_order(session, product=p, created_at=at(date(2026, 11, 21), 9))  # today: not complete
    other_product = make_product(session, seller=other)
    change(session, other_product, other.user_id, datetime(2026, 11, 1, tzinfo=UTC), "9.00", "10.00")
    session.flush()

    effects = price_change_effects(session, seller_id=seller.id, now=NOW)
    assert [e.product_title for e in effects] == ["Habit Tracker"]
    effect = effects[0].effect
    assert effect is not None
    b, a = effect.before, effect.after
    assert (b.start, b.end, b.days, b.visits, b.orders, b.revenue) == (
        date(2026, 10, 18),
        date(2026, 10, 31),
        14,
        280,
        2,
        D("40.00"),
    )
    assert (a.start, a.end, a.days, a.visits, a.orders, a.revenue) == (
        date(2026, 11, 2),
        date(2026, 11, 20),
        19,
        380,
        19,
        D("285.00"),
    )
    # Per day: visits 20 → 20; orders 2/14 → 1; revenue 40/14 = 2.86 → 15.00; conversion 2/280 → 19/380.
    assert (b.visits_per_day, a.visits_per_day, a.orders_per_day) == (20.0, 20.0, 1.0)
    assert (b.revenue_per_day, a.revenue_per_day) == (D("2.86"), D("15.00"))
    changes = effect.changes()
    assert changes["visits_per_day"] == D("0.0")
    assert changes["orders_per_day"] == D("600.0")  # (1 - 1/7) / (1/7)
    assert changes["revenue_per_day"] == D("424.5")  # (15.00 - 2.86) / 2.86 = 4.2448…
    assert changes["conversion"] == D("600.0")  # (0.05 - 0.007142…) / 0.007142…
    verdict = effect.verdict
    # 21 orders ≥ 10; 19 of them after, with 19 of 33 days after.
    expected = binomial_two_sided(19, 21, Fraction(19, 33))
    assert expected < 0.01
    assert verdict.p_value == pytest.approx(expected)
    assert (verdict.change, verdict.sureness) == ("rose", "very likely")
    assert verdict.text.startswith("Orders per day rose (very likely, p")


def test_too_early_and_too_recent(session: Session) -> None:
    seller = make_seller(session, username="effect_early")
    few = make_product(session, seller=seller, title="Few Orders")
    fresh = make_product(session, seller=seller, title="Fresh Change")
    # Nov 10: before Oct 27 .. Nov 9, after Nov 11 .. Nov 20 (10 days ≥ 7); 2 + 3 orders < 10.
    change(session, few, seller.user_id, at(date(2026, 11, 10)), "10.00", "12.00")
    for day in (date(2026, 10, 28), date(2026, 11, 2), date(2026, 11, 12), date(2026, 11, 15), date(2026, 11, 19)):
        add_order(session, product=few, created_at=at(day))
    # Nov 14: only Nov 15 .. Nov 20 (6 complete days) follow: not measured yet.
    change(session, fresh, seller.user_id, at(date(2026, 11, 14)), "10.00", "8.00")
    # Nov 13: Nov 14 .. Nov 20 = 7 days: measured.
    change(session, fresh, seller.user_id, at(date(2026, 11, 13)), "12.00", "10.00")
    session.flush()
    effects = price_change_effects(session, seller_id=seller.id, now=NOW)
    assert [(e.product_title, e.new_price) for e in effects] == [
        ("Fresh Change", D("8.00")),
        ("Fresh Change", D("10.00")),
        ("Few Orders", D("12.00")),
    ]
    assert effects[0].effect is None
    seven = effects[1].effect
    assert seven is not None and (seven.after.start, seven.after.end) == (date(2026, 11, 14), date(2026, 11, 20))
    early = effects[2].effect
    assert early is not None
    assert (early.before.orders, early.after.orders, early.after.days) == (2, 3, 10)
    assert early.verdict.change == "too early"
    assert early.verdict.text == f"Too early to tell (fewer than {MIN_ORDERS} orders)"


@pytest.mark.parametrize(
    ("k1", "t1", "k2", "t2"), [(10, 14, 20, 14), (0, 14, 12, 28), (7, 14, 7, 28), (3, 7, 40, 28), (50, 14, 60, 28)]
)
def test_p_value_matches_exact_fractions(k1: int, t1: int, k2: int, t2: int) -> None:
    assert order_rate_p_value(k1, t1, k2, t2) == pytest.approx(binomial_two_sided(k2, k1 + k2, Fraction(t2, t1 + t2)))
