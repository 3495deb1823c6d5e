"""Operator KPIs on a hand-built event log, on SQLite and PostgreSQL (NOW = Saturday 2026-11-21 15:00 UTC)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from core.analytics.queries import operator_kpis
from core.models import AnalyticsEvent, EmailOutbox, EmailStatus
from tests.conftest import NOW
from tests.factories import make_product, make_seller

TODAY = datetime(2026, 11, 21, tzinfo=UTC)
YESTERDAY = TODAY - timedelta(days=1)


def at(day: datetime, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return day + timedelta(hours=hour, minutes=minute, seconds=second)


def ev(
    session: Session,
    person: str,
    kind: str,
    when: datetime,
    *,
    sid: str | None = None,
    source: str | None = None,
    **props: object,
) -> None:
    session.add(
        AnalyticsEvent(
            person_id=person, session_id=sid, event_type=kind, occurred_at=when, source=source, properties=dict(props)
        )
    )


def build_marketplace(session: Session) -> None:
    """Today (00:00–15:00) against yesterday 00:00–15:00; the numbers are worked out in the tests below."""
    seller_20 = make_seller(session)
    seller_20.commission_rate = Decimal("0.2000")
    product_a = make_product(session, seller=seller_20)  # commission 20 %
    product_b = make_product(session, seller=make_seller(session))  # default 15 %

    # Learners today: p1 signs up and buys within the hour, p2 signs up twice and never buys, p3 buys
    # 30 s after signing up; p9 signs up at 15:00 exactly, which is `now` and outside [00:00, 15:00).
    ev(session, "p1", "signup", at(TODAY, 9))
    ev(session, "p2", "signup", at(TODAY, 11))
    ev(session, "p2", "signup", at(TODAY, 12))
    ev(session, "p3", "signup", at(TODAY, 14, 59))
    ev(session, "p9", "signup", at(TODAY, 15))
    # Yesterday: p4 signs up and buys, p5 signs up only, p6 signs up after 15:00 (outside the compared hours).
    ev(session, "p4", "signup", at(YESTERDAY, 8))
    ev(session, "p5", "signup", at(YESTERDAY, 14))
    ev(session, "p6", "signup", at(YESTERDAY, 16))

    # Purchases today: 2000 (A) + 1500 (B) + 1000 (unknown product) + 500 (A) cents.
    ev(session, "p1", "purchase", at(TODAY, 10), amount_cents=2000, product_id=product_a.id)
    ev(session, "p3", "purchase", at(TODAY, 14, 59, 30), amount_cents=1500, product_id=product_b.id)
    ev(session, "p7", "purchase", at(TODAY, 12), amount_cents=1000, product_id="no-such-product")
    ev(session, "p7", "purchase", at(TODAY, 13), amount_cents=500, product_id=product_a.id)
    # Yesterday: 3000 (B) inside the hours; 9999 at 15:00 and 20:00 fall outside.
    ev(session, "p4", "purchase", at(YESTERDAY, 9), amount_cents=3000, product_id=product_b.id)
    ev(session, "p8", "purchase", at(YESTERDAY, 15), amount_cents=9999, product_id=product_b.id)
    ev(session, "p8", "purchase", at(YESTERDAY, 20), amount_cents=9999, product_id=product_b.id)

    # Creators: c1 starts and publishes today, c2 only starts; c3 started yesterday and published today
    # (within 14 days, so yesterday's cohort is fully activated).
    ev(session, "c1", "creator_started", at(TODAY, 8))
    ev(session, "c1", "creator_published", at(TODAY, 12))
    ev(session, "c2", "creator_started", at(TODAY, 10))
    ev(session, "c3", "creator_started", at(YESTERDAY, 7))
    ev(session, "c3", "creator_published", at(TODAY, 9))

    # The outbox: today 3 sent (a 4th sent at 15:00 is `now`, outside), 1 queued and 1 failed (not sent);
    # yesterday 2 sent before 15:00 and 1 after.
    for n, (status, sent_at) in enumerate(
        [
            (EmailStatus.SENT, at(TODAY, 1)),
            (EmailStatus.SENT, at(TODAY, 9)),
            (EmailStatus.SENT, at(TODAY, 14, 59, 59)),
            (EmailStatus.SENT, at(TODAY, 15)),
            (EmailStatus.QUEUED, None),
            (EmailStatus.FAILED, None),
            (EmailStatus.SENT, at(YESTERDAY, 3)),
            (EmailStatus.SENT, at(YESTERDAY, 10)),
            (EmailStatus.SENT, at(YESTERDAY, 16)),
        ]
    ):
        session.add(
            EmailOutbox(
                idempotency_key=f"kpi-test-{n}", kind="test", to_address=f"x{n}@example.com", subject="s",
                html_body="h", text_body="t", status=status, sent_at=sent_at,
            )
        )  # fmt: skip
    # Delivery reports: today 4 sent, 1 bounced (25 %); yesterday 50 sent, 1 bounced (exactly 2 %: not above).
    for i in range(4):
        ev(session, f"m{i}", "email_sent", at(TODAY, 6, i))
    ev(session, "m0", "email_bounced", at(TODAY, 6, 0, 30))
    for i in range(50):
        ev(session, f"n{i}", "email_sent", at(YESTERDAY, 6, i))
    ev(session, "n0", "email_bounced", at(YESTERDAY, 6, 0, 30))

    # Traffic today: sessions s1 (google, 2 pages), s2 (google), s3 (instagram), s4 (no source), and one
    # page view without a session (direct) = 5 sessions. Yesterday: s5 (google), s6 (tiktok) = 2 sessions.
    ev(session, "v1", "page_view", at(TODAY, 7), sid="s1", source="google")
    ev(session, "v1", "page_view", at(TODAY, 7, 1), sid="s1", source="google")
    ev(session, "v2", "page_view", at(TODAY, 8), sid="s2", source="google")
    ev(session, "v3", "page_view", at(TODAY, 9), sid="s3", source="instagram")
    ev(session, "v4", "page_view", at(TODAY, 10), sid="s4")
    ev(session, "v5", "page_view", at(TODAY, 11), source="direct")
    ev(session, "v6", "page_view", at(YESTERDAY, 7), sid="s5", source="google")
    ev(session, "v7", "page_view", at(YESTERDAY, 8), sid="s6", source="tiktok")
    ev(session, "v8", "page_view", at(YESTERDAY, 18), sid="s7", source="tiktok")  # after 15:00: outside
    session.flush()


def test_today_against_the_same_hours_of_yesterday(session: Session) -> None:
    build_marketplace(session)
    result = operator_kpis(session, window="today", now=NOW)
    assert (result.current.start, result.current.end) == (TODAY, NOW)
    assert (result.previous.start, result.previous.end) == (YESTERDAY, NOW - timedelta(days=1))
    k = result.kpis

    # Signups: p1, p2 (twice), p3 = 3 persons; yesterday p4, p5 = 2.
    assert (k["new_signups"].value, k["new_signups"].previous) == (3, 2)
    assert k["new_signups"].change == 1 and k["new_signups"].change_pct == 50.0
    # Activated: p1 and p3 of 3 = 66.67 %; yesterday p4 of 2 = 50 %.
    assert (k["learner_activation"].value, k["learner_activation"].previous) == (66.67, 50.0)
    # Creators: c1, c2 started today, c1 published = 50 %; yesterday c3, published within 14 days = 100 %.
    assert (k["new_creator_signups"].value, k["new_creator_signups"].previous) == (2, 1)
    assert (k["creator_activation"].value, k["creator_activation"].previous) == (50.0, 100.0)

    # GMV 2000 + 1500 + 1000 + 500 = 5000 cents; yesterday 3000 cents.
    assert (k["gmv"].value, k["gmv"].previous) == (Decimal("50.00"), Decimal("30.00"))
    assert k["gmv"].change == Decimal("20.00")
    assert k["gmv"].change_pct == Decimal("66.7")  # 20 / 30 = 66.666… %, one decimal half up (core.money)
    # Commission: 2000 × 0.20 + 1500 × 0.15 + 1000 × 0.15 (unknown product: default) + 500 × 0.20
    # = 400 + 225 + 150 + 100 = 875 cents; yesterday 3000 × 0.15 = 450 cents.
    assert (k["platform_revenue"].value, k["platform_revenue"].previous) == (Decimal("8.75"), Decimal("4.50"))
    # Buyers p1, p3, p7 = 3; yesterday p4 = 1. AOV 50.00 / 4 purchases = 12.50; yesterday 30.00 / 1.
    assert (k["paying_buyers"].value, k["paying_buyers"].previous) == (3, 1)
    assert (k["aov"].value, k["aov"].previous) == (Decimal("12.50"), Decimal("30.00"))

    # E-mails sent: the outbox's SENT rows in [00:00, 15:00): 3 today, 2 yesterday.
    assert (k["emails_sent"].value, k["emails_sent"].previous) == (3, 2)
    # Bounce 1 / 4 delivery reports = 25 % (flagged); yesterday 1 / 50 = 2 % (not above 2 %).
    assert (k["bounce_rate"].value, k["bounce_rate"].previous) == (25.0, 2.0)
    assert k["bounce_rate"].flagged and result.email_alert
    assert [v.format for v in (k["gmv"], k["bounce_rate"], k["new_signups"])] == ["money", "percent", "count"]

    # Traffic: today google 2/5, instagram 1/5, (none) 1/5, direct 1/5; yesterday google 1/2, tiktok 1/2.
    shares = [(t.label, t.value, t.previous) for t in result.traffic]
    assert shares == [
        ("google", 40.0, 50.0),
        ("(none)", 20.0, 0.0),
        ("direct", 20.0, 0.0),
        ("instagram", 20.0, 0.0),
        ("tiktok", 0.0, 50.0),
    ]
    assert result.traffic[0].change == -10.0
    assert result.traffic[1].change_pct is None  # previous share 0: no relative change


def test_empty_windows_give_zero_counts_and_no_rates(session: Session) -> None:
    k = operator_kpis(session, window="7d", now=NOW).kpis
    assert k["new_signups"].value == 0 and k["new_signups"].change_pct is None
    assert k["learner_activation"].value is None and k["learner_activation"].change is None
    assert k["gmv"].value == Decimal("0.00") and k["aov"].value is None
    assert k["bounce_rate"].value is None and not k["bounce_rate"].flagged


def test_rolling_windows_and_the_activation_time_limits(session: Session) -> None:
    # 28d = [Oct 24 15:00, Nov 21 15:00), previous = [Sep 26 15:00, Oct 24 15:00).
    start = NOW - timedelta(days=28)
    ev(session, "a", "signup", datetime(2026, 11, 1, 10, tzinfo=UTC))
    ev(session, "a", "purchase", datetime(2026, 11, 8, 10, tzinfo=UTC), amount_cents=100)  # exactly 7 × 24 h: in
    ev(session, "b", "signup", datetime(2026, 11, 2, 10, tzinfo=UTC))
    ev(session, "b", "purchase", datetime(2026, 11, 9, 10, 0, 1, tzinfo=UTC), amount_cents=100)  # 1 s late
    ev(session, "c", "purchase", datetime(2026, 11, 3, 9, tzinfo=UTC), amount_cents=100)  # bought before signing up
    ev(session, "c", "signup", datetime(2026, 11, 3, 10, tzinfo=UTC))
    ev(session, "d", "signup", start)  # the first instant of the window: in
    ev(session, "e", "signup", start - timedelta(microseconds=1))  # the last instant of the previous window
    ev(session, "f", "creator_started", datetime(2026, 10, 1, tzinfo=UTC))
    ev(session, "f", "creator_published", datetime(2026, 10, 15, tzinfo=UTC))  # exactly 14 × 24 h: in
    ev(session, "g", "creator_started", datetime(2026, 10, 2, tzinfo=UTC))
    ev(session, "g", "creator_published", datetime(2026, 10, 16, 0, 0, 1, tzinfo=UTC))  # 1 s late
    session.flush()

    k = operator_kpis(session, window="28d", now=NOW).kpis
    # Signups a, b, c, d = 4 (e is in the previous window); activated: only a = 25 %.
    assert (k["new_signups"].value, k["new_signups"].previous) == (4, 1)
    assert k["learner_activation"].value == 25.0
    assert k["learner_activation"].previous == 0.0  # e signed up and never bought
    # Creators f and g started in the previous window; f published on the limit, g one second after.
    assert (k["new_creator_signups"].value, k["new_creator_signups"].previous) == (0, 2)
    assert (k["creator_activation"].value, k["creator_activation"].previous) == (None, 50.0)
    # Purchases of a, b, c: 300 cents, no product: commission at the default 15 % = 45 cents.
    assert (k["gmv"].value, k["platform_revenue"].value, k["aov"].value) == (
        Decimal("3.00"),
        Decimal("0.45"),
        Decimal("1.00"),
    )

    k7 = operator_kpis(session, window="7d", now=NOW).kpis
    # 7d = [Nov 14 15:00, Nov 21 15:00): nothing; previous [Nov 7 15:00, Nov 14 15:00): a's (Nov 8) and
    # b's (Nov 9) purchases = 2.00.
    assert (k7["gmv"].value, k7["gmv"].previous) == (Decimal("0.00"), Decimal("2.00"))
    assert k7["gmv"].change_pct == -100.0
