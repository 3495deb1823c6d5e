"""Which creators' stages may have changed since the last refresh of the pipeline board, so the hourly job derives
only theirs (issue 16): deriving every seller's stage aggregates every paid order (8 s on the large data set's
11.7 M orders), while an hour's changes touch a few hundred sellers.

A creator is touched since `since` when any of these happened after it:
- the account was created;
- a product was created, edited, published or deleted (`digital_products.updated_at` moves with every write);
- a `creator_started` event occurred or was ingested (`recorded_at`: a late event with an old time);
- a paid order was created (looking back `ORDER_SLACK` more, for orders written a little after their time) or an
  order was refunded;
- the last sale turned 30 days old (active or first sale → churn risk without any new row).

The board stays exact for everything written on time; an order written with a time older than the slack is picked
up by the full refresh, which `refresh_due` asks for once a day (and when the board was never built).
The watermark is the row "creator-pipeline" of `rollup_watermarks`: `through` = the last refresh's `now`,
`detail["full_at"]` = the last full refresh's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, union
from sqlalchemy.orm import Session

from core.models import (
    AnalyticsEvent,
    CreatorPipeline,
    DigitalProduct,
    Order,
    RollupWatermark,
    SellerProfile,
    User,
    UserRole,
)
from core.sellers.pipeline import ACTIVE_WINDOW, PipelineReport, refresh_pipeline

WATERMARK = "creator-pipeline"
ORDER_SLACK = timedelta(hours=2)  # an order written later than this after its time waits for the full refresh
FULL_EVERY = timedelta(days=1)
# Above this share of the board touched, every seller is derived instead: on the large data set a day's changes
# (6,684 of 13,503 sellers, most of the orders) took 7.5 s by id list against 6.6 s for everyone.
FULL_SHARE = 0.2


def touched_creators(session: Session, *, since: datetime, now: datetime) -> set[str]:
    """The user ids of the sellers whose derived stage or totals may differ from what the board held at `since`."""
    sp, p, o, e, c = SellerProfile, DigitalProduct, Order, AnalyticsEvent, CreatorPipeline
    found = union(
        select(User.id).where(User.role == UserRole.SELLER, User.created_at > since),
        select(sp.user_id).join(p, p.seller_id == sp.id).where(p.updated_at > since),
        select(e.person_id).where(e.event_type == "creator_started", or_(e.occurred_at > since, e.recorded_at > since)),
        select(sp.user_id).join(o, o.seller_id == sp.id).where(o.created_at > since - ORDER_SLACK),
        select(sp.user_id).join(o, o.seller_id == sp.id).where(o.refunded_at > since),
        select(c.user_id).where(
            c.user_id.is_not(None), c.last_sale_at > since - ACTIVE_WINDOW, c.last_sale_at <= now - ACTIVE_WINDOW
        ),
    )
    return {user_id for (user_id,) in session.execute(found) if user_id is not None}


@dataclass(frozen=True)
class RefreshOutcome:
    report: PipelineReport
    full: bool
    considered: int | None  # creators re-derived; None = everyone (a full refresh)

    def summary(self) -> str:
        scope = "every seller" if self.considered is None else f"{self.considered:,} sellers with changes"
        return f"{self.report.summary()} ({scope})"


def refresh_due(
    session: Session, *, now: datetime, full: bool = False, full_share: float = FULL_SHARE
) -> RefreshOutcome:
    """Refresh the board: every seller when `full`, when it was never built, when its last full refresh is a day old
    or when more than a fifth of the board was touched; otherwise only the creators touched since the last refresh.
    Records the watermark. Writes, no commit."""
    mark = session.get(RollupWatermark, WATERMARK)
    full_at = _moment((mark.detail or {}).get("full_at")) if mark is not None else None
    if full or mark is None or full_at is None or now - full_at >= FULL_EVERY:
        report = refresh_pipeline(session, now=now)
        _record(session, mark, now=now, full_at=now)
        return RefreshOutcome(report, True, None)
    since = mark.through if mark.through.tzinfo is not None else mark.through.replace(tzinfo=now.tzinfo)
    users = touched_creators(session, since=since, now=now)
    on_board = session.scalar(select(func.count()).where(CreatorPipeline.user_id.is_not(None))) or 0
    if len(users) > full_share * on_board:  # the full statement is then as cheap (6.6 s against 7.5 s)
        report = refresh_pipeline(session, now=now)
        _record(session, mark, now=now, full_at=now)
        return RefreshOutcome(report, True, None)
    report = refresh_pipeline(session, now=now, user_ids=users)
    _record(session, mark, now=now, full_at=full_at)
    return RefreshOutcome(report, False, len(users))


def _moment(text: object) -> datetime | None:
    try:
        return datetime.fromisoformat(str(text)) if text else None
    except ValueError:
        return None


def _record(session: Session, mark: RollupWatermark | None, *, now: datetime, full_at: datetime) -> None:
    detail = {"full_at": full_at.isoformat()}
    if mark is None:
        session.add(RollupWatermark(name=WATERMARK, through=now, refreshed_at=now, detail=detail))
    else:
        mark.through, mark.refreshed_at, mark.detail = now, now, detail
    session.flush()
