"""Persisted listing scores (`core.listings.persisted`) on SQLite and PostgreSQL: the stored rows equal the live
scoring (`score_products`) on hand-built and on random factory data; triggers (editor save, new draft, apply price)
rewrite a product's row; the nightly refresh rescores what is stale (age, product edits, a rule-version change),
refreshes the 30-day views and drops deleted products; readers are scoped to their seller; the low-quality list
paginates and filters in SQL. NOW = 2026-11-21 15:00 UTC (views window: Oct 22 – Nov 20)."""

from __future__ import annotations

import dataclasses
import random
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

import core.listings.persisted as persisted
from core.listings.editor import ListingForm, create_draft, load_listing, save_listing, weakest_dimension
from core.listings.low_quality import low_quality_listings, low_quality_page, low_quality_sellers
from core.listings.persisted import refresh_listing_scores, rescore_products, weakest_dimensions
from core.listings.queries import ScoredListing, score_products, score_seller_listings
from core.listings.stored_reads import current_scores, seller_listing_scores
from core.models import DigitalProduct, DigitalProductType, ListingScoreRecord, ProductStatus, ProductView
from core.pricing import apply_price
from tests.conftest import NOW
from tests.factories import add_views, make_category, make_product, make_seller

WORDS = ["budget", "planner", "weekly", "printable", "notion", "template", "kids", "story", "ebook", "guide"]
TYPES = [DigitalProductType.PLANNER, DigitalProductType.EBOOK, DigitalProductType.WEB_TEMPLATE]
STATUSES = [ProductStatus.PUBLISHED] * 4 + [ProductStatus.DRAFT, ProductStatus.ARCHIVED]


def random_world(session: Session, seed: int) -> dict[str, object]:
    """Three sellers, three categories (and uncategorised products), 45 products of random completeness, prices
    and statuses, three of them deleted, with random views inside and outside the 30-day window."""
    r = random.Random(seed)
    sellers = [make_seller(session, name=f"Seller {i}") for i in range(3)]
    categories = [make_category(session, name=name) for name in ("Planners", "Kids stories", "Templates")]
    products = []
    for i in range(45):
        words = r.sample(WORDS, r.randint(1, 6))
        fields: dict[str, object] = {
            "description": "\n\n".join(" ".join(r.choices(WORDS, k=r.randint(5, 120))) for _ in range(r.randint(0, 3)))
            or None,
            "tags": r.sample(WORDS, r.randint(0, 5)),
            "seo_keywords": r.sample(WORDS, r.randint(0, 4)),
            "gallery_images": [f"https://img.example/{i}-{k}.png" for k in range(r.randint(0, 4))],
        }
        if r.random() < 0.6:
            fields["featured_image"] = f"https://img.example/{i}.png"
        if r.random() < 0.5:
            fields["seo_title"] = " ".join(words)
        product = make_product(
            session,
            seller=r.choice(sellers),
            category=r.choice([*categories, None]),
            type=r.choice(TYPES),
            price=f"{r.randint(300, 6000) / 100:.2f}",
            title=" ".join(words).title() if r.random() < 0.8 else " ".join(words).upper(),
            status=r.choice(STATUSES),
            **fields,
        )
        for back in r.sample(range(41), r.randint(0, 3)):  # distinct days: (product, day) is unique
            add_views(session, product=product, day=NOW.date() - timedelta(days=back), views=r.randint(1, 50))
        products.append(product)
    for product in products[:3]:
        product.deleted_at = NOW
    session.flush()
    return {"sellers": sellers, "products": products}


def expected_views(session: Session, product_id: str) -> int:
    """Views of Oct 22 – Nov 20 (the 30 complete days before NOW's day), summed by hand in Python."""
    rows = session.scalars(select(ProductView).where(ProductView.product_id == product_id)).all()
    return sum(v.views for v in rows if date(2026, 10, 22) <= v.day <= date(2026, 11, 20))


def as_tuple(s: ScoredListing) -> tuple[object, ...]:
    return (
        s.listing.product_id,
        s.score.overall,
        tuple(d.points for d in s.score.dimensions),
        tuple(w.key for w in weakest_dimensions(s.score)),
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_stored_scores_equal_the_live_scoring(session: Session, seed: int) -> None:
    w = random_world(session, seed)
    written = refresh_listing_scores(session, now=NOW)
    assert written == 42  # 45 products, 3 deleted
    for seller in w["sellers"]:
        live = score_seller_listings(session, seller_id=seller.id)
        stored = seller_listing_scores(session, seller_id=seller.id, now=NOW)
        assert [(s.product_id, s.overall, tuple(d.points for d in s.dimensions), s.weakest_keys) for s in stored] == [
            as_tuple(s) for s in live
        ]
        assert all(s.seller_id == seller.id for s in stored)
        # "Fix now" from the stored row opens the editor where the live score says the most points are to win.
        assert [g[0] if (g := s.biggest_gap()) else None for s in stored] == [weakest_dimension(s.score) for s in live]
        assert [s.band for s in stored] == [s.score.band for s in live]
        assert [s.views_30d for s in stored] == [expected_views(session, s.product_id) for s in stored]
    # The low-quality list: published, under the threshold, worst first, most viewed first, then title and id.
    live_published = score_products(session, DigitalProduct.status == ProductStatus.PUBLISHED)
    views = {s.listing.product_id: expected_views(session, s.listing.product_id) for s in live_published}
    for threshold in (30.0, 50.0, 100.0):
        expected = sorted(
            (s for s in live_published if s.score.overall < threshold),
            key=lambda s: (
                s.score.overall,
                -views[s.listing.product_id],
                s.listing.title.lower(),
                s.listing.product_id,
            ),
        )
        rows = low_quality_listings(session, threshold=threshold, now=NOW)
        assert [(r.product_id, r.score, r.views_30d) for r in rows] == [
            (s.listing.product_id, s.score.overall, views[s.listing.product_id]) for s in expected
        ]
        assert [tuple(d.key for d in r.weakest) for r in rows] == [
            tuple(d.key for d in weakest_dimensions(s.score)) for s in expected
        ]


def test_pages_filters_and_counts(session: Session) -> None:
    w = random_world(session, 4)
    refresh_listing_scores(session, now=NOW)
    every = low_quality_listings(session, threshold=100, now=NOW)
    published = [p for p in w["products"][3:] if p.status == ProductStatus.PUBLISHED]
    assert len(every) == len(published)
    pages = [low_quality_page(session, threshold=100, now=NOW, page=n, page_size=7) for n in (1, 2, 3, 4, 5, 6)]
    assert [r.product_id for p in pages for r in p.rows] == [r.product_id for r in every]
    assert {p.total for p in pages} == {len(every)} and pages[0].pages == -(-len(every) // 7)
    assert pages[0].scored_as_of == NOW
    seller = w["sellers"][1]
    mine = low_quality_page(session, threshold=100, seller_id=seller.id, now=NOW)
    assert [r.product_id for r in mine.rows] == [r.product_id for r in every if r.seller_id == seller.id]
    assert mine.total == sum(1 for p in published if p.seller_id == seller.id)
    kind = DigitalProductType.EBOOK.value
    assert [r.product_id for r in low_quality_listings(session, threshold=100, product_type=kind, now=NOW)] == [
        r.product_id for r in every if r.product_type == kind
    ]
    counts: dict[str, int] = {}
    for r in every:
        counts[r.seller_id] = counts.get(r.seller_id, 0) + 1
    assert {sid: n for sid, _, n in low_quality_sellers(session, threshold=100)} == counts
    assert low_quality_page(session, threshold=100, now=NOW, page=99).rows == []


def test_a_seller_reader_never_shows_another_sellers_rows(session: Session) -> None:
    w = random_world(session, 5)
    refresh_listing_scores(session, now=NOW)
    a, b = w["sellers"][0], w["sellers"][1]
    theirs = {p.id for p in w["products"] if p.seller_id == b.id}
    mine = seller_listing_scores(session, seller_id=a.id, now=NOW)
    assert mine and not {s.product_id for s in mine} & theirs
    # A stored row that claims the wrong seller (it cannot happen through the writers) is still not shown to A.
    stolen = next(iter(theirs))
    session.execute(update(ListingScoreRecord).where(ListingScoreRecord.product_id == stolen).values(seller_id=a.id))
    assert stolen not in {s.product_id for s in seller_listing_scores(session, seller_id=a.id, now=NOW)}


def _row(session: Session, product_id: str) -> ListingScoreRecord | None:
    session.expire_all()
    return session.get(ListingScoreRecord, product_id)


def test_refresh_rescores_only_what_is_stale_and_drops_deleted(session: Session) -> None:
    seller = make_seller(session)
    old = NOW - timedelta(days=3)
    kept, edited, aged, doomed = (make_product(session, seller=seller, title=f"P {i}") for i in range(4))
    for p in (kept, edited, aged, doomed):
        p.updated_at = old
    session.flush()
    assert refresh_listing_scores(session, now=NOW - timedelta(hours=2)) == 4
    # edited: the product changed after its score; aged: scored 2 days ago; doomed: deleted.
    session.execute(update(DigitalProduct).where(DigitalProduct.id == edited.id).values(updated_at=NOW))
    session.execute(
        update(ListingScoreRecord)
        .where(ListingScoreRecord.product_id == aged.id)
        .values(scored_at=NOW - timedelta(days=2))
    )
    session.execute(update(DigitalProduct).where(DigitalProduct.id == doomed.id).values(deleted_at=NOW))
    messages: list[str] = []
    assert refresh_listing_scores(session, now=NOW + timedelta(minutes=1), progress=messages.append) == 2
    assert _row(session, kept.id).scored_at == NOW - timedelta(hours=2)  # fresh: left alone
    assert _row(session, edited.id).scored_at == NOW + timedelta(minutes=1)
    assert _row(session, aged.id).scored_at == NOW + timedelta(minutes=1)
    assert _row(session, doomed.id) is None
    assert messages[0] == "2 listings rescored" and messages[-1] == "1 rows of deleted products removed"


def test_a_rule_version_change_rescores_everything(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    seller = make_seller(session)
    products = [make_product(session, seller=seller, title=f"Listing {i}", updated_at=NOW) for i in range(3)]
    refresh_listing_scores(session, now=NOW)
    assert len(low_quality_listings(session, threshold=100, now=NOW)) == 3
    monkeypatch.setattr(persisted, "RULE_VERSION", persisted.RULE_VERSION + 1)
    # Rows of the old version are treated as missing: the admin list leaves them out until rescored …
    assert low_quality_listings(session, threshold=100, now=NOW) == []
    # … the seller's reader rescores them on the fly …
    assert len(seller_listing_scores(session, seller_id=seller.id, now=NOW)) == 3
    assert {_row(session, p.id).rule_version for p in products} == {persisted.RULE_VERSION}
    # … and the nightly refresh rescores every one (the rows are fresh now, so reset one to the old version).
    session.execute(
        update(ListingScoreRecord)
        .where(ListingScoreRecord.product_id == products[0].id)
        .values(rule_version=persisted.RULE_VERSION - 1)
    )
    assert refresh_listing_scores(session, now=NOW) == 1
    assert len(low_quality_listings(session, threshold=100, now=NOW)) == 3


def test_views_are_the_30_complete_days_before_today(session: Session) -> None:
    seller = make_seller(session)
    p = make_product(session, seller=seller)
    add_views(session, product=p, day=date(2026, 11, 20), views=10)
    add_views(session, product=p, day=date(2026, 10, 22), views=5)
    add_views(session, product=p, day=date(2026, 10, 21), views=100)  # 31 days ago: outside
    add_views(session, product=p, day=date(2026, 11, 21), views=100)  # today: still being counted
    rescore_products(session, [p.id], now=NOW)
    assert (_row(session, p.id).views_30d, _row(session, p.id).views_through) == (15, date(2026, 11, 20))
    refresh_listing_scores(session, now=NOW + timedelta(days=1))  # a day later: Oct 23 – Nov 21
    assert (_row(session, p.id).views_30d, _row(session, p.id).views_through) == (110, date(2026, 11, 21))
    refresh_listing_scores(session, now=NOW + timedelta(days=60))  # nothing in the window any more
    assert _row(session, p.id).views_30d == 0


def test_rescore_products_skips_unknown_and_removes_deleted(session: Session) -> None:
    seller = make_seller(session)
    p, q = make_product(session, seller=seller), make_product(session, seller=seller)
    assert rescore_products(session, [p.id, q.id, "no-such-product"], now=NOW) == 2
    q.deleted_at = NOW
    session.flush()
    assert rescore_products(session, [p.id, q.id], now=NOW) == 1
    assert _row(session, q.id) is None and _row(session, p.id) is not None
    assert set(current_scores(session, [p.id, q.id], now=NOW)) == {p.id}


# --------------------------------------------------------------------------- triggers


def test_an_editor_save_and_a_new_draft_store_the_new_score(session: Session) -> None:
    seller = make_seller(session)
    product = make_product(session, seller=seller, title="x")
    refresh_listing_scores(session, now=NOW)
    before = _row(session, product.id).overall
    stored = load_listing(session, seller_id=seller.id, product_id=product.id).stored
    form = ListingForm.of(stored)
    form = dataclasses.replace(form, featured_image="https://img.example/cover.png")
    save_listing(session, seller_id=seller.id, product_id=product.id, form=form, changed_by_user_id=seller.user_id)
    row = _row(session, product.id)
    assert row.overall == before + 8  # the featured image's 8 points (rules.FEATURED_IMAGE_POINTS)
    assert row.image_quality == 8.0
    live = score_seller_listings(session, seller_id=seller.id)
    assert [(s.listing.product_id, s.score.overall) for s in live] == [(product.id, row.overall)]

    draft = create_draft(
        session, seller_id=seller.id, product_type="EBOOK", title="A new e-book", price="9.00",
        changed_by_user_id=seller.user_id,
    )  # fmt: skip
    assert (
        _row(session, draft.product_id).overall
        == score_seller_listings(session, seller_id=seller.id, statuses=[ProductStatus.DRAFT])[0].score.overall
    )


def test_an_applied_price_is_rescored_before_a_seller_sees_it(session: Session) -> None:
    """Planners at 10, 12, 14, 16, 18, 20 and 50 (p25 13, p75 19): the one at 50 is past 2 × p75 = 38, 0 pricing
    points; moved to 15 (now p25 13, p75 17), inside the band, it gets the full 15.

    `apply_price` writes the product (its `updated_at` moves past the row's `scored_at`), so the seller's reader
    rescores it at once; the pricing tool also calls `rescore_products` right after (see the report), and the
    nightly job would otherwise."""
    seller = make_seller(session)
    planners = make_category(session, name="Planners")
    for price in ("10", "12", "14", "16", "18", "20"):
        make_product(session, seller=seller, category=planners, type=DigitalProductType.PLANNER, price=price)
    odd = make_product(session, seller=seller, category=planners, type=DigitalProductType.PLANNER, price="50")
    rescore_products(session, [odd.id], now=NOW)
    assert _row(session, odd.id).pricing_competitiveness == 0.0
    apply_price(
        session, seller_id=seller.id, product_id=odd.id, new_price=Decimal("15.00"), changed_by_user_id=seller.user_id
    )
    later = max(NOW, session.get(DigitalProduct, odd.id).updated_at) + timedelta(seconds=1)
    [stored] = [s for s in seller_listing_scores(session, seller_id=seller.id, now=later) if s.product_id == odd.id]
    assert stored.dimension_points("pricing_competitiveness") == 15.0
    assert _row(session, odd.id).pricing_competitiveness == 15.0
    rescore_products(session, [odd.id], now=later)  # the pricing tool's trigger: the same row
    assert _row(session, odd.id).pricing_competitiveness == 15.0


def test_unpublishing_in_the_editor_takes_the_listing_off_the_admin_list(session: Session) -> None:
    """The list filters on the status stored with the score: the editor's save rescores, so it moves at once."""
    seller = make_seller(session)
    product = make_product(session, seller=seller, title="x")
    refresh_listing_scores(session, now=NOW)
    assert [r.product_id for r in low_quality_listings(session, now=NOW)] == [product.id]
    form = dataclasses.replace(ListingForm.of(load_listing(session, seller_id=seller.id, product_id=product.id).stored))
    form = dataclasses.replace(form, status=ProductStatus.DRAFT.value)
    save_listing(session, seller_id=seller.id, product_id=product.id, form=form, changed_by_user_id=seller.user_id)
    assert _row(session, product.id).status == ProductStatus.DRAFT.value
    assert low_quality_listings(session, now=NOW) == []
    assert low_quality_page(session, now=NOW).total == 0
