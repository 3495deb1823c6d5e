"""The daily roll-up of `revenue_records` that Admin Home reads (`core.sales.summary.admin_home_summary`): per day the
marketplace's revenue and units, and the sellers who sold that day counted under the day of their previous sale
(`prior`; the epoch when none within `LOOKBACK_DAYS`), so the distinct sellers selling in any run of whole days up
to `LOOKBACK_DAYS` long are a sum: Σ over the days of the sellers whose previous sale day is before the first day.

Rows live in `analytics_rollups` with grain "day" (`bucket_start` = the day at 00:00 UTC, a label for the date) and
the watermark "revenue-days" (`through` = the first day not rolled up, at 00:00 UTC). The `rollups` job keeps them
(`refresh_daily_sales`): the first run builds every day before today; later runs re-aggregate from two days before
the last rolled-up day to yesterday. `revenue_records` carries no change time: a day is taken as final two days
after it (the daily load writes each day once); a backfill of older days needs `refresh_daily_sales(full=True)`.
Days not rolled up yet are read from `revenue_records` directly.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, DateTime, String, and_, case, cast, delete, func, literal, select, type_coerce
from sqlalchemy.orm import Session

from core.db import UTCDateTime, insert_for, utcnow
from core.models import AnalyticsRollup, RevenueRecord, RollupWatermark

DAY_GRAIN = "day"
WATERMARK = "revenue-days"
LOOKBACK_DAYS = 32
RECENT_DAYS = 2
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
COLUMNS = ("grain", "bucket_start", "metric", "dimension", "prior", "value", "rolled_up_at")


def as_bucket(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _day_sql(session: Session, column: Any) -> ColumnElement[datetime]:
    """A DATE column as the timestamp of its 00:00 UTC, in the format each database stores timestamps in."""
    if _is_postgres(session):
        return type_coerce(func.timezone("UTC", cast(column, DateTime())), UTCDateTime())
    return type_coerce(column.op("||")(" 00:00:00.000000"), UTCDateTime())


def _minus_days(session: Session, column: Any, days: int) -> ColumnElement[date]:
    if _is_postgres(session):
        return column - int(days)
    return func.date(column, f"-{int(days)} days")


def _rows(session: Session, first: date, end: date) -> list[Any]:
    """The INSERT … SELECTs of the days [first, end): revenue and units per day, sellers per day and prior day."""
    r = RevenueRecord
    now = literal(utcnow(), UTCDateTime())
    bucket = _day_sql(session, r.day)
    in_days = and_(r.day >= first, r.day < end)
    totals = [
        select(literal(DAY_GRAIN, String), bucket, literal(metric, String), literal("", String),
               literal(EPOCH, UTCDateTime()), value, now).where(in_days).group_by(r.day)
        for metric, value in (("revenue", func.sum(r.revenue)), ("units", func.sum(r.units)))
    ]  # fmt: skip
    earlier = RevenueRecord.__table__.alias("earlier")
    selling = select(r.seller_id, r.day).where(in_days).group_by(r.seller_id, r.day).subquery("selling")
    previous = (
        select(func.max(earlier.c.day))
        .where(
            earlier.c.seller_id == selling.c.seller_id,
            earlier.c.day < selling.c.day,
            earlier.c.day >= _minus_days(session, selling.c.day, LOOKBACK_DAYS),
        )
        .scalar_subquery()
    )
    with_prior = select(selling.c.day, previous.label("previous")).subquery("with_prior")
    prior = case(
        (with_prior.c.previous.is_(None), literal(EPOCH, UTCDateTime())), else_=_day_sql(session, with_prior.c.previous)
    )
    sellers = select(
        literal(DAY_GRAIN, String), _day_sql(session, with_prior.c.day), literal("sellers", String),
        literal("", String), prior, func.count(), now,
    ).group_by(with_prior.c.day, prior)  # fmt: skip
    return [*totals, sellers]


def refresh_daily_sales(session: Session, *, today: date, full: bool = False) -> int:
    """Roll up the days before `today` (see the module docstring); the number of rows written. Writes."""
    mark = session.get(RollupWatermark, WATERMARK)
    end = today
    if full or mark is None:
        first = session.scalar(select(func.min(RevenueRecord.day)))
        session.execute(delete(AnalyticsRollup).where(AnalyticsRollup.grain == DAY_GRAIN))
        first = first or end
    else:
        first = min(mark.through.date(), end) - timedelta(days=RECENT_DAYS)
        session.execute(
            delete(AnalyticsRollup).where(
                AnalyticsRollup.grain == DAY_GRAIN, AnalyticsRollup.bucket_start >= as_bucket(first)
            )
        )
    rows = 0
    table = AnalyticsRollup.__table__
    if first < end:
        for statement in _rows(session, first, end):
            session.execute(insert_for(session, table).from_select(list(COLUMNS), statement))
        rows = int(
            session.scalar(
                select(func.count()).where(
                    AnalyticsRollup.grain == DAY_GRAIN, AnalyticsRollup.bucket_start >= as_bucket(first)
                )
            )
            or 0
        )
    detail = {"first": first.isoformat(), "rows": rows, "full": full or mark is None}
    if mark is None:
        session.add(RollupWatermark(name=WATERMARK, through=as_bucket(end), refreshed_at=utcnow(), detail=detail))
    else:
        mark.through, mark.refreshed_at, mark.detail = as_bucket(end), utcnow(), detail
    session.flush()
    return rows


# --------------------------------------------------------------------------- reading


def rolled_through(session: Session) -> date | None:
    """The first day not rolled up (None: never built)."""
    mark = session.get(RollupWatermark, WATERMARK)
    return None if mark is None else mark.through.date()


def daily_from_rollups(session: Session, first: date, last: date, until: date) -> list[tuple[date, Decimal, int]]:
    """(day, revenue, units) of the rolled-up days in [first, min(last, until − 1)]."""
    r = AnalyticsRollup
    end = min(last + timedelta(days=1), until)
    if end <= first:
        return []
    found: dict[date, list[Any]] = {}
    for bucket, metric, value in session.execute(
        select(r.bucket_start, r.metric, r.value).where(
            r.grain == DAY_GRAIN,
            r.metric.in_(("revenue", "units")),
            r.bucket_start >= as_bucket(first),
            r.bucket_start < as_bucket(end),
        )
    ):
        row = found.setdefault(bucket.date(), [Decimal(0), 0])
        row[0 if metric == "revenue" else 1] = Decimal(str(value)) if metric == "revenue" else int(value)
    return [(day, revenue, units) for day, (revenue, units) in sorted(found.items())]


def selling_sellers_from_rollups(session: Session, first: date, last: date) -> int:
    """Distinct sellers with a sale in the whole days [first, last] (at most LOOKBACK_DAYS, all rolled up)."""
    if (last - first).days + 1 > LOOKBACK_DAYS:
        raise ValueError(f"at most {LOOKBACK_DAYS} days; got {first} .. {last}")
    r = AnalyticsRollup
    total = session.scalar(
        select(func.coalesce(func.sum(r.value), 0)).where(
            r.grain == DAY_GRAIN,
            r.metric == "sellers",
            r.bucket_start >= as_bucket(first),
            r.bucket_start <= as_bucket(last),
            r.prior < as_bucket(first),
        )
    )
    return int(total or 0)
