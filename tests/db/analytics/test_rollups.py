"""Roll-ups (`core.analytics.rollups`) against the raw events, on SQLite and PostgreSQL: the KPI strip and the sales
totals are the same from the roll-ups as from `operator_kpis_raw` / `raw_sales_totals` on a random marketplace, in
three time zones (one with a half-hour offset, one across a DST change), with the open part of today, with late
events for past days (before and after the job saw them); the job re-aggregates only the touched hours, and a
re-run changes nothing."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.analytics import day_range, home_metrics
from core.analytics.kpis import TimeRange
from core.analytics.metrics import raw_sales_totals, sales_totals
from core.analytics.queries import operator_kpis, operator_kpis_raw
from core.analytics.rollup_keys import HOUR, LOOKBACK, RECENT, SESSIONS
from core.analytics.rollup_reads import distinct_counts, raw_distinct, rollup_state, split
from core.analytics.rollups import refresh_rollups
from core.models import AnalyticsEvent, AnalyticsRollup, RollupWatermark
from tests.factories import make_product, make_seller

# Not on the hour: today's open part [15:00, 15:20) and every rolling window's edges are partial hours.
NOW = datetime(2026, 11, 21, 15, 20, 30, tzinfo=UTC)
ZONES = [ZoneInfo("UTC"), ZoneInfo("Asia/Kolkata"), ZoneInfo("America/New_York")]  # +05:30; DST ended Nov 1
SOURCES = ["google", "instagram", "direct", None]


def random_marketplace(session: Session, seed: int, *, days: int = 70) -> list[AnalyticsEvent]:
    """Persons visiting, signing up, buying and getting e-mail over `days` before NOW (and a little after)."""
    rng = random.Random(seed)
    cheap = make_seller(session)
    dear = make_seller(session)
    dear.commission_rate = Decimal("0.2350")
    products = [make_product(session, seller=cheap).id, make_product(session, seller=dear).id, "gone-product"]
    events: list[AnalyticsEvent] = []

    def add(
        person: str, kind: str, when: datetime, *, sid: str | None = None, source: str | None = None, **props: object
    ) -> None:
        events.append(
            AnalyticsEvent(person_id=person, session_id=sid, event_type=kind, occurred_at=when, source=source,
                           properties=dict(props))
        )  # fmt: skip

    start = NOW - timedelta(days=days)
    span = int((NOW - start).total_seconds()) + 1800  # a few events lie after NOW: never counted
    for n in range(60):
        person = f"p{n}"
        for _ in range(rng.randint(1, 6)):  # visits: 1–4 page views, sometimes across an hour boundary
            at = start + timedelta(seconds=rng.randrange(span))
            sid = None if rng.random() < 0.2 else f"s{rng.randrange(10**6)}"
            source = rng.choice(SOURCES)
            for _ in range(rng.randint(1, 4)):
                add(person, "page_view", at, sid=sid, source=source if rng.random() < 0.9 else rng.choice(SOURCES))
                if rng.random() < 0.8:  # else: a second view at the same instant (ties are broken by source, id)
                    at += timedelta(minutes=rng.choice([1, 7, 25, 70]))
        signup = start + timedelta(seconds=rng.randrange(span))
        add(person, "signup", signup)
        if rng.random() < 0.2:
            add(person, "signup", signup + timedelta(hours=rng.randint(1, 50)))
        for _ in range(rng.choice([0, 0, 1, 2, 4])):  # repeat buyers, some within the look-back
            when = signup + timedelta(minutes=rng.randint(-600, 60 * 24 * 12))
            add(
                person,
                "purchase",
                when,
                amount_cents=rng.choice([499, 1000, 1999, 2550]),
                product_id=rng.choice(products),
            )
        if rng.random() < 0.3:
            started = start + timedelta(seconds=rng.randrange(span))
            add(person, "creator_started", started)
            if rng.random() < 0.5:
                add(person, "creator_published", started + timedelta(days=rng.randint(1, 20)))
        for _ in range(rng.randint(0, 3)):
            sent = start + timedelta(seconds=rng.randrange(span))
            add(person, "email_sent", sent)
            if rng.random() < 0.2:
                add(person, "email_bounced", sent + timedelta(seconds=30))
    session.add_all(events)
    session.flush()
    return events


def assert_same_as_raw(session: Session, now: datetime = NOW) -> None:
    for tz in ZONES:
        for window in ("today", "7d", "28d"):
            assert operator_kpis(session, window=window, now=now, tz=tz) == operator_kpis_raw(
                session, window=window, now=now, tz=tz
            ), (tz, window)
        today = now.astimezone(tz).date()
        # Admin Home's windows: 30 complete local days and the 30 before.
        windows = [
            day_range(today - timedelta(days=30), today - timedelta(days=1), tz),
            day_range(today - timedelta(days=60), today - timedelta(days=31), tz),
        ]
        assert sales_totals(session, windows) == raw_sales_totals(session, windows), tz


@pytest.mark.parametrize("seed", [1, 2])
def test_rollups_equal_the_raw_events(session: Session, seed: int) -> None:
    random_marketplace(session, seed)
    refresh_rollups(session, now=NOW)
    state = rollup_state(session)
    assert state is not None and state.usable_until == datetime(2026, 11, 21, 15, tzinfo=UTC)
    # The roll-ups are really read: the 28-day window's body is whole hours from the roll-ups.
    body = split(TimeRange(NOW - timedelta(days=28), NOW), state).body
    assert body == TimeRange(datetime(2026, 10, 24, 16, tzinfo=UTC), datetime(2026, 11, 21, 15, tzinfo=UTC))
    assert session.scalar(select(AnalyticsRollup.metric).where(AnalyticsRollup.metric == "sessions").limit(1))
    assert_same_as_raw(session)
    # On the hour the rolling windows have no partial edges at all: only roll-ups (and the open part of today).
    assert_same_as_raw(session, datetime(2026, 11, 21, 15, tzinfo=UTC))


def test_without_rollups_every_read_is_raw_and_the_same(session: Session) -> None:
    random_marketplace(session, 3)
    assert rollup_state(session) is None
    assert_same_as_raw(session)


def test_distinct_sessions_on_hand_built_edges(session: Session) -> None:
    """A session seen in the raw head and again in the rolled-up body counts once, for its first source."""
    base = datetime(2026, 11, 20, 10, tzinfo=UTC)
    for person, sid, when, source in [
        ("v1", "a", base + timedelta(minutes=50), "google"),  # head [10:30, 11:00) …
        ("v1", "a", base + timedelta(hours=2), "direct"),  # … and body: one google session
        ("v2", "b", base + timedelta(minutes=10), "tiktok"),  # before the window …
        ("v2", "b", base + timedelta(hours=3), "tiktok"),  # … body: counts (previous occurrence before 10:30)
        ("v3", None, base + timedelta(hours=5, minutes=5), None),  # tail [15:00, 15:20): new
        ("v1", "a", base + timedelta(hours=5, minutes=1), "google"),  # tail: seen since 10:30, not again
    ]:
        session.add(
            AnalyticsEvent(person_id=person, session_id=sid, event_type="page_view", occurred_at=when, source=source)
        )
    session.flush()
    refresh_rollups(session, now=base + timedelta(hours=5))
    window = TimeRange(base + timedelta(minutes=30), base + timedelta(hours=5, minutes=20))
    (rolled,) = distinct_counts(session, [SESSIONS], [window], rollup_state(session))["sessions"]
    assert rolled == raw_distinct(session, SESSIONS, window) == {"google": 1, "tiktok": 1, "(none)": 1}


def test_late_events_are_read_raw_until_the_job_rolls_them_up(session: Session) -> None:
    events = random_marketplace(session, 4)
    first = refresh_rollups(session, now=NOW)
    assert first.full
    through = datetime(2026, 11, 21, 15, tzinfo=UTC)
    # Late: a purchase and a session 10 days ago, reported now (recorded_at = now, after the run). The buyer
    # signed up in the 7 days before it: the late purchase activates that signup.
    late_at = datetime(2026, 11, 11, 9, 30, tzinfo=UTC)
    buyer = next(
        e.person_id
        for e in sorted(events, key=lambda e: e.person_id)
        if e.event_type == "signup" and late_at - timedelta(days=7) <= e.occurred_at < late_at
    )
    session.add_all(
        [
            AnalyticsEvent(
                person_id=buyer, event_type="purchase", occurred_at=late_at, properties={"amount_cents": 777}
            ),
            AnalyticsEvent(
                person_id="late", session_id="x", event_type="page_view", occurred_at=late_at, source="google"
            ),
        ]
    )
    session.flush()
    state = rollup_state(session)
    assert state is not None and state.usable_until == datetime(2026, 11, 11, 9, tzinfo=UTC)  # raw from there
    # The activations are raw from the earliest signup of the buyer that the purchase may activate.
    first_signup = min(
        e.occurred_at
        for e in events
        if e.person_id == buyer and e.event_type == "signup" and e.occurred_at >= late_at - timedelta(days=7)
    )
    assert state.activations_until == first_signup.replace(minute=0, second=0, microsecond=0)
    assert_same_as_raw(session)

    report = refresh_rollups(session, now=NOW)

    # Re-aggregated: the last two days, the late events' hour, the later hours of the buyer's purchases within the
    # look-back (their previous purchase may now be the late one) and the buyer's signups from 14 days before to
    # the look-back after (the purchase may activate them) — and nothing else.
    def hours_of(kind: str, lo: datetime, hi: datetime) -> set[datetime]:
        return {
            e.occurred_at.replace(minute=0, second=0, microsecond=0)
            for e in events
            if e.person_id == buyer and e.event_type == kind and lo <= e.occurred_at < min(hi, through)
        }

    later_purchases = hours_of("purchase", late_at, late_at + LOOKBACK)
    signups = hours_of("signup", late_at - timedelta(days=14), late_at + LOOKBACK)
    assert signups  # the case is exercised
    expected = (
        {through - RECENT + i * HOUR for i in range(48)} | {late_at.replace(minute=0)} | later_purchases | signups
    )
    assert {r.start + i * HOUR for r in report.ranges for i in range(int((r.end - r.start) / HOUR))} == expected
    assert not report.full
    state = rollup_state(session)
    assert state is not None and state.usable_until == through
    assert_same_as_raw(session)


def test_a_rerun_is_idempotent_and_the_watermark_moves(session: Session) -> None:
    random_marketplace(session, 5)
    refresh_rollups(session, now=NOW)

    def snapshot() -> list[tuple[object, ...]]:
        r = AnalyticsRollup
        rows = session.execute(
            select(r.bucket_start, r.metric, r.dimension, r.prior, r.value).order_by(
                r.bucket_start, r.metric, r.dimension, r.prior
            )
        )
        return [tuple(row) for row in rows]

    before = snapshot()
    again = refresh_rollups(session, now=NOW)
    assert snapshot() == before
    assert [(r.start, r.end) for r in again.ranges] == [
        (datetime(2026, 11, 19, 15, tzinfo=UTC), datetime(2026, 11, 21, 15, tzinfo=UTC))
    ]
    later = refresh_rollups(session, now=NOW + timedelta(hours=2))
    mark = session.get(RollupWatermark, "analytics")
    assert mark is not None and mark.through == datetime(2026, 11, 21, 17, tzinfo=UTC)
    assert later.ranges[-1].end == mark.through


def test_home_metrics_read_the_same_from_rollups(session: Session) -> None:
    random_marketplace(session, 6)
    tz = ZoneInfo("Asia/Kolkata")
    raw = home_metrics(session, now=NOW, tz=tz)
    refresh_rollups(session, now=NOW)
    assert home_metrics(session, now=NOW, tz=tz) == raw
    assert raw.period.end == date(2026, 11, 20)


def test_the_window_function_and_the_index_probes_write_the_same_rows(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    from core.analytics import rollups

    random_marketplace(session, 8, days=20)

    def build(threshold: timedelta) -> list[tuple[object, ...]]:
        monkeypatch.setattr(rollups, "WINDOW_FUNCTION_ABOVE", threshold)
        refresh_rollups(session, now=NOW, full=True)
        r = AnalyticsRollup
        stmt = select(r.bucket_start, r.metric, r.dimension, r.prior, r.value)
        return sorted(tuple(row) for row in session.execute(stmt))

    probed, lagged = build(timedelta(days=365)), build(timedelta(0))
    assert probed == lagged
    assert any(row[1] == "learners_activated" for row in probed) and any(row[3].year > 1970 for row in probed)
