"""The admins' pipeline board (`core.sellers.pipeline_board`) on SQLite and PostgreSQL, over a small hand-built
board (now is 2026-11-21 15:00 UTC): columns in board order with their counts and revenue (cards beyond the limit
included), the longest in a stage first, the filters, masked e-mail addresses, days in the stage, the filters'
choices, one creator's detail with its history, and the stuck drafters on both sides of the 3-day boundary.

Every expected value below is worked out by hand from the rows `marketplace` writes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import CreatorPipeline, PipelineStage, ProductStatus, TouchType, UserRole
from core.sellers.pipeline import move_creator, refresh_pipeline
from core.sellers.pipeline_board import (
    STAGE_LABELS,
    UNASSIGNED,
    Board,
    Card,
    Column,
    StageChangeView,
    board,
    creator_detail,
    filter_choices,
    stuck_cards,
)
from tests.conftest import NOW
from tests.factories import make_product, make_seller, make_user

S = PipelineStage
BOARD_ORDER = [
    S.PROSPECT, S.INVITED, S.SIGNED_UP, S.DRAFTING, S.PUBLISHED, S.FIRST_SALE, S.ACTIVE, S.CHURN_RISK,
]  # fmt: skip
FULL_ADDRESSES = ("jane@example.com", "dave@example.com", "kim.lee@example.org", "pat@example.net", "dave.x@")


def utc(month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def put(session: Session, name: str, stage: S, entered: datetime, **fields: object) -> CreatorPipeline:
    row = CreatorPipeline(name=name, stage=stage, stage_entered_at=entered, **fields)
    session.add(row)
    session.flush()
    return row


def marketplace(session: Session) -> dict[str, str]:
    """Two assigned admins (Zoe, Adam), one idle admin, and eight creators:

    name     stage      entered            gmv     niche          admin  e-mail
    active1  active     11-10 12:00        120.50  Photo presets  Zoe    account jane@example.com
    active2  active     11-12 12:00         79.50  Music          -      none
    pub1     published  11-14 12:00          0.10  -              -      none
    pub2     published  11-15 12:00          0.20  -              -      none
    d1       drafting   11-11 15:00 (10 d)   0     Music          Zoe    contact kim.lee@example.org
    d2       drafting   11-18 15:00 (3 d)    0     Music          Adam   account dave@ (+ a contact address)
    d3       drafting   11-18 14:59 (3 d 1m) 0     -              -      none
    p1       prospect   11-01 12:00          0     Photo presets  Adam   contact pat@example.net
    """
    zoe = make_user(session, username="a-zoe", name="Zoe Admin", role=UserRole.ADMIN).id
    adam = make_user(session, username="z-adam", name="Adam Ops", role=UserRole.ADMIN).id
    make_user(session, username="bob", name="Bob Idle", role=UserRole.ADMIN)  # assigned to nobody
    jane = make_user(session, username="jane", name="Jane Doe").id
    dave = make_user(session, username="dave", name="Dave Roe").id
    ids = {"zoe": zoe, "adam": adam}
    ids["active1"] = put(session, "Jane Doe", S.ACTIVE, utc(11, 10), user_id=jane, gmv=Decimal("120.50"),
                         niche="Photo presets", assigned_admin_id=zoe).id  # fmt: skip
    ids["active2"] = put(session, "Al Two", S.ACTIVE, utc(11, 12), gmv=Decimal("79.50"), niche="Music").id
    ids["pub1"] = put(session, "Pub One", S.PUBLISHED, utc(11, 14), gmv=Decimal("0.10")).id
    ids["pub2"] = put(session, "Pub Two", S.PUBLISHED, utc(11, 15), gmv=Decimal("0.20")).id
    ids["d1"] = put(session, "Kim Lee", S.DRAFTING, NOW - timedelta(days=10), contact_email="kim.lee@example.org",
                    niche="Music", assigned_admin_id=zoe, last_touch_at=utc(11, 19, 9),
                    last_touch_type=TouchType.DM).id  # fmt: skip
    ids["d2"] = put(session, "Dave Roe", S.DRAFTING, NOW - timedelta(days=3), user_id=dave,
                    contact_email="dave.x@example.org", niche="Music", assigned_admin_id=adam).id  # fmt: skip
    ids["d3"] = put(session, "Dee Three", S.DRAFTING, NOW - timedelta(days=3, minutes=1)).id
    ids["p1"] = put(session, "Pat Prospect", S.PROSPECT, utc(11, 1), contact_email="pat@example.net",
                    niche="Photo presets", assigned_admin_id=adam).id  # fmt: skip
    return ids


def names(cards: tuple[Card, ...] | list[Card]) -> list[str]:
    return [c.name for c in cards]


def counts(b: Board) -> dict[S, int]:
    return {c.stage: c.count for c in b.columns if c.count}


def column(b: Board, stage: S) -> Column:
    return next(c for c in b.columns if c.stage == stage)


def test_every_stage_in_board_order_with_counts_and_revenue_beyond_the_cards(session: Session) -> None:
    marketplace(session)
    b = board(session, now=NOW, per_stage=1)
    assert [c.stage for c in b.columns] == BOARD_ORDER
    assert [c.label for c in b.columns] == [
        "Prospect", "Invited", "Signed up", "Drafting", "Published", "First sale", "Active", "Churn risk",
    ]  # fmt: skip
    assert [c.label for c in b.columns] == [STAGE_LABELS[s] for s in BOARD_ORDER]
    assert [(c.count, c.gmv, len(c.cards), c.hidden) for c in b.columns] == [
        (1, Decimal("0.00"), 1, 0),  # prospect
        (0, Decimal("0"), 0, 0),  # invited
        (0, Decimal("0"), 0, 0),  # signed up
        (3, Decimal("0.00"), 1, 2),  # drafting
        (2, Decimal("0.30"), 1, 1),  # published: 0.10 + 0.20, exactly
        (0, Decimal("0"), 0, 0),  # first sale
        (2, Decimal("200.00"), 1, 1),  # active: 120.50 + 79.50, the hidden card counted too
        (0, Decimal("0"), 0, 0),  # churn risk
    ]
    assert b.total == 8
    assert names(column(b, S.ACTIVE).cards) == ["Jane Doe"]  # entered 11-10, before Al Two (11-12)


def test_the_cards_are_the_longest_in_the_stage(session: Session) -> None:
    ids = marketplace(session)
    drafting = column(board(session, now=NOW, per_stage=2), S.DRAFTING)
    assert (drafting.count, drafting.hidden) == (3, 1)
    assert [c.creator_id for c in drafting.cards] == [ids["d1"], ids["d3"]]  # 11-11 15:00, then 11-18 14:59
    everyone = column(board(session, now=NOW), S.DRAFTING)
    assert names(everyone.cards) == ["Kim Lee", "Dee Three", "Dave Roe"] and everyone.hidden == 0


def test_filters_by_admin_unassigned_niche_and_both(session: Session) -> None:
    ids = marketplace(session)
    zoe, adam = ids["zoe"], ids["adam"]

    def shown(**filters: str) -> tuple[dict[S, int], list[str]]:
        b = board(session, now=NOW, **filters)
        return counts(b), sorted(n for c in b.columns for n in names(c.cards))

    assert shown(assigned_admin_id=zoe) == ({S.DRAFTING: 1, S.ACTIVE: 1}, ["Jane Doe", "Kim Lee"])
    assert shown(assigned_admin_id=adam) == ({S.PROSPECT: 1, S.DRAFTING: 1}, ["Dave Roe", "Pat Prospect"])
    assert shown(assigned_admin_id=UNASSIGNED) == (
        {S.DRAFTING: 1, S.PUBLISHED: 2, S.ACTIVE: 1}, ["Al Two", "Dee Three", "Pub One", "Pub Two"]
    )  # fmt: skip
    assert shown(niche="Music") == ({S.DRAFTING: 2, S.ACTIVE: 1}, ["Al Two", "Dave Roe", "Kim Lee"])
    assert shown(assigned_admin_id=zoe, niche="Music") == ({S.DRAFTING: 1}, ["Kim Lee"])
    assert shown(assigned_admin_id=UNASSIGNED, niche="Music") == ({S.ACTIVE: 1}, ["Al Two"])
    assert shown(assigned_admin_id=adam, niche="Photo presets") == ({S.PROSPECT: 1}, ["Pat Prospect"])
    assert shown(assigned_admin_id=zoe, niche="Knitting") == ({}, [])

    active = column(board(session, now=NOW, assigned_admin_id=UNASSIGNED), S.ACTIVE)
    assert (active.count, active.gmv) == (1, Decimal("79.50"))  # the revenue follows the filter too
    everyone = board(session, now=NOW, assigned_admin_id=None, niche=None)
    assert everyone.total == 8


def test_cards_show_masked_addresses_and_days_in_stage(session: Session) -> None:
    ids = marketplace(session)
    b = board(session, now=NOW)
    cards = {c.name: c for col in b.columns for c in col.cards}
    assert {n: c.masked_email for n, c in cards.items()} == {
        "Jane Doe": "j****@example.com",  # the account's address
        "Dave Roe": "d****@example.com",  # the account's address wins over the contact one
        "Kim Lee": "k****@example.org",  # a prospect's contact address
        "Pat Prospect": "p****@example.net",
        "Al Two": "", "Pub One": "", "Pub Two": "", "Dee Three": "",  # none known
    }  # fmt: skip
    text = repr(b)
    for address in FULL_ADDRESSES:
        assert address not in text
    # now 11-21 15:00: 11-10 12:00 -> 11 d 3 h; 11-11 15:00 -> 10 d; 11-18 15:00 -> 3 d; 11-18 14:59 -> 3 d 1 min;
    # 11-01 12:00 -> 20 d 3 h; 11-12 12:00 -> 9 d 3 h; 11-14 12:00 -> 7 d 3 h; 11-15 12:00 -> 6 d 3 h.
    assert {n: c.days_in_stage for n, c in cards.items()} == {
        "Jane Doe": 11, "Kim Lee": 10, "Dave Roe": 3, "Dee Three": 3, "Pat Prospect": 20, "Al Two": 9,
        "Pub One": 7, "Pub Two": 6,
    }  # fmt: skip
    assert cards["Jane Doe"] == Card(
        creator_id=ids["active1"], name="Jane Doe", masked_email="j****@example.com", stage=S.ACTIVE,
        days_in_stage=11, last_touch_at=None, last_touch_type=None, niche="Photo presets",
        assigned_admin="Zoe Admin", gmv=Decimal("120.50"), has_account=True,
    )  # fmt: skip
    kim = cards["Kim Lee"]
    assert (kim.last_touch_at, kim.last_touch_type, kim.assigned_admin, kim.has_account, kim.niche) == (
        utc(11, 19, 9), TouchType.DM, "Zoe Admin", False, "Music"
    )  # fmt: skip
    assert (cards["Al Two"].assigned_admin, cards["Al Two"].niche) == (None, "Music")
    # Later in the day, a card ticks over: Dave Roe entered at 15:00 three days before.
    later = {c.name: c.days_in_stage for col in board(session, now=NOW + timedelta(hours=23)).columns
             for c in col.cards}  # fmt: skip
    assert (later["Dave Roe"], later["Jane Doe"]) == (3, 12)
    # Before the stage was entered (a clock behind): never negative.
    early = board(session, now=utc(11, 5))
    assert column(early, S.ACTIVE).cards[0].days_in_stage == 0


def test_filter_choices(session: Session) -> None:
    ids = marketplace(session)
    admins, niches = filter_choices(session)
    assert admins == [(ids["adam"], "Adam Ops"), (ids["zoe"], "Zoe Admin")]  # by name, not by username; no Bob
    assert niches == ["Music", "Photo presets"]


def test_filter_choices_on_an_empty_board(session: Session) -> None:
    make_user(session, username="lonely", name="Lonely Admin", role=UserRole.ADMIN)
    assert filter_choices(session) == ([], [])


def test_creator_detail_with_history_newest_first(session: Session) -> None:
    zoe = make_user(session, username="zoe", name="Zoe Admin", role=UserRole.ADMIN).id
    seller = make_seller(session, username="mia", name="Mia Maker")
    seller.user.created_at = utc(11, 1)
    make_product(session, seller=seller, status=ProductStatus.DRAFT, created_at=utc(11, 3))
    refresh_pipeline(session, now=utc(11, 5))  # the job: -> drafting (entered 11-03)
    row = session.scalars(select(CreatorPipeline).where(CreatorPipeline.user_id == seller.user_id)).one()
    move_creator(session, creator_id=row.id, to_stage=S.PUBLISHED, by_user_id=zoe, reason="", now=utc(11, 8))
    move_creator(session, creator_id=row.id, to_stage=S.DRAFTING, by_user_id=zoe, reason="Unpublished it",
                 now=utc(11, 9))  # fmt: skip
    row.next_step, row.audience_size, row.social_handles = "Call on Monday", 12_000, {"instagram": "@mia"}
    row.assigned_admin_id = zoe
    session.flush()

    detail = creator_detail(session, row.id, now=NOW)
    assert detail is not None
    assert detail.changes == (
        StageChangeView(utc(11, 9), S.PUBLISHED, S.DRAFTING, "Zoe Admin", "Unpublished it"),
        StageChangeView(utc(11, 8), S.DRAFTING, S.PUBLISHED, "Zoe Admin", "manual move"),
        StageChangeView(utc(11, 5), None, S.DRAFTING, None, "data: creator flow started on 2026-11-03"),
    )
    assert detail.reached == {S.SIGNED_UP: utc(11, 1), S.DRAFTING: utc(11, 3), S.PUBLISHED: utc(11, 8)}
    assert (detail.user_id, detail.manual_stage, detail.next_step, detail.audience_size) == (
        seller.user_id, True, "Call on Monday", 12_000
    )  # fmt: skip
    assert detail.social_handles == {"instagram": "@mia"}
    assert (detail.products_published, detail.orders_count, detail.last_sale_at) == (0, 0, None)
    card = detail.card
    # Back in drafting since 11-09 12:00: 12 days 3 hours before now.
    assert (card.stage, card.days_in_stage, card.assigned_admin, card.name) == (
        S.DRAFTING,
        12,
        "Zoe Admin",
        "Mia Maker",
    )
    assert card.masked_email == "m****@example.com" and "mia@example.com" not in repr(detail)


def test_creator_detail_of_a_prospect_and_of_nobody(session: Session) -> None:
    ids = marketplace(session)
    pat = creator_detail(session, ids["p1"], now=NOW)
    assert pat is not None
    assert (pat.user_id, pat.changes, pat.reached, pat.social_handles) == (None, (), {}, {})
    assert (pat.card.masked_email, pat.card.assigned_admin, pat.card.has_account) == (
        "p****@example.net", "Adam Ops", False
    )  # fmt: skip
    assert "pat@example.net" not in repr(pat)
    assert creator_detail(session, "no-such-creator", now=NOW) is None


def test_stuck_cards_more_than_three_days_longest_first(session: Session) -> None:
    ids = marketplace(session)
    stuck = stuck_cards(session, now=NOW, days=3)
    # d1: 10 days; d3: 3 days and a minute; d2: exactly 3 days (entered 11-18 15:00 = now - 3 d) is not stuck.
    assert [c.creator_id for c in stuck] == [ids["d1"], ids["d3"]]
    assert [(c.name, c.days_in_stage, c.masked_email) for c in stuck] == [
        ("Kim Lee", 10, "k****@example.org"), ("Dee Three", 3, "")
    ]  # fmt: skip
    assert "kim.lee@example.org" not in repr(stuck)
    # A second later Dave Roe is past the boundary too (still 3 whole days); a day earlier only Kim Lee is stuck.
    later = stuck_cards(session, now=NOW + timedelta(seconds=1), days=3)
    assert [c.creator_id for c in later] == [ids["d1"], ids["d3"], ids["d2"]]
    assert [c.creator_id for c in stuck_cards(session, now=NOW - timedelta(days=1), days=3)] == [ids["d1"]]
    assert stuck_cards(session, now=NOW, days=10) == []  # d1: exactly 10 days
