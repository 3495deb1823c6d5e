"""The `listing_suggestions` task: what to fix in a scored listing, per dimension, from Claude or an offline engine.

The payload is what a model may know about one scored listing: the score per dimension with its checklist and
the measurements behind it (counts and product text, never the description itself). The listing score lives in
the listings package, which converts its score into this payload and passes the score's own rules as the
offline engine: this module knows no domain package.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from core.ai.door import AIDoor, AIResult, Task, default_ai
from core.ai.validation import SchemaViolation, require_choice, require_list, require_object, require_text

NAME = "listing_suggestions"
# The six dimension keys of the listing score (seed 000, 2c), as the listing score's `DIMENSIONS` names them.
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
class ScoredCheck:
    """One line of a dimension's checklist."""

    rule: str
    status: str  # "met", "partial", "missing" or "not_judged"
    detail: str


@dataclass(frozen=True)
class ScoredDimension:
    key: str  # one of DIMENSIONS
    points: float
    max_points: float
    points_to_win: float  # what the seller can still win (not-judged rules excluded)
    checks: tuple[ScoredCheck, ...]


@dataclass(frozen=True)
class MarketBand:
    """Prices of the segment's published listings."""

    p25: float
    median: float
    p75: float
    sample_size: int


@dataclass(frozen=True)
class ListingMeasurements:
    """The facts the score was computed from: product text and counts only."""

    title: str
    title_length: int
    product_type: str | None
    category_name: str | None
    description_words: int
    description_paragraphs: int
    description_list_items: int
    description_has_headings: bool
    has_featured_image: bool
    gallery_count: int
    has_seo_title: bool
    has_seo_description: bool
    seo_keyword_count: int
    price: float | None
    market: MarketBand | None  # None: no benchmark yet
    tags: tuple[str, ...]
    common_tags: tuple[str, ...]  # the category's common tags the listing lacks


@dataclass(frozen=True)
class ListingSuggestionsPayload:
    """A listing's score on the six dimensions and the measurements behind it."""

    product_id: str
    overall: float
    dimensions: tuple[ScoredDimension, ...]
    facts: ListingMeasurements

    @property
    def improvable(self) -> tuple[str, ...]:
        """Dimensions with points the seller can still win: the only ones worth a suggestion."""
        return tuple(d.key for d in self.dimensions if d.points_to_win > 0)


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
    facts = payload.facts
    lines = [f"Overall score: {payload.overall:g} of 100."]
    for dim in payload.dimensions:
        lines.append(f"{dim.key}: {dim.points:g} of {dim.max_points:g} (points to win: {dim.points_to_win:g})")
        lines += [f"  - {check.rule}: {check.status}, {check.detail}" for check in dim.checks]
    band = facts.market
    market = (
        "no benchmark yet"
        if band is None
        else f"p25 {band.p25:.2f}, median {band.median:.2f}, p75 {band.p75:.2f} over {band.sample_size} listings"
    )
    lines += [
        "Facts:",
        f"- title: {facts.title} ({facts.title_length} characters)",
        f"- product type: {facts.product_type or 'unknown'}; category: {facts.category_name or 'none'}",
        f"- description: {facts.description_words} words, {facts.description_paragraphs} paragraphs, "
        f"{facts.description_list_items} list items, headings: {_yes(facts.description_has_headings)}",
        f"- featured image: {_yes(facts.has_featured_image)}; gallery images: {facts.gallery_count}",
        f"- SEO title: {_yes(facts.has_seo_title)}; SEO description: {_yes(facts.has_seo_description)}; "
        f"SEO keywords: {facts.seo_keyword_count}",
        f"- price: {'not set' if facts.price is None else f'{facts.price:.2f}'}; market: {market}",
        f"- tags: {', '.join(facts.tags) or 'none'}; common in the category: {', '.join(facts.common_tags) or '-'}",
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


OfflineEngine = Callable[[ListingSuggestionsPayload], Iterable[Any]]
"""The domain's deterministic suggestions for a payload: items with `dimension`, `suggestion` and `impact`."""


def listing_suggestions_task(offline: OfflineEngine) -> Task[ListingSuggestionsPayload, ListingSuggestions]:
    """The task, answered offline by `offline` (the listing score's own rules, passed by the listings package)."""
    return Task(
        name=NAME,
        version=1,
        description="Record concrete improvement suggestions for the listing's dimensions that can still win points.",
        input_schema=INPUT_SCHEMA,
        system_prompt=SYSTEM_PROMPT,
        build_message=build_listing_message,
        parse=parse_listing_suggestions,
        offline=lambda payload: as_listing_suggestions(offline(payload)),
        # The payload holds the whole scored listing, so any edit is a new key; a week bounds staleness of the wording.
        cache_ttl=timedelta(days=7),
        max_tokens=1500,
    )


def listing_suggestions(
    payload: ListingSuggestionsPayload,
    *,
    offline: OfflineEngine,
    ai: AIDoor | None = None,
    session: Session | None = None,
    use_cache: bool = True,
) -> AIResult[ListingSuggestions]:
    """Improvement suggestions for one scored listing (Claude when configured, else the caller's `offline` rules)."""
    task = listing_suggestions_task(offline)
    return (ai or default_ai()).run(task, payload, session=session, use_cache=use_cache)
