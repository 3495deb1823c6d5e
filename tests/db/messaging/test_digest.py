"""compose_weekly_digest and send_weekly_digests on SQLite and PostgreSQL, against hand-computed numbers."""

from __future__ import annotations

import email
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.ai import get_ai
from core.config import load_settings
from core.messaging.digest import compose_weekly_digest, digest_idempotency_key, send_weekly_digests
from core.models import (
    EmailOutbox,
    InsightPriority,
    InsightStatus,
    InsightType,
    ProductStatus,
    SellerInsight,
    SellerStatus,
)
from core.notify.email import deliver_pending
from tests.conftest import NOW
from tests.factories import add_revenue, make_product, make_seller

SETTINGS = load_settings(env={"APP_BASE_URL": "https://growth.example.com", "DIGEST_PACING_SECONDS": "0"})
OFFLINE = get_ai(SETTINGS)
SCRIPT_TITLE = "<script>alert('x')</script> Budget Planner"


def build_seller(session: Session):
    """NOW = Sat 2026-11-21 15:00 UTC (APP_TIMEZONE UTC): last 7 days = 11-14…11-20, the week before = 11-07…11-13."""
    seller = make_seller(session, name="Ana Lima")
    planner = make_product(session, seller=seller, title=SCRIPT_TITLE, average_rating=Decimal("4.5"))
    guide = make_product(session, seller=seller, title="Zen Guide", average_rating=Decimal("4.1"))
    make_product(session, seller=seller, title="Draft", status=ProductStatus.DRAFT, average_rating=Decimal("1.0"))
    add_revenue(session, product=planner, day=date(2026, 11, 14), revenue="40.00", units=2)
    add_revenue(session, product=guide, day=date(2026, 11, 20), revenue="60.50", units=3)
    add_revenue(session, product=planner, day=date(2026, 11, 21), revenue="999.00", units=9)  # today: excluded
    add_revenue(session, product=planner, day=date(2026, 11, 13), revenue="30.00", units=1)
    add_revenue(session, product=guide, day=date(2026, 11, 7), revenue="45.00", units=3)
    add_revenue(session, product=guide, day=date(2026, 11, 6), revenue="500.00", units=5)  # 15 days ago: excluded
    other = make_seller(session)
    add_revenue(session, product=make_product(session, seller=other), day=date(2026, 11, 15), revenue="77.00", units=7)
    return seller


def add_insight(session: Session, seller, title: str, priority: InsightPriority, status=InsightStatus.PENDING, **kw):
    row = SellerInsight(
        seller_id=seller.id, insight_type=InsightType.PRICING, title=title, description=f"About {title}",
        priority=priority, status=status, generated_at=kw.get("generated_at", NOW),
    )  # fmt: skip
    session.add(row)
    session.flush()
    return row


def test_digest_numbers_insight_tip_and_escaping(session: Session) -> None:
    seller = build_seller(session)
    add_insight(session, seller, "Raise the guide's price", InsightPriority.HIGH)
    add_insight(session, seller, "Newer but medium", InsightPriority.MEDIUM, generated_at=NOW + timedelta(hours=1))
    add_insight(session, seller, "Dismissed high", InsightPriority.HIGH, status=InsightStatus.DISMISSED)

    mail = compose_weekly_digest(session, seller_id=seller.id, now=NOW, ai=OFFLINE, settings=SETTINGS)

    # Revenue: 40.00 + 60.50 = 100.50 against 30.00 + 45.00 = 75.00 → (100.50 − 75) / 75 = +34.0%.
    # Units: 2 + 3 = 5 against 1 + 3 = 4 → +25.0%.
    # (Percentages read as everywhere, one decimal: `core.money`.) Rating: published only, (4.5 + 4.1) / 2 = 4.3.
    assert mail.subject == "Your week: $100.50 in sales, up 34.0%"
    assert "Revenue rose 34.0% to $100.50 on 5 sales (the week before: $75.00 on 4 sales)." in mail.text
    assert "Your 2 rated listings average 4.3 stars." in mail.text
    assert "- Revenue: $100.50 (7 days before: $75.00; change: +34.0%)" in mail.text
    assert "- Sales (units): 5 (7 days before: 4; change: +25.0%)" in mail.text
    assert "- Average rating: 4.3 of 5" in mail.text
    for cell in (">$100.50<", ">$75.00<", ">+34.0%<", ">5<", ">4<", ">+25.0%<", ">4.3 of 5<"):
        assert cell in mail.html
    assert mail.text.startswith("Hi Ana,") and "Hi Ana," in mail.html
    assert mail.to_address == seller.user.email
    # The top PENDING insight is the HIGH one, not the newer MEDIUM or the dismissed HIGH.
    assert "TOP INSIGHT (HIGH): Raise the guide's price" in mail.text
    assert "Raise the guide&#39;s price" in mail.html and "Dismissed high" not in mail.html
    # Both listings are equally bare; the tie goes to the title in binary order: '<' sorts before 'Z'.
    assert f"ONE THING TO TRY: {SCRIPT_TITLE}" in mail.text
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; Budget Planner" in mail.html
    assert "<script" not in mail.html
    assert 'href="https://growth.example.com/home"' in mail.html
    assert "See your insights: https://growth.example.com/insights" in mail.text
    assert "Open listing health: https://growth.example.com/listing-health" in mail.text
    assert "Turn them off in your account settings: https://growth.example.com/settings" in mail.text
    assert "YOUR LAST 7 DAYS (Nov 14 – Nov 20, 2026)" in mail.text
    assert "Open your dashboard: https://growth.example.com/home" in mail.text
    assert "Written by the offline engine" in mail.text
    assert "<" not in mail.text.replace(SCRIPT_TITLE, "")  # no markup in the plain-text part


def test_digest_without_sales_or_listings(session: Session) -> None:
    seller = make_seller(session, name="Bo")

    mail = compose_weekly_digest(session, seller_id=seller.id, now=NOW, ai=OFFLINE, settings=SETTINGS)

    assert mail.subject == "Your week on the marketplace: one thing to try next"
    assert "No sales in the last 7 days, and none the week before." in mail.text
    assert "- Revenue: $0.00 (7 days before: $0.00; change: —)" in mail.text
    assert "no ratings yet" in mail.text
    assert "TOP INSIGHT" not in mail.text and "ONE THING TO TRY" not in mail.text


def test_one_digest_per_seller_per_week_and_opt_out(session: Session, tmp_path) -> None:
    seller = build_seller(session)
    opted_out = make_seller(session)
    opted_out.weekly_digest_opt_in = False
    make_seller(session, status=SellerStatus.PENDING)
    session.flush()
    progress: list[tuple[int, int]] = []

    first = send_weekly_digests(session, now=NOW, ai=OFFLINE, settings=SETTINGS, progress=lambda *p: progress.append(p))
    again = send_weekly_digests(session, now=NOW + timedelta(hours=20), ai=OFFLINE, settings=SETTINGS)  # same ISO week
    next_week = send_weekly_digests(session, now=NOW + timedelta(days=2), ai=OFFLINE, settings=SETTINGS)

    # Approved and opted in: the built seller and the "other" seller of build_seller (2 of 4 sellers).
    assert (first.week, first.sellers, first.queued) == ("2026-W47", 2, 2)
    assert progress == [(1, 2), (2, 2)]
    assert (again.queued, again.already_queued) == (0, 2)
    assert (next_week.week, next_week.queued) == ("2026-W48", 2)  # Monday 2026-11-23 starts week 48
    keys = set(session.scalars(select(EmailOutbox.idempotency_key)))
    assert digest_idempotency_key(seller.id, "2026-W47") in keys
    assert not any(opted_out.id in k for k in keys)
    assert session.scalar(select(func.count()).select_from(EmailOutbox)) == 4

    report = deliver_pending(session, settings=load_settings(env={"OUTBOX_DIR": str(tmp_path)}), now=NOW)
    assert (report.sent, report.failed) == (4, 0)
    row = session.scalars(select(EmailOutbox).where(EmailOutbox.idempotency_key.like(f"%{seller.id}:2026-W47"))).one()
    parsed = email.message_from_bytes(Path(row.delivered_to).read_bytes())
    assert parsed["Subject"] == "Your week: $100.50 in sales, up 34.0%"


def test_a_declining_seller_is_not_told_only_that_the_week_was_up(session: Session) -> None:
    """Dana's digest: the week is up 11.5 %, but she sold $10,000 in January and $500 in October."""
    seller = make_seller(session, name="Dana Whitfield")
    product = make_product(session, seller=seller, title="Wedding planner")
    add_revenue(session, product=product, day=date(2026, 1, 10), revenue="10000.00", units=200)
    add_revenue(session, product=product, day=date(2026, 10, 10), revenue="500.00", units=10)
    add_revenue(session, product=product, day=date(2026, 11, 8), revenue="100.00", units=2)  # the week before
    add_revenue(session, product=product, day=date(2026, 11, 15), revenue="111.50", units=2)  # the last 7 days

    mail = compose_weekly_digest(session, seller_id=seller.id, now=NOW, ai=OFFLINE, settings=SETTINGS)

    # Declining (`core.sales.trends`): 500 + 100 + 111.50 = 711.50 in the last 90 days, under 60 % of the best
    # 90-day block (Nov 26 – Feb 23: 10,000). October (500) is 95 % below January (10,000); 1 − 711.50 ÷ 10,000
    # = 92.9 % less than the best 90 days.
    assert mail.subject == "Your week: $111.50 in sales; revenue is 95% below its January peak"
    assert "up 11.5%" not in mail.subject
    summary = (
        "Revenue rose 11.5% to $111.50 on 2 sales (the week before: $100.00 on 2 sales). The longer view: revenue "
        "is 95% below its January peak: the last 90 days brought $711.50, 93% less than your best 90 days."
    )
    assert summary in mail.text and summary in mail.html
    assert mail.meta["declining"] is True
    # A seller who is not declining keeps the week's words (see the test above: "up 34.0%").
    other = build_seller(session)
    assert (
        compose_weekly_digest(session, seller_id=other.id, now=NOW, ai=OFFLINE, settings=SETTINGS).meta["declining"]
        is False
    )
