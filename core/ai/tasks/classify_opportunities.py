"""The `classify_opportunities` task: potential, product type, monthly demand and reasons for unmet searches.

The payload is aggregate data only: normalised search terms with their counts, the number of listings
matching each, and the 90-day sales of related product types. The offline engine's rules:

- Volume: a gap ranked in the top 20 % of the unmet searches by 90-day volume, with at least 10 searches,
  is strong; in the top 50 % moderate; otherwise weak.
- Trend: searches per day in the last 30 days over searches per day in the 60 days before; above 1.2 is
  rising, below 0.8 fading, else steady (no earlier search but recent ones: rising, ratio unknown).
- Potential: HIGH when the volume is strong, the trend is not fading and at most 1 listing matches;
  MEDIUM when the volume is strong otherwise, moderate and not fading, or weak but rising with no listing
  at all (an open field); LOW otherwise.
- Product type: the type the term names ("adhd planner" → PLANNER: the buyer said what they want); else
  the type with the most 90-day revenue among listings sharing a word with the term; else DOCUMENT, the
  most general format.
- Monthly demand, a stated chain (`DemandChain`): expected searches a month = 90-day volume ÷ 3 × the trend
  ratio bounded to [0.5, 1.5] (1.5 when the searches are all recent), rounded half up; × the click-through (the
  share of searches that open a listing) × the suggested type's conversion (the share of its listings' views
  that buy, over the last 90 days) = expected **sales** a month, rounded half up. Both rates come with the
  payload and are shown to the seller. A sale needs a search that opens a listing, so the estimate can never
  exceed the searches: the model's answer is refused (`SchemaViolation`) when it does.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from core.ai.door import AIDoor, AIResult, Task, default_ai
from core.ai.tasks.opportunity_demand import (
    DemandRates,
    demand_chain,
    trend_ratio,
)
from core.ai.tasks.opportunity_demand import monthly_searches as searches_a_month
from core.ai.validation import (
    SchemaViolation,
    require_choice,
    require_list,
    require_number,
    require_object,
    require_text,
)
from core.models import DigitalProductType
from core.models.enums import product_type_label
from core.money import format_money, format_money_whole

NAME = "classify_opportunities"
POTENTIALS = ("HIGH", "MEDIUM", "LOW")
PRODUCT_TYPES = tuple(t.value for t in DigitalProductType)
FALLBACK_TYPE = DigitalProductType.DOCUMENT.value
MAX_REASONING_CHARS = 400
CHUNK_SIZE = 25  # gaps per model call: keeps each answer well inside max_tokens
STRONG_SHARE, MODERATE_SHARE, MIN_STRONG_VOLUME = 0.20, 0.50, 10
RISING_RATIO, FADING_RATIO = 1.2, 0.8
VERSION = 2  # 2: estimated_monthly_demand is sales a month from the stated chain (was searches a month)


@dataclass(frozen=True)
class RelatedSales:
    """90-day revenue of one product type among listings sharing a word with the term."""

    product_type: str
    revenue: Decimal
    listings: int  # a listing sharing two of the term's words counts twice


@dataclass(frozen=True)
class GapFacts:
    term: str
    search_volume: int  # searches in the last 90 days
    searches_last_30_days: int
    searches_previous_60_days: int
    volume_rank: int  # 1 = the most searched gap; tied volumes share the better rank
    gap_count: int  # how many gaps were ranked (all of them, not only this chunk)
    existing_products: int
    related_sales: tuple[RelatedSales, ...]  # best-selling type first, at most 3
    keyword_type: str | None  # the type the term names by itself, if any


@dataclass(frozen=True)
class OpportunityPayload:
    gaps: tuple[GapFacts, ...]
    rates: DemandRates


@dataclass(frozen=True)
class ClassifiedGap:
    term: str
    potential: str  # HIGH | MEDIUM | LOW
    suggested_product_type: str  # a DigitalProductType value
    estimated_monthly_demand: int
    reasoning: str


@dataclass(frozen=True)
class OpportunityClassification:
    opportunities: tuple[ClassifiedGap, ...]


# ---------------------------------------------------------------- the rules (pure)


def trend_label(recent: int, earlier: int) -> str:
    """rising | steady | fading, by `trend_ratio` (all searches recent counts as rising)."""
    ratio = trend_ratio(recent, earlier)
    if ratio is None:
        return "rising" if recent > 0 else "steady"
    if ratio > RISING_RATIO:
        return "rising"
    return "fading" if ratio < FADING_RATIO else "steady"


def top_percent(gap: GapFacts) -> int:
    """The gap's place among all gaps as "top N %" (rank 2 of 40 → 5)."""
    return max(1, math.ceil(100 * gap.volume_rank / max(1, gap.gap_count)))


def volume_tier(gap: GapFacts) -> str:
    """strong | moderate | weak: the share of gaps ranked above this one, and a floor for "strong"."""
    above = (gap.volume_rank - 1) / max(1, gap.gap_count)
    if above < STRONG_SHARE and gap.search_volume >= MIN_STRONG_VOLUME:
        return "strong"
    return "moderate" if above < MODERATE_SHARE else "weak"


def potential_of(gap: GapFacts) -> str:
    tier = volume_tier(gap)
    trend = trend_label(gap.searches_last_30_days, gap.searches_previous_60_days)
    if tier == "strong":
        return "HIGH" if trend != "fading" and gap.existing_products <= 1 else "MEDIUM"
    if tier == "moderate" and trend != "fading":
        return "MEDIUM"
    if trend == "rising" and gap.existing_products == 0:
        return "MEDIUM"
    return "LOW"


def suggested_type(gap: GapFacts) -> str:
    if gap.keyword_type:
        return gap.keyword_type
    return gap.related_sales[0].product_type if gap.related_sales else FALLBACK_TYPE


def monthly_searches(gap: GapFacts) -> int:
    """`opportunity_demand.monthly_searches` of a gap's counts."""
    return searches_a_month(gap.search_volume, gap.searches_last_30_days, gap.searches_previous_60_days)


def monthly_demand(gap: GapFacts, product_type: str, rates: DemandRates) -> int:
    """Expected sales a month from the stated chain (`opportunity_demand.demand_chain`), rounded half up."""
    return demand_chain(monthly_searches(gap), product_type, rates).sales


def _trend_phrase(gap: GapFacts) -> str:
    recent, earlier = gap.searches_last_30_days, gap.searches_previous_60_days
    ratio = trend_ratio(recent, earlier)
    if ratio is None:
        return "all of them in the last 30 days" if recent else "none in the last 30 days"
    change = round((ratio - 1) * 100)
    if change > 0:
        return f"up {change}% in the last 30 days"
    return f"down {-change}% in the last 30 days" if change < 0 else "steady over the last 30 days"


def _supply_phrase(existing: int) -> str:
    if existing == 0:
        return "no listing matches"
    return "only 1 listing matches" if existing == 1 else f"only {existing} listings match"


def _plural(product_type: str, *, lower: bool = False) -> str:
    """ "E-books", "web templates" (lower): the one type label, plural."""
    return product_type_label(product_type, lower=lower) + "s"


def _type_phrase(gap: GapFacts, product_type: str) -> str:
    best = gap.related_sales[0] if gap.related_sales else None
    sold = "" if best is None else f"({format_money_whole(best.revenue)} in 90 days)"
    if best is not None and best.product_type == product_type:
        return f"{_plural(product_type)} sell best for related terms {sold}."
    if gap.keyword_type and best is not None:
        return (
            f"The search names {_plural(product_type, lower=True)}; related listings sell most as "
            f"{_plural(best.product_type, lower=True)} {sold}."
        )
    if gap.keyword_type:
        return f"The search names {_plural(product_type, lower=True)}; nothing related sells yet."
    return f"Nothing related sells yet; {_plural(product_type, lower=True)} are the most general format to test it."


def offline_reasoning(gap: GapFacts, product_type: str) -> str:
    text = (
        f"Searched {gap.search_volume} times in 90 days (top {top_percent(gap)}% of unmet searches), "
        f"{_trend_phrase(gap)}; {_supply_phrase(gap.existing_products)}. {_type_phrase(gap, product_type)}"
    )
    return text[:MAX_REASONING_CHARS]


def classify_offline(gap: GapFacts, rates: DemandRates) -> ClassifiedGap:
    product_type = suggested_type(gap)
    return ClassifiedGap(
        term=gap.term,
        potential=potential_of(gap),
        suggested_product_type=product_type,
        estimated_monthly_demand=monthly_demand(gap, product_type, rates),
        reasoning=offline_reasoning(gap, product_type),
    )


def offline_classification(payload: OpportunityPayload) -> OpportunityClassification:
    return OpportunityClassification(opportunities=tuple(classify_offline(gap, payload.rates) for gap in payload.gaps))


# ---------------------------------------------------------------- the model's side

ITEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "term": {"type": "string", "description": "The term exactly as given."},
        "potential": {"type": "string", "enum": list(POTENTIALS)},
        "suggested_product_type": {"type": "string", "enum": list(PRODUCT_TYPES)},
        "estimated_monthly_demand": {
            "type": "integer",
            "description": "Expected sales a month: at least 0 and never more than the term's expected searches a "
            "month (a sale needs a search that opens a listing).",
        },
        "reasoning": {"type": "string", "description": "1–2 sentences, at most 400 characters, citing the numbers."},
    },
    "required": ["term", "potential", "suggested_product_type", "estimated_monthly_demand", "reasoning"],
    "additionalProperties": False,
}
INPUT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "opportunities": {
            "type": "array",
            "description": "Exactly one entry per term given, in the order given.",
            "items": ITEM_SCHEMA,
        }
    },
    "required": ["opportunities"],
    "additionalProperties": False,
}

SYSTEM_PROMPT = """You help sellers of digital products (templates, e-books, courses, presentations, planners)
find products to make. You get searches on the marketplace that found (almost) nothing, with their numbers.
For every term, classify the opportunity:
- potential: HIGH for a well-searched term (top fifth of the list) that is not fading and has at most one
  matching listing; MEDIUM for other well-searched terms, mid-list terms that are not fading, or rising terms
  nobody serves; LOW otherwise.
- suggested_product_type: the format a buyer searching this most likely wants: the type named in the term
  if any, else the type that sells best for related terms.
- estimated_monthly_demand: sales a month you expect for a listing that answered the search: the expected searches
  a month given for the term × the click-through × the suggested type's conversion (all given). Never more than
  the expected searches a month.
- reasoning: 1–2 sentences (at most 400 characters) for the seller, citing the numbers given.
Use only the numbers given. Answer every term exactly once by calling the classify_opportunities tool."""


def _sales_text(gap: GapFacts) -> str:
    if not gap.related_sales:
        return "none"
    return ", ".join(f"{s.product_type} {format_money(s.revenue)} ({s.listings} listings)" for s in gap.related_sales)


def build_opportunity_message(payload: OpportunityPayload) -> str:
    """One line of numbers per term, then the chain's rates."""
    lines = ["Unmet searches (last 90 days):"]
    for gap in payload.gaps:
        ratio = trend_ratio(gap.searches_last_30_days, gap.searches_previous_60_days)
        trend = trend_label(gap.searches_last_30_days, gap.searches_previous_60_days)
        lines.append(
            f'- term "{gap.term}": {gap.search_volume} searches (rank {gap.volume_rank} of {gap.gap_count}); '
            f"last 30 days {gap.searches_last_30_days}, previous 60 days {gap.searches_previous_60_days} "
            f"(trend {trend}, ratio {'n/a' if ratio is None else f'{ratio:.2f}'}); "
            f"matching listings {gap.existing_products}; related sales in 90 days: {_sales_text(gap)}; "
            f"type named in the term: {gap.keyword_type or 'none'}; expected searches a month: {monthly_searches(gap)}"
        )
    rates = payload.rates
    conversions = ", ".join(f"{kind} {rate:.2%}" for kind, rate in rates.conversion_by_type)
    lines.append(f"Click-through (searches that open a listing): {rates.click_through:.0%}.")
    lines.append(f"Conversion of listing views into sales over the last 90 days, per product type: {conversions}.")
    lines.append(f"Allowed product types: {', '.join(PRODUCT_TYPES)}.")
    return "\n".join(lines)


def _demand(raw: Any, where: str, gap: GapFacts) -> int:
    """Sales a month: a whole number from 0 to the expected searches a month (never more sales than searches)."""
    number = require_number(raw, where)
    if not number.is_integer():
        raise SchemaViolation(f"{where} {raw!r} is not a whole number")
    searches = monthly_searches(gap)
    if not 0 <= number <= searches:
        raise SchemaViolation(f"{where} {int(number)} sales outside 0–{searches} (the expected searches a month)")
    return int(number)


def parse_opportunity_classification(raw: Any, payload: OpportunityPayload) -> OpportunityClassification:
    """Typed classification, or `SchemaViolation`: an unknown, missing or repeated term, a wrong enum, a bad number."""
    answer = require_object(raw, ("opportunities",))
    count = len(payload.gaps)
    items = require_list(answer["opportunities"], "opportunities", min_items=count, max_items=count)
    gaps = {gap.term: gap for gap in payload.gaps}
    found: dict[str, ClassifiedGap] = {}
    for index, item in enumerate(items):
        where = f"opportunities[{index}]"
        fields = require_object(item, tuple(ITEM_SCHEMA["required"]), where)
        term = fields["term"]
        if term not in gaps:
            raise SchemaViolation(f"{where}.term {term!r} is not one of the terms asked about")
        if term in found:
            raise SchemaViolation(f"{where}.term {term!r} is answered twice")
        found[term] = ClassifiedGap(
            term=term,
            potential=require_choice(fields["potential"], f"{where}.potential", POTENTIALS),
            suggested_product_type=require_choice(
                fields["suggested_product_type"], f"{where}.suggested_product_type", PRODUCT_TYPES
            ),
            estimated_monthly_demand=_demand(
                fields["estimated_monthly_demand"], f"{where}.estimated_monthly_demand", gaps[term]
            ),
            reasoning=require_text(fields["reasoning"], f"{where}.reasoning", max_chars=MAX_REASONING_CHARS),
        )
    return OpportunityClassification(opportunities=tuple(found[gap.term] for gap in payload.gaps))


CLASSIFY_OPPORTUNITIES: Task[OpportunityPayload, OpportunityClassification] = Task(
    name=NAME,
    version=VERSION,
    description="Record potential, product type, monthly sales and reasoning for every unmet search term given.",
    input_schema=INPUT_SCHEMA,
    system_prompt=SYSTEM_PROMPT,
    build_message=build_opportunity_message,
    parse=parse_opportunity_classification,
    offline=offline_classification,
    # Search counts move slowly; the opportunity report itself is cached for the same day.
    cache_ttl=timedelta(hours=24),
    max_tokens=4096,
)


def classify_opportunities(
    gaps: Sequence[GapFacts],
    *,
    rates: DemandRates,
    ai: AIDoor | None = None,
    session: Session | None = None,
    use_cache: bool = True,
    chunk_size: int = CHUNK_SIZE,
) -> list[AIResult[OpportunityClassification]]:
    """Classify the gaps in calls of at most `chunk_size` terms (one result per call, in order)."""
    door = ai or default_ai()
    return [
        door.run(
            CLASSIFY_OPPORTUNITIES,
            OpportunityPayload(gaps=tuple(gaps[i : i + chunk_size]), rates=rates),
            session=session,
            use_cache=use_cache,
        )
        for i in range(0, len(gaps), chunk_size)
    ]
