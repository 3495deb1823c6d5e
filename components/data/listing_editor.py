"""The Listing editor's reads and writes: one listing opened for editing (cached per product until a save), the
categories a new draft may use, each listing's last edit, a save, a new draft. A write forgets every cached read
that shows listings, their scores, prices or product counts."""

from __future__ import annotations

from components.data import cached, forget_seller
from core.db import session_scope
from core.listings import (
    EditableListing,
    LastEdit,
    ListingForm,
    SavedEdit,
    create_draft,
    last_edits,
    load_listing,
    save_listing,
)
from core.sellers import category_choices

# Opening a listing costs four queries; a save forgets it at once, so ten minutes only spares reruns.
LISTING_TTL_SECONDS = 600
CATEGORIES_TTL_SECONDS = 600
EDITS_TTL_SECONDS = 600

# Every topic whose reads show a listing, its score, its price or the number of live products.
STALE_AFTER_EDIT = ("listings", "pricing", "sales", "goals", "insights", "market", "sellers")


@cached("listings", ttl=LISTING_TTL_SECONDS, show_spinner="Opening the listing…")
def editable_listing(seller_id: str, product_id: str) -> EditableListing:
    """The seller's listing with its score and market data; LookupError("Product not found") when not theirs."""
    with session_scope() as session:
        return load_listing(session, seller_id=seller_id, product_id=product_id)


@cached("listings", ttl=CATEGORIES_TTL_SECONDS)
def categories() -> list[tuple[str, str]]:
    """(id, name) of every active category, by name (the new-draft form's choice)."""
    with session_scope() as session:
        return category_choices(session)


@cached("listings", ttl=EDITS_TTL_SECONDS)
def recent_edits(seller_id: str) -> dict[str, LastEdit]:
    """Each of the seller's listings' last save in the editor (Listing health shows the change it made)."""
    with session_scope() as session:
        return last_edits(session, seller_id=seller_id)


def save(*, seller_id: str, user_id: str, product_id: str, form: ListingForm) -> SavedEdit:
    """One transaction: the product, its audit row (and a price change's own row); then forget what it made stale.

    Raises `ListingValidationError` (messages per field) or `LookupError`; nothing is written then.
    """
    with session_scope() as session:
        saved = save_listing(session, seller_id=seller_id, product_id=product_id, form=form, changed_by_user_id=user_id)
    if saved.changed_fields:
        forget_seller(seller_id, *STALE_AFTER_EDIT)
    return saved


def new_draft(
    *, seller_id: str, user_id: str, product_type: str, title: str, price: str, category_id: str | None
) -> SavedEdit:
    """Create a DRAFT product of the seller (its audit row too) and forget what lists the seller's products."""
    with session_scope() as session:
        created = create_draft(
            session,
            seller_id=seller_id,
            product_type=product_type,
            title=title,
            price=price,
            category_id=category_id,
            changed_by_user_id=user_id,
        )
    forget_seller(seller_id, *STALE_AFTER_EDIT)
    return created
