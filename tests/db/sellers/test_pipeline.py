"""The creator pipeline (`core.sellers.pipeline`) on SQLite and PostgreSQL, over hand-worked timelines (now is
2026-11-21 15:00 UTC): a creator per derived stage, manual stages kept until the data moves further, refused
manual moves that write nothing, an idempotent refresh, stuck drafters oldest first, and churn risk <-> active."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.models import (
    CreatorPipeline,
    PipelineStage,
    PipelineStageChange,
    ProductStatus,
    SellerProfile,
    UserRole,
)
from core.sellers.pipeline import (
    PipelineValidationError,
    derive_stages,
    move_creator,
    refresh_pipeline,
    stage_counts,
    stuck_creators,
)
from tests.conftest import NOW
from tests.factories import add_event, add_order, make_product, make_seller, make_user

S = PipelineStage


def utc(month: int, day: int, hour: int = 12) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


def creator(session: Session, name: str, joined: datetime) -> SellerProfile:
    seller = make_seller(session, username=name, name=name.title())
    seller.user.created_at = joined
    session.flush()
    return seller


def draft(session: Session, seller: SellerProfile, started: datetime) -> None:
    make_product(session, seller=seller, status=ProductStatus.DRAFT, created_at=started)


def published(session: Session, seller: SellerProfile, started: datetime, on: datetime):  # type: ignore[no-untyped-def]
    return make_product(session, seller=seller, created_at=started, published_at=on, price="20.00")


def row_of(session: Session, seller: SellerProfile) -> CreatorPipeline:
    return session.scalars(select(CreatorPipeline).where(CreatorPipeline.user_id == seller.user_id)).one()


def history(session: Session, row: CreatorPipeline) -> list[tuple[S | None, S, str | None]]:
    c = PipelineStageChange
    changes = session.scalars(select(c).where(c.creator_id == row.id).order_by(c.changed_at))
    return [(ch.from_stage, ch.to_stage, ch.changed_by_user_id) for ch in changes]


def change_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(PipelineStageChange)) or 0


def build(session: Session) -> dict[str, SellerProfile]:
    """One creator per derived stage (and one whose only order was refunded: still "published")."""
    c: dict[str, SellerProfile] = {}
    c["signed"] = creator(session, "signed", utc(11, 1))
    c["drafter"] = creator(session, "drafter", utc(11, 1))
    draft(session, c["drafter"], utc(11, 10))
    c["eventer"] = creator(session, "eventer", utc(11, 15))
    add_event(session, person_id=c["eventer"].user_id, event_type="creator_started", occurred_at=utc(11, 19))
    c["publisher"] = creator(session, "publisher", utc(10, 1))
    published(session, c["publisher"], utc(10, 2), utc(10, 5))
    c["first"] = creator(session, "first", utc(10, 1))
    add_order(session, product=published(session, c["first"], utc(10, 2), utc(10, 5)), created_at=utc(11, 20))
    c["active"] = creator(session, "active", utc(8, 1))
    p = published(session, c["active"], utc(8, 2), utc(8, 5))
    add_order(session, product=p, created_at=utc(9, 1))
    add_order(session, product=p, created_at=utc(11, 15), amount="35.50")
    c["churn"] = creator(session, "churn", utc(8, 1))
    p = published(session, c["churn"], utc(8, 2), utc(8, 5))
    add_order(session, product=p, created_at=utc(9, 1))
    add_order(session, product=p, created_at=utc(9, 20))
    c["refunded"] = creator(session, "refunded", utc(10, 1))
    p = published(session, c["refunded"], utc(10, 2), utc(10, 5))
    add_order(session, product=p, created_at=utc(11, 1), refunded_at=utc(11, 3))
    return c


def admin(session: Session) -> str:
    return make_user(session, username="ops", role=UserRole.ADMIN, created_at=utc(1, 1)).id


def test_a_creator_per_stage(session: Session) -> None:
    c = build(session)
    make_user(session, username="boss", role=UserRole.ADMIN, created_at=utc(1, 1))  # admins are not creators
    derived = derive_stages(session, now=NOW)
    assert {name: derived[s.user_id].stage for name, s in c.items()} == {
        "signed": S.SIGNED_UP, "drafter": S.DRAFTING, "eventer": S.DRAFTING, "publisher": S.PUBLISHED,
        "first": S.FIRST_SALE, "active": S.ACTIVE, "churn": S.CHURN_RISK, "refunded": S.PUBLISHED,
    }  # fmt: skip
    assert len(derived) == len(c)

    report = refresh_pipeline(session, now=NOW)
    assert (report.created, report.moved, report.kept_manual) == (8, 0, 0)
    first = row_of(session, c["first"])
    assert first.stage == S.FIRST_SALE and not first.manual_stage
    assert (first.signed_up_at, first.drafting_at, first.published_at, first.first_sale_at) == (
        utc(10, 1), utc(10, 2), utc(10, 5), utc(11, 20)
    )  # fmt: skip
    assert first.stage_entered_at == utc(11, 20) and first.active_at is None
    assert (first.orders_count, first.gmv, first.products_published) == (1, Decimal("20.00"), 1)
    change = session.scalars(select(PipelineStageChange).where(PipelineStageChange.creator_id == first.id)).one()
    assert (change.from_stage, change.to_stage, change.changed_by_user_id) == (None, S.FIRST_SALE, None)
    assert change.reason == "data: first paid order on 2026-11-20"

    active = row_of(session, c["active"])
    assert (active.active_at, active.orders_count, active.gmv, active.last_sale_at) == (
        utc(11, 15), 2, Decimal("55.50"), utc(11, 15)
    )  # fmt: skip
    churn = row_of(session, c["churn"])
    assert (churn.churn_risk_at, churn.active_at, churn.first_sale_at) == (utc(10, 20), None, utc(9, 1))
    assert row_of(session, c["eventer"]).drafting_at == utc(11, 19)
    assert row_of(session, c["signed"]).drafting_at is None
    refunded = row_of(session, c["refunded"])
    assert (refunded.orders_count, refunded.gmv, refunded.first_sale_at) == (0, Decimal("0.00"), None)
    counts = stage_counts(session)
    assert counts[S.DRAFTING] == 2 and counts[S.PUBLISHED] == 2 and counts[S.PROSPECT] == 0


def test_refresh_is_idempotent(session: Session) -> None:
    build(session)
    refresh_pipeline(session, now=NOW)
    before = change_count(session)
    stamps = dict(session.execute(select(CreatorPipeline.id, CreatorPipeline.updated_at)).all())
    again = refresh_pipeline(session, now=NOW + timedelta(minutes=15))
    assert (again.created, again.moved, again.kept_manual, again.changes) == (0, 0, 0, [])
    assert change_count(session) == before
    assert dict(session.execute(select(CreatorPipeline.id, CreatorPipeline.updated_at)).all()) == stamps


def test_a_manual_invited_is_kept_until_the_data_says_signed_up(session: Session) -> None:
    ops = admin(session)
    pat = CreatorPipeline(name="Pat (prospect)", stage=S.PROSPECT, stage_entered_at=utc(11, 1), prospect_at=utc(11, 1))
    session.add(pat)
    session.flush()
    move_creator(session, creator_id=pat.id, to_stage="invited", by_user_id=ops, reason="", now=utc(11, 2))
    assert (pat.stage, pat.manual_stage, pat.invited_at) == (S.INVITED, True, utc(11, 2))
    refresh_pipeline(session, now=utc(11, 3))  # no account yet: nothing derives, the manual stage stays
    assert (pat.stage, pat.manual_stage) == (S.INVITED, True)

    seller = creator(session, "pat", utc(11, 4))
    pat.user_id = seller.user_id  # linked once Pat signs up
    session.flush()
    report = refresh_pipeline(session, now=utc(11, 5))
    assert (report.created, report.moved) == (0, 1)
    assert (pat.stage, pat.manual_stage, pat.stage_entered_at, pat.signed_up_at) == (
        S.SIGNED_UP, False, utc(11, 4), utc(11, 4)
    )  # fmt: skip
    assert history(session, pat) == [(S.PROSPECT, S.INVITED, ops), (S.INVITED, S.SIGNED_UP, None)]


def test_a_manual_stage_ahead_of_the_data_is_kept_until_the_data_passes_it(session: Session) -> None:
    ops = admin(session)
    seller = creator(session, "dana", utc(11, 1))
    draft(session, seller, utc(11, 2))
    refresh_pipeline(session, now=utc(11, 3))
    row = row_of(session, seller)
    move_creator(session, creator_id=row.id, to_stage=S.PUBLISHED, by_user_id=ops, reason="", now=utc(11, 4))
    assert refresh_pipeline(session, now=utc(11, 5)).kept_manual == 1  # data: drafting
    assert (row.stage, row.manual_stage) == (S.PUBLISHED, True)
    product = published(session, seller, utc(11, 6), utc(11, 6))
    assert refresh_pipeline(session, now=utc(11, 7)).moved == 0  # data: published, not further
    assert (row.stage, row.manual_stage, row.published_at) == (S.PUBLISHED, True, utc(11, 4))
    add_order(session, product=product, created_at=utc(11, 8))
    assert refresh_pipeline(session, now=utc(11, 9)).moved == 1
    assert (row.stage, row.manual_stage, row.first_sale_at) == (S.FIRST_SALE, False, utc(11, 8))
    assert history(session, row) == [
        (None, S.DRAFTING, None), (S.DRAFTING, S.PUBLISHED, ops), (S.PUBLISHED, S.FIRST_SALE, None)
    ]  # fmt: skip


def test_refused_manual_moves_write_nothing(session: Session) -> None:
    ops = admin(session)
    c = build(session)
    refresh_pipeline(session, now=NOW)
    row = row_of(session, c["publisher"])
    before = change_count(session)
    with pytest.raises(PipelineValidationError) as refused:
        move_creator(session, creator_id=row.id, to_stage=S.DRAFTING, by_user_id=ops, reason="  ", now=NOW)
    assert set(refused.value.errors) == {"reason"}
    with pytest.raises(PipelineValidationError) as refused:
        move_creator(session, creator_id=row.id, to_stage="famous", by_user_id=ops, reason="x", now=NOW)
    assert set(refused.value.errors) == {"to_stage"}
    with pytest.raises(PermissionError):
        move_creator(session, creator_id=row.id, to_stage=S.ACTIVE, by_user_id=c["signed"].user_id, reason="", now=NOW)
    with pytest.raises(LookupError):
        move_creator(session, creator_id="nope", to_stage=S.ACTIVE, by_user_id=ops, reason="", now=NOW)
    session.expire_all()
    assert change_count(session) == before
    assert (row.stage, row.manual_stage) == (S.PUBLISHED, False)

    move_creator(session, creator_id=row.id, to_stage=S.DRAFTING, by_user_id=ops, reason="Unpublished to redo", now=NOW)
    last = session.scalars(select(PipelineStageChange).where(PipelineStageChange.changed_by_user_id == ops)).one()
    assert (last.from_stage, last.to_stage, last.changed_by_user_id, last.reason) == (
        S.PUBLISHED, S.DRAFTING, ops, "Unpublished to redo"
    )  # fmt: skip


def test_stuck_drafters_oldest_first_past_the_threshold(session: Session) -> None:
    c = build(session)  # drafting since Nov 10 (drafter) and Nov 19 (eventer)
    late = creator(session, "late", utc(11, 1))
    draft(session, late, utc(11, 15))
    edge = creator(session, "edge", utc(11, 1))
    draft(session, edge, NOW - timedelta(days=3))  # exactly 3 days: not more than 3
    refresh_pipeline(session, now=NOW)
    stuck = stuck_creators(session, now=NOW)
    assert [(s.user_id, s.drafting_since, s.days) for s in stuck] == [
        (c["drafter"].user_id, utc(11, 10), 11), (late.user_id, utc(11, 15), 6)
    ]  # fmt: skip
    assert [s.name for s in stuck_creators(session, now=NOW, days=1)] == ["Drafter", "Late", "Edge", "Eventer"]
    assert stuck_creators(session, now=NOW, days=30) == []


def test_churn_risk_and_active_alternate_and_each_move_is_recorded(session: Session) -> None:
    c = build(session)
    refresh_pipeline(session, now=NOW)
    row = row_of(session, c["churn"])
    assert row.stage == S.CHURN_RISK
    listing = published(session, c["churn"], utc(11, 20), utc(11, 20))
    add_order(session, product=listing, created_at=utc(11, 21, 10))
    refresh_pipeline(session, now=NOW + timedelta(minutes=15))
    assert (row.stage, row.active_at, row.stage_entered_at, row.churn_risk_at) == (
        S.ACTIVE, utc(11, 21, 10), utc(11, 21, 10), utc(10, 20)
    )  # fmt: skip
    later = NOW + timedelta(days=31)
    refresh_pipeline(session, now=later)
    assert (row.stage, row.stage_entered_at, row.churn_risk_at) == (S.CHURN_RISK, utc(12, 21, 10), utc(10, 20))
    assert history(session, row) == [
        (None, S.CHURN_RISK, None), (S.CHURN_RISK, S.ACTIVE, None), (S.ACTIVE, S.CHURN_RISK, None)
    ]  # fmt: skip
    reasons = session.scalars(
        select(PipelineStageChange.reason)
        .where(PipelineStageChange.creator_id == row.id)
        .order_by(PipelineStageChange.changed_at)
    ).all()
    assert reasons == [
        "data: no paid order since 2026-09-20 (30 days)",
        "data: a paid order on 2026-11-21, within 30 days",
        "data: no paid order since 2026-11-21 (30 days)",
    ]
