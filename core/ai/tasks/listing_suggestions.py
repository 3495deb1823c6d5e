"""The `listing_suggestions` task: what to fix in a scored listing, per dimension, from Claude or offline rules.

The payload is the listing score itself (`core.listings.score.ListingScore`) with the listing it
scored; the offline engine is the score's own `listing_suggestions_offline`. Both are imported
lazily, so `core.listings.score` may import this module to run the task without an import cycle.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from core.ai.door import AIDoor, AIResult, Task, default_ai
from core.ai.validation import SchemaViolation, require_choice, require_list, require_object, require_text

if TYPE_CHECKING:
    from core.listings.score import ListingInput, ListingScore

NAME = "listing_suggestions"
# The six dimension keys of the listing score (seed 000, 2c), as `core.listings.score.DIMENSIONS` names them.
DIMENSIONS = (
    "title_quality",
    "description_completeness",
    "image_quality",
    "seo_optimization",
    "pricing_competitiveness",
    "tag_relevance",
)
IMPACTS = ("high", "medium", "low")
MAX_SUGGESTIONS = 8
MAX_SUGGESTION_CHARS = 300


@dataclass(frozen=True)
class ListingSuggestionsPayload:
    """A listing's score and the listing it was computed for (only counts and product text reach the model)."""

    score: ListingScore
    listing: ListingInput

    def __post_init__(self) -> None:
        if self.score.product_id != self.listing.product_id:
            raise ValueError(f"score of {self.score.product_id!r} given with listing {self.listing.product_id!r}")

    @property
    def improvable(self) -> tuple[str, ...]:
        """Dimensions with points the seller can still win: the only ones worth a suggestion."""
        return tuple(d.key for d in self.score.dimensions if d.actionable_gap > 0)


@dataclass(frozen=True)
class ListingSuggestion:
    dimension: str
    suggestion: str
    impact: str  # high | medium | low


@dataclass(frozen=True)
class ListingSuggestions:
    suggestions: tuple[ListingSuggestion, ...]


INPUT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "suggestions": {
            "type": "array",
            "description": "One to eight suggestions, only for dimensions with points to win, biggest gain first.",
            "items": {
                "type": "object",
                "properties": {
                    "dimension": {"type": "string", "enum": list(DIMENSIONS)},
                    "suggestion": {
                        "type": "string",
                        "description": "One concrete action in at most 300 characters, citing the listing's numbers.",
                    },
                    "impact": {"type": "string", "enum": list(IMPACTS)},
                },
                "required": ["dimension", "suggestion", "impact"],
                "additionalProperties": False,
            },
        }
    },
    "required": ["suggestions"],
    "additionalProperties": False,
}

SYSTEM_PROMPT = """You coach sellers of digital products on a marketplace to improve their listings.
You get a listing's score on six dimensions, the checklist behind each, and the facts the score was computed from.
For each dimension with points to win, suggest one concrete action (for example "Add 2 more gallery images").
Rules:
- Only suggest for dimensions listed as having points to win.
- Ground every suggestion in the given facts and numbers; do not invent data.
- impact: high when the dimension can win 8 points or more, medium from 4 points, else low.
- At most 300 characters per suggestion, addressed to the seller.
Answer only by calling the listing_suggestions tool."""


def build_listing_message(payload: ListingSuggestionsPayload) -> str:
    """Scores, checklists and measurements; never the description text itself, only its statistics."""
    score, facts = payload.score, payload.score.facts
    lines = [f"Overall score: {score.overall:g} of 100."]
    for dim in score.dimensions:
        lines.append(f"{dim.key}: {dim.points:g} of {dim.max_points:g} (points to win: {dim.actionable_gap:g})")
        lines += [f"  - {check.rule}: {check.status.value}, {check.detail}" for check in dim.checks]
    d, band = facts.description, facts.benchmark
    market = (
        "no benchmark yet"
        if band is None
        else f"p25 {band.p25:.2f}, median {band.median:.2f}, p75 {band.p75:.2f} over {band.sample_size} listings"
    )
    lines += [
        "Facts:",
        f"- title: {payload.listing.title} ({facts.title.length} characters)",
        f"- product type: {payload.listing.product_type or 'unknown'}; category: {facts.category_name or 'none'}",
        f"- description: {d.words} words, {d.paragraphs} paragraphs, {d.list_items} list items, "
        f"headings: {_yes(d.has_headings)}",
        f"- featured image: {_yes(facts.has_featured_image)}; gallery images: {facts.gallery_count}",
        f"- SEO title: {_yes(facts.has_seo_title)}; SEO description: {_yes(facts.has_seo_description)}; "
        f"SEO keywords: {facts.seo_keyword_count}",
        f"- price: {'not set' if facts.price is None else f'{facts.price:.2f}'}; market: {market}",
        f"- tags: {', '.join(facts.tags) or 'none'}; common in the category: {', '.join(facts.suggested_tags) or '-'}",
        f"Dimensions with points to win: {', '.join(payload.improvable) or 'none'}.",
    ]
    return "\n".join(lines)


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def parse_listing_suggestions(raw: Any, payload: ListingSuggestionsPayload) -> ListingSuggestions:
    """Typed suggestions from a tool input, or `SchemaViolation` (wrong enum, nothing to win there, too long…)."""
    answer = require_object(raw, ("suggestions",))
    improvable = payload.improvable
    least = 1 if improvable else 0
    items = require_list(answer["suggestions"], "suggestions", min_items=least, max_items=MAX_SUGGESTIONS)
    suggestions = []
    for index, item in enumerate(items):
        where = f"suggestions[{index}]"
        fields = require_object(item, ("dimension", "suggestion", "impact"), where)
        dimension = require_choice(fields["dimension"], f"{where}.dimension", DIMENSIONS)
        if dimension not in improvable:
            raise SchemaViolation(f"{where}.dimension {dimension} has no points to win")
        text = require_text(fields["suggestion"], f"{where}.suggestion", max_chars=MAX_SUGGESTION_CHARS)
        impact = require_choice(fields["impact"], f"{where}.impact", IMPACTS)
        suggestions.append(ListingSuggestion(dimension=dimension, suggestion=text, impact=impact))
    return ListingSuggestions(suggestions=tuple(suggestions))


def offline_listing_suggestions(payload: ListingSuggestionsPayload) -> ListingSuggestions:
    """The listing score's own rules (`core.listings.score.listing_suggestions_offline`), as the task's result."""
    from core.listings.score import listing_suggestions_offline  # lazy: that module may import this one

    return as_listing_suggestions(listing_suggestions_offline(payload.score, payload.listing))


def as_listing_suggestions(items: Iterable[Any]) -> ListingSuggestions:
    """The task's result from items with `dimension`, `suggestion` and `impact` (objects or mappings)."""
    out = []
    for item in items:
        get = item.__getitem__ if isinstance(item, Mapping) else lambda name, item=item: getattr(item, name)
        out.append(ListingSuggestion(str(get("dimension")), str(get("suggestion")), str(get("impact"))))
    for suggestion in out:
        if suggestion.dimension not in DIMENSIONS or suggestion.impact not in IMPACTS:
            raise ValueError(f"listing suggestion outside the task's vocabulary: {suggestion}")
    return ListingSuggestions(suggestions=tuple(out))


LISTING_SUGGESTIONS: Task[ListingSuggestionsPayload, ListingSuggestions] = Task(
    name=NAME,
    version=1,
    description="Record concrete improvement suggestions for the listing's dimensions that can still win points.",
    input_schema=INPUT_SCHEMA,
    system_prompt=SYSTEM_PROMPT,
    build_message=build_listing_message,
    parse=parse_listing_suggestions,
    offline=offline_listing_suggestions,
    # The payload holds the whole listing, so any edit is a new key; a week bounds staleness of the wording.
    cache_ttl=timedelta(days=7),
    max_tokens=1500,
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
    payload = ListingSuggestionsPayload(score=score, listing=listing)
    return (ai or default_ai()).run(LISTING_SUGGESTIONS, payload, session=session, use_cache=use_cache)
