"""Improvement suggestions for one scored listing: the AI task `listing_suggestions` (Claude when configured) with
the listing score's own rules (`core.listings.score.listing_suggestions_offline`) as its offline engine.

The AI door knows no domain package: this module converts a `ListingScore` into the task's payload (the score per
dimension, its checklist and the measurements, never the description text) and hands over the offline engine.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from core.ai.door import AIDoor, AIResult
from core.ai.tasks.listing_suggestions import (
    ListingMeasurements,
    ListingSuggestions,
    ListingSuggestionsPayload,
    MarketBand,
    ScoredCheck,
    ScoredDimension,
)
from core.ai.tasks.listing_suggestions import listing_suggestions as run_listing_suggestions
from core.listings.score import ListingInput, ListingScore, listing_suggestions_offline


def suggestions_payload(score: ListingScore, listing: ListingInput) -> ListingSuggestionsPayload:
    """What the model may know about the scored listing; ValueError when `score` was computed for another listing."""
    if score.product_id != listing.product_id:
        raise ValueError(f"score of {score.product_id!r} given with listing {listing.product_id!r}")
    facts, band = score.facts, score.facts.benchmark
    return ListingSuggestionsPayload(
        product_id=score.product_id,
        overall=score.overall,
        dimensions=tuple(
            ScoredDimension(
                key=d.key,
                points=d.points,
                max_points=d.max_points,
                points_to_win=d.actionable_gap,
                checks=tuple(ScoredCheck(c.rule, c.status.value, c.detail) for c in d.checks),
            )
            for d in score.dimensions
        ),
        facts=ListingMeasurements(
            title=listing.title,
            title_length=facts.title.length,
            product_type=listing.product_type,
            category_name=facts.category_name,
            description_words=facts.description.words,
            description_paragraphs=facts.description.paragraphs,
            description_list_items=facts.description.list_items,
            description_has_headings=facts.description.has_headings,
            has_featured_image=facts.has_featured_image,
            gallery_count=facts.gallery_count,
            has_seo_title=facts.has_seo_title,
            has_seo_description=facts.has_seo_description,
            seo_keyword_count=facts.seo_keyword_count,
            price=facts.price,
            market=None if band is None else MarketBand(band.p25, band.median, band.p75, band.sample_size),
            tags=facts.tags,
            common_tags=facts.suggested_tags,
        ),
    )


def listing_suggestions(
    score: ListingScore,
    listing: ListingInput,
    *,
    ai: AIDoor | None = None,
    session: Session | None = None,
    use_cache: bool = True,
) -> AIResult[ListingSuggestions]:
    """Improvement suggestions for one scored listing (Claude when configured, else the score's rules)."""
    return run_listing_suggestions(
        suggestions_payload(score, listing),
        offline=lambda _payload: listing_suggestions_offline(score, listing),
        ai=ai,
        session=session,
        use_cache=use_cache,
    )
