"""The Listing editor's pure part: the form as typed, its validation (one message per field), the draft's score
preview per dimension and the before/after comparison. No database, no clock.

Rules: titles and tags follow `core.text_input`'s name rules, descriptions its prose rules; image addresses must
be absolute https URLs (at most `MAX_GALLERY_IMAGES` in the gallery); the price follows `core.pricing.parse_price`
(its segment cap is checked on save, by `core.pricing.apply_price`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

from core.html_safety import is_https_url
from core.listings.rules import CategoryNorms, PriceBand, format_points
from core.listings.score import ListingInput, ListingScore, score_listing
from core.models import ProductStatus
from core.pricing import PriceValidationError, parse_price
from core.text_input import NAME, PROSE, text_problem

NOT_FOUND = "Product not found"
MAX_TITLE_CHARS = 200
MAX_DESCRIPTION_CHARS = 20_000
MAX_SEO_TITLE_CHARS = 120
MAX_SEO_DESCRIPTION_CHARS = 320
MAX_TERMS = 20  # tags, and SEO keywords
MAX_TERM_CHARS = 50
MAX_GALLERY_IMAGES = 12
MAX_URL_CHARS = 500  # the column's size
EDITABLE_FIELDS = (
    "title",
    "description",
    "tags",
    "seo_title",
    "seo_description",
    "seo_keywords",
    "featured_image",
    "gallery_images",
    "price",
    "status",
)
"""What the editor changes, in form order; the audit row's `changed_fields` lists a subset, in this order."""
FIELD_LABELS = {
    "title": "Title",
    "description": "Description",
    "tags": "Tags",
    "seo_title": "SEO title",
    "seo_description": "SEO description",
    "seo_keywords": "SEO keywords",
    "featured_image": "Featured image",
    "gallery_images": "Gallery images",
    "price": "Price",
    "status": "Status",
    "type": "Type",
    "category": "Category",
}


class ListingValidationError(ValueError):
    """A draft that cannot be saved; `errors` maps a form field to the message shown next to it."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__(" ".join(errors.values()))
        self.errors = dict(errors)


@dataclass(frozen=True)
class ListingDraft:
    """A listing's editable values, validated (or as stored)."""

    title: str
    description: str | None
    tags: tuple[str, ...]
    seo_title: str | None
    seo_description: str | None
    seo_keywords: tuple[str, ...]
    featured_image: str | None
    gallery_images: tuple[str, ...]
    price: Decimal
    status: str

    def record(self) -> dict[str, Any]:
        """The values as JSON (the audit row): lists for sequences, the price as "19.00"."""
        out = asdict(self)
        for key in ("tags", "seo_keywords", "gallery_images"):
            out[key] = list(out[key])
        out["price"] = str(self.price)
        return out


@dataclass(frozen=True)
class ListingForm:
    """What the seller typed: text as typed; tags and SEO keywords comma-separated, gallery one URL a line."""

    title: str = ""
    description: str = ""
    tags: str = ""
    seo_title: str = ""
    seo_description: str = ""
    seo_keywords: str = ""
    featured_image: str = ""
    gallery_images: str = ""
    price: str = ""
    status: str = ProductStatus.DRAFT.value

    @classmethod
    def of(cls, draft: ListingDraft) -> ListingForm:
        return cls(
            title=draft.title,
            description=draft.description or "",
            tags=", ".join(draft.tags),
            seo_title=draft.seo_title or "",
            seo_description=draft.seo_description or "",
            seo_keywords=", ".join(draft.seo_keywords),
            featured_image=draft.featured_image or "",
            gallery_images="\n".join(draft.gallery_images),
            price=str(draft.price),
            status=draft.status,
        )


@dataclass(frozen=True)
class EditableListing:
    """One listing opened in the editor: its stored values, current score and the market data the score reads."""

    product_id: str
    product_type: str
    category_name: str | None
    currency: str
    stored: ListingDraft
    score: ListingScore
    benchmark: PriceBand | None
    norms: CategoryNorms | None


@dataclass(frozen=True)
class DimensionChange:
    key: str
    label: str
    before: float
    after: float
    max_points: float

    @property
    def delta(self) -> float:
        return round(self.after - self.before, 1)


@dataclass(frozen=True)
class ScoreChange:
    """A listing's score before and after an edit, overall and per dimension (`before` None: a new product)."""

    before: float | None
    after: float
    dimensions: tuple[DimensionChange, ...]

    @property
    def delta(self) -> float:
        return round(self.after - (self.before or 0.0), 1)

    def summary(self) -> str:
        """ "Score 54 → 78 (+24): Title quality +6, Description completeness +18" (changed dimensions only)."""
        if self.before is None:
            return f"Score {format_points(self.after)}"
        head = f"Score {format_points(self.before)} → {format_points(self.after)} ({_signed(self.delta)})"
        moved = [f"{d.label} {_signed(d.delta)}" for d in self.dimensions if d.delta]
        return head + (": " + ", ".join(moved) if moved else "")


@dataclass(frozen=True)
class SavedEdit:
    product_id: str
    changed_fields: tuple[str, ...]
    change: ScoreChange
    edit_id: str | None  # None when nothing changed (no audit row)


def _signed(value: float) -> str:
    return ("+" if value > 0 else "−" if value < 0 else "±") + format_points(abs(value))


def compare_scores(before: ListingScore | None, after: ListingScore) -> ScoreChange:
    """Per dimension (the page's order): points before (0 for a new product) and after."""
    old = {d.key: d.points for d in before.dimensions} if before else {}
    dims = tuple(DimensionChange(d.key, d.label, old.get(d.key, 0.0), d.points, d.max_points) for d in after.dimensions)
    return ScoreChange(None if before is None else before.overall, after.overall, dims)


def weakest_dimension(score: ListingScore) -> str | None:
    """The key of the dimension with the most points the seller can still win (ties: the page's order); None when
    nothing is left to win. This is where "Fix now" opens the editor."""
    best = max(score.dimensions, key=lambda d: d.actionable_gap, default=None)  # max keeps the first of equals
    return None if best is None or best.actionable_gap <= 0 else best.key


# ---------------------------------------------------------------- validation (pure)


def _split_terms(value: str | Iterable[str]) -> list[str]:
    items = value.split(",") if isinstance(value, str) else list(value)
    return [" ".join(str(t).split()) for t in items if str(t).strip()]


def _terms(value: str | Iterable[str], label: str) -> tuple[tuple[str, ...], str | None]:
    """Comma-separated words, trimmed, duplicates (ignoring case) dropped; the first problem as a message."""
    raw = value if isinstance(value, str) else ", ".join(map(str, value))
    problem = text_problem(raw, label=label, kind=NAME)
    if problem:
        return (), problem
    seen: dict[str, str] = {}
    for term in _split_terms(value):
        seen.setdefault(term.casefold(), term)
    terms = tuple(seen.values())
    if len(terms) > MAX_TERMS:
        return (), f"{label}: at most {MAX_TERMS} (you entered {len(terms)})."
    long = next((t for t in terms if len(t) > MAX_TERM_CHARS), None)
    if long is not None:
        return (), f"{label}: each at most {MAX_TERM_CHARS} characters (“{long[:20]}…” has {len(long)})."
    return terms, None


def check_line(value: str, label: str, limit: int, *, required: bool = False) -> tuple[str | None, str | None]:
    problem = text_problem(value, label=label, kind=NAME)
    if problem:
        return None, problem
    text = " ".join((value or "").split())
    if required and not text:
        return None, f"Enter a {label.lower()}."
    if len(text) > limit:
        return None, f"{label} can be at most {limit} characters (this one has {len(text)})."
    return text or None, None


def _image(url: str, label: str) -> str | None:
    if len(url) > MAX_URL_CHARS:
        return f"{label} is longer than {MAX_URL_CHARS} characters."
    if not is_https_url(url):
        return f"{label} must be a full https:// address (like https://images.example.com/cover.jpg)."
    return None


def _gallery(value: str | Iterable[str]) -> tuple[tuple[str, ...], str | None]:
    lines = value.splitlines() if isinstance(value, str) else list(value)
    urls = list(dict.fromkeys(u.strip() for u in lines if u and u.strip()))  # a repeated address counts once
    if len(urls) > MAX_GALLERY_IMAGES:
        return (), f"At most {MAX_GALLERY_IMAGES} gallery images (you entered {len(urls)})."
    for n, url in enumerate(urls, start=1):
        problem = _image(url, f"Gallery image {n}")
        if problem:
            return (), problem
    return tuple(urls), None


def check_form(form: ListingForm, fallback: ListingDraft) -> tuple[ListingDraft, dict[str, str]]:
    """The draft `form` describes and {field: message} for each refused field; a refused field keeps its
    `fallback` value in the draft (so a preview still scores the rest). Pure."""
    checked: dict[str, tuple[Any, str | None]] = {
        "title": check_line(form.title, "Title", MAX_TITLE_CHARS, required=True),
        "description": _prose(form.description, "Description", MAX_DESCRIPTION_CHARS),
        "tags": _terms(form.tags, "Tags"),
        "seo_title": check_line(form.seo_title, "SEO title", MAX_SEO_TITLE_CHARS),
        "seo_description": _prose(form.seo_description, "SEO description", MAX_SEO_DESCRIPTION_CHARS),
        "seo_keywords": _terms(form.seo_keywords, "SEO keywords"),
        "featured_image": _featured(form.featured_image),
        "gallery_images": _gallery(form.gallery_images),
        "price": _price(form.price),
        "status": (form.status, None)
        if form.status in {s.value for s in ProductStatus}
        else (None, "Choose Draft, Published or Archived."),
    }
    errors = {key: problem for key, (_, problem) in checked.items() if problem}
    kept = {key: (getattr(fallback, key) if key in errors else value) for key, (value, _) in checked.items()}
    return ListingDraft(**kept), errors


def _prose(value: str, label: str, limit: int) -> tuple[str | None, str | None]:
    problem = text_problem(value, label=label, kind=PROSE)
    if problem:
        return None, problem
    text = (value or "").strip()
    if len(text) > limit:
        return None, f"{label} can be at most {limit:,} characters (this one has {len(text):,})."
    return text or None, None


def _featured(value: str) -> tuple[str | None, str | None]:
    url = (value or "").strip()
    return (url or None), (_image(url, "The featured image") if url else None)


def _price(value: str) -> tuple[Decimal | None, str | None]:
    try:
        return parse_price(value), None
    except PriceValidationError as exc:
        return None, str(exc)


def validate_form(form: ListingForm, fallback: ListingDraft) -> ListingDraft:
    """The draft, or `ListingValidationError` naming every refused field."""
    draft, errors = check_form(form, fallback)
    if errors:
        raise ListingValidationError(errors)
    return draft


def changed_fields(before: ListingDraft, after: ListingDraft) -> tuple[str, ...]:
    return tuple(k for k in EDITABLE_FIELDS if getattr(before, k) != getattr(after, k))


def draft_score(listing: EditableListing, draft: ListingDraft) -> ListingScore:
    """The draft scored with the market data loaded with the listing (pure)."""
    return score_listing(
        _input(listing.product_id, draft, listing), benchmark=listing.benchmark, category_norms=listing.norms
    )


def preview(listing: EditableListing, draft: ListingDraft) -> ScoreChange:
    """`draft_score` against the stored listing's score, per dimension.

    The saved score is read back from the database and can differ by the listing's own weight in its segment's
    price band when a published listing's price changes.
    """
    return compare_scores(listing.score, draft_score(listing, draft))


def _input(product_id: str, draft: ListingDraft, listing: EditableListing) -> ListingInput:
    return ListingInput(
        product_id=product_id,
        title=draft.title,
        description=draft.description,
        featured_image=draft.featured_image,
        gallery_images=draft.gallery_images,
        seo_title=draft.seo_title,
        seo_description=draft.seo_description,
        seo_keywords=draft.seo_keywords,
        tags=draft.tags,
        price=draft.price,
        category_name=listing.category_name,
        product_type=listing.product_type,
    )
