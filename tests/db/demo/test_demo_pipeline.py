"""The demo's creator pipeline (`core.demo.pipeline.add_demo_pipeline`) on SQLite and PostgreSQL, over a few sellers
made by the factories on an empty migrated database (not the generated demo: a generation takes a minute): every
seller placed, niches from their products, the six prospects and invited creators with their addresses, stages,
history and touches, and nothing but the sellers' rows when there is no admin.

Expected values are worked out by hand from `PROSPECTS` and the sellers below (now is 2026-11-21 15:00 UTC)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.demo.pipeline import add_demo_pipeline
from core.models import (
    CreatorPipeline,
    PipelineStage,
    PipelineStageChange,
    PipelineTouch,
    ProductStatus,
    SellerProfile,
    TouchType,
    UserRole,
)
from tests.conftest import NOW
from tests.factories import add_order, make_category, make_product, make_seller, make_user

S = PipelineStage
SEED = 42


def utc(month: int, day: int, hour: int = 12) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


def days_ago(days: int) -> datetime:
    return NOW - timedelta(days=days)


def seller(session: Session, username: str, joined: datetime) -> SellerProfile:
    s = make_seller(session, username=username, name=username.title())
    s.user.created_at = joined
    session.flush()
    return s


def sellers(session: Session) -> dict[str, SellerProfile]:
    """ana: account only; ben: 2 products in Audio, 1 in Books, two paid orders (active); cleo: 1 in Books, 1 in
    Audio, one paid order (first sale; a tie: "Audio" comes first by name); dev: a draft in Books (drafting);
    eve, fay, gus, hal: a draft without a category (drafting, no niche)."""
    audio, books = make_category(session, name="Audio"), make_category(session, name="Books")
    c = {name: seller(session, name, utc(10, 1)) for name in ("ana", "ben", "cleo", "dev")}
    ben = [
        make_product(session, seller=c["ben"], category=cat, created_at=utc(10, 2), published_at=utc(10, 3))
        for cat in (audio, audio, books)
    ]
    add_order(session, product=ben[0], created_at=utc(11, 10))
    add_order(session, product=ben[2], created_at=utc(11, 18))
    cleo = [
        make_product(session, seller=c["cleo"], category=cat, created_at=utc(10, 2), published_at=utc(10, 3))
        for cat in (books, audio)
    ]
    add_order(session, product=cleo[0], created_at=utc(11, 19))
    make_product(session, seller=c["dev"], category=books, status=ProductStatus.DRAFT, created_at=utc(11, 20))
    for name, started in (("eve", utc(11, 1)), ("fay", utc(11, 8)), ("gus", utc(11, 12)), ("hal", utc(11, 15))):
        c[name] = seller(session, name, utc(10, 1))
        make_product(session, seller=c[name], status=ProductStatus.DRAFT, created_at=started)
    return c


def rows_by_name(session: Session) -> dict[str, CreatorPipeline]:
    return {r.name: r for r in session.scalars(select(CreatorPipeline))}


def touches(session: Session, row: CreatorPipeline) -> list[tuple[datetime, TouchType, str]]:
    t = PipelineTouch
    return [
        (x.at, x.touch_type, x.note) for x in session.scalars(select(t).where(t.creator_id == row.id).order_by(t.at))
    ]


def test_every_seller_and_the_six_prospects_are_on_the_board(session: Session) -> None:
    c = sellers(session)
    make_user(session, username="zed-ops", name="Zed Ops", role=UserRole.ADMIN)
    alice = make_user(session, username="alice-ops", name="Alice Ops", role=UserRole.ADMIN).id  # first by username

    assert add_demo_pipeline(session, seed=SEED, now=NOW) == 8 + 6
    rows = rows_by_name(session)
    assert len(rows) == 14
    for name, s in c.items():
        assert rows[name.title()].user_id == s.user_id
    assert {n: (r.stage, r.niche) for n, r in rows.items() if r.user_id is not None} == {
        "Ana": (S.SIGNED_UP, None),
        "Ben": (S.ACTIVE, "Audio"),
        "Cleo": (S.FIRST_SALE, "Audio"),
        "Dev": (S.DRAFTING, "Books"),
        **{n: (S.DRAFTING, None) for n in ("Eve", "Fay", "Gus", "Hal")},
    }
    # Only drafting or published creators may be assigned; those that are carry one check-in touch.
    for name in ("Ana", "Ben", "Cleo"):
        row = rows[name]
        assert (row.assigned_admin_id, touches(session, row), row.last_touch_at) == (None, [], None)
    assigned = 0
    for name in ("Dev", "Eve", "Fay", "Gus", "Hal"):
        row = rows[name]
        if row.assigned_admin_id is None:
            assert (touches(session, row), row.last_touch_at) == ([], None)
            continue
        assigned += 1
        assert row.assigned_admin_id == alice
        [(at, how, note)] = touches(session, row)
        assert (how, note, row.last_touch_at, row.last_touch_type) == (TouchType.DM, "Checked in.", at, TouchType.DM)
        # 0 to 6 days and 1 to 9 hours before now, never before the creator entered the stage.
        earliest = max(row.stage_entered_at, NOW - timedelta(days=6, hours=9))
        assert earliest <= at <= NOW - timedelta(hours=1) or at == row.stage_entered_at
    assert 0 < assigned < 5  # seed 42 assigns some, not all: both branches are exercised


def test_the_prospects_and_invited_creators(session: Session) -> None:
    sellers(session)
    alice = make_user(session, username="alice-ops", name="Alice Ops", role=UserRole.ADMIN).id
    add_demo_pipeline(session, seed=SEED, now=NOW)
    rows = {n: r for n, r in rows_by_name(session).items() if r.user_id is None}

    assert {n: (r.stage, r.contact_email, r.niche) for n, r in rows.items()} == {
        "Lena Ortiz": (S.PROSPECT, "lena.ortiz@example.net", "Planners & printables"),
        "Sam Whitfield": (S.PROSPECT, "sam.w@example.org", "Photo presets"),
        "Priya Nair": (S.PROSPECT, "priya@example.com", "Notion templates"),
        "Tomás Rivera": (S.INVITED, "tomas.rivera@example.net", "Music samples"),
        "Grace Kim": (S.INVITED, "grace.kim@example.org", "Language courses"),
        "Ade Okafor": (S.PROSPECT, None, "Fitness plans"),  # no address known yet
    }
    for r in rows.values():
        assert (r.manual_stage, r.assigned_admin_id, r.next_step is not None) == (True, alice, True)
    # stage entered: the day added (prospects) or the day invited; first reached: both kept.
    assert {n: (r.stage_entered_at, r.prospect_at, r.invited_at, r.manual_stage_set_at) for n, r in rows.items()} == {
        "Lena Ortiz": (days_ago(2), days_ago(2), None, days_ago(2)),
        "Sam Whitfield": (days_ago(9), days_ago(9), None, days_ago(9)),
        "Priya Nair": (days_ago(5), days_ago(5), None, days_ago(5)),
        "Tomás Rivera": (days_ago(12), days_ago(16), days_ago(12), days_ago(12)),
        "Grace Kim": (days_ago(21), days_ago(30), days_ago(21), days_ago(21)),
        "Ade Okafor": (days_ago(1), days_ago(1), None, days_ago(1)),
    }
    assert rows["Priya Nair"].social_handles == {"youtube": "@priyabuilds", "x": "@priyanair"}
    assert (rows["Grace Kim"].audience_size, rows["Ade Okafor"].audience_size) == (210_000, 64_000)

    assert {n: [(at, how) for at, how, _note in touches(session, r)] for n, r in rows.items()} == {
        "Lena Ortiz": [],
        "Sam Whitfield": [(days_ago(8), TouchType.DM), (days_ago(4), TouchType.DM)],
        "Priya Nair": [(days_ago(5), TouchType.DM)],
        "Tomás Rivera": [(days_ago(15), TouchType.DM), (days_ago(12), TouchType.EMAIL)],
        "Grace Kim": [(days_ago(28), TouchType.CALL), (days_ago(21), TouchType.EMAIL)],
        "Ade Okafor": [],
    }
    # The last touch is the newest one.
    assert {n: (r.last_touch_at, r.last_touch_type) for n, r in rows.items()} == {
        "Lena Ortiz": (None, None),
        "Sam Whitfield": (days_ago(4), TouchType.DM),
        "Priya Nair": (days_ago(5), TouchType.DM),
        "Tomás Rivera": (days_ago(12), TouchType.EMAIL),
        "Grace Kim": (days_ago(21), TouchType.EMAIL),
        "Ade Okafor": (None, None),
    }
    t = PipelineTouch
    newest = dict(session.execute(select(t.creator_id, func.max(t.at)).group_by(t.creator_id)).all())
    assert {r.id: r.last_touch_at for r in rows.values() if r.last_touch_at} == {
        r.id: newest[r.id] for r in rows.values() if r.id in newest
    }

    h = PipelineStageChange
    history = {
        n: [
            (x.changed_at, x.from_stage, x.to_stage, x.changed_by_user_id)
            for x in session.scalars(select(h).where(h.creator_id == r.id).order_by(h.changed_at))
        ]
        for n, r in rows.items()
    }
    assert history["Tomás Rivera"] == [
        (days_ago(16), None, S.PROSPECT, alice),
        (days_ago(12), S.PROSPECT, S.INVITED, alice),
    ]
    assert history["Lena Ortiz"] == [(days_ago(2), None, S.PROSPECT, alice)]


def test_without_an_admin_nothing_but_the_sellers(session: Session) -> None:
    sellers(session)
    assert add_demo_pipeline(session, seed=SEED, now=NOW) == 8  # the eight sellers on the board
    rows = rows_by_name(session)
    # The sellers are still placed (the refresh runs first); no prospects, niches, assignments or touches.
    assert sorted(rows) == ["Ana", "Ben", "Cleo", "Dev", "Eve", "Fay", "Gus", "Hal"]
    assert all(r.niche is None and r.assigned_admin_id is None for r in rows.values())
    assert session.scalar(select(func.count()).select_from(PipelineTouch)) == 0


def test_an_empty_marketplace_with_an_admin(session: Session) -> None:
    make_user(session, username="ops", role=UserRole.ADMIN)
    assert add_demo_pipeline(session, seed=SEED, now=NOW) == 6
