"""The Listing editor's loading and writing: one of the seller's listings opened for editing, a save (with its
`listing_edits` audit row, the price through `core.pricing.apply_price`), a new draft, and the last edits.

Scoping: every function takes `seller_id`; another seller's, a deleted or an unknown product raises
`LookupError("Product not found")` and is never revealed to exist. The score after a save is read back from the
database by `score_seller_listing`, the function Listing health uses, so both pages agree; a save (and a new draft)
also rewrites the product's stored score (`core.listings.persisted.rescore_products`), which the lists read.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.db import utcnow
from core.listings.editor.form import (
    MAX_TITLE_CHARS,
    NOT_FOUND,
    EditableListing,
    ListingDraft,
    ListingForm,
    ListingValidationError,
    SavedEdit,
    changed_fields,
    check_line,
    compare_scores,
    validate_form,
)
from core.listings.persisted import rescore_products
from core.listings.queries import band_for, category_top_tags, score_seller_listing, segment_price_bands
from core.listings.rules import CategoryNorms
from core.models import Category, DigitalProduct, DigitalProductType, ListingEdit, ProductStatus
from core.models.enums import product_type_label
from core.pricing import PriceValidationError, apply_price, check_price_cap, parse_price
from core.text_input import url_key


def _strings(value: object) -> tuple[str, ...]:
    return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else ()


def _own_product(session: Session, *, seller_id: str, product_id: str) -> DigitalProduct:
    key = url_key(product_id, max_chars=64)
    product = (
        session.execute(
            select(DigitalProduct).where(
                DigitalProduct.id == key, DigitalProduct.seller_id == seller_id, DigitalProduct.deleted_at.is_(None)
            )
        ).scalar_one_or_none()
        if key
        else None
    )
    if product is None:
        raise LookupError(NOT_FOUND)
    return product


def _stored(product: DigitalProduct) -> ListingDraft:
    return ListingDraft(
        title=product.title or "",
        description=product.description,
        tags=_strings(product.tags),
        seo_title=product.seo_title,
        seo_description=product.seo_description,
        seo_keywords=_strings(product.seo_keywords),
        featured_image=product.featured_image,
        gallery_images=_strings(product.gallery_images),
        price=product.price,
        status=str(product.status),
    )


def whole_points(score: float) -> int:
    """A score as the audit row stores it: whole points, halves rounded up (64.5 → 65)."""
    return int(Decimal(str(score)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def load_listing(session: Session, *, seller_id: str, product_id: str) -> EditableListing:
    """The seller's product (any status but deleted) with its current score and market data, in four queries."""
    product = _own_product(session, seller_id=seller_id, product_id=product_id)
    category = session.get(Category, product.category_id) if product.category_id else None
    segments = {(str(product.type), None)} | ({(str(product.type), category.id)} if category else set())
    bands = segment_price_bands(session, segments=segments)
    top_tags = category_top_tags(session, category_ids=[category.id]) if category else {}
    norms = CategoryNorms.build(category.name, top_tags.get(category.id, ())) if category else None
    score = score_seller_listing(session, seller_id=seller_id, product_id=product.id).score
    return EditableListing(
        product_id=product.id,
        product_type=str(product.type),
        category_name=category.name if category else None,
        currency=product.currency or "USD",
        stored=_stored(product),
        score=score,
        benchmark=band_for(bands, str(product.type), category.id if category else None),
        norms=norms,
    )


def save_listing(
    session: Session, *, seller_id: str, product_id: str, form: ListingForm, changed_by_user_id: str
) -> SavedEdit:
    """Validate `form`, write the changed fields and one `listing_edits` row (only when something changed), and
    return the score change read back from the database.

    All or nothing, in a savepoint: `ListingValidationError` (every refused field, the price's own rules of
    `apply_price` included) or `LookupError` leaves the product as it was. A changed price goes through
    `core.pricing.apply_price`, which writes its own `price_changes` row. The caller's transaction commits.
    """
    product = _own_product(session, seller_id=seller_id, product_id=product_id)
    before = _stored(product)
    after = validate_form(form, before)
    fields = changed_fields(before, after)
    score_before = score_seller_listing(session, seller_id=seller_id, product_id=product.id).score
    if not fields:
        return SavedEdit(product.id, (), compare_scores(score_before, score_before), None)
    try:
        with session.begin_nested():
            if "price" in fields:
                apply_price(
                    session,
                    seller_id=seller_id,
                    product_id=product.id,
                    new_price=after.price,
                    changed_by_user_id=changed_by_user_id,
                )
            for key in fields:
                if key in ("price", "status"):
                    continue
                value = getattr(after, key)
                setattr(product, key, list(value) if isinstance(value, tuple) else value)
            if "status" in fields:
                product.status = ProductStatus(after.status)
                if product.status == ProductStatus.PUBLISHED and product.published_at is None:
                    product.published_at = utcnow()
            session.flush()
            score_after = score_seller_listing(session, seller_id=seller_id, product_id=product.id).score
            rescore_products(session, [product.id], now=utcnow())  # the stored score the lists read
            old, new = before.record(), after.record()
            edit = ListingEdit(
                product_id=product.id,
                seller_id=seller_id,
                changed_by_user_id=changed_by_user_id,
                changed_fields=list(fields),
                before={k: old[k] for k in fields},
                after={k: new[k] for k in fields},
                score_before=whole_points(score_before.overall),
                score_after=whole_points(score_after.overall),
                created_at=utcnow(),
            )
            session.add(edit)
            session.flush()
    except PriceValidationError as exc:
        raise ListingValidationError({"price": str(exc)}) from exc
    return SavedEdit(product.id, fields, compare_scores(score_before, score_after), edit.id)


def create_draft(
    session: Session,
    *,
    seller_id: str,
    product_type: str,
    title: str,
    price: str,
    changed_by_user_id: str,
    category_id: str | None = None,
) -> SavedEdit:
    """A new DRAFT product of the seller (type, title, price, optional active category) and its audit row
    (`score_before` None). A new product has no segment cap yet: its price is held to the pricing rules'
    `MAX_PRICE_WITHOUT_SEGMENT`; later changes go through the editor's validated price change."""
    errors: dict[str, str] = {}
    kind = product_type if product_type in {t.value for t in DigitalProductType} else None
    if kind is None:
        errors["type"] = "Choose what kind of product it is."
    clean_title, problem = check_line(title, "Title", MAX_TITLE_CHARS, required=True)
    if problem:
        errors["title"] = problem
    amount = None
    try:
        amount = parse_price(price)
        check_price_cap(amount, None)
    except PriceValidationError as exc:
        errors["price"] = str(exc)
    category = None
    if category_id:
        key = url_key(category_id, max_chars=64)
        category = session.get(Category, key) if key else None
        if category is None or not category.is_active:
            errors["category"] = "Choose a category from the list."
    if errors:
        raise ListingValidationError(errors)
    assert kind is not None and clean_title is not None and amount is not None
    with session.begin_nested():
        product = DigitalProduct(
            seller_id=seller_id,
            category_id=category.id if category else None,
            type=DigitalProductType(kind),
            title=clean_title,
            price=amount,
            status=ProductStatus.DRAFT,
            tags=[],
            seo_keywords=[],
            gallery_images=[],
        )
        session.add(product)
        session.flush()
        score = score_seller_listing(session, seller_id=seller_id, product_id=product.id).score
        rescore_products(session, [product.id], now=utcnow())  # the stored score the lists read
        created = {"type": kind, "title": clean_title, "price": str(amount), "status": ProductStatus.DRAFT.value}
        if category:
            created["category"] = category.name
        edit = ListingEdit(
            product_id=product.id,
            seller_id=seller_id,
            changed_by_user_id=changed_by_user_id,
            changed_fields=list(created),
            before={},
            after=created,
            score_before=None,
            score_after=whole_points(score.overall),
            created_at=utcnow(),
        )
        session.add(edit)
        session.flush()
    return SavedEdit(product.id, tuple(created), compare_scores(None, score), edit.id)


def type_choices() -> list[tuple[str, str]]:
    """(value, label) of every product type, for the new-draft form."""
    return [(t.value, product_type_label(t)) for t in DigitalProductType]


@dataclass(frozen=True)
class LastEdit:
    product_id: str
    edited_at: datetime
    score_before: int | None
    score_after: int | None
    changed_fields: tuple[str, ...]


def last_edits(session: Session, *, seller_id: str, product_ids: Iterable[str] | None = None) -> dict[str, LastEdit]:
    """The newest `listing_edits` row of each of the seller's products (of `product_ids` when given), one query."""
    newest = (
        select(ListingEdit.product_id, func.max(ListingEdit.created_at).label("at"))
        .where(ListingEdit.seller_id == seller_id)
        .group_by(ListingEdit.product_id)
    )
    if product_ids is not None:
        newest = newest.where(ListingEdit.product_id.in_(sorted(set(product_ids))))
    latest = newest.subquery()
    rows = session.execute(
        select(ListingEdit)
        .join(latest, (latest.c.product_id == ListingEdit.product_id) & (latest.c.at == ListingEdit.created_at))
        .where(ListingEdit.seller_id == seller_id)
        .order_by(ListingEdit.created_at, ListingEdit.id)
    ).scalars()
    return {
        e.product_id: LastEdit(e.product_id, e.created_at, e.score_before, e.score_after, tuple(e.changed_fields or ()))
        for e in rows
    }
