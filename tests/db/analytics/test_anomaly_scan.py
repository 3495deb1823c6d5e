"""The anomaly scan against a database (both backends): factory sales with a planted product spike and a seller
drop are found with hand-computed expected ranges (relative to the marketplace's day), stored once (a re-run
inserts nothing), and the seller's drop becomes one insight, never repeated; a marketplace-wide surge flags the
marketplace, not the sellers and products that merely follow it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.analytics.anomaly_scan import anomalies_of_day, scan_anomalies, scan_windows
from core.messaging.anomaly_insights import raise_seller_drop_insights
from core.models import DetectedAnomaly, InsightPriority, InsightType, SellerInsight
from core.models.enums import AlertSeverity
from core.periods import Window
from tests.factories import add_revenue, make_product, make_seller

NOW = datetime(2026, 11, 21, 7, 30, tzinfo=UTC)
UTC_ZONE = ZoneInfo("UTC")
LAST = date(2026, 11, 20)  # the last complete day, a Friday


def plant(session: Session) -> tuple[str, str, str]:
    """Seller Ann: "Viral planner" 12 units / $120 a day, 78 units / $600 on LAST. Seller Bob: "Steady e-book"
    20 units / $200 a day (sales of $10: one sale is far below his usual day), no sale on LAST. Seller Cy: "Big
    catalogue" 428 units / $2,480 every day, the rest of the marketplace. Every day of the 10 weeks before NOW. The
    marketplace: $2,800 and 460 units a day, $3,080 and 506 units on LAST — both indexes 1.1 there (3,080 / 2,800
    and 506 / 460)."""
    ann, bob = make_seller(session, username="ann"), make_seller(session, username="bob")
    viral = make_product(session, seller=ann, title="Viral planner")
    steady = make_product(session, seller=bob, title="Steady e-book")
    big = make_product(session, seller=make_seller(session, username="cy"), title="Big catalogue")
    for back in range(70):
        day = LAST - timedelta(days=back)
        add_revenue(session, product=big, day=day, revenue="2480.00", units=428)
        if day == LAST:
            add_revenue(session, product=viral, day=day, revenue="600.00", units=78)
        else:
            add_revenue(session, product=viral, day=day, revenue="120.00", units=12)
            add_revenue(session, product=steady, day=day, revenue="200.00", units=20)
    session.flush()
    return ann.id, bob.id, viral.id


def stored(session: Session) -> list[tuple[str, str, str, date, str, AlertSeverity, Decimal, Decimal, Decimal]]:
    d = DetectedAnomaly
    columns = (d.scope, d.subject_id, d.metric, d.day, d.kind, d.severity, d.expected, d.low, d.high)
    rows = session.execute(select(*columns))
    return sorted((tuple(r) for r in rows), key=lambda r: (r[0], r[2], r[4], r[3]))  # scope, metric, kind, day


def test_the_windows() -> None:
    judged, loaded = scan_windows(date(2026, 11, 21))
    assert judged == Window(date(2026, 11, 7), LAST)
    assert loaded == Window(date(2026, 9, 12), LAST)


def test_planted_anomalies_are_found_stored_once_and_the_drop_told_once(session: Session) -> None:
    ann, bob, viral = plant(session)
    report = scan_anomalies(session, now=NOW, tz=UTC_ZONE)
    # By hand (spread = max(1.4826 × MAD = 0, floor)); subjects' histories scaled by the market index 1.1:
    # GMV $2,800 → $3,080: spread 10 % = $280, 1 spread; orders 460 → 506: spread 46, 1 spread: no marketplace row.
    # Viral planner units 12 × 1.1 = 13.2 → 78: spread max(25 % × 13.2 = 3.3, √13.2 = 3.63318) = 3.63318,
    # 17.8 spreads: critical; range 13.2 ± 10.89954. Ann's revenue $120 × 1.1 = $132 → $600: spread 25 % = $33,
    # 14.2 spreads: critical; range 132 ± 99. Bob's $200 × 1.1 = $220 → $0: spread $55, 4 spreads: info; range
    # 220 ± 165. Cy's $2,480 × 1.1 = $2,728 against $2,480 (0.36 spreads) and his 446 units: nothing.
    rows = stored(session)
    assert [(r[0], r[1], r[2], r[3], r[4], r[5]) for r in rows] == [
        ("product", viral, "units", LAST, "spike", AlertSeverity.CRITICAL),
        ("seller", bob, "revenue", LAST, "drop", AlertSeverity.INFO),
        ("seller", ann, "revenue", LAST, "spike", AlertSeverity.CRITICAL),
    ]
    expected_ranges = [
        (Decimal("13.2"), Decimal("2.3005"), Decimal("24.0995")),
        (Decimal(220), Decimal(55), Decimal(385)),
        (Decimal(132), Decimal(33), Decimal(231)),
    ]
    assert [(r[6], r[7], r[8]) for r in rows] == expected_ranges
    assert report.inserted == 3 and report.found == {"product": 1, "seller": 2}
    assert [f.subject_id for f in report.seller_drops] == [bob]

    (product_row,) = [a for a in anomalies_of_day(session, LAST) if a.scope == "product"]
    assert product_row.sentence == (
        "Units sold of “Viral planner” on Fri Nov 20, 2026: 78, expected 2–24 for a Friday, given the marketplace's "
        "day (+10.0%)"
    )
    assert [a.metric for a in anomalies_of_day(session, LAST)] == ["units"]  # no sellers

    assert raise_seller_drop_insights(session, report.seller_drops, last_day=report.last_day, now=NOW) == 1
    (insight,) = session.scalars(select(SellerInsight))
    assert (insight.seller_id, insight.finding_key) == (bob, "anomaly:revenue:2026-11-20")
    assert (insight.insight_type, insight.priority) == (InsightType.PERFORMANCE, InsightPriority.LOW)
    assert insight.description.startswith(
        "Your revenue on Fri Nov 20, 2026: $0.00, expected $55.00–$385.00 for a Friday, given the marketplace's day "
        "(+10.0%). Check"
    )

    # The next run (the same day, or the next morning with the drop still in the 14 days): nothing new.
    again = scan_anomalies(session, now=NOW + timedelta(hours=2), tz=UTC_ZONE)
    assert again.inserted == 0 and again.found == report.found
    assert raise_seller_drop_insights(session, again.seller_drops, last_day=again.last_day, now=NOW) == 0
    assert stored(session) == rows
    assert len(session.scalars(select(SellerInsight)).all()) == 1


def test_an_old_drop_is_not_told_and_quiet_subjects_are_skipped(session: Session) -> None:
    # Cy's $2,000 a day is the rest of the marketplace: Bob's missing $200 (20 sales of $10) on Nov 15 moves its index
    # to 2,009 / 2,209 = 0.909, so Bob's expected $181.9 (spread $45.5) against $0 is still 4 spreads: a drop.
    cy = make_product(session, seller=make_seller(session, username="cy"), title="Big catalogue")
    bob = make_seller(session, username="bob")
    steady = make_product(session, seller=bob, title="Steady e-book")
    small = make_product(session, seller=make_seller(session, username="sam"), title="Small seller")
    # Dee sells one $122 template a month: LAST's sale is one sale against an expected $0, not a spike (her least
    # spread is one average sale, $122: 1 spread; with the $1 floor alone it would be a critical 122 spreads).
    rare = make_product(session, seller=make_seller(session, username="dee"), title="Rare template")
    add_revenue(session, product=rare, day=LAST - timedelta(days=30), revenue="122.00", units=1)
    add_revenue(session, product=rare, day=LAST, revenue="122.00", units=1)
    for back in range(70):
        day = LAST - timedelta(days=back)
        if back != 5:  # Bob sold nothing on Sun Nov 15: a drop, but 5 days old
            add_revenue(session, product=steady, day=day, revenue="200.00", units=20)
        add_revenue(session, product=small, day=day, revenue="9.00" if back else "90.00", units=1)  # below $100
        add_revenue(session, product=cy, day=day, revenue="2000.00", units=1)
    session.flush()
    report = scan_anomalies(session, now=NOW, tz=UTC_ZONE)
    assert [(f.subject_id, f.anomaly.day) for f in report.seller_drops] == [(bob.id, date(2026, 11, 15))]
    assert raise_seller_drop_insights(session, report.seller_drops, last_day=report.last_day, now=NOW) == 0
    assert [r[1] for r in stored(session) if r[0] == "seller"] == [bob.id]


def test_a_marketplace_wide_surge_flags_the_marketplace_not_its_sellers(session: Session) -> None:
    # Two sellers, each $500 / 5 units a day, both double on LAST: the marketplace $1,000 → $2,000 (spread $100,
    # 10 spreads: critical) and 10 → 20 units (spread √10 = 3.162, 3.16 spreads: info), index 2.0 for both. Each
    # seller's $500 × 2.0 = $1,000 is met exactly, each product's 5 × 2.0 = 10 units too: no subject row.
    # Judged alone (index 1.0) each seller would be (1,000 − 500) / 125 = 4 spreads above: an info spike.
    products = [make_product(session, seller=make_seller(session, username=name)) for name in ("ann", "bob")]
    for back in range(70):
        day = LAST - timedelta(days=back)
        for product in products:
            add_revenue(session, product=product, day=day, revenue="1000.00" if back == 0 else "500.00",
                        units=10 if back == 0 else 5)  # fmt: skip
    session.flush()
    report = scan_anomalies(session, now=NOW, tz=UTC_ZONE)
    assert [(r[0], r[2], r[3], r[4], r[5]) for r in stored(session)] == [
        ("marketplace", "gmv", LAST, "spike", AlertSeverity.CRITICAL),
        ("marketplace", "orders", LAST, "spike", AlertSeverity.INFO),
    ]
    assert report.found == {"marketplace": 2} and report.seller_drops == []
