"""A seller's sudden revenue drop, told to the seller: each drop the anomaly scan found
(`core.analytics.anomaly_scan.ScanReport.seller_drops`) becomes one PERFORMANCE insight with the finding key
`anomaly:revenue:<day>`, created once — a key the seller already has (pending, dismissed or acted on) is never
raised again, so a re-run, or the same drop judged again the next morning, adds nothing.

The drops are judged relative to the marketplace's day (the scan scales the seller's usual revenue by the
marketplace's GMV index; the sentence ends "given the marketplace's day (…)"): a seller is not told of a dip the
whole marketplace shared, and a seller who stays flat while the marketplace doubles is not told either (2 spreads).

Only drops of the last `RECENT_DAYS` (3) judged days are told: the scan judges 14 days, and a drop of two weeks ago
is history, not news (3 days cover a jobs runner that was down over a weekend). Priority by the anomaly's
severity (critical HIGH, warning MEDIUM, info LOW), with the house cap on HIGH insights (`enforce_high_cap`).

It lives here, not in `core.analytics`: `core.insights` reads `core.analytics` through `core.sales`, so the
analytics package must not write insights itself (no import cycle between domain packages).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import urls
from core.analytics.anomaly_scan import Found
from core.db import new_id
from core.insights.findings import action_item
from core.insights.priority import enforce_high_cap
from core.models import AlertSeverity, InsightPriority, InsightStatus, InsightType, SellerInsight

RECENT_DAYS = 3
INSIGHT_PRIORITY = {
    AlertSeverity.CRITICAL: InsightPriority.HIGH,
    AlertSeverity.WARNING: InsightPriority.MEDIUM,
    AlertSeverity.INFO: InsightPriority.LOW,
}
ADVICE = "Check that your listings are published and priced as you meant, and look at the day's traffic."


def insight_key(day: date) -> str:
    return f"anomaly:revenue:{day.isoformat()}"


def raise_seller_drop_insights(session: Session, drops: Sequence[Found], *, last_day: date, now: datetime) -> int:
    """One insight per seller revenue drop on `last_day` or the `RECENT_DAYS` - 1 days before it, unless the seller
    has that finding key already; returns how many were created. Flushes, does not commit."""
    first = last_day - timedelta(days=RECENT_DAYS - 1)
    recent = [f for f in drops if f.anomaly.kind == "drop" and first <= f.anomaly.day <= last_day]
    if not recent:
        return 0
    s = SellerInsight
    statement = select(s.seller_id, s.finding_key).where(
        s.finding_key.in_({insight_key(f.anomaly.day) for f in recent}),
        s.seller_id.in_({f.subject_id for f in recent}),
    )
    have = {(seller_id, key) for seller_id, key in session.execute(statement)}
    created = 0
    high: set[str] = set()
    for f in sorted(recent, key=lambda f: (f.subject_id, f.anomaly.day)):
        a, key = f.anomaly, insight_key(f.anomaly.day)
        if (f.subject_id, key) in have:
            continue
        priority = INSIGHT_PRIORITY[a.severity]
        session.add(
            SellerInsight(
                id=new_id(),
                seller_id=f.subject_id,
                insight_type=InsightType.PERFORMANCE,
                title=f"Revenue dropped on {a.day:%a %b} {a.day.day}",
                description=f"{a.sentence.replace('Revenue on', 'Your revenue on', 1)}. {ADVICE}",
                action_items=[action_item("See your performance", "open", urls.page_link(urls.PERFORMANCE))],
                priority=priority,
                status=InsightStatus.PENDING,
                meta={"anomaly": {"day": a.day.isoformat(), "value": a.value, "expected": a.expected}},
                generated_at=now,
                finding_key=key,
            )
        )
        have.add((f.subject_id, key))
        created += 1
        if priority == InsightPriority.HIGH:
            high.add(f.subject_id)
    session.flush()
    for seller_id in sorted(high):
        enforce_high_cap(session, seller_id=seller_id, now=now)
    return created
