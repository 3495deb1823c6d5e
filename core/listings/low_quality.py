"""Low-quality listings for admins: the worst published listings by their stored score, with their weakest
dimensions and 30-day views, filtered, sorted and paginated in SQL ("Notify seller" is `core.listings.notices`);
the seller overview's listing health from the same stored scores.

It also holds the two things a listing's insight shares with the seller's generated insights (`core.insights`
imports them from here, so both sides write the same): the one finding key of a listing (`finding_key`:
"listing:<product id>") and how a listing is named on a seller's cards (`product_labels`: a title the seller uses
twice gets its price and a short id). An admin's notice for a listing that already has an open insight (generated or
notified, PENDING or VIEWED) keeps that one and counts as "already had a pending notice"; a later generation refreshes
the admin's notice instead of adding a second card.

Scores are read from `listing_scores` (`core.listings.persisted`, kept by the triggers and the nightly
`listing-scores` job): the list is as fresh as its rows, and each row says when it was scored, so the page can
show "scores as of" (speed over freshness: scoring every published listing live took about a minute).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, cast, func, literal_column, select
from sqlalchemy.orm import Session

import core.listings.persisted as persisted
from core import urls
from core.listings.persisted import WeakDimension
from core.listings.persisted import weakest_dimensions as weakest_dimensions  # the face re-exports it from here
from core.listings.rules import format_points
from core.listings.score import SELLER_VIEW_STATUSES
from core.listings.stored_reads import ensure_current, stored_columns, stored_score
from core.models import (
    Category,
    DigitalProduct,
    InsightStatus,
    ListingScoreRecord,
    ProductStatus,
    SellerInsight,
    SellerProfile,
)
from core.money import format_money

DEFAULT_THRESHOLD = 40.0
PAGE_SIZE = 50
LISTING_HEALTH_LINK = urls.page_link(urls.LISTING_HEALTH)
SHORT_ID_CHARS = 4
OPEN_STATUSES = (InsightStatus.PENDING, InsightStatus.VIEWED)
_ID_CHUNK = 5000  # ids per IN (...) list: well under SQLite's 32,766 bound parameters


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
    scored_at: datetime | None = None  # when the stored score was computed


@dataclass(frozen=True)
class LowQualityPage:
    rows: list[LowQualityListing]
    total: int  # listings matching the filters, over all pages
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))

    @property
    def scored_as_of(self) -> datetime | None:
        """The oldest score shown: every row of the page is at least this fresh."""
        return min((r.scored_at for r in self.rows if r.scored_at is not None), default=None)


# --------------------------------------------------------------------------- pure pieces


def describe_weakest(weakest: Sequence[WeakDimension]) -> str:
    """ "Image quality (0/20), SEO (2.5/15)" for a message."""
    return ", ".join(f"{w.label} ({format_points(w.points)}/{format_points(w.max_points)})" for w in weakest)


def _chunks(ids: Sequence[str]) -> Iterable[list[str]]:
    for i in range(0, len(ids), _ID_CHUNK):
        yield list(ids[i : i + _ID_CHUNK])


# --------------------------------------------------------------------------- loading


def health_columns() -> tuple[ColumnElement[Any], ColumnElement[Any], ColumnElement[Any]]:
    """(seller id, sum of the overall scores in tenths, listings) for a GROUP BY seller over `health_rows()`."""
    rec = ListingScoreRecord
    tenths = func.sum(cast(func.round(rec.overall * literal_column("10")), BigInteger))
    return rec.seller_id, tenths.label("tenths"), func.count().label("listings")


def health_from(rec: Any = ListingScoreRecord) -> Any:
    """Per seller, over the stored rows (current rule version) of the listings a seller's Listing health page shows
    (published and drafts, by the status stored with the score): `health_columns()` grouped by seller."""
    shown = [str(status) for status in SELLER_VIEW_STATUSES]
    return (
        select(*health_columns())
        .where(rec.status.in_(shown), rec.rule_version == persisted.RULE_VERSION)
        .group_by(rec.seller_id)
    )


def average_health(tenths: int | None, listings: int | None) -> float | None:
    """The mean overall score (one decimal, as `portfolio_score`) from a sum in tenths and a count."""
    if not listings:
        return None
    return round(int(tenths or 0) / 10 / int(listings), 1)


def listing_health_by_seller(session: Session, *, seller_ids: Iterable[str]) -> dict[str, tuple[float, int]]:
    """(average overall score, number of listings) per seller from the stored scores, over the listings the
    seller's own Listing health page shows (published and drafts); sellers without such listings are absent."""
    ids = sorted(set(seller_ids))
    out: dict[str, tuple[float, int]] = {}
    for chunk in _chunks(ids):
        for seller_id, tenths, listings in session.execute(
            health_from().where(ListingScoreRecord.seller_id.in_(chunk))
        ):
            average = average_health(tenths, listings)
            if average is not None:
                out[seller_id] = (average, int(listings))
    return out


def _pending_keys(session: Session, products: Iterable[tuple[str, str]]) -> set[str]:
    """The finding keys of `products` ((seller id, product id) pairs) that have an open (PENDING or VIEWED), not
    deleted insight — generated or an admin's — on the seller + key index."""
    items = list(products)
    sellers = sorted({seller for seller, _ in items})
    found: set[str] = set()
    for chunk in _chunks([finding_key(pid) for _, pid in items]):
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


def _conditions(
    threshold: float, category_id: str | None, product_type: str | None, seller_id: str | None
) -> list[ColumnElement[bool]]:
    """The list's filters, on `listing_scores` alone (the status, category and type stored with each score)."""
    if not 0 <= threshold <= 100:
        raise ValueError(f"threshold must be between 0 and 100, got {threshold}")
    rec = ListingScoreRecord
    conditions: list[ColumnElement[bool]] = [
        rec.status == ProductStatus.PUBLISHED.value,
        rec.rule_version == persisted.RULE_VERSION,
        rec.overall < threshold,
    ]
    if category_id is not None:
        conditions.append(rec.category_id == category_id)
    if product_type is not None:
        conditions.append(rec.product_type == str(product_type))
    if seller_id is not None:
        conditions.append(rec.seller_id == seller_id)
    return conditions


def _title_order(session: Session) -> ColumnElement[Any]:
    title = func.lower(DigitalProduct.title)
    return title.collate("C") if session.get_bind().dialect.name == "postgresql" else title


def low_quality_listings(
    session: Session,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    category_id: str | None = None,
    product_type: str | None = None,
    seller_id: str | None = None,
    now: datetime,
    limit: int | None = None,
    offset: int = 0,
) -> list[LowQualityListing]:
    """Published listings whose stored score is under `threshold` (strictly), worst first, from `listing_scores`.

    Order: score ascending, then 30-day views descending (of two equally bad listings the one people see
    comes first), then title and id. Filters, order, `limit` and `offset` run in SQL on the stored rows (status,
    category and type as stored with the score: every in-app change of them rescores, the nightly run catches the
    rest); "already notified" is looked up for the returned rows only. Scores are as the triggers and the nightly
    job left them (each row says when: `scored_at`); rows of another rule version are left out until rescored.
    For one seller's list, that seller's products without a current row are scored and stored first (a cheap
    check for one seller), so it agrees with their own Listing health page.
    """
    p, rec = DigitalProduct, ListingScoreRecord
    if seller_id is not None:
        ensure_current(session, p.seller_id == seller_id, now=now)
    stmt = (
        select(*stored_columns(), SellerProfile.display_name)
        .join(p, p.id == rec.product_id)
        .outerjoin(Category, Category.id == p.category_id)
        .outerjoin(SellerProfile, SellerProfile.id == p.seller_id)
        .where(*_conditions(threshold, category_id, product_type, seller_id))
        .order_by(rec.overall, rec.views_30d.desc(), _title_order(session), p.id)
        .offset(offset)
    )
    if limit is not None:
        stmt = stmt.limit(limit)
    rows = session.execute(stmt).all()
    stored = [(stored_score(r), r[-1]) for r in rows]
    pending = _pending_keys(session, ((s.seller_id, s.product_id) for s, _ in stored))
    return [
        LowQualityListing(
            product_id=s.product_id,
            title=s.title,
            seller_id=s.seller_id,
            seller_name=name or "",
            category_name=s.category_name,
            product_type=s.product_type,
            score=s.overall,
            weakest=s.weakest,
            views_30d=s.views_30d,
            published_at=s.published_at,
            already_notified=finding_key(s.product_id) in pending,
            scored_at=s.scored_at,
        )
        for s, name in stored
    ]


def count_low_quality(
    session: Session,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    category_id: str | None = None,
    product_type: str | None = None,
    seller_id: str | None = None,
) -> int:
    """How many listings `low_quality_listings` would return without a limit (one COUNT)."""
    stmt = select(func.count()).select_from(ListingScoreRecord)
    return int(session.scalar(stmt.where(*_conditions(threshold, category_id, product_type, seller_id))) or 0)


def low_quality_page(
    session: Session,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    category_id: str | None = None,
    product_type: str | None = None,
    seller_id: str | None = None,
    now: datetime,
    page: int = 1,
    page_size: int = PAGE_SIZE,
) -> LowQualityPage:
    """One page of `low_quality_listings` with the total count over all pages."""
    if page < 1 or page_size < 1:
        raise ValueError("page and page_size must be at least 1")
    filters = {"threshold": threshold, "category_id": category_id, "product_type": product_type}
    filters["seller_id"] = seller_id
    rows = low_quality_listings(session, **filters, now=now, limit=page_size, offset=(page - 1) * page_size)
    total = count_low_quality(session, **filters) if rows or page > 1 else 0
    return LowQualityPage(rows, total, page, page_size)


def low_quality_sellers(
    session: Session,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    category_id: str | None = None,
    product_type: str | None = None,
) -> list[tuple[str, str, int]]:
    """(seller id, display name, low-quality listings) of every seller with a listing under the filters, most
    listings first, then by name: the page's seller filter."""
    rec = ListingScoreRecord
    counts = (
        select(rec.seller_id, func.count().label("n"))
        .where(*_conditions(threshold, category_id, product_type, None))
        .group_by(rec.seller_id)
        .subquery("counts")
    )
    rows = session.execute(
        select(counts.c.seller_id, SellerProfile.display_name, counts.c.n).join(
            SellerProfile, SellerProfile.id == counts.c.seller_id
        )
    ).all()
    ordered = sorted(rows, key=lambda r: (-r[2], (r[1] or "").lower(), r[0]))
    return [(sid, name or "", int(count)) for sid, name, count in ordered]
