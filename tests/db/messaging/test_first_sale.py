"""The first-sale congratulation against a database (both backends): one e-mail per seller, exactly once across
runs, for the first paid order of the last 7 days; refunded-only sellers and sellers of the past get none."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.messaging.first_sale import congratulate_first_sales, due_first_sales
from core.models import EmailOutbox
from tests.factories import add_order, make_product, make_seller

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)


def outbox(session: Session) -> list[tuple[str, str, str]]:
    rows = session.execute(
        select(EmailOutbox.idempotency_key, EmailOutbox.to_address, EmailOutbox.text_body).order_by(
            EmailOutbox.idempotency_key
        )
    )
    return [tuple(r) for r in rows]


def test_each_first_sale_is_congratulated_exactly_once(session: Session) -> None:
    new = make_seller(session, username="nina", name="Nina Fresh")
    planner = make_product(session, seller=new, title="Wedding planner", price="12.50")
    add_order(session, product=planner, created_at=NOW - timedelta(hours=3))  # her first sale
    add_order(session, product=planner, created_at=NOW - timedelta(hours=1))  # her second: not "first"

    veteran = make_seller(session, username="vic")
    old = make_product(session, seller=veteran)
    add_order(session, product=old, created_at=NOW - timedelta(days=40))  # first sale long ago
    add_order(session, product=old, created_at=NOW - timedelta(hours=2))

    refunded = make_seller(session, username="rita")
    add_order(session, product=make_product(session, seller=refunded), created_at=NOW - timedelta(hours=5),
              refunded_at=NOW - timedelta(hours=4))  # fmt: skip

    late = make_seller(session, username="lara")  # first paid order 8 days ago: outside the look-back
    add_order(session, product=make_product(session, seller=late), created_at=NOW - timedelta(days=8))

    future = make_seller(session, username="fred")  # an order after "now" is not a sale yet
    add_order(session, product=make_product(session, seller=future), created_at=NOW + timedelta(minutes=5))

    assert [s.seller_id for s in due_first_sales(session, now=NOW)] == [new.id]
    assert congratulate_first_sales(session, now=NOW) == 1
    ((key, address, text),) = outbox(session)
    assert (key, address) == (f"first-sale:{new.id}", "nina@example.com")
    assert "Hi Nina," in text
    assert "“Wedding planner” sold for $12.50 on Dec 7, 2026." in text

    # Again, later the same day and the next days: nothing more for Nina (and Fred's order now counts).
    assert congratulate_first_sales(session, now=NOW + timedelta(hours=1)) == 1
    assert congratulate_first_sales(session, now=NOW + timedelta(days=2)) == 0
    assert [k for k, _, _ in outbox(session)] == sorted([f"first-sale:{new.id}", f"first-sale:{future.id}"])


def test_a_refunded_first_order_is_not_the_first_sale(session: Session) -> None:
    seller = make_seller(session, username="rob")
    product = make_product(session, seller=seller, title="Budget sheet", price="9.00")
    add_order(session, product=product, created_at=NOW - timedelta(days=2), amount="9.00",
              refunded_at=NOW - timedelta(days=2, hours=-1))  # fmt: skip
    add_order(session, product=product, created_at=NOW - timedelta(days=1), amount="7.00")
    (due,) = due_first_sales(session, now=NOW)
    assert (due.seller_id, due.amount, due.ordered_at) == (seller.id, 7, NOW - timedelta(days=1))
    assert congratulate_first_sales(session, now=NOW) == 1
    assert "“Budget sheet” sold for $7.00 on Dec 6, 2026." in outbox(session)[0][2]


def test_an_inactive_account_gets_nothing(session: Session) -> None:
    seller = make_seller(session, username="ina")
    add_order(session, product=make_product(session, seller=seller), created_at=NOW - timedelta(hours=1))
    session.get(type(seller), seller.id).user.is_active = False
    session.flush()
    assert due_first_sales(session, now=NOW) == []
