"""Persisted listing scores (`listing_scores`): written by the triggers and the nightly job, read by every list.

A row holds what `core.listings.score.score_listing` computed for one product (overall, the six dimensions, the
weakest three), the product's views of the last 30 complete days, when it was scored and with which RULE_VERSION.

- **Triggers** call `rescore_products` after a product changes (Listing editor save or new draft, a price applied,
  an import): the rows of those products are rewritten at once, views included.
- **The nightly job** (`refresh_listing_scores`, job `listing-scores`, after the benchmarks job) rescores every
  stale product in chunks (bounded memory) with the market's tag norms and price bands loaded once, refreshes
  `views_30d` of every row in two set-based statements and drops rows of deleted products. Market norms move every
  day (new benchmarks, new listings), so a row is due again after `RESCORE_AFTER` (a little under a day, so a
  daily run never leaves a row past `FRESH_FOR`).
- **Readers** (`core.listings.stored_reads`): `seller_listing_scores` (one seller; rescoring on the fly any of their
  products without a current row, so it never shows a score older than a day or of another rule version) and the
  SQL of the low-quality list and the seller overview, which read the table as it stands and show how old its rows
  are.

A row is current when its rule version is RULE_VERSION, it was scored less than FRESH_FOR ago and its product has
not been updated since.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, func, or_, select, update
from sqlalchemy.orm import Session

from core.config import get_settings
from core.db import insert_for
from core.listings.queries import MarketNorms, ScoredListing, score_products
from core.listings.rules import BAND_GREEN_ABOVE, BAND_RED_BELOW
from core.listings.score import DIMENSIONS, ListingScore
from core.models import DigitalProduct, ListingScoreRecord, ProductView

log = logging.getLogger(__name__)

RULE_VERSION: int = 1
"""What a stored score means. Bump it whenever `core.listings.rules` or `core.listings.score` change a score
(a rule, a weight, a threshold, a dimension): every row of another version is treated as missing by the readers
and rescored by the next nightly run."""

FRESH_FOR = timedelta(days=1)
"""A row older than this is never shown to a seller: `seller_listing_scores` rescores it first."""
RESCORE_AFTER = timedelta(hours=20)
"""The nightly job rescores rows older than this: a daily run that starts a little early still renews them all."""
CHUNK = 2000
"""Products scored and written per step of the nightly job (one product query, one upsert each)."""
VIEWS_DAYS = 30
WEAKEST_SHOWN = 3

DIMENSION_LABELS = {key: (label, maximum) for key, label, maximum in DIMENSIONS}
DIMENSION_KEYS = tuple(key for key, _, _ in DIMENSIONS)


@dataclass(frozen=True)
class WeakDimension:
    """A dimension's points out of its maximum (one of a listing's weakest, or any of its six)."""

    key: str
    label: str
    points: float
    max_points: float


def weakest_dimensions(score: ListingScore, limit: int = WEAKEST_SHOWN) -> tuple[WeakDimension, ...]:
    """Up to `limit` dimensions that lost points, the lowest share of their maximum first.

    Ties: more missing points first, then the page's dimension order. Full-score dimensions are never listed.
    """
    order = {d.key: i for i, d in enumerate(score.dimensions)}
    losing = [d for d in score.dimensions if d.points < d.max_points]
    losing.sort(key=lambda d: (d.points / d.max_points, -d.missing_points, order[d.key]))
    return tuple(WeakDimension(d.key, d.label, d.points, d.max_points) for d in losing[:limit])


def views_window(now: datetime) -> tuple[date, date]:
    """The 30 complete days ending yesterday (APP_TIMEZONE): today's roll-up is still being counted."""
    today = now.astimezone(get_settings().timezone).date()
    return today - timedelta(days=VIEWS_DAYS), today - timedelta(days=1)


@dataclass(frozen=True)
class StoredScore:
    """One product's stored score with what a list shows of the product (read joined with the product)."""

    product_id: str
    seller_id: str
    title: str
    status: str
    category_id: str | None
    category_name: str | None
    product_type: str
    price: Decimal | None
    published_at: datetime | None
    overall: float
    dimensions: tuple[WeakDimension, ...]  # all six, in the page's order
    weakest_keys: tuple[str, ...]
    to_win: dict[str, float]  # points the seller can still win per dimension (neutral credit is not winnable)
    views_30d: int
    scored_at: datetime

    @property
    def band(self) -> str:
        """ "red" below 40, "green" above 70, "yellow" from 40 to 70 (as `ListingScore.band`)."""
        if self.overall < BAND_RED_BELOW:
            return "red"
        return "green" if self.overall > BAND_GREEN_ABOVE else "yellow"

    def biggest_gap(self) -> tuple[str, str, float] | None:
        """(key, label, points to win) of the dimension with the most points the seller can still win (ties: the
        page's order), None when nothing is left: `weakest_dimension` of the Listing editor, from the stored row."""
        best = max(DIMENSION_KEYS, key=lambda k: self.to_win.get(k, 0.0))  # max keeps the first of equals
        gap = self.to_win.get(best, 0.0)
        return None if gap <= 0 else (best, DIMENSION_LABELS[best][0], gap)

    def dimension_points(self, key: str) -> float:
        """The stored points of one dimension (a `DIMENSIONS` key); KeyError for another key."""
        for d in self.dimensions:
            if d.key == key:
                return d.points
        raise KeyError(key)

    @property
    def weakest(self) -> tuple[WeakDimension, ...]:
        by_key = {d.key: d for d in self.dimensions}
        return tuple(by_key[k] for k in self.weakest_keys if k in by_key)


# --------------------------------------------------------------------------- staleness


def is_current(now: datetime) -> ColumnElement[bool]:
    """SQL: the joined `listing_scores` row exists and may be shown at `now` (see the module docstring)."""
    rec = ListingScoreRecord
    return and_(
        rec.product_id.is_not(None),
        rec.rule_version == RULE_VERSION,
        rec.scored_at >= now - FRESH_FOR,
        DigitalProduct.updated_at <= rec.scored_at,
    )


def _due(now: datetime) -> ColumnElement[bool]:
    """SQL: the nightly job must rescore this product (no row, another version, older than RESCORE_AFTER, edited)."""
    rec = ListingScoreRecord
    return or_(
        rec.product_id.is_(None),
        rec.rule_version != RULE_VERSION,
        rec.scored_at < now - RESCORE_AFTER,
        DigitalProduct.updated_at > rec.scored_at,
    )


# --------------------------------------------------------------------------- writing


def _record(item: ScoredListing, now: datetime) -> dict[str, Any]:
    score = item.score
    return {
        "product_id": item.listing.product_id,
        "seller_id": item.seller_id,
        "status": str(item.status),
        "category_id": item.category_id,
        "product_type": str(item.listing.product_type or ""),
        "overall": score.overall,
        **{d.key: d.points for d in score.dimensions},
        "weakest": [w.key for w in weakest_dimensions(score)],
        "to_win": {d.key: d.actionable_gap for d in score.dimensions},
        "rule_version": RULE_VERSION,
        "scored_at": now,
    }


def _write(session: Session, records: list[dict[str, Any]], *, views: dict[str, int] | None, through: date) -> None:
    """Upsert the score rows. With `views` the rows get those 30-day views; without, a new row starts at 0 and an
    existing row keeps its views (the nightly job refreshes them all in one statement afterwards)."""
    if not records:
        return
    # Rows locked in product id order, whoever writes (a trigger, a reader, the nightly job): never a deadlock.
    records.sort(key=lambda r: r["product_id"])
    for r in records:
        if views is not None:
            r["views_30d"], r["views_through"] = views.get(r["product_id"], 0), through
        else:
            r.setdefault("views_30d", 0)
            r.setdefault("views_through", None)
    stmt = insert_for(session, ListingScoreRecord.__table__)
    keep = {"product_id", "views_30d", "views_through"} if views is None else {"product_id"}
    columns = [c for c in records[0] if c not in keep]
    stmt = stmt.on_conflict_do_update(
        index_elements=["product_id"], set_={c: stmt.excluded[c] for c in columns if c in stmt.excluded}
    )
    session.execute(stmt, records)


def _views_of(session: Session, product_ids: Sequence[str], *, now: datetime) -> dict[str, int]:
    first, last = views_window(now)
    rows = session.execute(
        select(ProductView.product_id, func.sum(ProductView.views))
        .where(ProductView.product_id.in_(product_ids), ProductView.day >= first, ProductView.day <= last)
        .group_by(ProductView.product_id)
    )
    return {pid: int(v or 0) for pid, v in rows}


def chunks(ids: Sequence[str], size: int = CHUNK) -> Iterable[list[str]]:
    for i in range(0, len(ids), size):
        yield list(ids[i : i + size])


def rescore_products(
    session: Session, product_ids: Iterable[str], *, now: datetime, market: MarketNorms | None = None
) -> int:
    """Score the given products now and store their rows (views of the last 30 complete days included).

    The trigger after a product is edited, its price applied, or it is imported. Deleted or unknown ids are
    skipped (a deleted product's row is removed). Returns the number of rows written; the caller commits.
    """
    ids = sorted(set(product_ids))
    written = 0
    _, through = views_window(now)
    for chunk in chunks(ids):
        scored = score_products(session, DigitalProduct.id.in_(chunk), market=market)
        found = [s.listing.product_id for s in scored]
        gone = set(chunk) - set(found)
        if gone:  # deleted or unknown: a deleted product's row must not linger
            session.execute(delete(ListingScoreRecord).where(ListingScoreRecord.product_id.in_(sorted(gone))))
        views = _views_of(session, found, now=now) if found else {}
        _write(session, [_record(s, now) for s in scored], views=views, through=through)
        written += len(scored)
    return written


def _due_ids(session: Session, now: datetime, after: str, limit: int) -> list[str]:
    return list(
        session.scalars(
            select(DigitalProduct.id)
            .outerjoin(ListingScoreRecord, ListingScoreRecord.product_id == DigitalProduct.id)
            .where(DigitalProduct.deleted_at.is_(None), DigitalProduct.id > after, _due(now))
            .order_by(DigitalProduct.id)
            .limit(limit)
        )
    )


def refresh_views(session: Session, *, now: datetime) -> int:
    """Set every row's `views_30d` to its product's views in the 30 complete days ending yesterday: one grouped
    UPDATE for the products that were viewed, one for the rest (0). Returns the rows set from views."""
    first, last = views_window(now)
    viewed = (
        select(ProductView.product_id, func.sum(ProductView.views).label("views"))
        .where(ProductView.day >= first, ProductView.day <= last)
        .group_by(ProductView.product_id)
        .subquery("viewed")
    )
    rec = ListingScoreRecord
    result = session.execute(
        update(rec)
        .where(rec.product_id == viewed.c.product_id)
        .values(views_30d=viewed.c.views, views_through=last)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(rec)
        .where(or_(rec.views_through.is_(None), rec.views_through != last))
        .values(views_30d=0, views_through=last)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def refresh_listing_scores(
    session: Session,
    *,
    now: datetime,
    progress: Callable[[str], None] | None = None,
    chunk: int = CHUNK,
    commit_chunks: bool = False,
) -> int:
    """The nightly job: rescore every product that is due (no row, another rule version, scored more than
    RESCORE_AFTER ago, or updated since), `chunk` products at a time with the market's norms loaded once; then
    refresh every row's 30-day views and delete the rows of deleted products. Returns the products rescored.

    Writes in the caller's transaction; with `commit_chunks` it commits after each chunk instead, so a seller's
    page that rescores one of its rows meanwhile waits for one chunk, not for the whole run (the rows are derived
    data: a run that fails half-way leaves correct rows, and the next run does the rest).
    """

    def say(message: str) -> None:
        log.info("listing scores: %s", message)
        if progress is not None:
            progress(message)

    market = MarketNorms(session)
    total = 0
    after = ""
    _, through = views_window(now)
    while True:
        ids = _due_ids(session, now, after, chunk)
        if not ids:
            break
        scored = score_products(session, DigitalProduct.id.in_(ids), market=market)
        _write(session, [_record(s, now) for s in scored], views=None, through=through)
        total += len(scored)
        after = ids[-1]
        if commit_chunks:
            session.commit()
        say(f"{total:,} listings rescored")
    viewed = refresh_views(session, now=now)
    if commit_chunks:
        session.commit()
    say(f"30-day views refreshed ({viewed:,} listings viewed)")
    gone = session.execute(
        delete(ListingScoreRecord)
        .where(
            ~select(DigitalProduct.id)
            .where(DigitalProduct.id == ListingScoreRecord.product_id, DigitalProduct.deleted_at.is_(None))
            .exists()
        )
        .execution_options(synchronize_session=False)
    )
    say(f"{int(getattr(gone, 'rowcount', 0) or 0):,} rows of deleted products removed")
    return total
