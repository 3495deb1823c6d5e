"""The demo's planted anomalies (issue 19, `core.demo.planted`) on SQLite and PostgreSQL: each is in the data as
described — the figures recomputed here from the raw rows — and the daily anomaly scan finds each one, on the right
subject and day, with the severity an operator should see.

The scan runs in a transaction that is rolled back: the shared demo database is left as generated.
"""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import UTC, date, timedelta
from statistics import median

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.analytics.anomaly_scan import scan_anomalies
from core.models import ConversionEvent, DetectedAnomaly, ProductView, RevenueRecord, SellerProfile, User
from core.models.enums import AlertSeverity, ConversionEventType
from tests.conftest import NOW
from tests.db.demo.shared import TODAY, Demo

pytestmark = pytest.mark.timeout(900)
YESTERDAY = TODAY - timedelta(days=1)
OUTAGE = TODAY - timedelta(days=3)
CART, PURCHASE = str(ConversionEventType.ADD_TO_CART), str(ConversionEventType.PURCHASE)


def _usual(values: dict[date, float], day: date) -> float:
    """The median of the same weekday over the 8 weeks before `day` (a day without a row counts 0)."""
    return float(median(values.get(day - timedelta(weeks=k), 0.0) for k in range(1, 9)))


def _day(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def test_the_planted_incidents_are_in_the_data(demo: Demo) -> None:
    engine, summary = demo
    assert set(summary.planted) == {"viral_product", "stopped_seller", "checkout_outage"}
    viral, stopped = summary.planted["viral_product"], summary.planted["stopped_seller"]
    r = RevenueRecord
    with Session(engine) as session:
        units = {
            _day(d): float(n)
            for d, n in session.execute(select(r.day, r.units).where(r.product_id == viral["product_id"]))
        }
        usual = _usual(units, YESTERDAY)
        assert 1 <= usual <= 8
        assert units[YESTERDAY] == viral["units"] == max(30, math.ceil(6 * usual))

        seller_id = session.scalar(select(SellerProfile.id).join(User).where(User.username == stopped["seller"]))
        revenue = {
            _day(d): float(v)
            for d, v in session.execute(
                select(r.day, func.sum(r.revenue)).where(r.seller_id == seller_id).group_by(r.day)
            )
        }
        assert YESTERDAY not in revenue  # not one sale ...
        assert _usual(revenue, YESTERDAY) >= 200  # ... from a shop that usually makes $200 or more that weekday
        visitors = session.scalar(
            select(func.sum(ProductView.unique_visitors)).where(
                ProductView.seller_id == seller_id, ProductView.day == YESTERDAY
            )
        )
        assert visitors and visitors > 0  # its visitors still came

        c = ConversionEvent
        funnel: dict[date, dict[str, float]] = defaultdict(dict)
        for d, kind, n in session.execute(select(c.day, c.event_type, func.sum(c.count)).group_by(c.day, c.event_type)):
            funnel[_day(d)][str(kind)] = float(n)
    abandonment = {d: 100 * (f[CART] - f.get(PURCHASE, 0.0)) / f[CART] for d, f in funnel.items() if f.get(CART)}
    rise = abandonment[OUTAGE] - _usual(abandonment, OUTAGE)
    assert rise >= 12  # the checkout outage: 40 % of that day's payments failed
    assert summary.planted["checkout_outage"]["units_lost"] > 0


def test_the_anomaly_scan_finds_each_planted_incident(demo: Demo) -> None:
    engine, summary = demo
    viral, stopped = summary.planted["viral_product"], summary.planted["stopped_seller"]
    with Session(engine) as session:
        try:
            report = scan_anomalies(session, now=NOW, tz=UTC)
            seller_id = session.scalar(select(SellerProfile.id).join(User).where(User.username == stopped["seller"]))
            found = {
                (a.scope, a.subject_id, a.metric, _day(a.day), a.kind): a.severity
                for a in session.scalars(select(DetectedAnomaly))
            }
        finally:
            session.rollback()
    assert report.last_day == YESTERDAY
    # The product went viral: far outside its range, a critical spike.
    assert found[("product", viral["product_id"], "units", YESTERDAY, "spike")] == AlertSeverity.CRITICAL
    # The shop's sales stopped: a drop (under the 25 % floor a fall to zero is at most 4 spreads, info), and the
    # drop is handed on for the seller's insight.
    assert ("seller", seller_id, "revenue", YESTERDAY, "drop") in found
    assert seller_id in {f.subject_id for f in report.seller_drops}
    # The checkout outage: abandonment up and conversion down, both critical, on that day only.
    assert found[("marketplace", "", "checkout_abandonment", OUTAGE, "spike")] == AlertSeverity.CRITICAL
    assert found[("marketplace", "", "conversion", OUTAGE, "drop")] == AlertSeverity.CRITICAL
    other_days = {day for scope, _, metric, day, _ in found if metric == "checkout_abandonment"}
    assert other_days == {OUTAGE}
