"""The Listing editor: load one of the seller's listings, validate a draft field by field, preview its score per
dimension, save it (one `listing_edits` audit row when something changed; the price through
`core.pricing.apply_price`, with its own `price_changes` row), and create a new draft.

The face of the package: `form` is pure (validation, preview, comparison), `store` loads and writes."""

from __future__ import annotations

from core.listings.editor.form import (
    EDITABLE_FIELDS,
    FIELD_LABELS,
    MAX_GALLERY_IMAGES,
    MAX_TERMS,
    NOT_FOUND,
    DimensionChange,
    EditableListing,
    ListingDraft,
    ListingForm,
    ListingValidationError,
    SavedEdit,
    ScoreChange,
    changed_fields,
    check_form,
    compare_scores,
    draft_score,
    preview,
    validate_form,
    weakest_dimension,
)
from core.listings.editor.store import LastEdit, create_draft, last_edits, load_listing, save_listing, type_choices

__all__ = [
    "EDITABLE_FIELDS",
    "FIELD_LABELS",
    "MAX_GALLERY_IMAGES",
    "MAX_TERMS",
    "NOT_FOUND",
    "DimensionChange",
    "EditableListing",
    "LastEdit",
    "ListingDraft",
    "ListingForm",
    "ListingValidationError",
    "SavedEdit",
    "ScoreChange",
    "changed_fields",
    "check_form",
    "compare_scores",
    "create_draft",
    "draft_score",
    "last_edits",
    "load_listing",
    "preview",
    "save_listing",
    "type_choices",
    "validate_form",
    "weakest_dimension",
]
