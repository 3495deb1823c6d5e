"""The churn rule of the admin's stage (`core.sellers.overview`), with hand-built sellers on SQLite and PostgreSQL.

Churned = no seller activity in the last 60 days: a sale, a login, a product published, a listing edit or price change
saved by the seller's own account, or the approval. A product's `updated_at` is not activity (the demo's sellers
"Aria Walker Works", "Brown Shop"… read "Declining" because their products carried a recent updated_at).

NOW = 2026-11-21 15:00 UTC: the 60 days start Sep 22 15:00 (sales: Sep 23 onwards). Every seller below sold a lot
in Sep 2025 (the same 90 days a year earlier) and last sold on Aug 1, 2026, and last logged in on Jul 15, 2026: if
active, they are "declining" ($0 in the last 90 days); if not, "churned".
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from core.models import ListingEdit, PriceChange, PriceChangeSource, UserRole
from core.sellers.overview import SellerFilters, seller_overview
from tests.conftest import NOW
from tests.factories import add_revenue, make_product, make_seller, make_user


def utc(y: int, m: int, d: int) -> datetime:
    return datetime(y, m, d, 12, tzinfo=UTC)


def test_only_the_sellers_own_actions_keep_them_out_of_churned(session: Session) -> None:
    admin = make_user(session, role=UserRole.ADMIN)
    built = {}
    for name in ("touched by the marketplace", "edited by an admin", "edited herself", "repriced herself",
                 "published", "logged in"):  # fmt: skip
        seller = make_seller(session, name=name, approved_at=utc(2025, 5, 1))
        seller.user.last_login_at = utc(2026, 7, 15)
        product = make_product(session, seller=seller, published_at=utc(2025, 5, 2))
        add_revenue(session, product=product, day=date(2025, 6, 1), revenue="10", units=1)
        add_revenue(session, product=product, day=date(2025, 9, 15), revenue="5000", units=50)
        add_revenue(session, product=product, day=date(2026, 8, 1), revenue="20", units=1)
        built[name] = (seller, product)

    def edit(name: str, by: str, when: datetime) -> None:
        seller, product = built[name]
        session.add(ListingEdit(product_id=product.id, seller_id=seller.id, changed_by_user_id=by, created_at=when))

    built["touched by the marketplace"][1].updated_at = utc(2026, 11, 1)  # a counter or status write
    edit("edited by an admin", admin.id, utc(2026, 11, 10))
    edit("edited herself", built["edited herself"][0].user_id, utc(2026, 11, 10))
    seller, product = built["repriced herself"]
    session.add(PriceChange(product_id=product.id, seller_id=seller.id, changed_by_user_id=seller.user_id,
                            old_price=19, new_price=21, source=PriceChangeSource.MANUAL,
                            created_at=utc(2026, 9, 23)))  # fmt: skip
    make_product(session, seller=built["published"][0], published_at=utc(2026, 10, 1))
    built["logged in"][0].user.last_login_at = utc(2026, 11, 20)
    session.flush()

    stages = {r.display_name: r.stage for r in seller_overview(session, now=NOW, page_size=50).rows}

    assert stages == {
        "touched by the marketplace": "churned",
        "edited by an admin": "churned",
        "edited herself": "declining",
        "repriced herself": "declining",
        "published": "declining",
        "logged in": "declining",
    }
    churned = seller_overview(session, now=NOW, filters=SellerFilters(stage="churned"), page_size=50)
    assert sorted(r.display_name for r in churned.rows) == ["edited by an admin", "touched by the marketplace"]


def test_an_edit_61_days_ago_is_too_old(session: Session) -> None:
    seller = make_seller(session, name="long ago", approved_at=utc(2025, 5, 1))
    seller.user.last_login_at = utc(2026, 7, 15)
    product = make_product(session, seller=seller, published_at=utc(2025, 5, 2))
    add_revenue(session, product=product, day=date(2025, 9, 15), revenue="5000", units=50)
    session.add(ListingEdit(product_id=product.id, seller_id=seller.id, changed_by_user_id=seller.user_id,
                            created_at=datetime(2026, 9, 22, 14, 59, tzinfo=UTC)))  # fmt: skip
    session.flush()

    (row,) = [r for r in seller_overview(session, now=NOW, page_size=50).rows if r.display_name == "long ago"]

    assert row.stage == "churned"  # one minute before the 60 days began
