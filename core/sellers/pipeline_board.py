"""The creator pipeline board as the admins read it (issue 16): one column per stage with its count and revenue, the
cards of the creators longest in that stage, the filters' choices, and one creator's detail with its stage history.

Two statements draw the board whatever its size: the per-stage totals (grouped), and the first `per_stage` cards of
every stage (a window ranking each stage's creators by when they entered it: the longest waiting first, since they
need the admins most). E-mail addresses leave this module masked (`core.privacy.mask_email`): the board is
shown on screens other people can see (seed 004, "Sensitive Data Masking").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, and_, func, select, true
from sqlalchemy.orm import Session, aliased

from core.models import CreatorPipeline, PipelineStage, PipelineStageChange, TouchType, User
from core.privacy import mask_email
from core.sellers.pipeline import STAGES

UNASSIGNED = "unassigned"  # the assigned-admin filter's value for "nobody"
PER_STAGE = 12
STAGE_LABELS: dict[PipelineStage, str] = {
    PipelineStage.PROSPECT: "Prospect",
    PipelineStage.INVITED: "Invited",
    PipelineStage.SIGNED_UP: "Signed up",
    PipelineStage.DRAFTING: "Drafting",
    PipelineStage.PUBLISHED: "Published",
    PipelineStage.FIRST_SALE: "First sale",
    PipelineStage.ACTIVE: "Active",
    PipelineStage.CHURN_RISK: "Churn risk",
}
STAGE_MEANINGS: dict[PipelineStage, str] = {
    PipelineStage.PROSPECT: "Someone the team wants to bring in; set by hand.",
    PipelineStage.INVITED: "Invited by the team (an invite e-mail or link); set by hand or by sending the invite.",
    PipelineStage.SIGNED_UP: "Has an account; has not started a product yet.",
    PipelineStage.DRAFTING: "Started the creator flow, nothing published yet.",
    PipelineStage.PUBLISHED: "Has a published product, no paid order yet.",
    PipelineStage.FIRST_SALE: "Made a first sale in the last 30 days.",
    PipelineStage.ACTIVE: "Sold again in the last 30 days after the first sale.",
    PipelineStage.CHURN_RISK: "Had sales, none in the last 30 days.",
}


@dataclass(frozen=True)
class Card:
    creator_id: str
    name: str
    masked_email: str  # "" when neither an account nor a contact address is known
    stage: PipelineStage
    days_in_stage: int
    last_touch_at: datetime | None
    last_touch_type: TouchType | None
    niche: str | None
    assigned_admin: str | None  # the admin's name
    gmv: Decimal
    has_account: bool


@dataclass(frozen=True)
class Column:
    stage: PipelineStage
    label: str
    count: int
    gmv: Decimal  # the paid orders' amount ever, of every creator in the column (not only the cards shown)
    cards: tuple[Card, ...]  # the `per_stage` creators longest in the stage

    @property
    def hidden(self) -> int:
        return self.count - len(self.cards)


@dataclass(frozen=True)
class Board:
    columns: tuple[Column, ...]  # every stage, board order

    @property
    def total(self) -> int:
        return sum(c.count for c in self.columns)


@dataclass(frozen=True)
class StageChangeView:
    at: datetime
    from_stage: PipelineStage | None
    to_stage: PipelineStage
    by: str | None  # the admin's name; None = the data (the refresh job)
    reason: str


@dataclass(frozen=True)
class CreatorDetail:
    card: Card
    user_id: str | None
    manual_stage: bool
    next_step: str | None
    audience_size: int | None
    social_handles: dict[str, str]
    products_published: int
    orders_count: int
    last_sale_at: datetime | None
    reached: dict[PipelineStage, datetime]  # when each stage was first reached
    changes: tuple[StageChangeView, ...]  # newest first


def _filters(assigned_admin_id: str | None, niche: str | None) -> ColumnElement[bool]:
    c = CreatorPipeline
    conditions: list[ColumnElement[bool]] = []
    if assigned_admin_id == UNASSIGNED:
        conditions.append(c.assigned_admin_id.is_(None))
    elif assigned_admin_id:
        conditions.append(c.assigned_admin_id == assigned_admin_id)
    if niche:
        conditions.append(c.niche == niche)
    return and_(true(), *conditions)


def board(
    session: Session,
    *,
    now: datetime,
    assigned_admin_id: str | None = None,
    niche: str | None = None,
    per_stage: int = PER_STAGE,
) -> Board:
    """The board, filtered by assigned admin (an id, `UNASSIGNED` or None = everyone) and niche (None = all)."""
    c = CreatorPipeline
    where = _filters(assigned_admin_id, niche)
    totals = {
        r.stage: (int(r.n), Decimal(r.gmv or 0))
        for r in session.execute(
            select(c.stage, func.count().label("n"), func.sum(c.gmv).label("gmv")).where(where).group_by(c.stage)
        )
    }
    account, admin = aliased(User), aliased(User)
    ranked = (
        select(
            c.id,
            func.row_number().over(partition_by=c.stage, order_by=(c.stage_entered_at, c.id)).label("place"),
        )
        .where(where)
        .subquery()
    )
    rows = session.execute(
        select(*_card_columns(c, account, admin))
        .join(ranked, ranked.c.id == c.id)
        .outerjoin(account, account.id == c.user_id)
        .outerjoin(admin, admin.id == c.assigned_admin_id)
        .where(ranked.c.place <= per_stage)
        .order_by(c.stage_entered_at, c.id)
    ).all()
    cards: dict[PipelineStage, list[Card]] = {stage: [] for stage in STAGES}
    for r in rows:
        card = _card(r, now=now)
        cards[card.stage].append(card)
    return Board(
        tuple(
            Column(stage, STAGE_LABELS[stage], *totals.get(stage, (0, Decimal(0))), tuple(cards[stage]))
            for stage in STAGES
        )
    )


def _card_columns(c: type[CreatorPipeline], account: Any, admin: Any) -> tuple[Any, ...]:
    return (
        c.id,
        c.name,
        c.user_id,
        c.contact_email,
        account.email.label("account_email"),
        c.stage,
        c.stage_entered_at,
        c.last_touch_at,
        c.last_touch_type,
        c.niche,
        admin.name.label("admin_name"),
        c.gmv,
    )


def _card(r: Any, *, now: datetime) -> Card:
    entered = _aware(r.stage_entered_at, now)
    return Card(
        creator_id=r.id,
        name=r.name,
        masked_email=mask_email(r.account_email or r.contact_email),
        stage=PipelineStage(r.stage),
        days_in_stage=max(0, (now - entered).days),
        last_touch_at=_aware(r.last_touch_at, now) if r.last_touch_at else None,
        last_touch_type=TouchType(r.last_touch_type) if r.last_touch_type else None,
        niche=r.niche,
        assigned_admin=r.admin_name,
        gmv=Decimal(r.gmv or 0),
        has_account=r.user_id is not None,
    )


def _aware(moment: datetime, now: datetime) -> datetime:
    """SQLite gives naive UTC datetimes back; PostgreSQL aware ones."""
    return moment.replace(tzinfo=now.tzinfo) if moment.tzinfo is None and now.tzinfo is not None else moment


def filter_choices(session: Session) -> tuple[list[tuple[str, str]], list[str]]:
    """The assigned-admin choices ((id, name) of the admins assigned to anyone, by name) and the niches (sorted)."""
    c = CreatorPipeline
    admins = session.execute(
        select(User.id, User.name).where(User.id.in_(select(c.assigned_admin_id).distinct())).order_by(User.name)
    ).all()
    niches = session.scalars(select(c.niche).where(c.niche.is_not(None)).distinct().order_by(c.niche)).all()
    return [(a.id, a.name) for a in admins], [n for n in niches if n]


def creator_detail(session: Session, creator_id: str, *, now: datetime) -> CreatorDetail | None:
    """One creator's card, outreach fields, totals and stage history (newest first); None when not on the board."""
    c = CreatorPipeline
    account, admin = aliased(User), aliased(User)
    r = session.execute(
        select(*_card_columns(c, account, admin), c.manual_stage, c.next_step, c.audience_size, c.social_handles)
        .add_columns(c.products_published, c.orders_count, c.last_sale_at)
        .add_columns(*(getattr(c, f"{stage.value}_at").label(f"reached_{stage.value}") for stage in STAGES))
        .outerjoin(account, account.id == c.user_id)
        .outerjoin(admin, admin.id == c.assigned_admin_id)
        .where(c.id == creator_id)
    ).one_or_none()
    if r is None:
        return None
    h, by = PipelineStageChange, aliased(User)
    changes = session.execute(
        select(h.changed_at, h.from_stage, h.to_stage, by.name.label("by_name"), h.reason)
        .outerjoin(by, by.id == h.changed_by_user_id)
        .where(h.creator_id == creator_id)
        .order_by(h.changed_at.desc(), h.id.desc())
    ).all()
    reached = {
        stage: _aware(moment, now) for stage in STAGES if (moment := getattr(r, f"reached_{stage.value}")) is not None
    }
    return CreatorDetail(
        card=_card(r, now=now),
        user_id=r.user_id,
        manual_stage=bool(r.manual_stage),
        next_step=r.next_step,
        audience_size=r.audience_size,
        social_handles={str(k): str(v) for k, v in (r.social_handles or {}).items()},
        products_published=int(r.products_published or 0),
        orders_count=int(r.orders_count or 0),
        last_sale_at=_aware(r.last_sale_at, now) if r.last_sale_at else None,
        reached=reached,
        changes=tuple(
            StageChangeView(
                _aware(x.changed_at, now),
                PipelineStage(x.from_stage) if x.from_stage else None,
                PipelineStage(x.to_stage),
                x.by_name,
                x.reason,
            )
            for x in changes
        ),
    )


def stuck_cards(session: Session, *, now: datetime, days: int) -> list[Card]:
    """Creators in drafting for more than `days` days, longest first (`core.sellers.pipeline.stuck_creators`'s rule)."""
    c = CreatorPipeline
    account, admin = aliased(User), aliased(User)
    rows = session.execute(
        select(*_card_columns(c, account, admin))
        .outerjoin(account, account.id == c.user_id)
        .outerjoin(admin, admin.id == c.assigned_admin_id)
        .where(c.stage == PipelineStage.DRAFTING, c.stage_entered_at < now - timedelta(days=days))
        .order_by(c.stage_entered_at, c.id)
    ).all()
    return [_card(r, now=now) for r in rows]
