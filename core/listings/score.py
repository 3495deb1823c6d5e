"""Listing health: the 0–100 listing score of seed 000 step 2c and its offline suggestions (pure, no database).

`score_listing` is pure: it adds up the checks of `core.listings.rules` (where every rule is a
documented constant) into six dimensions. Points are floats rounded to one decimal; the overall score
is the sum of the six dimension scores. Loading and bulk scoring live in `core.listings.queries`; stored scores
in `core.listings.persisted` (a change here that changes a score must bump its RULE_VERSION).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from core.listings.rules import (
    BAND_GREEN_ABOVE,
    BAND_RED_BELOW,
    DESCRIPTION_TARGET_LIST_ITEMS,
    DESCRIPTION_TARGET_PARAGRAPHS,
    DESCRIPTION_TARGET_WORDS,
    GALLERY_TARGET_IMAGES,
    SEO_TARGET_KEYWORDS,
    TAG_TARGET_COUNT,
    TITLE_MAX_CHARS,
    TITLE_MIN_CHARS,
    CategoryNorms,
    Check,
    CheckStatus,
    PriceBand,
    description_checks,
    image_checks,
    matching_tags,
    plural,
    pricing_checks,
    seo_checks,
    suggested_tags,
    tag_checks,
    title_checks,
)
from core.listings.text import (
    DescriptionStats,
    TitleStats,
    analyse_description,
    analyse_title,
    distinct_non_blank,
    is_set,
    normalize_terms,
)
from core.models import ProductStatus

__all__ = [
    "DIMENSIONS",
    "CategoryNorms",
    "Check",
    "CheckStatus",
    "DimensionScore",
    "ListingFacts",
    "ListingInput",
    "ListingScore",
    "PriceBand",
    "Suggestion",
    "listing_suggestions_offline",
    "portfolio_score",
    "score_listing",
]

DIMENSIONS: tuple[tuple[str, str, float], ...] = (
    ("title_quality", "Title quality", 15.0),
    ("description_completeness", "Description completeness", 25.0),
    ("image_quality", "Image quality", 20.0),
    ("seo_optimization", "SEO", 15.0),
    ("pricing_competitiveness", "Pricing competitiveness", 15.0),
    ("tag_relevance", "Tag relevance", 10.0),
)
"""(key, label, maximum points) of the six dimensions, in the order the page shows them; maxima sum to 100."""

SELLER_VIEW_STATUSES = (ProductStatus.PUBLISHED, ProductStatus.DRAFT)
"""A seller's listing health covers published listings and drafts (fix a draft before it goes live);
archived and deleted products are left out."""


@dataclass(frozen=True)
class ListingInput:
    """What the score reads of one product. Sequences may be lists or tuples; None means "not set"."""

    product_id: str
    title: str = ""
    description: str | None = None
    featured_image: str | None = None
    gallery_images: Sequence[str] = ()
    seo_title: str | None = None
    seo_description: str | None = None
    seo_keywords: Sequence[str] = ()
    tags: Sequence[str] = ()
    price: Decimal | float | None = None
    category_name: str | None = None
    product_type: str | None = None


@dataclass(frozen=True)
class DimensionScore:
    key: str
    label: str
    points: float
    max_points: float
    checks: tuple[Check, ...]

    @property
    def missing_points(self) -> float:
        return round(self.max_points - self.points, 1)

    @property
    def actionable_gap(self) -> float:
        """Points the seller can still win here (neutral credit for missing market data is not counted)."""
        return round(sum(c.actionable_gap for c in self.checks), 1)


@dataclass(frozen=True)
class ListingFacts:
    """The measurements behind the checks: for specific suggestions and for the AI's prompt."""

    title: TitleStats
    description: DescriptionStats
    has_featured_image: bool
    gallery_count: int
    has_seo_title: bool
    has_seo_description: bool
    seo_keyword_count: int
    price: float | None
    benchmark: PriceBand | None
    tags: tuple[str, ...]
    matching_tags: tuple[str, ...]
    suggested_tags: tuple[str, ...]
    category_name: str | None


@dataclass(frozen=True)
class ListingScore:
    product_id: str
    overall: float
    dimensions: tuple[DimensionScore, ...]
    facts: ListingFacts

    @property
    def band(self) -> str:
        """ "red" below 40, "green" above 70, "yellow" from 40 to 70."""
        if self.overall < BAND_RED_BELOW:
            return "red"
        return "green" if self.overall > BAND_GREEN_ABOVE else "yellow"

    def dimension(self, key: str) -> DimensionScore:
        for dim in self.dimensions:
            if dim.key == key:
                return dim
        raise KeyError(key)


def score_listing(
    listing: ListingInput, *, benchmark: PriceBand | None, category_norms: CategoryNorms | None
) -> ListingScore:
    """Score one listing 0–100 on the six dimensions (rules: the constants of `core.listings.rules`)."""
    norms = category_norms or CategoryNorms()
    keywords = norms.keywords
    title = analyse_title(listing.title, keywords)
    description = analyse_description(listing.description)
    tags = tuple(normalize_terms(listing.tags))
    price = None if listing.price is None else float(listing.price)
    facts = ListingFacts(
        title=title,
        description=description,
        has_featured_image=is_set(listing.featured_image),
        gallery_count=distinct_non_blank(listing.gallery_images),
        has_seo_title=is_set(listing.seo_title),
        has_seo_description=is_set(listing.seo_description),
        seo_keyword_count=len(normalize_terms(listing.seo_keywords)),
        price=price,
        benchmark=benchmark,
        tags=tags,
        matching_tags=matching_tags(tags, norms),
        suggested_tags=suggested_tags(tags, norms),
        category_name=listing.category_name,
    )
    all_checks = (
        title_checks(title, keywords_known=bool(keywords)),
        description_checks(description),
        image_checks(has_featured=facts.has_featured_image, gallery_count=facts.gallery_count),
        seo_checks(
            has_title=facts.has_seo_title,
            has_description=facts.has_seo_description,
            keyword_count=facts.seo_keyword_count,
        ),
        pricing_checks(price, benchmark),
        tag_checks(tags, norms),
    )
    dimensions = tuple(
        DimensionScore(key, label, round(sum(c.points for c in checks), 1), maximum, checks)
        for (key, label, maximum), checks in zip(DIMENSIONS, all_checks, strict=True)
    )
    return ListingScore(listing.product_id, round(sum(d.points for d in dimensions), 1), dimensions, facts)


class HasOverall(Protocol):
    @property
    def overall(self) -> float: ...


def portfolio_score(scores: Iterable[HasOverall]) -> float | None:
    """The mean overall score of the listings (one decimal), or None when there is none: of `ListingScore`s or of
    stored scores (`core.listings.persisted.StoredScore`), anything with an `overall`."""
    values = [s.overall for s in scores]
    return round(sum(values) / len(values), 1) if values else None


# --------------------------------------------------------------------------- offline suggestions


@dataclass(frozen=True)
class Suggestion:
    dimension: str
    suggestion: str
    impact: str  # "high" | "medium" | "low"


HIGH_IMPACT_POINTS = 8.0
MEDIUM_IMPACT_POINTS = 4.0
"""Impact of a suggestion from the points its dimension can still win: ≥ 8 high, ≥ 4 medium, else low."""


def _impact(gap: float) -> str:
    if gap >= HIGH_IMPACT_POINTS:
        return "high"
    return "medium" if gap >= MEDIUM_IMPACT_POINTS else "low"


def _quoted(words: Sequence[str], joiner: str) -> str:
    return f" {joiner} ".join(f"'{w}'" for w in words)


def _title_advice(f: ListingFacts, gaps: list[bool]) -> list[str]:
    n, parts = f.title.length, []
    if n == 0:
        return [f"Write a title of {TITLE_MIN_CHARS}–{TITLE_MAX_CHARS} characters that says what buyers get"]
    if gaps[0]:
        aim = (
            f"aim for {TITLE_MIN_CHARS}–{TITLE_MAX_CHARS}" if n < TITLE_MIN_CHARS else "shorten it so it is not cut off"
        )
        parts.append(f"Your title is {n} characters; {aim}")
    if gaps[1] and f.title.keyword_hints:
        parts.append(f"include {_quoted(f.title.keyword_hints[:2], 'or')} so buyers searching the category find it")
    if gaps[2]:
        shouted = f" ({', '.join(f.title.shouted_words)})" if f.title.shouted_words else ""
        parts.append(f"write it in normal case instead of capitals{shouted}")
    return parts


def _description_advice(f: ListingFacts, gaps: list[bool]) -> list[str]:
    d, parts = f.description, []
    if gaps[0]:
        start = f"Expand the description from {d.words} to" if d.words else "Write a description of"
        parts.append(
            f"{start} at least {DESCRIPTION_TARGET_WORDS} words: what buyers get, who it is for, how to use it"
        )
    if gaps[1]:
        parts.append("turn the bold lines into headings" if d.has_bold else "add section headings (What's inside, …)")
    if gaps[2]:
        parts.append(f"split the text into at least {DESCRIPTION_TARGET_PARAGRAPHS} paragraphs")
    if gaps[3]:
        parts.append(f"add a feature list of {DESCRIPTION_TARGET_LIST_ITEMS}+ bullet points (you have {d.list_items})")
    return parts


def _image_advice(f: ListingFacts, gaps: list[bool]) -> list[str]:
    parts = []
    if gaps[0]:
        parts.append("Add a featured image: it is the first thing buyers see in search results")
    if gaps[1]:
        more = GALLERY_TARGET_IMAGES - f.gallery_count
        parts.append(
            f"add {more} more gallery image{'' if more == 1 else 's'} (you have {f.gallery_count}; listings with "
            f"{GALLERY_TARGET_IMAGES}+ gallery images show buyers what they get)"
        )
    return parts


def _seo_advice(f: ListingFacts, gaps: list[bool]) -> list[str]:
    parts = []
    if gaps[0]:
        parts.append("Set an SEO title (the headline search engines show)")
    if gaps[1]:
        parts.append("write an SEO description (the snippet under that headline)")
    if gaps[2]:
        more = SEO_TARGET_KEYWORDS - f.seo_keyword_count
        parts.append(f"add {more} more SEO keyword{'' if more == 1 else 's'} (you have {f.seo_keyword_count})")
    return parts


def _pricing_advice(f: ListingFacts, gaps: list[bool]) -> list[str]:
    band, price = f.benchmark, f.price
    if not gaps[0] or band is None:
        return []
    if price is None:
        return ["Set a price"]
    range_ = f"{band.p25:,.2f}–{band.p75:,.2f} of {plural(band.sample_size, 'comparable listing')}"
    if price < band.p25:
        return [
            f"Your price {price:,.2f} is below the typical range {range_}; consider raising it toward {band.p25:,.2f}"
        ]
    return [
        f"Your price {price:,.2f} is above the typical range {range_}; consider lowering it toward {band.p75:,.2f} "
        "or show buyers what makes it worth more"
    ]


def _tag_advice(f: ListingFacts, gaps: list[bool]) -> list[str]:
    parts = []
    if gaps[0]:
        more = TAG_TARGET_COUNT - len(f.tags)
        parts.append(f"Add {more} more tag{'' if more == 1 else 's'} (you have {len(f.tags)})")
    if gaps[1] and f.suggested_tags:
        where = f"in {f.category_name}" if f.category_name else "in your category"
        parts.append(f"use tags buyers {where} already use, e.g. {_quoted(f.suggested_tags[:3], 'or')}")
    return parts


_ADVICE = {
    "title_quality": _title_advice,
    "description_completeness": _description_advice,
    "image_quality": _image_advice,
    "seo_optimization": _seo_advice,
    "pricing_competitiveness": _pricing_advice,
    "tag_relevance": _tag_advice,
}


def listing_suggestions_offline(
    score: ListingScore, listing: ListingInput, *, limit: int | None = None
) -> list[Suggestion]:
    """One specific suggestion per dimension that can still win points, the biggest gain first.

    Deterministic (the offline engine of the AI task `listing_suggestions`). Rules that were not judged
    for want of market data give no suggestion: there is nothing the seller can do about them.
    `listing` must be the listing `score` was computed for.
    """
    if listing.product_id != score.product_id:
        raise ValueError(f"score of {score.product_id!r} given with listing {listing.product_id!r}")
    order = {key: i for i, (key, _, _) in enumerate(DIMENSIONS)}
    ranked = sorted(
        (d for d in score.dimensions if d.actionable_gap > 0), key=lambda d: (-d.actionable_gap, order[d.key])
    )
    out: list[Suggestion] = []
    for dim in ranked:
        gaps = [c.actionable_gap > 0 for c in dim.checks]
        parts = _ADVICE[dim.key](score.facts, gaps)
        if parts:
            text = "; ".join(parts)
            out.append(Suggestion(dim.key, text[0].upper() + text[1:] + ".", _impact(dim.actionable_gap)))
    return out[:limit] if limit is not None else out
