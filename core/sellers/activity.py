"""Which days each seller was active, rolled up per month: what the 30-day retention of `core.sellers.success`
reads instead of probing five tables for every (seller, point in time) pair.

Activity is what `core.sellers.success` counts: a sale (a `revenue_records` day), a product published, a listing
edit or a price change saved with the seller's own account, a login (`users.last_login_at`, or a `login` event of
the seller's user). Days are local days in APP_TIMEZONE (a sale's day is its `revenue_records` day).

Rows live in `analytics_rollups`: grain "month", metric "seller-active-days", `bucket_start` = the month's first
day at 00:00 UTC (a label for the month), dimension = the seller id, value = a mask of the month's active days
(bit d − 1 for day d; a month without activity has no row). Beside them, metric "seller-first-sale" holds each
seller's first `revenue_records` day ever (as `date.toordinal()`, bucket the epoch), the activation milestone of
`core.sellers.success`. The watermark "seller-activity" says up to when activity is in (`through`, the last
run's "now") and, in its detail, the time zone and the first day rolled up.

The `rollups` job keeps them (`refresh_seller_activity`, every 15 minutes): the first run, a full run or a change
of time zone builds the HISTORY_DAYS before today; later runs redo every day from RECENT_DAYS before the last
run's day through today, so today's mask grows through the day and a sale recorded a day late still lands. Older
backfills (a store import) need `full=True`. Freshness is the watermark's `through`: the page states it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from sqlalchemy import BigInteger, Integer, and_, cast, delete, func, literal, select, union_all
from sqlalchemy.orm import Session

from core.analytics.daily_sales import as_bucket
from core.analytics.rollup_keys import EPOCH
from core.config import get_settings
from core.db import UTCDateTime, insert_for, set_local_work_mem, utcnow, without_nested_loops
from core.models import (
    AnalyticsEvent,
    AnalyticsRollup,
    DigitalProduct,
    ListingEdit,
    PriceChange,
    RevenueRecord,
    RollupWatermark,
    SellerProfile,
    SellerStatus,
    User,
)
from core.periods import local_day, start_of_day
from core.sales.trends import add_months, month_start

GRAIN = "month"
METRIC = "seller-active-days"
FIRST_SALE = "seller-first-sale"  # value: the first sale day's ordinal (`date.toordinal`), bucket: the epoch
WATERMARK = "seller-activity"
HISTORY_DAYS = 400  # the 12 month ends of the trend and the 30 days before the first
RECENT_DAYS = 2
WORK_MEM_MB = 64  # the distinct count of ~100,000 (point, seller) pairs sorts in memory


def months_between(first: date, last: date) -> Iterator[tuple[date, date, date]]:
    """(month's first day, first day covered, last day covered) of each month that [first, last] touches."""
    month = month_start(first)
    while month <= last:
        following = add_months(month, 1)
        yield month, max(first, month), min(last, following - timedelta(days=1))
        month = following


def day_mask(first: date, last: date) -> int:
    """The bits of the days first..last of one month (both in the same month)."""
    return ((1 << (last.day - first.day + 1)) - 1) << (first.day - 1)


# --------------------------------------------------------------------------- raw activity


def active_days(session: Session, *, first: date, last: date, until: datetime, tz: tzinfo) -> set[tuple[str, date]]:
    """(seller id, local day) of every activity on the days first..last, none after `until`: six small queries
    over the sources' own indexes."""
    lo, hi = start_of_day(first, tz), min(until, start_of_day(last + timedelta(days=1), tz))
    found: set[tuple[str, date]] = {
        (seller_id, day)
        for seller_id, day in session.execute(
            select(RevenueRecord.seller_id, RevenueRecord.day)
            .where(RevenueRecord.day >= first, RevenueRecord.day <= min(last, local_day(until, tz)))
            .distinct()
        )
    }
    s, u = SellerProfile, User
    moments: list[Any] = [
        select(DigitalProduct.seller_id, DigitalProduct.published_at).where(
            DigitalProduct.published_at >= lo, DigitalProduct.published_at < hi
        ),
        *(
            select(model.seller_id, model.created_at)
            .join(s, and_(s.id == model.seller_id, s.user_id == model.changed_by_user_id))
            .where(model.created_at >= lo, model.created_at < hi)
            for model in (ListingEdit, PriceChange)
        ),
        select(s.id, u.last_login_at).join(u, u.id == s.user_id).where(u.last_login_at >= lo, u.last_login_at < hi),
        select(s.id, AnalyticsEvent.occurred_at)
        .join(s, s.user_id == AnalyticsEvent.person_id)
        .where(AnalyticsEvent.event_type == "login", AnalyticsEvent.occurred_at >= lo, AnalyticsEvent.occurred_at < hi),
    ]
    for statement in moments:
        found.update((seller_id, moment.astimezone(tz).date()) for seller_id, moment in session.execute(statement))
    return found


# --------------------------------------------------------------------------- keeping the roll-up


@dataclass(frozen=True)
class ActivityReport:
    first: date
    last: date
    rows: int
    full: bool

    def summary(self) -> str:
        kind = "full build" if self.full else "refresh"
        return f"seller activity {kind}: {self.first}..{self.last}, {self.rows:,} seller-months"


def refresh_seller_activity(
    session: Session, *, now: datetime, tz: tzinfo | None = None, full: bool = False
) -> ActivityReport:
    """Bring the monthly activity masks up to `now` (see the module docstring); writes, no commit."""
    tz = tz or get_settings().timezone
    today = local_day(now, tz)
    mark = session.get(RollupWatermark, WATERMARK)
    zone = str(tz)
    if full or mark is None or (mark.detail or {}).get("timezone") != zone:
        full = True
        first = today - timedelta(days=HISTORY_DAYS)
        r = AnalyticsRollup
        session.execute(delete(r).where(r.grain == GRAIN, r.metric.in_([METRIC, FIRST_SALE])))
        rolled_from = first
    else:
        first = min(local_day(mark.through, tz), today) - timedelta(days=RECENT_DAYS)
        rolled_from = date.fromisoformat(mark.detail["first"])
    rows = 0
    for month, lo, hi in months_between(first, today):
        rows += _redo_month(session, month, lo, hi, until=now, tz=tz, keep_others=not full)
    _refresh_first_sales(session, since=None if full else first)
    detail = {"timezone": zone, "first": rolled_from.isoformat(), "redone_from": first.isoformat()}
    if mark is None:
        session.add(RollupWatermark(name=WATERMARK, through=now, refreshed_at=utcnow(), detail=detail))
    else:
        mark.through, mark.refreshed_at, mark.detail = now, utcnow(), detail
    session.flush()
    return ActivityReport(first, today, rows, full)


def _redo_month(
    session: Session, month: date, lo: date, hi: date, *, until: datetime, tz: tzinfo, keep_others: bool
) -> int:
    """Recompute the days lo..hi of `month`; the month's other days keep their bits. The month's rows written."""
    cleared = day_mask(lo, hi)
    masks: dict[str, int] = {}
    r = AnalyticsRollup
    in_month = (r.grain == GRAIN, r.metric == METRIC, r.bucket_start == as_bucket(month))
    if keep_others:
        for seller_id, value in session.execute(select(r.dimension, r.value).where(*in_month)):
            if kept := int(value) & ~cleared:
                masks[seller_id] = kept
    for seller_id, day in active_days(session, first=lo, last=hi, until=until, tz=tz):
        masks[seller_id] = masks.get(seller_id, 0) | (1 << (day.day - 1))
    session.execute(delete(r).where(*in_month))
    _insert(session, METRIC, as_bucket(month), masks)
    return len(masks)


def _refresh_first_sales(session: Session, *, since: date | None) -> None:
    """Store each seller's first sale day: all of `revenue_records` (since None), or only sellers who sold since
    `since` and whose stored first sale is later or missing."""
    r, rev = AnalyticsRollup, RevenueRecord
    query = select(rev.seller_id, func.min(rev.day)).group_by(rev.seller_id)
    if since is not None:
        query = query.where(rev.day >= since)
    found = {seller_id: day for seller_id, day in session.execute(query)}
    key = (r.grain == GRAIN, r.metric == FIRST_SALE, r.bucket_start == EPOCH)
    if since is not None and found:
        stored = dict(session.execute(select(r.dimension, r.value).where(*key, r.dimension.in_(list(found)))).all())
        found = {s: day for s, day in found.items() if s not in stored or int(stored[s]) > day.toordinal()}
        session.execute(delete(r).where(*key, r.dimension.in_(list(found))))
    _insert(session, FIRST_SALE, EPOCH, {seller_id: day.toordinal() for seller_id, day in found.items()})


def _insert(session: Session, metric: str, bucket: datetime, values: dict[str, int]) -> None:
    """One `analytics_rollups` row per seller of `values` (dimension = the seller), in chunks of 5,000."""
    stamp = utcnow()
    rows = [
        {"grain": GRAIN, "metric": metric, "bucket_start": bucket, "dimension": seller_id, "prior": EPOCH,
         "value": value, "rolled_up_at": stamp}
        for seller_id, value in values.items()
    ]  # fmt: skip
    for at in range(0, len(rows), 5000):
        session.execute(insert_for(session, AnalyticsRollup.__table__), rows[at : at + 5000])


# --------------------------------------------------------------------------- reading


def rolled_first_sales(session: Session, *conditions: Any) -> list[tuple[str, datetime, date | None]]:
    """(seller id, approved at, first sale day) of the sellers matching `conditions` (SQL on `SellerProfile`), the
    first sale from the roll-up: one hash join instead of a MIN probe per seller."""
    r, s = AnalyticsRollup, SellerProfile
    query = (
        select(s.id, s.approved_at, r.value)
        .outerjoin(r, and_(r.grain == GRAIN, r.metric == FIRST_SALE, r.bucket_start == EPOCH, r.dimension == s.id))
        .where(*conditions)
    )
    with without_nested_loops(session):  # the same misestimate as `rolled_active_counts`
        rows = session.execute(query).all()
    return [(sid, at, None if v is None else date.fromordinal(int(v))) for sid, at, v in rows]


@dataclass(frozen=True)
class RolledActivity:
    through: datetime  # activity up to this instant is in
    first: date  # the first day rolled up


def rolled_activity(session: Session, tz: tzinfo) -> RolledActivity | None:
    """The roll-up's reach, or None when there is none in this time zone (the raw path answers then)."""
    mark = session.get(RollupWatermark, WATERMARK)
    if mark is None or (mark.detail or {}).get("timezone") != str(tz):
        return None
    return RolledActivity(mark.through, date.fromisoformat(mark.detail["first"]))


@dataclass(frozen=True)
class ActivityWindow:
    """One point's question: of the sellers approved before `approved_before`, who was active on first..last."""

    approved_before: datetime
    first: date
    last: date


def rolled_active_counts(session: Session, windows: Sequence[ActivityWindow]) -> dict[int, int]:
    """{window index: approved sellers (approved before the window's bound) active on one of its days}, from the
    monthly masks in one statement: a (window, month, mask of its days) row per month a window touches, joined to
    the month's masks on a non-zero AND."""
    parts = [
        select(
            literal(i, Integer).label("idx"),
            literal(as_bucket(month), UTCDateTime()).label("month"),
            literal(day_mask(lo, hi), BigInteger).label("mask"),
            literal(w.approved_before, UTCDateTime()).label("approved_before"),
        )
        for i, w in enumerate(windows)
        for month, lo, hi in months_between(w.first, w.last)
    ]
    if not parts:
        return {}
    wanted = (union_all(*parts) if len(parts) > 1 else parts[0]).subquery("wanted")
    r, s = AnalyticsRollup, SellerProfile
    statement = (
        select(wanted.c.idx, func.count(func.distinct(r.dimension)))
        .select_from(wanted)
        .join(
            r,
            and_(
                r.grain == GRAIN,
                r.metric == METRIC,
                r.bucket_start == wanted.c.month,
                cast(r.value, BigInteger).op("&")(wanted.c.mask) != 0,
            ),
        )
        .join(
            s,
            and_(
                s.id == r.dimension,
                s.status == SellerStatus.APPROVED,
                s.deleted_at.is_(None),
                s.approved_at < wanted.c.approved_before,
            ),
        )
        .group_by(wanted.c.idx)
    )
    # The planner expects 2 rows per month (grain, metric and month taken as independent among 1.5 M hourly
    # rows) where there are ~7,000, and probes the sellers' key 117,000 times: 360 → 140 ms on the large set.
    set_local_work_mem(session, WORK_MEM_MB)
    with without_nested_loops(session):
        return {int(i): int(n) for i, n in session.execute(statement)}
