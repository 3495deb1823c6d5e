"""The Pricing tool's "Recent price changes" with the effect of each change older than 7 days (visits, conversion,
orders and revenue per day before → after, and the verdict), and "too recent" for a newer one."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from core.models import DigitalProduct, PriceChange, PriceChangeSource, SellerProfile
from core.periods import format_day
from tests.app.conftest import World, logged_in_app
from tests.factories import add_order, add_views

PAGE = "pages/seller/pricing_tool.py"


@pytest.fixture(autouse=True)
def no_changes_left(world: World) -> Iterator[None]:
    def clean() -> None:
        with Session(world.engine) as session:
            session.execute(delete(PriceChange))
            session.commit()

    clean()
    yield
    clean()


def test_effect_of_an_old_change_and_a_recent_one(world: World) -> None:
    today = world.today
    old_day, new_day = today - timedelta(days=20), today - timedelta(days=3)
    with Session(world.engine) as session:
        maya = session.get(SellerProfile, world.maya_seller_id)
        assert maya is not None
        product = session.scalars(select(DigitalProduct).where(DigitalProduct.title == "Budget planner")).one()
        for day, old, new in ((old_day, "19.00", "17.00"), (new_day, "17.00", "19.00")):
            session.add(
                PriceChange(
                    product_id=product.id,
                    seller_id=maya.id,
                    changed_by_user_id=maya.user_id,
                    old_price=Decimal(old),
                    new_price=Decimal(new),
                    source=PriceChangeSource.MANUAL,
                    created_at=datetime.combine(day, time(9), tzinfo=UTC),
                )
            )
        # 14 days before the old change: 140 views, 1 order; after it (19 complete days to yesterday): 190 views, 2.
        add_views(session, product=product, day=old_day - timedelta(days=1), views=140)
        add_views(session, product=product, day=old_day + timedelta(days=1), views=190)
        add_order(
            session,
            product=product,
            created_at=datetime.combine(old_day - timedelta(days=2), time(12), tzinfo=UTC),
            rollup=False,
        )
        for n in (1, 2):
            add_order(
                session,
                product=product,
                created_at=datetime.combine(old_day + timedelta(days=n), time(12), tzinfo=UTC),
                rollup=False,
            )
        session.commit()
    at = logged_in_app("maya", "seller", "Maya Lopez").run()
    at.switch_page(PAGE)
    at.run()
    assert not at.exception, at.exception
    [table] = [d for d in at.dataframe if "Verdict" in d.value.columns]
    rows = table.value.to_dict("records")
    recent, old = rows
    assert recent["Verdict"] == f"Too recent: measured from {format_day(new_day + timedelta(days=8))}"
    # Old change: 14 days before (140 views, 1 order of 19.00) vs the days after, up to yesterday.
    after_days = (today - timedelta(days=1) - old_day).days
    assert old["Visits/day"].startswith(f"10.0 → {190 / after_days:.1f}")
    assert old["Orders/day"].startswith(f"0.07 → {2 / after_days:.2f}")
    assert old["Verdict"] == f"Too early to tell (fewer than 10 orders) · 14 days before, {after_days} after"
