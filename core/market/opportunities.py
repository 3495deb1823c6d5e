"""Market opportunities (seed 000 step 2d, issue 4): what buyers search for and nobody sells, ranked for a seller.

How a report is made:

1. Failed searches: one GROUP BY over `search_queries` of the last 90 days with `result_count < 3`, per
   `lower(trim(query))`, counting all searches and those of the last 30 days. SQL cannot apply the plural
   rules, so the few thousand *distinct strings* it returns (never raw rows) are normalised in Python
   (`core.catalog.terms.normalize_term`) and merged. Strings holding an e-mail address are dropped, and so
   are terms searched fewer than 3 times (not a demand, and free text typed once may be personal).
2. The top 100 terms by volume are checked against the catalogue by full-text search (one statement,
   `core.catalog.search.count_existing_products`, counted once per term and UTC day and stored:
   `core.market.supply`): a term matched by 3 or more published listings is not a gap. Drafts and deleted
   products do not count.
3. The gaps' words are matched against published titles and tags to total 90-day revenue per product type
   (one statement), and the AI door classifies every gap (`core.ai.tasks.classify_opportunities`, in calls of
   25 terms), Claude when configured, else the offline rules.
   **Demand** is a stated chain shown with every estimate (`demand_chain`, rates from `core.market.demand`):
   searches a month × click-through × the suggested type's conversion = sales a month, never above the searches.
4. The seller's fit: a gap fits when one of its words is a word of the seller's specialties or of the names
   of the categories the seller's products are in. Order: fitting gaps first, then HIGH → MEDIUM → LOW, then
   volume (highest first), then term.

The market part (steps 1–3) is the same for every seller and is cached once for 24 hours; each seller's
report is cached for 24 hours too, both in `ai_cache`, so they survive restarts. `refresh=True` recomputes
both, from the search log as it stands; the supply counts, word sales and demand rates it reads move only from
one day to the next and are counted once per UTC day (`core.market.supply`). Like the AI door, this writes
cache rows in the caller's transaction and does not commit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from core.ai.cache import input_hash, load_cached_answer, save_cached_answer
from core.ai.door import OFFLINE_ENGINE, AIDoor, AIResult, default_ai
from core.ai.privacy import contains_email
from core.ai.serialize import to_jsonable
from core.ai.tasks.classify_opportunities import (
    GapFacts,
    OpportunityClassification,
    RelatedSales,
    classify_opportunities,
    monthly_searches,
    trend_label,
    trend_ratio,
)
from core.ai.tasks.opportunity_demand import DemandRates, demand_chain
from core.catalog.terms import content_words, keyword_product_type, normalize_term, vocabulary
from core.db import utcnow
from core.market.benchmarks import sales_window
from core.market.supply import cached_demand_rates, cached_supply_counts, cached_word_sales
from core.models import Category, DigitalProduct, SearchQuery, SellerProfile

WINDOW_DAYS, RECENT_DAYS = 90, 30
FAILED_SEARCH_RESULTS = 3  # a search with fewer results than this failed (seed 000, 2d)
GAP_MAX_LISTINGS = 3  # a term matched by this many published listings or more is not a gap
MIN_SEARCH_VOLUME = 3
TOP_TERMS = 100
RELATED_TYPES = 3
CACHE_TASK = "opportunities"
CACHE_VERSION = 2  # 2: the demand chain (sales a month, never above the searches)
CACHE_TTL = timedelta(hours=24)
POTENTIAL_ORDER = {"HIGH": 0, "MEDIUM": 1, "LOW": 2}
MIXED_ENGINE = "mixed"


@dataclass(frozen=True)
class SearchCount:
    """One distinct failed-search string (lower-cased, trimmed) and how often it was searched."""

    query: str
    searches: int  # in the last 90 days
    recent: int  # of which in the last 30 days


@dataclass(frozen=True)
class TermVolume:
    term: str
    search_volume: int
    searches_last_30_days: int

    @property
    def searches_previous_60_days(self) -> int:
        return self.search_volume - self.searches_last_30_days


@dataclass(frozen=True)
class MarketOpportunity:
    term: str
    search_volume: int
    existing_products: int
    potential: str  # HIGH | MEDIUM | LOW
    suggested_product_type: str
    estimated_monthly_demand: int
    reasoning: str
    trend: str  # rising | steady | fading
    trend_ratio: float | None  # None: no search in the 60 days before the last 30
    searches_last_30_days: int
    searches_previous_60_days: int
    fits_seller: bool
    engine: str  # who classified this term: "anthropic:<model>" or "offline"
    # The chain behind `estimated_monthly_demand` (sales a month): searches × click-through × conversion.
    searches_per_month: int = 0
    click_through: float = 0.0
    conversion_rate: float = 0.0  # the suggested type's views that buy
    demand_chain: str = ""  # the chain in words, with its numbers


@dataclass(frozen=True)
class OpportunityReport:
    """A seller's opportunities, best first, and who classified them; iterates like the list it holds."""

    opportunities: tuple[MarketOpportunity, ...]
    engine: str  # "anthropic:<model>", "offline" or "mixed"
    engine_label: str
    computed_at: datetime
    cached: bool = False

    def __iter__(self) -> Iterator[MarketOpportunity]:
        return iter(self.opportunities)

    def __len__(self) -> int:
        return len(self.opportunities)


# ---------------------------------------------------------------- pure steps


def merge_search_counts(rows: Iterable[SearchCount], *, limit: int = TOP_TERMS) -> list[TermVolume]:
    """Distinct search strings merged by normalised term; the `limit` most searched, ties by term."""
    volume: dict[str, int] = defaultdict(int)
    recent: dict[str, int] = defaultdict(int)
    for row in rows:
        if contains_email(row.query):
            continue
        term = normalize_term(row.query)
        if not content_words(term):
            continue
        volume[term] += row.searches
        recent[term] += row.recent
    merged = [TermVolume(t, v, recent[t]) for t, v in volume.items() if v >= MIN_SEARCH_VOLUME]
    merged.sort(key=lambda t: (-t.search_volume, t.term))
    return merged[:limit]


def volume_ranks(volumes: Sequence[int]) -> list[int]:
    """Competition ranks (1 = largest; equal volumes share the better rank): [9, 5, 5, 2] → [1, 2, 2, 4]."""
    return [1 + sum(1 for other in volumes if other > v) for v in volumes]


def related_sales_by_term(terms: Sequence[str], sales: Iterable[Any]) -> dict[str, tuple[RelatedSales, ...]]:
    """Per term, the product types selling best among listings sharing one of its words (top 3 by revenue)."""
    by_word: dict[str, list[Any]] = defaultdict(list)
    for row in sales:
        by_word[row.word].append(row)
    result: dict[str, tuple[RelatedSales, ...]] = {}
    for term in terms:
        revenue: dict[str, Decimal] = defaultdict(Decimal)
        listings: dict[str, int] = defaultdict(int)
        for word in content_words(term):
            for row in by_word.get(word, ()):
                revenue[row.product_type] += row.revenue
                listings[row.product_type] += row.products
        ranked = sorted(revenue, key=lambda t: (-revenue[t], t))[:RELATED_TYPES]
        result[term] = tuple(RelatedSales(t, revenue[t], listings[t]) for t in ranked if revenue[t] > 0)
    return result


def fits(term: str, seller_words: frozenset[str]) -> bool:
    return bool(set(content_words(term)) & seller_words)


def rank_for_seller(
    opportunities: Iterable[MarketOpportunity], seller_words: frozenset[str]
) -> tuple[MarketOpportunity, ...]:
    """Mark the fitting ones and sort: fit first, then potential HIGH → LOW, then volume, then term."""
    marked = [replace(o, fits_seller=fits(o.term, seller_words)) for o in opportunities]
    marked.sort(key=lambda o: (not o.fits_seller, POTENTIAL_ORDER[o.potential], -o.search_volume, o.term))
    return tuple(marked)


def combined_engine(results: Sequence[AIResult[OpportunityClassification]]) -> tuple[str, str]:
    """(engine, label) over the chunks: the one engine when all agree, else "mixed" with the counts."""
    if not results:
        return OFFLINE_ENGINE, "No unmet searches to classify"
    offline = [r for r in results if r.is_offline]
    if len({r.engine for r in results}) == 1 or not offline:
        # One engine, or only Claude answers (from models that differ because some came from the cache).
        return results[0].engine, results[0].engine_label
    by_model = sum(len(r.value.opportunities) for r in results if not r.is_offline)
    total = sum(len(r.value.opportunities) for r in results)
    reason = offline[0].fallback_reason
    model = next(r.model for r in results if not r.is_offline)
    label = (
        f"Written by Claude ({model}) for {by_model} of {total} terms, by the offline engine for the rest ({reason})"
    )
    return MIXED_ENGINE, label


# ---------------------------------------------------------------- loading


def load_failed_searches(session: Session, *, now: datetime) -> list[SearchCount]:
    """Failed searches of the 90 days before `now`, grouped by lower-cased, trimmed text (one GROUP BY)."""
    text = func.lower(func.trim(SearchQuery.query))
    recent = func.sum(case((SearchQuery.searched_at >= now - timedelta(days=RECENT_DAYS), 1), else_=0))
    statement = (
        select(text.label("query"), func.count().label("searches"), recent.label("recent"))
        .where(
            SearchQuery.searched_at >= now - timedelta(days=WINDOW_DAYS),
            SearchQuery.searched_at < now,
            SearchQuery.result_count < FAILED_SEARCH_RESULTS,
        )
        .group_by(text)
    )
    return [SearchCount(row.query or "", int(row.searches), int(row.recent or 0)) for row in session.execute(statement)]


def load_seller_specialties(session: Session, *, seller_id: str) -> list[str]:
    """The seller's specialties; LookupError when there is no such (non-deleted) seller."""
    specialties = session.scalar(
        select(SellerProfile.specialties).where(SellerProfile.id == seller_id, SellerProfile.deleted_at.is_(None))
    )
    if specialties is None:
        raise LookupError("Seller not found")
    return [str(s) for s in specialties]


def load_seller_words(session: Session, *, seller_id: str, specialties: Sequence[str]) -> frozenset[str]:
    """Words of the seller's specialties and of the names of the categories their products are in."""
    names = session.scalars(
        select(Category.name)
        .join(DigitalProduct, DigitalProduct.category_id == Category.id)
        .where(DigitalProduct.seller_id == seller_id, DigitalProduct.deleted_at.is_(None))
        .distinct()
    ).all()
    return vocabulary([*specialties, *names])


def find_gaps(session: Session, *, now: datetime) -> list[GapFacts]:
    """Steps 1–2 and the related sales of step 3: the market's unmet searches with their numbers."""
    candidates = merge_search_counts(load_failed_searches(session, now=now))
    existing = cached_supply_counts(session, terms=[c.term for c in candidates], now=now)
    gaps = [c for c in candidates if existing[c.term] < GAP_MAX_LISTINGS]
    words = sorted({word for gap in gaps for word in content_words(gap.term)})
    word_sales = cached_word_sales(session, words=words, window=sales_window(now), now=now)
    sales = related_sales_by_term([g.term for g in gaps], word_sales)
    ranks = volume_ranks([g.search_volume for g in gaps])
    return [
        GapFacts(
            term=g.term,
            search_volume=g.search_volume,
            searches_last_30_days=g.searches_last_30_days,
            searches_previous_60_days=g.searches_previous_60_days,
            volume_rank=rank,
            gap_count=len(gaps),
            existing_products=existing[g.term],
            related_sales=sales[g.term],
            keyword_type=(kind.value if (kind := keyword_product_type(g.term)) else None),
        )
        for g, rank in zip(gaps, ranks, strict=True)
    ]


def _opportunities(
    gaps: Sequence[GapFacts], results: Sequence[AIResult[OpportunityClassification]], rates: DemandRates
) -> list[MarketOpportunity]:
    answers = {item.term: (item, r.engine) for r in results for item in r.value.opportunities}
    out = []
    for gap in gaps:
        item, engine = answers[gap.term]
        recent, earlier = gap.searches_last_30_days, gap.searches_previous_60_days
        ratio = trend_ratio(recent, earlier)
        chain = demand_chain(monthly_searches(gap), item.suggested_product_type, rates)
        words = chain.sentence()
        if item.estimated_monthly_demand != chain.sales:
            words += f" The estimate shown ({item.estimated_monthly_demand}) is the model's own."
        out.append(
            MarketOpportunity(
                term=gap.term,
                search_volume=gap.search_volume,
                existing_products=gap.existing_products,
                potential=item.potential,
                suggested_product_type=item.suggested_product_type,
                estimated_monthly_demand=item.estimated_monthly_demand,
                # The chain ends the reasoning, so every card that shows the estimate also shows how it was made.
                reasoning=f"{item.reasoning} Demand: {words}",
                trend=trend_label(recent, earlier),
                trend_ratio=None if ratio is None else round(ratio, 3),
                searches_last_30_days=recent,
                searches_previous_60_days=earlier,
                fits_seller=False,
                engine=engine,
                searches_per_month=chain.searches_per_month,
                click_through=chain.click_through,
                conversion_rate=chain.conversion_rate,
                demand_chain=words,
            )
        )
    return out


# ---------------------------------------------------------------- the cache


def _report_from_json(data: dict[str, Any]) -> OpportunityReport:
    return OpportunityReport(
        opportunities=tuple(MarketOpportunity(**item) for item in data["opportunities"]),
        engine=data["engine"],
        engine_label=data["engine_label"],
        computed_at=datetime.fromisoformat(data["computed_at"]),
        cached=True,
    )


def _cache_key(scope: dict[str, str]) -> str:
    return input_hash(CACHE_TASK, CACHE_VERSION, scope)


def _load_report(session: Session, scope: dict[str, str], now: datetime) -> OpportunityReport | None:
    hit = load_cached_answer(session, CACHE_TASK, _cache_key(scope), now=now)
    if hit is None:
        return None
    try:
        return _report_from_json(hit.result)
    except (KeyError, TypeError, ValueError):
        return None  # written by an older shape of the report: recompute and overwrite


def _save_report(session: Session, scope: dict[str, str], report: OpportunityReport, now: datetime) -> None:
    save_cached_answer(
        session,
        CACHE_TASK,
        _cache_key(scope),
        engine=report.engine,
        result=to_jsonable(report),
        ttl=CACHE_TTL,
        now=now,
    )


MARKET_SCOPE = {"scope": "market"}


def market_opportunities(
    session: Session, *, now: datetime | None = None, ai: AIDoor | None = None, refresh: bool = False
) -> OpportunityReport:
    """The market's classified gaps by volume (no seller fit), from the 24-hour cache unless `refresh`."""
    now = now or utcnow()
    if not refresh and (hit := _load_report(session, MARKET_SCOPE, now)) is not None:
        return hit
    gaps = find_gaps(session, now=now)
    rates = cached_demand_rates(session, window=sales_window(now), now=now)
    results = classify_opportunities(gaps, rates=rates, ai=ai or default_ai(), session=session, use_cache=not refresh)
    engine, label = combined_engine(results)
    report = OpportunityReport(tuple(_opportunities(gaps, results, rates)), engine, label, now)
    _save_report(session, MARKET_SCOPE, report, now)
    return report


def find_opportunities(
    session: Session, *, seller_id: str, now: datetime | None = None, ai: AIDoor | None = None, refresh: bool = False
) -> OpportunityReport:
    """The market's opportunities ranked for one seller (fit first); cached per seller for 24 hours.

    LookupError when the seller does not exist. A cache hit costs two queries (the seller, the cache row).
    """
    now = now or utcnow()
    specialties = load_seller_specialties(session, seller_id=seller_id)
    scope = {"seller_id": seller_id}
    if not refresh and (hit := _load_report(session, scope, now)) is not None:
        return hit
    seller_words = load_seller_words(session, seller_id=seller_id, specialties=specialties)
    market = market_opportunities(session, now=now, ai=ai, refresh=refresh)
    report = replace(market, opportunities=rank_for_seller(market.opportunities, seller_words), cached=False)
    _save_report(session, scope, report, now)
    return report


def top_new_high_opportunity(
    session: Session,
    *,
    seller_id: str,
    now: datetime | None = None,
    ai: AIDoor | None = None,
    exclude_terms: Iterable[str] = (),
) -> MarketOpportunity | None:
    """The seller's best HIGH opportunity in their categories or specialties not in `exclude_terms`, or None."""
    excluded = {normalize_term(t) for t in exclude_terms}
    report = find_opportunities(session, seller_id=seller_id, now=now, ai=ai)
    return next(
        (o for o in report if o.potential == "HIGH" and o.fits_seller and o.term not in excluded),
        None,
    )
