"""The creator pipeline's data core (issue 16): each creator's stage derived from the marketplace's own data, the
refresh that keeps `creator_pipeline` true to it (with a history row per move), manual moves, and stuck creators.

Derived stages (sellers: users with the seller role; sales: paid orders, `orders` being the one source of sales; a
refunded order is not a sale):
  signed up   the account exists (`users.created_at`);
  drafting    the creator flow started (a product created, or a `creator_started` event) and nothing published yet;
  published   a product was first published (`digital_products.published_at`), no paid order yet;
  first sale  one paid order, in the last 30 days (or several, all at the first one's moment);
  active      a paid order in the last 30 days after the first one ("regular sales");
  churn risk  had paid orders, none in the last 30 days.
Prospect and invited are set by hand. A manual stage is kept until the data-derived stage is further in `STAGES`;
then the data takes over again (the manual flag is cleared). Active and churn risk may alternate: each is recorded.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, func, select, true
from sqlalchemy.orm import Session

from core.models import (
    AnalyticsEvent,
    CreatorPipeline,
    DigitalProduct,
    Order,
    OrderStatus,
    PipelineStage,
    PipelineStageChange,
    ProductStatus,
    SellerProfile,
    User,
    UserRole,
)
from core.money import to_decimal

CENT = Decimal("0.01")
STAGES: tuple[PipelineStage, ...] = tuple(PipelineStage)  # board order; "further" = later here
MANUAL_ONLY = (PipelineStage.PROSPECT, PipelineStage.INVITED)
ACTIVE_WINDOW = timedelta(days=30)
STUCK_DRAFTING_DAYS = 3
REASON_MAX = 500

# The column holding when each stage was first reached.
STAGE_COLUMNS: dict[PipelineStage, str] = {stage: f"{stage.value}_at" for stage in STAGES}


def rank(stage: PipelineStage | str) -> int:
    return STAGES.index(PipelineStage(stage))


@dataclass(frozen=True)
class DerivedStage:
    """A creator's stage as the data says, the data moment of every stage reached (for the stage timestamps and
    the reasons), and the totals the board shows."""

    user_id: str
    name: str
    stage: PipelineStage
    moments: dict[PipelineStage, datetime]
    reason: str
    products_published: int = 0
    orders_count: int = 0
    gmv: Decimal = Decimal("0")
    last_sale_at: datetime | None = None


@dataclass
class PipelineReport:
    created: int = 0
    moved: int = 0
    kept_manual: int = 0
    changes: list[tuple[str, PipelineStage | None, PipelineStage]] = field(default_factory=list)

    def summary(self) -> str:
        return f"creator pipeline: {self.created} new, {self.moved} moved, {self.kept_manual} manual stages kept"


class PipelineValidationError(ValueError):
    """A manual move that cannot be saved; `errors` maps a form field to the message shown next to it (the goals'
    pattern). Nothing was written."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = dict(errors)


# --------------------------------------------------------------------------- deriving


def derive_stages(
    session: Session, *, now: datetime, user_ids: Collection[str] | None = None
) -> dict[str, DerivedStage]:
    """Every seller's data-derived stage (only those of `user_ids` when given), keyed by user id: one SELECT over
    four grouped sub-queries (products, `creator_started` events, paid orders up to `now`), none per seller."""
    sp, p, o, e = SellerProfile, DigitalProduct, Order, AnalyticsEvent
    ids = sorted(user_ids) if user_ids is not None else None
    of_sellers = sp.user_id.in_(ids) if ids is not None else true()
    live_product = and_(p.deleted_at.is_(None), p.created_at <= now)
    products = (
        select(
            sp.user_id.label("user_id"),
            func.min(p.created_at).label("started_at"),
            func.min(p.published_at).label("published_at"),
            func.count(p.id).filter(p.status == ProductStatus.PUBLISHED, p.published_at <= now).label("live"),
        )
        .join(p, and_(p.seller_id == sp.id, live_product))
        .where(sp.deleted_at.is_(None), of_sellers)
        .group_by(sp.user_id)
        .subquery()
    )
    started = (
        select(e.person_id.label("user_id"), func.min(e.occurred_at).label("started_at"))
        .where(e.event_type == "creator_started", e.occurred_at <= now)
        .where(e.person_id.in_(ids) if ids is not None else true())
        .group_by(e.person_id)
        .subquery()
    )
    # Orders are aggregated per seller before meeting seller_profiles: joining first made PostgreSQL carry the
    # profile through 11.7 M orders of the large data set (the statement took 10.8 s, 8.2 s this way).
    by_seller = (
        select(
            o.seller_id.label("seller_id"),
            func.min(o.created_at).label("first_at"),
            func.max(o.created_at).label("last_at"),
            func.count().label("orders"),
            func.sum(o.amount).label("gmv"),
        )
        .where(o.status == OrderStatus.PAID, o.created_at <= now)
        .where(o.seller_id.in_(select(sp.id).where(of_sellers)) if ids is not None else true())
        .group_by(o.seller_id)
        .subquery()
    )
    sales = (
        select(sp.user_id.label("user_id"), by_seller)
        .join(by_seller, by_seller.c.seller_id == sp.id)
        .where(sp.deleted_at.is_(None))
        .subquery()
    )
    u = User
    rows = session.execute(
        select(
            u.id,
            u.name,
            u.created_at,
            products.c.started_at,
            products.c.published_at,
            products.c.live,
            started.c.started_at.label("event_started_at"),
            sales.c.first_at,
            sales.c.last_at,
            sales.c.orders,
            sales.c.gmv,
        )
        .outerjoin(products, products.c.user_id == u.id)
        .outerjoin(started, started.c.user_id == u.id)
        .outerjoin(sales, sales.c.user_id == u.id)
        .where(u.role == UserRole.SELLER, u.created_at <= now)
        .where(u.id.in_(ids) if ids is not None else true())
    ).all()
    return {row.id: _derive(row, now=now) for row in rows}


def _derive(r: Any, *, now: datetime) -> DerivedStage:
    """The stage of one result row of `derive_stages` (plain values in, plain values out)."""
    moments: dict[PipelineStage, datetime] = {PipelineStage.SIGNED_UP: r.created_at}
    stage, reason = PipelineStage.SIGNED_UP, f"data: account created on {_day(r.created_at)}"
    starts = [t for t in (r.started_at, r.event_started_at) if t is not None]
    if starts:
        moments[PipelineStage.DRAFTING] = min(starts)
        stage, reason = PipelineStage.DRAFTING, f"data: creator flow started on {_day(min(starts))}"
    published = r.published_at if r.published_at is not None and r.published_at <= now else None
    if published is not None:
        moments.setdefault(PipelineStage.DRAFTING, min([published, *starts]))
        moments[PipelineStage.PUBLISHED] = published
        stage, reason = PipelineStage.PUBLISHED, f"data: first product published on {_day(published)}"
    first, last = r.first_at, r.last_at
    if first is not None:
        moments[PipelineStage.FIRST_SALE] = first
        stage, reason = PipelineStage.FIRST_SALE, f"data: first paid order on {_day(first)}"
        if last <= now - ACTIVE_WINDOW:
            moments[PipelineStage.CHURN_RISK] = last + ACTIVE_WINDOW
            stage, reason = PipelineStage.CHURN_RISK, f"data: no paid order since {_day(last)} (30 days)"
        elif last > first:
            moments[PipelineStage.ACTIVE] = last
            stage, reason = PipelineStage.ACTIVE, f"data: a paid order on {_day(last)}, within 30 days"
    return DerivedStage(
        user_id=r.id,
        name=r.name,
        stage=stage,
        moments=moments,
        reason=reason,
        products_published=int(r.live or 0),
        orders_count=int(r.orders or 0),
        gmv=to_decimal(r.gmv).quantize(CENT),
        last_sale_at=last,
    )


def _day(moment: datetime) -> str:
    return moment.date().isoformat()


# --------------------------------------------------------------------------- keeping the board


def refresh_pipeline(session: Session, *, now: datetime, user_ids: Collection[str] | None = None) -> PipelineReport:
    """Bring `creator_pipeline` to the data: a row for every seller, the derived stage unless a manual stage is
    set and the derived one is not further, first-reached timestamps filled, totals kept, every move recorded
    (changed_by NULL). A second run with the same data and `now` changes nothing. `user_ids`: only these sellers
    (`core.sellers.pipeline_changes` says which may have changed). Writes, no commit."""
    if user_ids is not None and not user_ids:
        return PipelineReport()
    derived = derive_stages(session, now=now, user_ids=user_ids)
    report = PipelineReport()
    rows = {
        row.user_id: row
        for row in session.scalars(select(CreatorPipeline).where(CreatorPipeline.user_id.in_(list(derived))))
    } if derived else {}  # fmt: skip
    for user_id, found in derived.items():
        row = rows.get(user_id)
        if row is None:
            row = CreatorPipeline(
                user_id=user_id, name=found.name, stage=found.stage,
                stage_entered_at=found.moments[found.stage], manual_stage=False, created_at=now, updated_at=now,
            )  # fmt: skip
            session.add(row)
            session.flush()
            _record(session, row, None, found.stage, found.reason, by=None, at=now)
            report.created += 1
            report.changes.append((user_id, None, found.stage))
        elif row.stage != found.stage:
            if row.manual_stage and rank(found.stage) <= rank(row.stage):
                report.kept_manual += 1
            else:
                _record(session, row, row.stage, found.stage, found.reason, by=None, at=now)
                report.changes.append((user_id, row.stage, found.stage))
                row.stage, row.stage_entered_at = found.stage, found.moments[found.stage]
                row.manual_stage, row.manual_stage_set_at = False, None
                report.moved += 1
        _fill(row, found, now=now)
    session.flush()
    return report


def _fill(row: CreatorPipeline, found: DerivedStage, *, now: datetime) -> None:
    """First-reached timestamps (only when empty) and totals; touches `updated_at` only when something changed."""
    changed = False
    for stage, moment in found.moments.items():
        column = STAGE_COLUMNS[stage]
        if getattr(row, column) is None and (stage == found.stage or stage not in _ALTERNATING):
            setattr(row, column, moment)
            changed = True
    totals = {
        "products_published": found.products_published, "orders_count": found.orders_count,
        "gmv": found.gmv, "last_sale_at": found.last_sale_at,
    }  # fmt: skip
    for column, value in totals.items():
        if _differs(getattr(row, column), value):
            setattr(row, column, value)
            changed = True
    if changed:
        row.updated_at = now


_ALTERNATING = (PipelineStage.ACTIVE, PipelineStage.CHURN_RISK)


def _differs(old: object, new: object) -> bool:
    if isinstance(new, Decimal) and old is not None:
        return to_decimal(old).quantize(CENT) != new
    return old != new


def _record(
    session: Session,
    row: CreatorPipeline,
    before: PipelineStage | None,
    after: PipelineStage,
    reason: str,
    *,
    by: str | None,
    at: datetime,
) -> None:
    session.add(
        PipelineStageChange(
            creator_id=row.id, changed_at=at, changed_by_user_id=by, from_stage=before, to_stage=after, reason=reason
        )
    )


# --------------------------------------------------------------------------- manual moves


def move_creator(
    session: Session, *, creator_id: str, to_stage: PipelineStage | str, by_user_id: str, reason: str, now: datetime
) -> CreatorPipeline:
    """An admin moves a creator on the board: kept until the data moves the creator further. A move backwards
    needs a reason. Raises `PipelineValidationError` (nothing written), `LookupError` (no such creator) or
    `PermissionError` (not an admin). Writes, no commit."""
    admin = session.get(User, by_user_id)
    if admin is None or admin.role != UserRole.ADMIN:
        raise PermissionError("Only an admin can move a creator on the pipeline.")
    row = session.get(CreatorPipeline, creator_id)
    if row is None:
        raise LookupError(f"No creator {creator_id!r} on the pipeline.")
    errors: dict[str, str] = {}
    reason = (reason or "").strip()
    try:
        target = PipelineStage(to_stage)
    except ValueError:
        errors["to_stage"] = f"Unknown stage; choose one of: {', '.join(s.value for s in STAGES)}."
    else:
        if target == row.stage:
            errors["to_stage"] = "The creator is already at this stage."
        elif rank(target) < rank(row.stage) and not reason:
            errors["reason"] = "Say why the creator moves back a stage."
    if len(reason) > REASON_MAX:
        errors["reason"] = f"Keep the reason under {REASON_MAX} characters."
    if errors:
        raise PipelineValidationError(errors)
    _record(session, row, row.stage, target, reason or "manual move", by=by_user_id, at=now)
    row.stage, row.stage_entered_at = target, now
    row.manual_stage, row.manual_stage_set_at = True, now
    if getattr(row, STAGE_COLUMNS[target]) is None:
        setattr(row, STAGE_COLUMNS[target], now)
    row.updated_at = now
    session.flush()
    return row


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class StuckCreator:
    creator_id: str
    user_id: str | None
    name: str
    drafting_since: datetime
    days: int


def stuck_creators(session: Session, *, now: datetime, days: int = STUCK_DRAFTING_DAYS) -> list[StuckCreator]:
    """Creators in drafting for more than `days` days (since they entered the stage), oldest first."""
    c = CreatorPipeline
    rows = session.execute(
        select(c.id, c.user_id, c.name, c.stage_entered_at)
        .where(c.stage == PipelineStage.DRAFTING, c.stage_entered_at < now - timedelta(days=days))
        .order_by(c.stage_entered_at, c.id)
    ).all()
    return [StuckCreator(r.id, r.user_id, r.name, r.stage_entered_at, (now - r.stage_entered_at).days) for r in rows]


def stage_counts(session: Session) -> Mapping[PipelineStage, int]:
    """How many creators are in each stage (every stage present, board order)."""
    c = CreatorPipeline
    found = dict(session.execute(select(c.stage, func.count()).group_by(c.stage)).all())
    return {stage: int(found.get(stage, 0)) for stage in STAGES}
