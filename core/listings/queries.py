"""Loading and bulk scoring of listings: category tag norms, segment price bands, a seller's scored products.

Three queries whatever the number of products (products, tag norms, price bands); the scoring itself is
the pure `core.listings.score.score_listing`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Float,
    Integer,
    Select,
    String,
    case,
    cast,
    func,
    literal,
    null,
    select,
    true,
    type_coerce,
    union_all,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session

from core.ai.cache import input_hash
from core.listings.rules import TOP_TAGS_PER_CATEGORY, CategoryNorms, PriceBand, usable_band
from core.listings.score import SELLER_VIEW_STATUSES, ListingInput, ListingScore, score_listing
from core.market.supply import load_daily, store_daily, supply_day
from core.models import Category, DigitalProduct, ProductStatus


@dataclass(frozen=True)
class ScoredListing:
    listing: ListingInput
    score: ListingScore
    status: str
    category_id: str | None
    seller_id: str = ""
    published_at: datetime | None = None


Segment = tuple[str, str | None]
"""(product type, category id); category None = all categories of the type."""


def _published() -> tuple[ColumnElement[bool], ...]:
    return DigitalProduct.status == ProductStatus.PUBLISHED, DigitalProduct.deleted_at.is_(None)


def category_top_tags(
    session: Session, *, category_ids: Iterable[str], limit: int = TOP_TAGS_PER_CATEGORY
) -> dict[str, tuple[str, ...]]:
    """Each category's `limit` most used tags on published listings, in one query, most used first.

    Tags are trimmed and lower-cased in SQL (SQLite lower-cases ASCII letters only) and counted once per
    product; ties are broken by the tag in binary order ("C" collation on PostgreSQL), so both databases
    pick the same twenty.
    """
    ids = sorted(set(category_ids))
    if not ids:
        return {}
    postgres = session.get_bind().dialect.name == "postgresql"
    if postgres:
        # A JSON null or object in `tags` would make jsonb_array_elements_text raise: expand [] instead.
        is_array = func.jsonb_typeof(DigitalProduct.tags) == "array"
        only_arrays = case((is_array, DigitalProduct.tags), else_=cast(literal("[]"), JSONB))
        element = func.jsonb_array_elements_text(only_arrays).table_valued("value")
    else:
        is_array = func.json_type(DigitalProduct.tags) == "array"
        element = func.json_each(DigitalProduct.tags).table_valued("value")
    tag = func.lower(func.trim(cast(element.c.value, String)))
    counts = (
        select(DigitalProduct.category_id, tag.label("tag"), func.count(DigitalProduct.id.distinct()).label("uses"))
        .select_from(DigitalProduct)
        .join(element, true())
        .where(*_published(), DigitalProduct.category_id.in_(ids), is_array, tag != "")
        .group_by(DigitalProduct.category_id, tag)
        .subquery()
    )
    binary_tag = counts.c.tag.collate("C") if postgres else counts.c.tag
    rank = func.row_number().over(partition_by=counts.c.category_id, order_by=(counts.c.uses.desc(), binary_tag))
    ranked = select(counts.c.category_id, counts.c.tag, rank.label("rank")).subquery()
    rows = session.execute(
        select(ranked.c.category_id, ranked.c.tag).where(ranked.c.rank <= limit).order_by(ranked.c.rank)
    )
    out: dict[str, list[str]] = {}
    for category_id, name in rows:
        out.setdefault(category_id, []).append(name)
    return {k: tuple(v) for k, v in out.items()}


_QUARTILES = (0.25, 0.5, 0.75)


def segment_price_bands(session: Session, *, segments: Iterable[Segment]) -> dict[Segment, PriceBand]:
    """p25 / median / p75 / average / count of published prices per segment, in one aggregate query.

    Percentiles interpolate linearly between the two nearest prices, as PostgreSQL's `percentile_cont`
    does (used there); SQLite gets the same numbers from ROW_NUMBER/COUNT windows. Values are rounded to
    4 decimals, exact for prices in cents. Segments without a published listing are absent.
    """
    wanted = {(str(t), c) for t, c in segments}
    by_category = {(t, c) for t, c in wanted if c is not None}
    whole_types = sorted({t for t, c in wanted if c is None})
    if not wanted:
        return {}
    no_category = cast(null(), String(36))
    sources = []
    if by_category:
        sources.append(
            (
                DigitalProduct.category_id,
                DigitalProduct.type.in_(sorted({t for t, _ in by_category})),
                DigitalProduct.category_id.in_(sorted({c for _, c in by_category})),
            )
        )
    if whole_types:
        sources.append((no_category, DigitalProduct.type.in_(whole_types), true()))
    postgres = session.get_bind().dialect.name == "postgresql"
    price = DigitalProduct.price
    parts = []
    for category, type_filter, category_filter in sources:
        base = select(DigitalProduct.type.label("type"), category.label("category_id"))
        if postgres:
            # Read as floats: typed like `price`, Numeric(12, 2) would round the results to cents.
            quartiles = [type_coerce(func.percentile_cont(q).within_group(price), Float) for q in _QUARTILES]
            average = type_coerce(func.avg(price), Float)
            base = base.add_columns(*quartiles, average, func.count()).group_by(DigitalProduct.type, category)
        else:
            base = base.add_columns(price.label("price"))
        parts.append(base.where(*_published(), type_filter, category_filter))
    statement = union_all(*parts) if len(parts) > 1 else parts[0]
    rows = session.execute(statement if postgres else _sqlite_quartiles(statement)).all()
    bands: dict[Segment, PriceBand] = {}
    for row in rows:
        key = (str(row[0]), row[1])
        if key not in wanted:
            continue
        if postgres:
            p25, median, p75, average, count = row[2:]
        else:
            count, average, pairs = row[-1], row[-2], row[2:-2]
            p25, median, p75 = (
                _interpolate(q, count, pairs[2 * i], pairs[2 * i + 1]) for i, q in enumerate(_QUARTILES)
            )
        bands[key] = PriceBand(
            *(round(float(v), 4) for v in (p25, median, p75, average)),
            sample_size=int(count),
            scope="category" if key[1] is not None else "type",
        )
    return bands


def _sqlite_quartiles(prices: Select[Any] | CompoundSelect[Any]) -> Select[Any]:
    """Per segment: the two prices around each quartile's position (0-based (n − 1) × q), avg, count."""
    seg = prices.subquery("segment_prices")
    window = {"partition_by": (seg.c.type, seg.c.category_id)}
    position = (func.row_number().over(order_by=seg.c.price, **window) - 1).label("position")
    ranked = select(seg, position, func.count().over(**window).label("n")).subquery("ranked")
    columns = []
    for q in _QUARTILES:
        below = cast(q * (ranked.c.n - 1), Integer)  # CAST truncates: the floor of a non-negative position
        columns += [
            func.max(case((ranked.c.position == below, ranked.c.price))),
            func.max(case((ranked.c.position == below + 1, ranked.c.price))),
        ]
    average = type_coerce(func.avg(ranked.c.price), Float)
    return select(ranked.c.type, ranked.c.category_id, *columns, average, func.count()).group_by(
        ranked.c.type, ranked.c.category_id
    )


def _interpolate(q: float, count: int, below: Decimal | float, above: Decimal | float | None) -> float:
    """percentile_cont's linear interpolation between the prices at floor and floor + 1 of (n − 1) × q."""
    position = q * (count - 1)
    low = float(below)
    if above is None:
        return low
    return low + (position - math.floor(position)) * (float(above) - low)


def band_for(bands: dict[Segment, PriceBand], product_type: str, category_id: str | None) -> PriceBand | None:
    """The category's band when it has enough listings, else the product type's all-categories band."""
    own = bands.get((str(product_type), category_id)) if category_id else None
    if own is not None and usable_band(own):
        return own
    whole = bands.get((str(product_type), None))
    return whole if whole is not None and usable_band(whole) else (own or whole)


def _json_list(value: object) -> tuple[str, ...]:
    """The strings of a JSON list column; anything else (null, an object, a lone string) counts as empty."""
    return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else ()


NORMS_TAGS_TASK = "listing-norms-tags"
NORMS_BANDS_TASK = "listing-norms-bands"
NORMS_VERSION = 1


def _dump_band(band: PriceBand | None) -> dict[str, Any]:
    if band is None:  # a segment without a published listing: stored as such, not recounted
        return {"band": None}
    return {"band": [band.p25, band.median, band.p75, band.average, band.sample_size, band.scope]}


def _parse_band(stored: dict[str, Any]) -> PriceBand | None:
    if stored["band"] is None:
        return None
    p25, median, p75, average, size, scope = stored["band"]
    return PriceBand(float(p25), float(median), float(p75), float(average), int(size), str(scope))


class MarketNorms:
    """Category tag norms and segment price bands, loaded once and reused for many sellers in one run.

    Both are market-wide aggregates (every published listing of a category or segment): a job that
    scores seller after seller (the weekly digest) would otherwise recompute them for each seller.
    Without `now`, only for one run: the figures are as of when they were first loaded. With `now`, they are
    also stored in `ai_cache` for `now`'s UTC day (one row per category and per segment), so every later run
    and page that day reads them instead of recounting; the trade-off, as for the other daily market figures
    (`core.market.supply`): a listing published or repriced during the day counts from the next day's norms.
    """

    def __init__(self, session: Session, *, now: datetime | None = None) -> None:
        self._session = session
        self._now = now
        self._tags: dict[str, tuple[str, ...]] = {}
        self._bands: dict[Segment, PriceBand] = {}
        self._bands_loaded: set[Segment] = set()

    def _daily(self, task: str, keys: set[Any], compute: Any, dump: Any, parse: Any) -> dict[Any, Any]:
        """`compute(keys)` ({key: value} for every key), through the day's `ai_cache` rows when `now` was given."""
        if self._now is None:
            return compute(keys)
        day = supply_day(self._now).isoformat()
        hashes = {k: input_hash(task, NORMS_VERSION, {"day": day, "key": k}) for k in keys}
        found = load_daily(self._session, task, sorted(set(hashes.values())), self._now)
        out = {k: parse(found[h]) for k, h in hashes.items() if h in found}
        missing = keys - out.keys()
        if missing:
            fresh = compute(missing)
            store_daily(self._session, task, {hashes[k]: dump(fresh[k]) for k in missing}, self._now)
            out.update(fresh)
        return out

    def _load_tags(self, category_ids: set[str]) -> dict[str, tuple[str, ...]]:
        found = category_top_tags(self._session, category_ids=category_ids)
        return {cid: tuple(found.get(cid, ())) for cid in category_ids}

    def _load_bands(self, segments: set[Segment]) -> dict[Segment, PriceBand | None]:
        found = segment_price_bands(self._session, segments=segments)
        return {seg: found.get(seg) for seg in segments}

    def top_tags(self, category_ids: set[str]) -> dict[str, tuple[str, ...]]:
        missing = category_ids - self._tags.keys()
        if missing:
            self._tags.update(
                self._daily(
                    NORMS_TAGS_TASK, missing, self._load_tags, lambda t: {"tags": list(t)}, lambda r: tuple(r["tags"])
                )
            )
        return {cid: self._tags[cid] for cid in category_ids}

    def bands(self, segments: set[Segment]) -> dict[Segment, PriceBand]:
        missing = segments - self._bands_loaded
        if missing:
            got = self._daily(NORMS_BANDS_TASK, missing, self._load_bands, _dump_band, _parse_band)
            self._bands.update({seg: band for seg, band in got.items() if band is not None})
            self._bands_loaded |= missing
        return {seg: self._bands[seg] for seg in segments if seg in self._bands}


def score_products(
    session: Session, *conditions: ColumnElement[bool], market: MarketNorms | None = None
) -> list[ScoredListing]:
    """Score every non-deleted product matching `conditions` (SQL filters) in three queries.

    Price bands and tag norms are the whole market's, so a seller's page and the admin's lists agree;
    pass `market` to reuse them across calls within one run.
    """
    rows = session.execute(
        select(*DigitalProduct.__table__.c, Category.name.label("category_name"))
        .outerjoin(Category, Category.id == DigitalProduct.category_id)
        .where(DigitalProduct.deleted_at.is_(None), *conditions)
    ).all()
    category_ids = {r.category_id for r in rows if r.category_id}
    segments = {(str(r.type), r.category_id) for r in rows if r.category_id} | {(str(r.type), None) for r in rows}
    if market is None:
        top_tags = category_top_tags(session, category_ids=category_ids)
        bands = segment_price_bands(session, segments=segments)
    else:
        top_tags, bands = market.top_tags(category_ids), market.bands(segments)
    names = {r.category_id: r.category_name for r in rows if r.category_id}
    norms_by_category = {cid: CategoryNorms.build(name, top_tags.get(cid, ())) for cid, name in names.items()}
    scored = []
    for r in rows:
        listing = ListingInput(
            product_id=r.id,
            title=r.title or "",
            description=r.description,
            featured_image=r.featured_image,
            gallery_images=_json_list(r.gallery_images),
            seo_title=r.seo_title,
            seo_description=r.seo_description,
            seo_keywords=_json_list(r.seo_keywords),
            tags=_json_list(r.tags),
            price=r.price,
            category_name=r.category_name,
            product_type=str(r.type),
        )
        norms = norms_by_category.get(r.category_id)
        score = score_listing(listing, benchmark=band_for(bands, r.type, r.category_id), category_norms=norms)
        scored.append(ScoredListing(listing, score, str(r.status), r.category_id, r.seller_id, r.published_at))
    scored.sort(key=lambda s: (s.score.overall, s.listing.title.lower(), s.listing.product_id))
    return scored


def score_seller_listings(
    session: Session,
    *,
    seller_id: str,
    statuses: Sequence[ProductStatus] = SELLER_VIEW_STATUSES,
    market: MarketNorms | None = None,
) -> list[ScoredListing]:
    """Score every non-deleted product of the seller with one of `statuses`, worst score first.

    Three queries in all (products, category tag norms, segment price bands), whatever the count;
    one with a `market` that already holds the norms and bands.
    """
    return score_products(
        session, DigitalProduct.seller_id == seller_id, DigitalProduct.status.in_(statuses), market=market
    )


def score_seller_listing(session: Session, *, seller_id: str, product_id: str) -> ScoredListing:
    """Re-score one product of the seller; LookupError when it is not theirs or does not exist."""
    found = score_products(session, DigitalProduct.seller_id == seller_id, DigitalProduct.id == product_id)
    if not found:
        raise LookupError(f"product {product_id} not found for this seller")
    return found[0]
