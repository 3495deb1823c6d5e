"""The sellers' monthly activity roll-up (`core.sellers.activity`) on SQLite and PostgreSQL: retention read from it
equals the hand-computed figures and the raw tables' (`_retention_counts`, the reference) for every point of the
page, after a full build and after 15-minute refreshes with late and same-day activity, in UTC, New York across
DST and Kolkata (+5:30); without a roll-up, or one that does not reach back far enough, the raw path answers."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import AnalyticsEvent, AnalyticsRollup, ListingEdit, SellerStatus
from core.sellers.activity import GRAIN, METRIC, day_mask, months_between, refresh_seller_activity
from core.sellers.success import (
    _retention_counts,
    activation_at,
    as_of,
    load_milestones,
    month_end_points,
    seller_success,
    seller_success_kpis,
)
from tests.conftest import NOW
from tests.db.sellers.test_success import build_success, product, seller, utc
from tests.factories import add_revenue

UTC_ZONE = ZoneInfo("UTC")


def test_day_masks_and_months() -> None:
    assert day_mask(date(2026, 3, 1), date(2026, 3, 1)) == 0b1
    assert day_mask(date(2026, 3, 2), date(2026, 3, 4)) == 0b1110
    assert day_mask(date(2026, 1, 1), date(2026, 1, 31)) == 2**31 - 1
    assert list(months_between(date(2026, 1, 30), date(2026, 3, 2))) == [
        (date(2026, 1, 1), date(2026, 1, 30), date(2026, 1, 31)),
        (date(2026, 2, 1), date(2026, 2, 1), date(2026, 2, 28)),
        (date(2026, 3, 1), date(2026, 3, 1), date(2026, 3, 2)),
    ]


def test_retention_from_the_roll_up_equals_the_hand_computed_figures(session: Session) -> None:
    build_success(session)
    live = seller_success(session, now=NOW, tz=UTC_ZONE)
    assert live.activity_through is None  # no roll-up yet: counted from the raw tables
    report = refresh_seller_activity(session, now=NOW, tz=UTC_ZONE)
    assert report.full and report.rows > 0
    rolled = seller_success(session, now=NOW, tz=UTC_ZONE)
    assert rolled.activity_through == NOW
    k = rolled.kpis
    # The same figures as test_success: now eligible 5, active 4; 30 days ago eligible 4, active 2.
    assert (k.current.eligible, k.current.retained, k.previous.eligible, k.previous.retained) == (5, 4, 4, 2)
    assert rolled.trend == live.trend and rolled.kpis == live.kpis
    assert [p.retention_rate for p in rolled.trend[-3:]] == [0.0, 60.0, 80.0]
    # s1's row for November: her sale on the 10th, nothing else (bit 9).
    s1_rows = session.execute(
        select(AnalyticsRollup.dimension, AnalyticsRollup.value).where(
            AnalyticsRollup.grain == GRAIN,
            AnalyticsRollup.metric == METRIC,
            AnalyticsRollup.bucket_start == utc(2026, 11, 1),
        )
    ).all()
    assert sorted(int(v) for _, v in s1_rows) == sorted([1 << 9, 1 << 4, 1 << 0, 1 << 19])  # s1, s3, s5, s7


def test_refreshes_pick_up_late_and_same_day_activity(session: Session) -> None:
    build_success(session)
    earlier = NOW - timedelta(days=3)
    refresh_seller_activity(session, now=earlier, tz=UTC_ZONE)
    # After that run: a sale recorded late for two days before it, and today's own login and listing edit.
    s8 = seller(session, utc(2026, 1, 5))
    p8 = product(session, s8, utc(2026, 1, 6))
    add_revenue(session, product=p8, day=(earlier - timedelta(days=2)).date(), revenue="5", units=1)
    s9 = seller(session, utc(2026, 2, 5))
    session.add(
        AnalyticsEvent(
            person_id=s9.user_id, user_id=s9.user_id, event_type="login", occurred_at=NOW - timedelta(hours=2)
        )
    )
    s10 = seller(session, utc(2026, 2, 5))
    p10 = product(session, s10, utc(2026, 2, 6))
    session.add(
        ListingEdit(
            product_id=p10.id, seller_id=s10.id, changed_by_user_id=s10.user_id, created_at=NOW - timedelta(minutes=5)
        )
    )
    session.flush()
    report = refresh_seller_activity(session, now=NOW, tz=UTC_ZONE)
    assert not report.full and report.first == (earlier - timedelta(days=2)).date()
    rolled = seller_success(session, now=NOW, tz=UTC_ZONE)
    assert rolled.kpis.current.retained == 4 + 3  # s8, s9 and s10 join s1, s3, s5, s7
    assert rolled.kpis.current.activated == 4 + 1  # s8's late sale is her first
    assert _counts(session, NOW, UTC_ZONE, rolled=True) == _counts(session, NOW, UTC_ZONE, rolled=False)


@pytest.mark.parametrize("zone", ["UTC", "America/New_York", "Asia/Kolkata"])
def test_random_activity_rolled_equals_raw_at_every_point(session: Session, zone: str) -> None:
    tz = ZoneInfo(zone)
    build_random_activity(session, random.Random(zone))
    # Built a week before NOW, then refreshed three times: the roll-up as the 15-minute job leaves it.
    for at in (NOW - timedelta(days=7), NOW - timedelta(days=1, hours=3), NOW):
        refresh_seller_activity(session, now=at, tz=tz)
    rolled = _counts(session, NOW, tz, rolled=True)
    assert rolled == _counts(session, NOW, tz, rolled=False)
    assert sum(point[1] for point in rolled.values()) > 40 and sum(point[3] for point in rolled.values()) > 40


def test_a_time_zone_change_rebuilds_and_a_point_before_the_roll_up_reads_raw(session: Session) -> None:
    build_success(session)
    refresh_seller_activity(session, now=NOW, tz=UTC_ZONE)
    kolkata = ZoneInfo("Asia/Kolkata")
    assert seller_success(session, now=NOW, tz=kolkata).activity_through is None  # another zone: not used
    assert refresh_seller_activity(session, now=NOW, tz=kolkata).full
    assert seller_success(session, now=NOW, tz=kolkata).activity_through == NOW
    # Two years back the roll-up (400 days) does not reach: the raw tables answer, with the same figures.
    long_ago = NOW - timedelta(days=730)
    assert seller_success(session, now=long_ago, tz=kolkata).activity_through is None
    assert seller_success_kpis(session, now=NOW, tz=kolkata) == seller_success(session, now=NOW, tz=kolkata).kpis


# --------------------------------------------------------------------------- helpers


def _counts(session: Session, now: datetime, tz: ZoneInfo, *, rolled: bool) -> dict[datetime, tuple]:
    """{point: (eligible, retained, approved, activated, median days)} of the page's points, from the roll-ups or
    from the raw tables."""
    if rolled:
        figures = seller_success(session, now=now, tz=tz)
        assert figures.activity_through is not None
        found = [*figures.trend, figures.kpis.previous]
        return {p.as_of: (p.eligible, p.retained, p.approved, p.activated, p.median_days) for p in found}
    points = [*month_end_points(now, tz), as_of(now - timedelta(days=30), tz)]
    raw = _retention_counts(session, points, tz)
    milestones = load_milestones(session)
    return {p.at: (*raw.get(i, (0, 0)), *activation_at(milestones, p, tz)) for i, p in enumerate(points)}


def build_random_activity(session: Session, rnd: random.Random) -> None:
    """30 sellers approved over two years, with sales, publications, own listing edits, admin-free logins (events
    and last_login_at) at random instants of the last 14 months, many near local midnights."""
    start = NOW - timedelta(days=430)
    for i in range(30):
        approved = NOW - timedelta(days=rnd.randint(20, 720), hours=rnd.randint(0, 23))
        status = SellerStatus.SUSPENDED if i % 10 == 9 else SellerStatus.APPROVED
        s = seller(session, approved, status=status)
        p = product(session, s, approved + timedelta(days=1))
        for day in rnd.sample(range(430), rnd.randint(0, 12)):
            add_revenue(session, product=p, day=(start + timedelta(days=day)).date(), revenue="3", units=1)

        def moment() -> datetime:
            base = start + timedelta(days=rnd.randint(0, 430))
            return base.replace(hour=rnd.choice([0, 3, 4, 5, 12, 18, 19, 23]), minute=rnd.choice([0, 29, 30, 59]))

        for _ in range(rnd.randint(0, 4)):
            session.add(
                AnalyticsEvent(person_id=s.user_id, user_id=s.user_id, event_type="login", occurred_at=moment())
            )
        if rnd.random() < 0.4:
            session.add(ListingEdit(product_id=p.id, seller_id=s.id, changed_by_user_id=s.user_id, created_at=moment()))
        if rnd.random() < 0.3:
            product(session, s, moment())
        if rnd.random() < 0.5:
            s.user.last_login_at = min(moment(), NOW)
    session.flush()
