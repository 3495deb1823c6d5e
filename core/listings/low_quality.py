"""Low-quality listings for admins: bulk scoring across sellers, the worst published listings with their weakest
dimensions and 30-day views ("Notify seller" is `core.listings.notices`).

It also holds the two things a listing's insight shares with the seller's generated insights (`core.insights`
imports them from here, so both sides write the same): the one finding key of a listing (`finding_key`:
"listing:<product id>") and how a listing is named on a seller's cards (`product_labels`: a title the seller uses
twice gets its price and a short id). An admin's notice for a listing that already has an open insight (generated or
notified, PENDING or VIEWED) keeps that one and counts as "already had a pending notice"; a later generation refreshes
the admin's notice instead of adding a second card.

Scoring is the pure `core.listings.score.score_listing`; `core.listings.queries.score_products` loads the products
matching the filters (pushed into SQL) plus category tag norms and segment price bands in three queries, whatever
the count. It scores ~5,000 listings a second, so an unfiltered marketplace-wide list costs about 0.2 ms per
published listing (a persisted score, refreshed by a job, is the follow-up for the large marketplace).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from core import urls
from core.config import get_settings
from core.listings.queries import ScoredListing, score_products
from core.listings.rules import format_points
from core.listings.score import SELLER_VIEW_STATUSES, ListingScore
from core.models import (
    DigitalProduct,
    InsightStatus,
    ProductStatus,
    ProductView,
    SellerInsight,
    SellerProfile,
)
from core.money import format_money

DEFAULT_THRESHOLD = 40.0
WEAKEST_SHOWN = 3
VIEWS_DAYS = 30
LISTING_HEALTH_LINK = urls.page_link(urls.LISTING_HEALTH)
SHORT_ID_CHARS = 4
OPEN_STATUSES = (InsightStatus.PENDING, InsightStatus.VIEWED)
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
    already_notified: bool  # an open (PENDING or VIEWED) insight about this listing exists, generated or notified


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
    """The finding keys of `products` that have an open (PENDING or VIEWED), not deleted insight — generated or an
    admin's — on the seller + key index."""
    items = list(products)
    sellers = sorted({p.seller_id for p in items})
    found: set[str] = set()
    for chunk in _chunks([finding_key(p.listing.product_id) for p in items]):
        found.update(
            session.scalars(
                select(SellerInsight.finding_key).where(
                    SellerInsight.seller_id.in_(sellers),
                    SellerInsight.finding_key.in_(chunk),
                    SellerInsight.status.in_(OPEN_STATUSES),
                    SellerInsight.deleted_at.is_(None),
                )
            )
        )
    return found


def finding_key(product_id: str) -> str:
    """THE finding key of a listing's insight, generated (`core.insights.findings`) or sent by an admin (here)."""
    return f"listing:{product_id}"


def editor_url(product_id: str, dimension: str | None = None) -> str:
    """The Listing editor opened at the product (and at `dimension`, a `core.listings.score.DIMENSIONS` key)."""
    return urls.page_link(urls.LISTING_EDITOR, product=product_id, dimension=dimension)


def _title_key(title: str | None) -> str:
    return " ".join((title or "").split()).casefold()


def product_labels(products: Iterable[tuple[str, str | None, Decimal | None, str | None]]) -> dict[str, str]:
    """{product id: how the seller's cards name it}: the title; for a title two or more of the given products
    share (case and spacing ignored) "Title · $24.99 · #3f2a" — the price and the shortest id prefix (at least 4
    characters, hyphens skipped) that tells those products apart. `products` = (id, title, price, currency) of
    ONE seller's products (names are compared within a seller's cards only)."""
    items = list(products)
    groups: dict[str, list[tuple[str, str | None, Decimal | None, str | None]]] = {}
    for item in items:
        groups.setdefault(_title_key(item[1]), []).append(item)
    labels: dict[str, str] = {}
    for group in groups.values():
        if len(group) == 1:
            pid, title, _price, _currency = group[0]
            labels[pid] = title or ""
            continue
        compact = {pid: pid.replace("-", "") for pid, *_ in group}
        width = SHORT_ID_CHARS
        while width < 32 and len({c[:width] for c in compact.values()}) < len(group):
            width += 1
        for pid, title, price, currency in group:
            parts = [" ".join((title or "").split())]
            if price is not None:
                parts.append(format_money(Decimal(str(price)), currency=currency or "USD"))
            parts.append(f"#{compact[pid][:width]}")
            labels[pid] = " · ".join(parts)
    return labels


def seller_product_labels(session: Session, *, seller_ids: Iterable[str]) -> dict[str, str]:
    """`product_labels` of every non-deleted product of each seller (any status), in one query."""
    ids = sorted(set(seller_ids))
    by_seller: dict[str, list[tuple[str, str | None, Decimal | None, str | None]]] = {}
    for chunk in _chunks(ids):
        rows = session.execute(
            select(
                DigitalProduct.seller_id,
                DigitalProduct.id,
                DigitalProduct.title,
                DigitalProduct.price,
                DigitalProduct.currency,
            ).where(DigitalProduct.seller_id.in_(chunk), DigitalProduct.deleted_at.is_(None))
        )
        for seller_id, pid, title, price, currency in rows:
            by_seller.setdefault(seller_id, []).append((pid, title, price, currency))
    labels: dict[str, str] = {}
    for products in by_seller.values():
        labels.update(product_labels(products))
    return labels


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
