"""Low-quality listings for admins: bulk scoring across sellers, the worst published listings with their weakest
dimensions and 30-day views, and "Notify seller" (a LISTING_QUALITY insight + an in-app notification).

Scoring is the pure `core.listings.score.score_listing`; `core.listings.queries.score_products` loads the products
matching the filters (pushed into SQL) plus category tag norms and segment price bands in three queries, whatever
the count. It scores ~5,000 listings a second, so an unfiltered marketplace-wide list costs about 0.2 ms per
published listing (a persisted score, refreshed by a job, is the follow-up for the large marketplace).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from core.config import get_settings
from core.listings.queries import ScoredListing, score_products
from core.listings.rules import format_points
from core.listings.score import SELLER_VIEW_STATUSES, ListingScore
from core.models import (
    DigitalProduct,
    InsightPriority,
    InsightStatus,
    InsightType,
    NotificationType,
    ProductStatus,
    ProductView,
    SellerInsight,
    SellerProfile,
    User,
    UserRole,
)
from core.notify.inapp import create_notification

DEFAULT_THRESHOLD = 40.0
WEAKEST_SHOWN = 3
VIEWS_DAYS = 30
HIGH_PRIORITY_BELOW = 25.0  # an insight for a listing scoring under this is HIGH priority, else MEDIUM
LISTING_HEALTH_LINK = "/listing-health"
_ID_CHUNK = 5000  # ids per IN (...) list: well under SQLite's 32,766 bound parameters


@dataclass(frozen=True)
class WeakDimension:
    key: str
    label: str
    points: float
    max_points: float


@dataclass(frozen=True)
class LowQualityListing:
    product_id: str
    title: str
    seller_id: str
    seller_name: str
    category_name: str | None
    product_type: str
    score: float
    weakest: tuple[WeakDimension, ...]
    views_30d: int
    published_at: datetime | None
    already_notified: bool  # a PENDING listing-quality insight for it exists


@dataclass(frozen=True)
class NotifyReport:
    sellers_notified: int
    insights_created: int
    skipped_duplicates: int
    not_found: tuple[str, ...] = ()


# --------------------------------------------------------------------------- pure pieces


def weakest_dimensions(score: ListingScore, limit: int = WEAKEST_SHOWN) -> tuple[WeakDimension, ...]:
    """Up to `limit` dimensions that lost points, the lowest share of their maximum first.

    Ties: more missing points first, then the page's dimension order. Full-score dimensions are never listed.
    """
    order = {d.key: i for i, d in enumerate(score.dimensions)}
    losing = [d for d in score.dimensions if d.points < d.max_points]
    losing.sort(key=lambda d: (d.points / d.max_points, -d.missing_points, order[d.key]))
    return tuple(WeakDimension(d.key, d.label, d.points, d.max_points) for d in losing[:limit])


def describe_weakest(weakest: Sequence[WeakDimension]) -> str:
    """ "Image quality (0/20), SEO (2.5/15)" for a message."""
    return ", ".join(f"{w.label} ({format_points(w.points)}/{format_points(w.max_points)})" for w in weakest)


def views_window(now: datetime) -> tuple[date, date]:
    """The 30 complete days ending yesterday (APP_TIMEZONE): today's roll-up is still being counted."""
    today = now.astimezone(get_settings().timezone).date()
    return today - timedelta(days=VIEWS_DAYS), today - timedelta(days=1)


def _chunks(ids: Sequence[str]) -> Iterable[list[str]]:
    for i in range(0, len(ids), _ID_CHUNK):
        yield list(ids[i : i + _ID_CHUNK])


# --------------------------------------------------------------------------- loading and scoring


def listing_health_by_seller(session: Session, *, seller_ids: Iterable[str]) -> dict[str, tuple[float, int]]:
    """(average overall score, number of listings) per seller, over the listings the seller's own Listing
    health page shows (published and drafts); sellers without such listings are absent."""
    ids = sorted(set(seller_ids))
    totals: dict[str, list[float]] = {}
    for chunk in _chunks(ids):
        for item in score_products(
            session, DigitalProduct.seller_id.in_(chunk), DigitalProduct.status.in_(SELLER_VIEW_STATUSES)
        ):
            totals.setdefault(item.seller_id, []).append(item.score.overall)
    return {sid: (round(sum(v) / len(v), 1), len(v)) for sid, v in totals.items()}


def _views_30d(session: Session, product_ids: Sequence[str], *, now: datetime) -> dict[str, int]:
    first, last = views_window(now)
    out: dict[str, int] = {}
    for chunk in _chunks(product_ids):
        rows = session.execute(
            select(ProductView.product_id, func.sum(ProductView.views))
            .where(ProductView.product_id.in_(chunk), ProductView.day >= first, ProductView.day <= last)
            .group_by(ProductView.product_id)
        )
        out.update({pid: int(v or 0) for pid, v in rows})
    return out


def _pending_keys(session: Session, products: Iterable[ScoredListing]) -> set[str]:
    """The finding keys of `products` that have a PENDING, not deleted insight (on the seller + key index)."""
    items = list(products)
    sellers = sorted({p.seller_id for p in items})
    found: set[str] = set()
    for chunk in _chunks([finding_key(p.listing.product_id) for p in items]):
        found.update(
            session.scalars(
                select(SellerInsight.finding_key).where(
                    SellerInsight.seller_id.in_(sellers),
                    SellerInsight.finding_key.in_(chunk),
                    SellerInsight.status == InsightStatus.PENDING,
                    SellerInsight.deleted_at.is_(None),
                )
            )
        )
    return found


def finding_key(product_id: str) -> str:
    return f"listing_quality:{product_id}"


def low_quality_listings(
    session: Session,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    category_id: str | None = None,
    product_type: str | None = None,
    seller_id: str | None = None,
    now: datetime,
    limit: int | None = None,
) -> list[LowQualityListing]:
    """Published listings scoring under `threshold` (strictly), worst first.

    Order: score ascending, then 30-day views descending (of two equally bad listings the one people see
    comes first), then title and id. Filters narrow the SQL before anything is scored.
    """
    if not 0 <= threshold <= 100:
        raise ValueError(f"threshold must be between 0 and 100, got {threshold}")
    conditions: list[ColumnElement[bool]] = [DigitalProduct.status == ProductStatus.PUBLISHED]
    if category_id is not None:
        conditions.append(DigitalProduct.category_id == category_id)
    if product_type is not None:
        conditions.append(DigitalProduct.type == product_type)
    if seller_id is not None:
        conditions.append(DigitalProduct.seller_id == seller_id)
    low = [s for s in score_products(session, *conditions) if s.score.overall < threshold]
    if not low:
        return []
    ids = [s.listing.product_id for s in low]
    views = _views_30d(session, ids, now=now)
    pending = _pending_keys(session, low)
    names = dict(
        session.execute(
            select(SellerProfile.id, SellerProfile.display_name).where(SellerProfile.id.in_({s.seller_id for s in low}))
        ).all()
    )
    out = [
        LowQualityListing(
            product_id=s.listing.product_id,
            title=s.listing.title,
            seller_id=s.seller_id,
            seller_name=names.get(s.seller_id, ""),
            category_name=s.listing.category_name,
            product_type=s.listing.product_type or "",
            score=s.score.overall,
            weakest=weakest_dimensions(s.score),
            views_30d=views.get(s.listing.product_id, 0),
            published_at=s.published_at,
            already_notified=finding_key(s.listing.product_id) in pending,
        )
        for s in low
    ]
    out.sort(key=lambda x: (x.score, -x.views_30d, x.title.lower(), x.product_id))
    return out[:limit] if limit is not None else out


# --------------------------------------------------------------------------- "Notify seller"


def _require_admin(session: Session, admin_user_id: str) -> None:
    role = session.scalar(select(User.role).where(User.id == admin_user_id, User.is_active.is_(True)))
    if role is None or UserRole(role) != UserRole.ADMIN:
        raise PermissionError("only an active admin can notify sellers")


def _insight_for(item: ScoredListing, weakest: tuple[WeakDimension, ...], *, admin_user_id: str, now: datetime) -> Any:
    title = item.listing.title
    score = item.score.overall
    weak_text = describe_weakest(weakest) or "none"
    return SellerInsight(
        seller_id=item.seller_id,
        insight_type=InsightType.LISTING_QUALITY,
        title=f"Improve your listing “{title}”"[:255],
        description=(
            f"Our team reviewed “{title}”: its listing health score is {format_points(score)}/100. "
            f"The weakest parts are {weak_text}. Listings with a complete description, images and SEO "
            "are found and bought more often; Listing health shows what to fix first."
        ),
        action_items=[
            {
                "label": "Fix it in Listing health",
                "action": "open_listing_health",
                "url": f"{LISTING_HEALTH_LINK}?product={item.listing.product_id}",
            }
        ],
        priority=InsightPriority.HIGH if score < HIGH_PRIORITY_BELOW else InsightPriority.MEDIUM,
        status=InsightStatus.PENDING,
        meta={
            "product_id": item.listing.product_id,
            "score": score,
            "weakest": [w.key for w in weakest],
            "requested_by": admin_user_id,
            "source": "admin",
        },
        generated_at=now,
        finding_key=finding_key(item.listing.product_id),
    )


def notify_sellers_about_listings(
    session: Session, *, product_ids: Iterable[str], admin_user_id: str, now: datetime
) -> NotifyReport:
    """For each listing: a LISTING_QUALITY insight for its seller (skipped while one for the listing is still
    PENDING), then one in-app notification per seller that got at least one new insight.

    PermissionError unless `admin_user_id` is an active admin. Unknown or deleted product ids are reported in
    `not_found`. Everything is written in one savepoint (all or nothing); the caller commits.
    """
    _require_admin(session, admin_user_id)
    ids = sorted(set(product_ids))
    scored = {
        s.listing.product_id: s for chunk in _chunks(ids) for s in score_products(session, DigitalProduct.id.in_(chunk))
    }
    pending = _pending_keys(session, scored.values())
    created: dict[str, list[tuple[ScoredListing, SellerInsight]]] = {}
    skipped = 0
    with session.begin_nested():
        for pid in ids:
            item = scored.get(pid)
            if item is None:
                continue
            if finding_key(pid) in pending:
                skipped += 1
                continue
            insight = _insight_for(item, weakest_dimensions(item.score), admin_user_id=admin_user_id, now=now)
            session.add(insight)
            created.setdefault(item.seller_id, []).append((item, insight))
        session.flush()
        users = dict(
            session.execute(select(SellerProfile.id, SellerProfile.user_id).where(SellerProfile.id.in_(created))).all()
        )
        for seller_id, items in created.items():
            _notify_seller(session, user_id=users[seller_id], items=items, now=now)
    return NotifyReport(
        sellers_notified=len(created),
        insights_created=sum(len(v) for v in created.values()),
        skipped_duplicates=skipped,
        not_found=tuple(pid for pid in ids if pid not in scored),
    )


def _notify_seller(
    session: Session, *, user_id: str, items: list[tuple[ScoredListing, SellerInsight]], now: datetime
) -> None:
    if len(items) == 1:
        item, _ = items[0]
        title = f"Your listing “{item.listing.title}” needs attention"
    else:
        title = f"{len(items)} of your listings need attention"
    lines = [
        f"“{item.listing.title}” scores {format_points(item.score.overall)}/100; weakest: "
        f"{describe_weakest(weakest_dimensions(item.score)) or 'none'}."
        for item, _ in items
    ]
    create_notification(
        session,
        user_id=user_id,
        type=NotificationType.LISTING_QUALITY,
        title=title,
        body="\n".join(lines),
        link=LISTING_HEALTH_LINK,
        meta={"product_ids": [i.listing.product_id for i, _ in items], "insight_ids": [ins.id for _, ins in items]},
        now=now,
    )
