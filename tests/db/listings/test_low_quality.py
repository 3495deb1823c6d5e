"""Low-quality listings (order, filters, 30-day views, weakest dimensions) and "Notify seller" (dedupe, messages)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.listings.low_quality import low_quality_listings
from core.listings.notices import notify_sellers_about_listings
from core.listings.persisted import refresh_listing_scores
from core.listings.queries import score_seller_listing
from core.models import (
    DigitalProductType,
    InsightPriority,
    InsightStatus,
    InsightType,
    Notification,
    NotificationType,
    ProductStatus,
    SellerInsight,
    UserRole,
)
from core.notify.inapp import unread_count
from tests.conftest import NOW
from tests.factories import add_views, make_category, make_product, make_seller, make_user

GOOD = {
    "featured_image": "https://img.example/f.png",
    "gallery_images": ["https://img.example/1.png", "https://img.example/2.png", "https://img.example/3.png"],
    "seo_title": "Weekly budget planner",
    "seo_description": "A printable weekly budget planner.",
    "seo_keywords": ["budget", "planner", "weekly"],
    "tags": ["budget", "weekly", "printable"],
}


def build(session: Session) -> dict[str, object]:
    """All listings in category "Planners" (fewer than 5 per segment: pricing is neutral, 7.5 of 15).

    The good listing's tags make the category's norms (top tags budget, weekly, printable), so a listing
    without tags gets 0 of 10 for tags. Scores (rules of core/listings/rules.py):
      bare "x"   title 6×1/30 = 0.2 + no keyword 0 + no capitals 3 = 3.2; description 0; images 0; SEO 0;
                 pricing 7.5; tags 0                                                       = 10.7
      "y" + featured image: 10.7 + 8                                                       = 18.7
      good "z":  3.2 + images 8 + 12 + SEO 15 + pricing 7.5 + tags 4 + 6 (2 matches)       = 55.7
    """
    planners = make_category(session, name="Planners")
    s1 = make_seller(session, name="Sam One")
    s2 = make_seller(session, name="Tia Two")
    bare = make_product(session, seller=s1, category=planners, title="x")
    imaged = make_product(session, seller=s1, category=planners, title="y", featured_image="https://img.example/y.png")
    good = make_product(session, seller=s1, category=planners, title="z", **GOOD)
    doc = make_product(session, seller=s2, category=planners, title="x", type=DigitalProductType.DOCUMENT)
    make_product(session, seller=s1, category=planners, title="draft", status=ProductStatus.DRAFT)
    deleted = make_product(session, seller=s2, category=planners, title="gone")
    deleted.deleted_at = NOW
    # 30-day views window = Oct 22 – Nov 20 (complete days ending yesterday).
    add_views(session, product=bare, day=date(2026, 11, 20), views=10)
    add_views(session, product=bare, day=date(2026, 11, 21), views=500)  # today: still being counted
    add_views(session, product=bare, day=date(2026, 10, 21), views=500)  # 31 days ago: outside
    add_views(session, product=doc, day=date(2026, 10, 22), views=30)
    add_views(session, product=doc, day=date(2026, 11, 1), views=20)
    session.flush()
    refresh_listing_scores(session, now=NOW)  # the list reads the stored scores the nightly job keeps
    return {"s1": s1, "s2": s2, "bare": bare, "imaged": imaged, "good": good, "doc": doc, "planners": planners}


def test_worst_first_with_weakest_dimensions_and_views(session: Session) -> None:
    w = build(session)
    rows = low_quality_listings(session, now=NOW)
    # doc and bare tie at 10.7: doc (50 views) before bare (10 views); then "y" at 18.7. Good, draft, deleted: out.
    assert [(r.product_id, r.score, r.views_30d) for r in rows] == [
        (w["doc"].id, 10.7, 50),
        (w["bare"].id, 10.7, 10),
        (w["imaged"].id, 18.7, 0),
    ]
    # The same score the seller's Listing health page shows.
    assert score_seller_listing(session, seller_id=w["s1"].id, product_id=w["bare"].id).score.overall == 10.7
    # bare: description 0/25, images 0/20, SEO 0/15 (share 0: most missing points first), then tags 0/10 is cut.
    assert [d.key for d in rows[1].weakest] == ["description_completeness", "image_quality", "seo_optimization"]
    # imaged: description 0/25, SEO 0/15, tags 0/10 (share 0), before title 3.2/15 and images 8/20.
    assert [(d.key, d.points) for d in rows[2].weakest] == [
        ("description_completeness", 0.0),
        ("seo_optimization", 0.0),
        ("tag_relevance", 0.0),
    ]
    assert rows[0].seller_name == "Tia Two" and rows[0].category_name == "Planners"
    assert not any(r.already_notified for r in rows)


def test_filters_and_threshold(session: Session) -> None:
    w = build(session)
    ids = lambda rows: [r.product_id for r in rows]  # noqa: E731
    assert ids(low_quality_listings(session, seller_id=w["s2"].id, now=NOW)) == [w["doc"].id]
    assert ids(low_quality_listings(session, product_type="DOCUMENT", now=NOW)) == [w["doc"].id]
    assert ids(low_quality_listings(session, category_id=w["planners"].id, now=NOW, limit=1)) == [w["doc"].id]
    assert low_quality_listings(session, category_id="no-such-category", now=NOW) == []
    # Strictly under the threshold: 18.7 < 19 is in, 18.7 < 18.7 is not.
    assert len(low_quality_listings(session, threshold=19, now=NOW)) == 3
    assert ids(low_quality_listings(session, threshold=18.7, now=NOW)) == [w["doc"].id, w["bare"].id]
    assert len(low_quality_listings(session, threshold=60, now=NOW)) == 4  # the good listing (55.7) joins
    with pytest.raises(ValueError, match="threshold"):
        low_quality_listings(session, threshold=101, now=NOW)


def test_notify_creates_insights_and_one_notification_per_seller_then_dedupes(session: Session) -> None:
    w = build(session)
    admin = make_user(session, role=UserRole.ADMIN)
    report = notify_sellers_about_listings(
        session,
        product_ids=[w["bare"].id, w["imaged"].id, w["doc"].id, w["bare"].id, "missing"],
        admin_user_id=admin.id,
        now=NOW,
    )
    # bare + imaged (seller 1), doc (seller 2); the repeated id counts once; "missing" is reported.
    assert (report.sellers_notified, report.insights_created, report.skipped_duplicates) == (2, 3, 0)
    assert report.not_found == ("missing",)

    insight = session.scalars(select(SellerInsight).where(SellerInsight.finding_key == f"listing:{w['bare'].id}")).one()
    assert insight.seller_id == w["s1"].id and insight.insight_type == InsightType.LISTING_QUALITY
    assert insight.status == InsightStatus.PENDING and insight.priority == InsightPriority.HIGH  # 10.7 < 25
    assert "“x”" in insight.title and "10.7/100" in insight.description
    assert "Description completeness (0/25)" in insight.description and insight.meta["requested_by"] == admin.id
    # "Fix now" opens the Listing editor at the weakest dimension (0/25 of description: the lowest share, then the
    # most points missing).
    editor = f"/listing-editor?product={w['bare'].id}&dimension=description_completeness"
    assert insight.action_items[0]["url"] == editor

    s1_user, s2_user = w["s1"].user_id, w["s2"].user_id
    assert (unread_count(session, user_id=s1_user), unread_count(session, user_id=s2_user)) == (1, 1)
    note = session.scalars(select(Notification).where(Notification.user_id == s1_user)).one()
    assert note.type == NotificationType.LISTING_QUALITY and note.title == "2 of your listings need attention"
    assert note.link == "/listing-health" and sorted(note.meta["product_ids"]) == sorted([w["bare"].id, w["imaged"].id])

    # The list now shows them as notified; a second notify while the insights are PENDING creates nothing.
    assert all(r.already_notified for r in low_quality_listings(session, now=NOW))
    again = notify_sellers_about_listings(
        session, product_ids=[w["bare"].id, w["doc"].id], admin_user_id=admin.id, now=NOW
    )
    assert (again.sellers_notified, again.insights_created, again.skipped_duplicates) == (0, 0, 2)
    assert (unread_count(session, user_id=s1_user), unread_count(session, user_id=s2_user)) == (1, 1)

    # Once the seller dismissed it, the admin may notify about that listing again.
    insight.status = InsightStatus.DISMISSED
    session.flush()
    third = notify_sellers_about_listings(session, product_ids=[w["bare"].id], admin_user_id=admin.id, now=NOW)
    assert (third.sellers_notified, third.insights_created, third.skipped_duplicates) == (1, 1, 0)
    title = session.scalars(
        select(Notification.title).where(Notification.user_id == s1_user).order_by(Notification.id)
    ).all()
    assert "Your listing “x” needs attention" in title and len(title) == 2


def test_only_an_admin_can_notify(session: Session) -> None:
    w = build(session)
    seller_user_id = w["s1"].user_id
    with pytest.raises(PermissionError):
        notify_sellers_about_listings(session, product_ids=[w["bare"].id], admin_user_id=seller_user_id, now=NOW)
    with pytest.raises(PermissionError):
        notify_sellers_about_listings(session, product_ids=[w["bare"].id], admin_user_id="nobody", now=NOW)
    assert session.scalars(select(SellerInsight)).all() == []
