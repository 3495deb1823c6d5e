"""Seller success: KPIs now and 30 days ago, the monthly trend, the overview (stages, sorting, search, paging,
masking) and one seller's detail. NOW = 2026-11-21 15:00 UTC; APP_TIMEZONE is UTC in tests."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from core.listings.persisted import refresh_listing_scores
from core.listings.queries import score_seller_listings
from core.listings.score import portfolio_score
from core.models import (
    AnalyticsEvent,
    GoalStatus,
    GoalType,
    InsightPriority,
    InsightStatus,
    InsightType,
    ListingEdit,
    PriceChange,
    PriceChangeSource,
    ProductStatus,
    SellerGoal,
    SellerInsight,
    SellerStatus,
    UserRole,
)
from core.sellers.detail import seller_detail
from core.sellers.overview import SellerFilters, seller_overview
from core.sellers.success import seller_success_kpis, seller_success_trend
from tests.conftest import NOW
from tests.factories import add_revenue, make_product, make_seller, make_user


def utc(y: int, m: int, d: int, h: int = 0) -> datetime:
    return datetime(y, m, d, h, tzinfo=UTC)


def seller(session: Session, approved: datetime | None, *, status: SellerStatus = SellerStatus.APPROVED, **kw: object):
    s = make_seller(session, status=status, **kw)
    s.approved_at = approved
    return s


def product(session: Session, s: object, when: datetime, **kw: object):
    """A product published and last updated at `when` (the factory's updated_at would be the wall clock)."""
    p = make_product(session, seller=s, published_at=when, **kw)
    p.updated_at = when
    session.flush()
    return p


def build_success(session: Session) -> None:
    """Now: activity in [Oct 22 15:00, Nov 21 15:00) (sale dates Oct 23 – Nov 21), eligible = approved before
    Oct 22 15:00. 30 days ago: activity in [Sep 22 15:00, Oct 22 15:00), eligible = approved before Sep 22 15:00."""
    s1 = seller(session, utc(2026, 1, 10))
    p1 = product(session, s1, utc(2026, 1, 15))
    # s1 edits the listing herself inside the previous window: activity (ListingEdit by her own user).
    session.add(
        ListingEdit(product_id=p1.id, seller_id=s1.id, changed_by_user_id=s1.user_id, created_at=utc(2026, 10, 5))
    )
    add_revenue(session, product=p1, day=date(2026, 1, 20), revenue="10", units=1)  # first sale: 10 days
    add_revenue(session, product=p1, day=date(2026, 11, 10), revenue="10", units=1)

    s2 = seller(session, utc(2026, 3, 1))
    p2 = product(session, s2, utc(2026, 3, 10))
    add_revenue(session, product=p2, day=date(2026, 3, 31), revenue="10", units=1)  # 30 days
    s2.user.last_login_at = utc(2026, 5, 1)
    # Not s2's activity: the marketplace touching her product (updated_at) and an admin changing its price.
    p2.updated_at = utc(2026, 10, 5)
    admin = make_user(session, role=UserRole.ADMIN)
    session.add(PriceChange(product_id=p2.id, seller_id=s2.id, changed_by_user_id=admin.id, old_price=1, new_price=2,
                            source=PriceChangeSource.ADMIN, created_at=utc(2026, 11, 1)))  # fmt: skip

    s3 = seller(session, utc(2026, 10, 1, 12))
    p3 = product(session, s3, utc(2026, 10, 5))
    add_revenue(session, product=p3, day=date(2026, 11, 5), revenue="10", units=1)  # Oct 1 -> Nov 5: 35 days

    seller(session, utc(2026, 11, 15))  # s4: approved 6 days ago, no sale
    s5 = seller(session, utc(2026, 2, 1))
    product(session, s5, utc(2026, 11, 1, 10))  # published in the current window; never sold
    seller(session, None, status=SellerStatus.PENDING)  # s6: not approved, counted nowhere

    s7 = seller(session, utc(2026, 6, 1))
    p7 = product(session, s7, utc(2026, 5, 10))
    add_revenue(session, product=p7, day=date(2026, 5, 20), revenue="10", units=1)  # before approval: 0 days
    s7.user.last_login_at = utc(2026, 11, 20, 10)
    session.add(
        AnalyticsEvent(person_id=s7.user_id, user_id=s7.user_id, event_type="login", occurred_at=utc(2026, 10, 10))
    )
    session.flush()


def test_seller_success_kpis_now_and_30_days_ago(session: Session) -> None:
    build_success(session)
    k = seller_success_kpis(session, now=NOW)
    # Now: approved s1 s2 s3 s4 s5 s7 = 6; with a first sale s1 s2 s3 s7 = 4 -> 66.67 %.
    # 30 days ago: approved s1 s2 s3 s5 s7 = 5; first sale by Oct 22: s1 s2 s7 = 3 -> 60 %.
    assert (k.current.approved, k.current.activated, k.previous.approved, k.previous.activated) == (6, 4, 5, 3)
    assert (k.activation_rate.value, k.activation_rate.previous) == (66.67, 60.0)
    # Days to first sale: now 0 (s7, clamped from −12), 10, 30, 35 -> median (10 + 30) / 2 = 20;
    # 30 days ago 0, 10, 30 -> 10.
    assert (k.median_days_to_first_sale.value, k.median_days_to_first_sale.previous) == (20.0, 10.0)
    assert k.median_days_to_first_sale.change == 10.0
    # Retention now: eligible s1 s2 s3 s5 s7 = 5; active s1 (sale Nov 10), s3 (sale Nov 5), s5 (published
    # Nov 1), s7 (last login Nov 20) = 4 -> 80 %. 30 days ago: eligible s1 s2 s5 s7 = 4; active s1 (listing
    # edited Oct 5), s7 (login event Oct 10) = 2 -> 50 %.
    assert (k.current.eligible, k.current.retained, k.previous.eligible, k.previous.retained) == (5, 4, 4, 2)
    assert (k.retention_30d.value, k.retention_30d.previous) == (80.0, 50.0)
    assert k.retention_30d.change_pct == 60.0 and k.retention_30d.help


def test_trend_as_of_each_month_end(session: Session) -> None:
    build_success(session)
    points = seller_success_trend(session, now=NOW, months=3)
    assert [p.as_of for p in points] == [utc(2026, 10, 1), utc(2026, 11, 1), NOW]
    # Oct 1: approved s1 s2 s5 s7 = 4, sold s1 s2 s7 = 75 %, median of 0, 10, 30 = 10; eligible (before Sep 1)
    # the same 4, none active in Sep 1 – Sep 30 -> 0 %.
    # Nov 1: approved + s3 = 5, sold 3 = 60 %, median 10; eligible (before Oct 2) 5; active in Oct 2 – Oct 31:
    # s1 (edited Oct 5), s3 (published Oct 5), s7 (login Oct 10) = 3 -> 60 % (s5 published Nov 1 10:00: after).
    summary = [(p.activation_rate, p.median_days, p.retention_rate) for p in points]
    assert summary == [(75.0, 10.0, 0.0), (60.0, 10.0, 60.0), (66.67, 20.0, 80.0)]
    # Twelve points by default: the ends of December 2025 ... October 2026 (the 1st of the next month), then now.
    full = seller_success_trend(session, now=NOW)
    assert (len(full), full[0].as_of, full[-2].as_of) == (12, utc(2026, 1, 1), utc(2026, 11, 1))


def test_kpis_without_sellers_are_none(session: Session) -> None:
    k = seller_success_kpis(session, now=NOW)
    assert k.activation_rate.value is None and k.median_days_to_first_sale.value is None
    assert k.retention_30d.value is None and k.retention_30d.change is None


# --------------------------------------------------------------------------- the overview

APPROVED_LONG_AGO = utc(2025, 1, 1)
GOOD_LISTING = {
    "featured_image": "https://img.example/f.png",
    "gallery_images": ["https://img.example/1.png", "https://img.example/2.png", "https://img.example/3.png"],
    "seo_title": "t",
    "seo_description": "d",
    "seo_keywords": ["a", "b", "c"],
}


def build_overview(session: Session) -> dict[str, object]:
    """Revenue windows: last 30 days = Oct 22 – Nov 20, the 30 before = Sep 22 – Oct 21."""

    def sells(s: object, *sales: tuple[date, str], status: ProductStatus = ProductStatus.ARCHIVED, **kw: object):
        p = make_product(session, seller=s, status=status, **kw)
        for day, amount in sales:
            add_revenue(session, product=p, day=day, revenue=amount, units=1)
        return p

    alice = seller(session, APPROVED_LONG_AGO, username="alice", name="Alice Atlas")
    sells(
        alice,
        (date(2025, 12, 1), "5"),
        (date(2026, 10, 10), "100"),
        (date(2026, 11, 10), "100"),
        status=ProductStatus.PUBLISHED,
        title="A planner",
        **GOOD_LISTING,
    )
    alice.user.last_login_at = utc(2026, 11, 20)
    for status in (GoalStatus.ACTIVE, GoalStatus.ACTIVE, GoalStatus.ACHIEVED):
        session.add(
            SellerGoal(
                seller_id=alice.id,
                type=GoalType.SALES,
                target_value=Decimal(10),
                deadline=utc(2026, 12, 31),
                status=status,
            )
        )
    for status in (InsightStatus.PENDING, InsightStatus.DISMISSED):
        session.add(
            SellerInsight(
                seller_id=alice.id,
                insight_type=InsightType.PRICING,
                title="i",
                description="d",
                priority=InsightPriority.LOW,
                status=status,
                generated_at=utc(2026, 11, 1),
            )
        )
    bob = seller(session, APPROVED_LONG_AGO, username="bob_b", name="bob builder")
    # Declining (`core.sales.trends`): no year of history (first sale Jan 5), so the last 90 days (Aug 23 – Nov 20:
    # 99 + 60 = 159) are compared with the best 90-day block (Feb 24 – May 24: 266): 15,900 < 266 × 60 = 15,960.
    sells(
        bob,
        (date(2026, 1, 5), "1"),
        (date(2026, 3, 10), "266"),
        (date(2026, 10, 1), "99"),
        (date(2026, 11, 1), "60"),
        status=ProductStatus.PUBLISHED,
        title="x",
    )
    carol = seller(session, APPROVED_LONG_AGO, username="carol", name="Carol Crafts")
    sells(carol, (date(2026, 10, 30), "30"))  # first sale 22 days ago: new
    dave = seller(session, APPROVED_LONG_AGO, username="dave", name="Dave Designs")
    dave.user.last_login_at = utc(2026, 11, 1)  # no sale but active: no_first_sale
    erin = seller(session, APPROVED_LONG_AGO, username="erin", name="Erin Empty")
    erin.user.last_login_at = utc(2026, 8, 1)  # nothing in 60 days: churned
    seller(session, None, status=SellerStatus.PENDING, username="frank", name="Frank Pending")
    seller(session, APPROVED_LONG_AGO, status=SellerStatus.SUSPENDED, username="gina_x", name="Gina 50% Off")
    hank = seller(session, APPROVED_LONG_AGO, username="hank", name="Hank Home")
    # A year of history (first sale Jun 1, 2025, before Aug 23, 2025): the last 90 days (169) are compared with the
    # same 90 days a year earlier (Aug 23 – Nov 20, 2025: 281.66): 16,900 is not under 28,166 × 60 / 100 = 16,899.6,
    # so not declining — although the 1,000 of March would make the best 90 days far bigger.
    sells(
        hank,
        (date(2025, 6, 1), "1"),
        (date(2025, 10, 1), "281.66"),
        (date(2026, 3, 1), "1000"),
        (date(2026, 10, 5), "99"),
        (date(2026, 11, 5), "70"),
    )
    session.flush()
    refresh_listing_scores(session, now=NOW)  # the overview's listing health reads the stored scores
    return {"alice": alice, "bob": bob}


def names(page: object) -> list[str]:
    return [r.display_name for r in page.rows]


def test_overview_stages_revenue_and_masking(session: Session) -> None:
    build_overview(session)
    page = seller_overview(session, now=NOW)
    assert page.total == 8 and page.pages == 1
    rows = {r.display_name: r for r in page.rows}
    assert {n: r.stage for n, r in rows.items()} == {
        "Alice Atlas": "active",
        "bob builder": "declining",
        "Carol Crafts": "new",
        "Dave Designs": "no_first_sale",
        "Erin Empty": "churned",
        "Frank Pending": "pending",
        "Gina 50% Off": "inactive",
        "Hank Home": "active",
    }
    alice = rows["Alice Atlas"]
    assert (alice.revenue_30d, alice.revenue_prev_30d) == (Decimal("100.00"), Decimal("100.00"))
    assert (alice.active_goals, alice.pending_insights, alice.first_sale_day) == (2, 1, date(2025, 12, 1))
    assert alice.email_masked == "a****@example.com" and alice.last_login_at == utc(2026, 11, 20)
    # No full e-mail anywhere in what the overview returns.
    assert "@example.com" not in repr(page).replace("****@example.com", "")
    # Listing health is read for the page's sellers: Alice's one published listing, Bob's one; Carol's only
    # product is archived (not shown on Listing health), so she has none.
    assert alice.listing_health == portfolio_score(
        s.score for s in score_seller_listings(session, seller_id=alice.seller_id)
    )
    assert (rows["Carol Crafts"].listing_health, rows["Carol Crafts"].listings_scored) == (None, 0)


def test_overview_sorting_and_paging(session: Session) -> None:
    build_overview(session)
    by_name = [
        "Alice Atlas",
        "bob builder",
        "Carol Crafts",
        "Dave Designs",
        "Erin Empty",
        "Frank Pending",
        "Gina 50% Off",
        "Hank Home",
    ]
    assert names(seller_overview(session, now=NOW)) == by_name  # case-insensitive by name
    assert names(seller_overview(session, now=NOW, descending=True)) == by_name[::-1]
    # Revenue of the last 30 days: 100, 70, 60, 30, then the zeros by name.
    assert names(seller_overview(session, now=NOW, sort="revenue_30d", descending=True))[:5] == [
        "Alice Atlas",
        "Hank Home",
        "bob builder",
        "Carol Crafts",
        "Dave Designs",
    ]
    # Last login, newest first, sellers who never logged in last (by name).
    assert names(seller_overview(session, now=NOW, sort="last_login", descending=True)) == [
        "Alice Atlas",
        "Dave Designs",
        "Erin Empty",
        "bob builder",
        "Carol Crafts",
        "Frank Pending",
        "Gina 50% Off",
        "Hank Home",
    ]
    assert names(seller_overview(session, now=NOW, sort="active_goals", descending=True))[:2] == [
        "Alice Atlas",
        "bob builder",
    ]
    assert names(seller_overview(session, now=NOW, sort="pending_insights", descending=True))[0] == "Alice Atlas"
    # Listing health: Alice's complete listing above Bob's bare one; sellers without listings last, by name.
    health = seller_overview(session, now=NOW, sort="listing_health", descending=True, page_size=3)
    assert names(health) == ["Alice Atlas", "bob builder", "Carol Crafts"] and health.total == 8
    assert health.rows[0].listing_health > health.rows[1].listing_health
    assert names(seller_overview(session, now=NOW, sort="listing_health", page=2, page_size=3)) == [
        "Dave Designs",
        "Erin Empty",
        "Frank Pending",
    ]
    page2 = seller_overview(session, now=NOW, page=2, page_size=3)
    assert names(page2) == ["Dave Designs", "Erin Empty", "Frank Pending"] and (page2.total, page2.pages) == (8, 3)
    assert names(seller_overview(session, now=NOW, page=4, page_size=3)) == []
    with pytest.raises(ValueError, match="sort"):
        seller_overview(session, now=NOW, sort="email")
    with pytest.raises(ValueError, match="page"):
        seller_overview(session, now=NOW, page_size=1000)


def test_overview_search_and_filters(session: Session) -> None:
    build_overview(session)

    def found(**kw: object) -> list[str]:
        return names(seller_overview(session, now=NOW, filters=SellerFilters(**kw)))

    assert found(search="BUILD") == ["bob builder"]  # display name, case-insensitive
    assert found(search="bob_") == ["bob builder"]  # username
    assert found(search="%") == ["Gina 50% Off"]  # % and _ are literal characters, not wildcards
    assert found(search="_x") == ["Gina 50% Off"]
    assert found(search="example.com") == []  # never searches e-mail addresses
    assert found(stage="declining") == ["bob builder"]
    assert found(status="PENDING") == ["Frank Pending"]
    assert found(status="APPROVED", stage="active") == ["Alice Atlas", "Hank Home"]
    assert seller_overview(session, now=NOW, filters=SellerFilters(stage="churned")).total == 1
    with pytest.raises(ValueError, match="stage"):
        found(stage="thriving")


def test_seller_detail(session: Session) -> None:
    w = build_overview(session)
    detail = seller_detail(session, seller_id=w["alice"].id, now=NOW)
    assert detail.seller.display_name == "Alice Atlas" and detail.seller.email_masked == "a****@example.com"
    # 90 complete days ending yesterday: Aug 23 – Nov 20, zero days included; sales of Oct 10 and Nov 10.
    assert (detail.daily[0].day, detail.daily[-1].day, len(detail.daily)) == (date(2026, 8, 23), date(2026, 11, 20), 90)
    assert sum(d.revenue for d in detail.daily) == Decimal("200.00")
    assert [g.status for g in detail.goals] == [GoalStatus.ACTIVE, GoalStatus.ACTIVE, GoalStatus.ACHIEVED]
    assert len(detail.insights) == 2 and [s.listing.title for s in detail.listings] == ["A planner"]
    assert detail.seller.listing_health == detail.listings[0].score.overall
    with pytest.raises(LookupError):
        seller_detail(session, seller_id="missing", now=NOW)
