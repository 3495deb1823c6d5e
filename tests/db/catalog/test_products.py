"""The seller's catalogue listing and per-product revenue on both databases, against factory rows."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from core.catalog.products import ProductOption, list_seller_products, revenue_by_product
from core.models import DigitalProductType, ProductStatus
from tests.factories import add_revenue, make_category, make_product, make_seller


def test_lists_only_the_sellers_live_products_by_title(session: Session) -> None:
    seller = make_seller(session, username="cat_seller")
    other = make_seller(session, username="cat_other")
    planners = make_category(session, name="Planners")
    zebra = make_product(session, seller=seller, title="zebra budget", price="9.50")
    alpha = make_product(
        session, seller=seller, title="Alpha course", price="49.00", type=DigitalProductType.COURSE, category=planners
    )
    draft = make_product(session, seller=seller, title="Middle draft", status=ProductStatus.DRAFT)
    make_product(session, seller=seller, title="Archived", status=ProductStatus.ARCHIVED)
    make_product(session, seller=seller, title="Deleted").deleted_at = datetime(2026, 1, 1, tzinfo=UTC)
    make_product(session, seller=other, title="Another seller's")
    session.flush()

    # Case-insensitive title order: "Alpha course" < "zebra budget"; drafts, archived, deleted, others left out.
    assert list_seller_products(session, seller_id=seller.id) == [
        ProductOption(alpha.id, "Alpha course", Decimal("49.00"), "COURSE", "Planners", "PUBLISHED", "USD"),
        ProductOption(zebra.id, "zebra budget", Decimal("9.50"), "EBOOK", None, "PUBLISHED", "USD"),
    ]
    both = list_seller_products(session, seller_id=seller.id, statuses=(ProductStatus.PUBLISHED, ProductStatus.DRAFT))
    assert [p.id for p in both] == [alpha.id, draft.id, zebra.id]
    assert list_seller_products(session, seller_id="no-such-seller") == []


def test_revenue_by_product_sums_the_window_only(session: Session) -> None:
    seller = make_seller(session, username="rev_seller")
    other = make_seller(session, username="rev_other")
    first = make_product(session, seller=seller)
    second = make_product(session, seller=seller)
    quiet = make_product(session, seller=seller)
    theirs = make_product(session, seller=other)
    add_revenue(session, product=first, day=date(2026, 8, 23), revenue="10.10", units=1)  # first day: in
    add_revenue(session, product=first, day=date(2026, 11, 20), revenue="20.25", units=2)  # last day: in
    add_revenue(session, product=first, day=date(2026, 11, 21), revenue="99.00", units=9)  # `until`: out
    add_revenue(session, product=first, day=date(2026, 8, 22), revenue="77.00", units=7)  # before: out
    add_revenue(session, product=second, day=date(2026, 10, 1), revenue="5.05", units=1)
    add_revenue(session, product=theirs, day=date(2026, 10, 1), revenue="500.00", units=5)  # other seller
    session.flush()

    revenue = revenue_by_product(session, seller_id=seller.id, since=date(2026, 8, 23), until=date(2026, 11, 21))

    # first: 10.10 + 20.25 = 30.35; second: 5.05; quiet: no row (zero); theirs: not this seller's.
    assert revenue == {first.id: Decimal("30.35"), second.id: Decimal("5.05")}
    assert quiet.id not in revenue
