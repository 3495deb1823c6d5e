"""The daily business digest against a database (both backends): the numbers by hand (Fri Nov 20 against Fri
Nov 13), the day's anomalies and the open alerts in it, stored once, e-mailed once per opted-in active admin and
day, opt-out respected, values escaped in the HTML part."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.config import Settings
from core.messaging.daily_digest import latest_digest, load_payload, send_daily_digest
from core.models import (
    AlertRule,
    AlertSeverity,
    ConversionEvent,
    ConversionEventType,
    DailyDigest,
    DetectedAnomaly,
    EmailOutbox,
    OperatorAlert,
    ProductView,
    User,
    UserRole,
)
from core.ops.alerts import ensure_default_rules
from tests.factories import add_revenue, make_product, make_seller, make_user

NOW = datetime(2026, 11, 21, 8, 0, tzinfo=UTC)
SETTINGS = Settings(app_timezone="UTC", app_base_url="https://toolkit.example")
DAY, BEFORE = date(2026, 11, 20), date(2026, 11, 13)
TITLE = "Budget <b>planner</b>"
ALERT = "Bounce rate 3.1% over 7 days (above 2%)"


def plant(session: Session) -> dict[str, str]:
    ada = make_user(session, username="ada", role=UserRole.ADMIN, name="Ada Admin")
    ben = make_user(session, username="ben", role=UserRole.ADMIN, name="Ben Admin")
    ben.daily_digest_opt_in = False
    cy = make_user(session, username="cy", role=UserRole.ADMIN, name="Cy Gone")
    cy.is_active = False
    ann = make_seller(session, username="ann")  # a seller: never a recipient
    planner = make_product(session, seller=ann, title=TITLE)
    recipes = make_product(session, seller=make_seller(session, username="bob"), title="Recipe book")
    # Fri Nov 20: $300 / 3 + $100 / 5 = $400 / 8; Fri Nov 13: $200 / 2 + $100 / 4 = $300 / 6.
    add_revenue(session, product=planner, day=DAY, revenue="300.00", units=3)
    add_revenue(session, product=recipes, day=DAY, revenue="100.00", units=5)
    add_revenue(session, product=planner, day=BEFORE, revenue="200.00", units=2)
    add_revenue(session, product=recipes, day=BEFORE, revenue="100.00", units=4)
    add_revenue(session, product=recipes, day=DAY - timedelta(days=1), revenue="900.00", units=9)  # another day
    # Conversion: 8 purchases / 400 visitors = 2.00 %; 6 / 240 = 2.50 % the week before.
    for product, day, visitors, purchases in (
        (planner, DAY, 150, 3), (recipes, DAY, 250, 5), (planner, BEFORE, 100, 2), (recipes, BEFORE, 140, 4),
    ):  # fmt: skip
        session.add(ProductView(product_id=product.id, seller_id=product.seller_id, day=day, views=visitors * 2,
                                unique_visitors=visitors))  # fmt: skip
        session.add(ConversionEvent(product_id=product.id, seller_id=product.seller_id, day=day,
                                    event_type=ConversionEventType.PURCHASE, count=purchases))  # fmt: skip
        session.add(ConversionEvent(product_id=product.id, seller_id=product.seller_id, day=day,
                                    event_type=ConversionEventType.ADD_TO_CART, count=purchases * 3))  # fmt: skip

    def anomaly(scope: str, subject: str, metric: str, day: date, kind: str, sentence: str) -> DetectedAnomaly:
        return DetectedAnomaly(scope=scope, subject_id=subject, metric=metric, day=day, kind=kind,
                               severity=AlertSeverity.WARNING, value=Decimal(1), expected=Decimal(1), low=Decimal(0),
                               high=Decimal(2), sentence=sentence)  # fmt: skip

    session.add(anomaly("marketplace", "", "checkout_abandonment", DAY, "spike", "Checkout abandonment jumped"))
    session.add(anomaly("seller", ann.id, "revenue", DAY, "drop", "A seller's drop: not for the digest"))
    session.add(anomaly("marketplace", "", "orders", BEFORE, "drop", "Another day: not in it"))
    ensure_default_rules(session, now=NOW)
    rule = session.scalars(select(AlertRule).order_by(AlertRule.key)).first()
    session.add(OperatorAlert(rule_id=rule.id, severity=AlertSeverity.CRITICAL, threshold=Decimal(2), message=ALERT,
                              opened_at=NOW - timedelta(hours=5)))  # fmt: skip
    session.add(OperatorAlert(rule_id=rule.id, severity=AlertSeverity.WARNING, threshold=Decimal(2), message="Old",
                              opened_at=NOW - timedelta(days=3), resolved_at=NOW - timedelta(days=2)))  # fmt: skip
    session.flush()
    return {"ada": ada.id, "ben": ben.id}


def test_the_payload_numbers_by_hand(session: Session) -> None:
    plant(session)
    payload = load_payload(session, DAY)
    assert [(m.key, m.value, m.previous) for m in payload.metrics] == [
        ("revenue", Decimal("400.00"), Decimal("300.00")),
        ("orders", Decimal(8), Decimal(6)),
        ("conversion", Decimal("2.00"), Decimal("2.50")),
    ]
    top = payload.top_product
    assert (top.title, top.revenue, top.units, top.previous_revenue) == (TITLE, Decimal(300), 3, Decimal(200))
    assert [(a.metric, a.kind, a.sentence) for a in payload.anomalies] == [
        ("checkout_abandonment", "spike", "Checkout abandonment jumped")
    ]
    assert [(a.severity, a.message) for a in payload.alerts] == [("critical", ALERT)]


def outbox(session: Session) -> list[tuple[str, str, str]]:
    rows = session.execute(select(EmailOutbox.idempotency_key, EmailOutbox.to_address, EmailOutbox.kind))
    return sorted(tuple(r) for r in rows)


def test_composed_stored_once_and_mailed_once_per_admin_and_day(session: Session) -> None:
    ids = plant(session)
    report = send_daily_digest(session, now=NOW, settings=SETTINGS)
    assert (report.day, report.composed, report.engine, report.recipients, report.queued) == (
        DAY, True, "offline", 1, 1,
    )  # fmt: skip
    assert outbox(session) == [(f"daily-digest:2026-11-20:{ids['ada']}", "ada@example.com", "daily-digest")]

    (digest,) = session.scalars(select(DailyDigest))
    assert (digest.day, digest.engine, digest.emailed_at) == (DAY, "offline", NOW)
    assert digest.summary == (
        "On Friday Nov 20, 2026 the marketplace made $400.00 (+33.3% on $300.00 last week) on 8 orders against 6 "
        f"the Friday before. The top product was “{TITLE}” with $300.00 from 3 sales (+50.0% on $200.00 last "
        "week). 2 things need a look: 1 anomaly and 1 open alert."
    )
    content = digest.content
    assert content["metrics"] == [
        {"key": "revenue", "label": "Revenue", "value": "$400.00", "previous": "$300.00", "change": "+33.3%"},
        {"key": "orders", "label": "Orders", "value": "8", "previous": "6", "change": "+33.3%"},
        {"key": "conversion", "label": "Conversion", "value": "2.00%", "previous": "2.50%", "change": "-20.0%"},
    ]
    assert content["concerns"] == [
        "Checkout abandonment jumped.",
        f"Open critical alert: {ALERT}",
        "Conversion down 20.0% on last Friday: 2.00% (-20.0% on 2.50% last week).",
    ]
    assert content["recommendations"] == [
        f"Resolve the 1 critical alert first: {ALERT}",
        "Test the checkout (payment and download steps): Checkout abandonment jumped.",
        "Conversion fell from 2.50% to 2.00%: review the most viewed listings that lost buyers (price and images "
        "first).",
    ]
    assert content["highlights"][:2] == [
        "Revenue up 33.3% on last Friday: $400.00 (+33.3% on $300.00 last week).",
        "Orders up 33.3% on last Friday: 8 (+33.3% on 6 last week).",
    ]

    (html, text, subject) = session.execute(
        select(EmailOutbox.html_body, EmailOutbox.text_body, EmailOutbox.subject)
    ).one()
    assert subject == "Daily digest: Friday Nov 20, 2026"
    assert "- Revenue: $400.00 (last week $300.00, +33.3%)" in text
    assert "https://toolkit.example/admin" in text
    assert TITLE in text and "<b>planner</b>" not in html and "Budget &lt;b&gt;planner&lt;/b&gt;" in html

    # A second run the same morning: nothing composed, nothing queued. Ben opts in later: only his mail is added.
    again = send_daily_digest(session, now=NOW + timedelta(minutes=30), settings=SETTINGS)
    assert (again.composed, again.queued) == (False, 0)
    assert session.scalar(select(func.count()).select_from(DailyDigest)) == 1
    session.get(User, ids["ben"]).daily_digest_opt_in = True
    session.flush()
    third = send_daily_digest(session, now=NOW + timedelta(hours=1), settings=SETTINGS)
    assert (third.composed, third.queued, third.recipients) == (False, 1, 2)
    assert [k for k, _, _ in outbox(session)] == sorted(
        [f"daily-digest:2026-11-20:{ids['ada']}", f"daily-digest:2026-11-20:{ids['ben']}"]
    )

    view = latest_digest(session, today=date(2026, 11, 21))
    assert (view.day, view.summary, view.engine_label) == (
        DAY,
        digest.summary,
        "Written by the offline engine (no API key)",
    )
    assert latest_digest(session, today=DAY) is None  # only days before `today`


def test_a_quiet_day_and_no_admin_still_stores_the_digest(session: Session) -> None:
    report = send_daily_digest(session, now=NOW, settings=SETTINGS)
    assert (report.composed, report.recipients, report.queued) == (True, 0, 0)
    (digest,) = session.scalars(select(DailyDigest))
    assert digest.emailed_at is None
    assert digest.summary == (
        "On Friday Nov 20, 2026 the marketplace made $0.00 (0.0% on $0.00 last week) on 0 orders against 0 the "
        "Friday before. Nothing unusual: no anomaly and no open alert."
    )
    assert len(digest.content["recommendations"]) == 2
