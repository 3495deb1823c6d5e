"""Reading the persisted listing scores (`core.listings.persisted`): a seller's, a batch of sellers', or given
products' stored rows joined with what a list shows of the product, any product without a current row scored and
stored first, so a reader never shows a score older than a day or of another rule version."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from core.listings.persisted import (
    DIMENSION_KEYS,
    DIMENSION_LABELS,
    StoredScore,
    WeakDimension,
    chunks,
    is_current,
    rescore_products,
)
from core.listings.score import SELLER_VIEW_STATUSES
from core.models import Category, DigitalProduct, ListingScoreRecord, ProductStatus


def stored_columns() -> tuple[Any, ...]:
    """The columns `stored_score` reads (product, category and score columns), labelled."""
    rec, p = ListingScoreRecord, DigitalProduct
    return (
        p.id,
        rec.product_id,
        p.seller_id,
        p.title,
        p.status,
        p.category_id,
        Category.name.label("category_name"),
        p.type,
        p.price,
        p.published_at,
        rec.overall,
        *(getattr(rec, key) for key in DIMENSION_KEYS),
        rec.weakest,
        rec.to_win,
        rec.views_30d,
        rec.scored_at,
    )


def _strings(value: object) -> tuple[str, ...]:
    return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else ()


def stored_score(row: Any) -> StoredScore:
    """A `StoredScore` from a row that selected `stored_columns()` (other columns may follow)."""
    m = row._mapping
    to_win = m["to_win"] if isinstance(m["to_win"], dict) else {}
    return StoredScore(
        product_id=m["product_id"],
        seller_id=m["seller_id"],
        title=m["title"] or "",
        status=str(m["status"]),
        category_id=m["category_id"],
        category_name=m["category_name"],
        product_type=str(m["type"]),
        price=m["price"],
        published_at=m["published_at"],
        overall=float(m["overall"]),
        dimensions=tuple(
            WeakDimension(key, DIMENSION_LABELS[key][0], float(m[key]), DIMENSION_LABELS[key][1])
            for key in DIMENSION_KEYS
        ),
        weakest_keys=_strings(m["weakest"]),
        to_win={k: float(v) for k, v in to_win.items() if k in DIMENSION_LABELS and isinstance(v, int | float)},
        views_30d=int(m["views_30d"] or 0),
        scored_at=m["scored_at"],
    )


def ensure_current(session: Session, *conditions: ColumnElement[bool], now: datetime) -> int:
    """Score and store the non-deleted products matching `conditions` (SQL on `DigitalProduct`) that have no
    current row; returns how many. One query when all are current."""
    p, rec = DigitalProduct, ListingScoreRecord
    missing = session.scalars(
        select(p.id).outerjoin(rec, rec.product_id == p.id).where(p.deleted_at.is_(None), *conditions, ~is_current(now))
    ).all()
    return rescore_products(session, missing, now=now) if missing else 0


def _read_current(session: Session, *conditions: ColumnElement[bool], now: datetime) -> list[StoredScore]:
    """Stored scores of the non-deleted products matching `conditions`: one query when every row is current;
    otherwise the products without a current row are scored and stored, and read again."""
    p, rec = DigitalProduct, ListingScoreRecord
    stmt = (
        select(*stored_columns(), is_current(now).label("current"))
        .select_from(p)
        .outerjoin(rec, rec.product_id == p.id)
        .outerjoin(Category, Category.id == p.category_id)
        .where(p.deleted_at.is_(None), *conditions)
    )
    rows = session.execute(stmt).all()
    stale = [r.id for r in rows if not r.current]
    if stale:
        rescore_products(session, stale, now=now)
        rows = session.execute(stmt).all()
    return [stored_score(r) for r in rows if r.product_id is not None]


def seller_listing_scores(
    session: Session,
    *,
    seller_id: str,
    now: datetime,
    statuses: Sequence[ProductStatus] = SELLER_VIEW_STATUSES,
) -> list[StoredScore]:
    """The stored scores of the seller's non-deleted products with one of `statuses`, worst first (then title
    and id, as `score_seller_listings`). Any of those products without a current row is scored and stored first,
    so the list is complete and never older than FRESH_FOR. Writes in the caller's transaction."""
    return sellers_listing_scores(session, seller_ids=[seller_id], now=now, statuses=statuses)[seller_id]


def sellers_listing_scores(
    session: Session,
    *,
    seller_ids: Sequence[str],
    now: datetime,
    statuses: Sequence[ProductStatus] = SELLER_VIEW_STATUSES,
) -> dict[str, list[StoredScore]]:
    """`seller_listing_scores` of each of `seller_ids` (an empty list for a seller without such products), read
    together: one query for a batch of sellers when their rows are current (the weekly digest's batches)."""
    p = DigitalProduct
    out: dict[str, list[StoredScore]] = {seller_id: [] for seller_id in seller_ids}
    for score in _read_current(session, p.seller_id.in_(list(out)), p.status.in_(statuses), now=now):
        out[score.seller_id].append(score)
    # Sorted here, like `score_seller_listings`: Python's lower() and order, not the database collation's.
    return {
        seller_id: sorted(found, key=lambda s: (s.overall, s.title.lower(), s.product_id))
        for seller_id, found in out.items()
    }


def current_scores(session: Session, product_ids: Iterable[str], *, now: datetime) -> dict[str, StoredScore]:
    """{product id: stored score} of the given non-deleted products (any status), rescoring those without a
    current row first; unknown or deleted ids are absent. Writes in the caller's transaction."""
    out: dict[str, StoredScore] = {}
    for chunk in chunks(sorted(set(product_ids))):
        out.update((s.product_id, s) for s in _read_current(session, DigitalProduct.id.in_(chunk), now=now))
    return out
