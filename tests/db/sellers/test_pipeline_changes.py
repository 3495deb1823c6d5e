"""The creator pipeline's incremental refresh (`core.sellers.pipeline_changes`) on SQLite and PostgreSQL: the first
refresh is full, the next ones re-derive only the creators touched since (a new order, a refund, a new account, an
edited product, a late `creator_started` event, a last sale turning 30 days old), a day after the last full one
it is full again, and after any incremental refresh a full one finds nothing left to move (the two agree)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import (
    CreatorPipeline,
    Order,
    OrderStatus,
    PipelineStage,
    ProductStatus,
    RollupWatermark,
    SellerProfile,
)
from core.sellers.pipeline import refresh_pipeline
from core.sellers.pipeline_changes import WATERMARK, refresh_due, touched_creators
from tests.factories import add_event, add_order, make_product, make_seller

S = PipelineStage
T0 = datetime(2026, 11, 21, 15, 0, tzinfo=UTC)  # the first (full) refresh
H = timedelta(hours=1)
D = timedelta(days=1)
LONG_AGO = datetime(2026, 6, 1, tzinfo=UTC)


def seller(session: Session, name: str) -> SellerProfile:
    made = make_seller(session, username=name, name=name.title())
    made.user.created_at = LONG_AGO
    session.flush()
    return made


def product(session: Session, owner: SellerProfile, *, status: ProductStatus = ProductStatus.PUBLISHED):  # type: ignore[no-untyped-def]
    made = make_product(session, seller=owner, status=status, created_at=LONG_AGO, price="20.00",
                        published_at=LONG_AGO if status == ProductStatus.PUBLISHED else None)  # fmt: skip
    made.updated_at = LONG_AGO
    session.flush()
    return made


def stage(session: Session, owner: SellerProfile) -> S:
    return session.scalars(select(CreatorPipeline.stage).where(CreatorPipeline.user_id == owner.user_id)).one()


def world(session: Session) -> dict[str, object]:
    """ann: sold 10 days before T0 (first sale); bob: last sale 29 days 22 hours before T0 (first sale, turns 30 days
    at T0 + 2 h); cy: a published product, no sale; dee: a draft; eve: a draft, sold nothing."""
    ann, bob, cy, dee, eve = (seller(session, n) for n in ("ann", "bob", "cy", "dee", "eve"))
    ann_item, bob_item, cy_item = product(session, ann), product(session, bob), product(session, cy)
    dee_draft = product(session, dee, status=ProductStatus.DRAFT)
    product(session, eve, status=ProductStatus.DRAFT)
    add_order(session, product=ann_item, created_at=T0 - 10 * D, amount="20.00")
    add_order(session, product=bob_item, created_at=T0 - 30 * D + 2 * H, amount="20.00")
    return {"ann": ann, "bob": bob, "cy": cy, "dee": dee, "eve": eve, "ann_item": ann_item, "cy_item": cy_item,
            "dee_draft": dee_draft}  # fmt: skip


def test_the_first_refresh_is_full_and_records_the_watermark(session: Session) -> None:
    w = world(session)
    outcome = refresh_due(session, now=T0)

    assert (outcome.full, outcome.considered, outcome.report.created) == (True, None, 5)
    mark = session.get(RollupWatermark, WATERMARK)
    assert mark.detail == {"full_at": T0.isoformat()}
    assert [stage(session, w[n]) for n in ("ann", "bob", "cy", "dee", "eve")] == [
        S.FIRST_SALE, S.FIRST_SALE, S.PUBLISHED, S.DRAFTING, S.DRAFTING
    ]  # fmt: skip


def test_an_hour_later_only_the_touched_creators_are_derived_again(session: Session) -> None:
    w = world(session)
    refresh_due(session, now=T0)
    t1 = T0 + 3 * H
    add_order(session, product=w["cy_item"], created_at=T0 + H, amount="20.00")  # cy: first sale
    w["dee_draft"].status, w["dee_draft"].published_at = ProductStatus.PUBLISHED, T0 + 2 * H  # dee: published
    w["dee_draft"].updated_at = T0 + 2 * H
    newcomer = make_seller(session, username="fay", name="Fay")  # a new account
    newcomer.user.created_at = T0 + H
    session.flush()

    # ann: untouched; bob: his last sale turned 30 days old at T0 + 2 h; eve: untouched.
    assert touched_creators(session, since=T0, now=t1) == {
        w["bob"].user_id, w["cy"].user_id, w["dee"].user_id, newcomer.user_id
    }  # fmt: skip
    outcome = refresh_due(session, now=t1, full_share=1.0)  # 4 of 6 touched: by id list all the same

    assert (outcome.full, outcome.considered) == (False, 4)
    assert (outcome.report.created, outcome.report.moved) == (1, 3)
    assert [stage(session, w[n]) for n in ("ann", "bob", "cy", "dee", "eve")] == [
        S.FIRST_SALE, S.CHURN_RISK, S.FIRST_SALE, S.PUBLISHED, S.DRAFTING
    ]  # fmt: skip
    assert stage(session, newcomer) == S.SIGNED_UP
    # A full refresh of the same data at the same moment has nothing left to do.
    again = refresh_pipeline(session, now=t1)
    assert (again.created, again.moved) == (0, 0)


def test_a_refund_and_a_late_creator_started_event_touch_their_creators(session: Session) -> None:
    w = world(session)
    refresh_due(session, now=T0)
    t1 = T0 + 90 * timedelta(minutes=1)  # before bob's last sale turns 30 days old (T0 + 2 h)
    ann_order = session.scalars(select(Order).where(Order.seller_id == w["ann"].id)).one()
    ann_order.status, ann_order.refunded_at = OrderStatus.REFUNDED, T0 + H
    late = add_event(session, person_id=w["eve"].user_id, event_type="creator_started", occurred_at=LONG_AGO)
    late.recorded_at = T0 + H
    session.flush()

    assert touched_creators(session, since=T0, now=t1) == {w["ann"].user_id, w["eve"].user_id}
    outcome = refresh_due(session, now=t1, full_share=1.0)
    assert outcome.considered == 2
    # ann's only order is refunded: no sale left, her published product keeps her at "published".
    assert stage(session, w["ann"]) == S.PUBLISHED
    assert stage(session, w["eve"]) == S.DRAFTING
    assert refresh_pipeline(session, now=t1).moved == 0


def test_a_day_after_the_last_full_refresh_it_is_full_again(session: Session) -> None:
    world(session)
    refresh_due(session, now=T0)
    assert refresh_due(session, now=T0 + 23 * H).full is False
    outcome = refresh_due(session, now=T0 + D)
    assert (outcome.full, outcome.considered) == (True, None)
    assert session.get(RollupWatermark, WATERMARK).detail == {"full_at": (T0 + D).isoformat()}
    assert refresh_due(session, now=T0 + D + H, full=True).full is True  # asked for (the page's button)


def test_more_than_a_fifth_of_the_board_touched_is_derived_in_full(session: Session) -> None:
    w = world(session)
    refresh_due(session, now=T0)
    add_order(session, product=w["cy_item"], created_at=T0 + H, amount="20.00")  # 1 of 5 creators: a fifth
    assert refresh_due(session, now=T0 + 90 * timedelta(minutes=1)).considered == 1
    add_order(session, product=w["ann_item"], created_at=T0 + 2 * H, amount="20.00")  # 2 of 5: more than a fifth
    add_order(session, product=w["cy_item"], created_at=T0 + 2 * H, amount="20.00")
    outcome = refresh_due(session, now=T0 + 150 * timedelta(minutes=1))
    assert (outcome.full, outcome.considered) == (True, None)
