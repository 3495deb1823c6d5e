"""The pricing optimizer (seed 000 step 2b, issues 3 and 11): analyse a product's price against its market and
its own demand, in bulk too, apply a new price with an audit row, and list the seller's price history.

Loading (`core.pricing.queries`) is a fixed number of queries whatever the number of products: the seller's
products with their 90-day views, purchases and units; the nightly benchmark rows of their segments (the same
figures Market and Benchmarks show, with each segment's nightly 95th percentile: the price cap); the products'
price changes (and, for those that have some, their daily units and the activity since the last change). The AI
cache is searched once for all products; the AI door then answers per product, looking in the cache again only
for the products that have an answer there. Position: `core.pricing.rules`; the demand model, confidence and
expected change: `core.pricing.demand`; the rules that always hold: `core.pricing.advice`, enforced after any
engine by `core.pricing.rules.enforce_band`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.ai.cache import input_hash
from core.ai.door import OFFLINE_ENGINE, AIDoor, default_ai
from core.ai.serialize import to_jsonable
from core.ai.tasks.pricing_advice import PRICING_ADVICE, pricing_advice
from core.ai.tasks.pricing_types import DemandContext, PricingPayload, ProductFacts
from core.db import utcnow
from core.market.benchmarks import sales_window
from core.models import AICache, DigitalProduct, PriceChange, PriceChangeSource, ProductStatus
from core.models.enums import product_type_label
from core.money import format_money, to_cents
from core.pricing.advice import demand_context
from core.pricing.demand import (
    Anchor,
    Elasticity,
    anchor_day,
    estimate_elasticity,
    expected_change,
    model_confidence,
    price_steps,
    settle_until,
    units_at,
)
from core.pricing.evidence import ProductEvidence, load_evidence
from core.pricing.market import PricingMarket
from core.pricing.queries import (
    MarketData,
    load_market,
    load_product_rows,
    market_from_benchmark,
    price_cap_reference,
    product_facts,
    segment_benchmark,
    top_seller_price,
)
from core.pricing.rules import (
    CompetitivePosition,
    PriceValidationError,
    PricingAnalysis,
    check_price_cap,
    competitive_position,
    enforce_band,
    parse_price,
    unavailable,
)
from core.text_input import url_key

DEFAULT_BATCH_SIZE = 20
Progress = Callable[[int, int, str], None]


def _anchor(row: Any, evidence: ProductEvidence | None, window: tuple[date, date]) -> Anchor:
    last = evidence.last_change if evidence is not None else None
    since = anchor_day(window, last)
    days = (window[1] - since).days
    if evidence is not None and evidence.anchor_sums is not None:
        units, views, purchases = evidence.anchor_sums
    else:
        units, views, purchases = int(row.units or 0), int(row.views or 0), int(row.purchases or 0)
    return Anchor(since=since, days=days, units=units, views=views, purchases=purchases)


@dataclass(frozen=True)
class _Prepared:
    """Everything of one product's analysis up to the question for the AI door (the payload)."""

    row: Any
    market: PricingMarket
    position: CompetitivePosition
    anchor: Anchor
    elasticity: Elasticity
    settled: date | None
    demand: DemandContext
    facts: ProductFacts
    payload: PricingPayload


def _prepare(
    row: Any, data: MarketData, evidence: ProductEvidence | None, window: tuple[date, date]
) -> _Prepared | PricingAnalysis:
    """The product's market, position, demand model and AI payload; an unavailable analysis when there is none."""
    product_type, price, currency = str(row.type), row.price, row.currency or "USD"
    title = row.title or ""
    chosen = segment_benchmark(data, product_type, row.category_id)
    if chosen is None or not chosen[0].has_distribution:
        reason = (
            "Market figures for this kind of product have not been computed yet: they are computed nightly, "
            "so pricing advice will appear after the next run."
        )
        return unavailable(row.id, title, price, currency, reason)
    benchmark, scope = chosen
    whole = data.benchmarks.get((product_type, None))
    others = (whole.sample_size if whole else 0) - (1 if row.status == ProductStatus.PUBLISHED else 0)
    if others < 1:
        kind = product_type_label(product_type, lower=True)
        reason = f"No other published {kind} listing to compare with yet, so there is no market price to go by."
        return unavailable(row.id, title, price, currency, reason)
    if price <= 0:
        return unavailable(row.id, title, price, currency, "Set a price above $0.00 to get pricing advice.")
    segment_p95 = data.p95.get((product_type, row.category_id if scope == "category" else None))
    p95 = to_cents(segment_p95) if segment_p95 is not None else benchmark.price_max
    top = top_seller_price(data, product_type, row.category_id, scope)
    market = market_from_benchmark(price, benchmark, scope, top=top, p95=p95)
    try:
        context = market.to_context()
    except ValueError:
        reason = "The comparable listings include free ones, so their prices cannot anchor a suggestion."
        return unavailable(row.id, title, price, currency, reason)
    position = competitive_position(price, market.p25_price, market.p75_price)
    anchor = _anchor(row, evidence, window)
    today = window[1]
    changes = evidence.changes if evidence is not None else ()
    steps = price_steps(list(changes), evidence.daily_units or {}, today) if evidence is not None else []
    elasticity = estimate_elasticity(benchmark.demand_model, steps, price=float(price))
    settled = settle_until(evidence.last_change if evidence is not None else None, today)
    demand = demand_context(
        price=price,
        market=market,
        position=position,
        anchor=anchor,
        elasticity=elasticity,
        settled_until=settled,
        currency=currency,
    )
    confidence = model_confidence(anchor.units, benchmark.sample_size, elasticity.sd)
    facts = replace(product_facts(row, category_name=market.category_name), conversion_rate=anchor.conversion)
    payload = PricingPayload(
        product=facts, market=context, competitive_position=position, confidence_score=confidence, demand=demand
    )
    return _Prepared(row, market, position, anchor, elasticity, settled, demand, facts, payload)


def _finish(session: Session, prepared: _Prepared, *, ai: AIDoor, use_cache: bool) -> PricingAnalysis:
    """Ask the AI door (one cache lookup when `use_cache`) and hold its answer to the rules that always hold."""
    row, demand, elasticity = prepared.row, prepared.demand, prepared.elasticity
    price, currency = row.price, row.currency or "USD"
    result = pricing_advice(prepared.payload, ai=ai, session=session, use_cache=use_cache)
    advice = result.value
    suggested, price_range, held = enforce_band(advice.suggested_price, advice.price_range, (demand.low, demand.high))
    reasoning = advice.reasoning
    if held:
        reasoning = (
            f"{reasoning} The engine suggested {format_money(advice.suggested_price, currency)}; the rules that "
            f"always hold (at most 25% per step, no cut for an above-median converter, toward the market, settle "
            f"after a change) moved it to {format_money(suggested, currency)}."
        )
    units = prepared.anchor.monthly_units
    change = Decimal("0.00")
    if suggested != price:
        change = expected_change(suggested, units=units, current=price, elasticity=elasticity.mean)
    return PricingAnalysis(
        product_id=row.id,
        title=row.title or "",
        current_price=price,
        currency=currency,
        available=True,
        suggested_price=suggested,
        price_range=price_range,
        reasoning=reasoning,
        competitive_position=prepared.position,
        confidence_score=prepared.payload.confidence_score,
        market=prepared.market,
        facts=prepared.facts,
        engine=result.engine,
        engine_label=result.engine_label,
        fallback_reason=result.fallback_reason,
        cached=result.cached,
        money_at_stake=change,
        units_90_days=int(row.units or 0),
        demand=demand,
        expected_units=round(
            units_at(float(suggested), units=units, current=float(price), elasticity=elasticity.mean), 2
        ),
        held_by_rules=held,
        settled_until=prepared.settled,
    )


def _cache_key(payload: PricingPayload) -> str:
    """The AI door's cache key of a pricing question (`core.ai.cache.input_hash` of the task and its payload)."""
    return input_hash(PRICING_ADVICE.name, PRICING_ADVICE.version, to_jsonable(payload))


def _cached_keys(session: Session, keys: list[str], *, ai: AIDoor) -> set[str]:
    """Those of `keys` with an unexpired cached pricing answer: one query for all, so a bulk review asks the door
    to look in the cache only where there is something to find."""
    if not keys:
        return set()
    return set(
        session.scalars(
            select(AICache.input_hash).where(
                AICache.task == PRICING_ADVICE.name, AICache.input_hash.in_(keys), AICache.expires_at > ai.clock()
            )
        )
    )


def analyze_pricing(
    session: Session,
    *,
    seller_id: str,
    product_id: str,
    ai: AIDoor | None = None,
    now: datetime | None = None,
    use_cache: bool = True,
) -> PricingAnalysis:
    """One product's pricing analysis against its published market (any status of the seller's own products).

    LookupError("Product not found") when the product is missing, deleted or another seller's. Without a
    comparable listing of its type the result has `available=False` and a reason, and no AI is asked.
    Four queries (product, nightly benchmarks, price changes, the AI cache lookup). `now` fixes the 90-day window
    (default: the current time); `use_cache=False` asks the model anew ("regenerate").
    """
    key = url_key(product_id, max_chars=64)  # `?product=` may hold anything: a NUL is "not found", not DataError
    if key is None:
        raise LookupError("Product not found")
    window = sales_window(now or utcnow())
    rows = load_product_rows(session, seller_id=seller_id, window=window, conditions=(DigitalProduct.id == key,))
    if not rows:
        raise LookupError("Product not found")
    data = load_market(session, rows)
    evidence = load_evidence(session, [rows[0].id], window=window).get(rows[0].id)
    prepared = _prepare(rows[0], data, evidence, window)
    if isinstance(prepared, PricingAnalysis):
        return prepared
    return _finish(session, prepared, ai=ai or default_ai(), use_cache=use_cache)


def bulk_analyze_pricing(
    session: Session,
    *,
    seller_id: str,
    ai: AIDoor | None = None,
    progress: Progress | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    now: datetime | None = None,
    use_cache: bool = True,
) -> list[PricingAnalysis]:
    """Analyse every published product of the seller (by title), calling `progress(done, total, title)` after each.

    The products and all the market data they need are loaded in three queries whatever their number, and the
    AI cache is searched once for all of them; the AI then answers product by product (looking in the cache
    only for the products that have an answer there) in batches of at most `batch_size` (≤ 20), and pending
    AI-cache writes are flushed after each batch. Sort the result for review with `needs_attention`.
    """
    if not 1 <= batch_size <= DEFAULT_BATCH_SIZE:
        raise ValueError(f"batch_size must be 1–{DEFAULT_BATCH_SIZE}, not {batch_size}")
    window = sales_window(now or utcnow())
    rows = load_product_rows(
        session, seller_id=seller_id, window=window, conditions=(DigitalProduct.status == ProductStatus.PUBLISHED,)
    )
    data = load_market(session, rows)
    evidence = load_evidence(session, [r.id for r in rows], window=window)
    door = ai or default_ai()
    prepared = [_prepare(row, data, evidence.get(row.id), window) for row in rows]
    keys = {id(p): _cache_key(p.payload) for p in prepared if isinstance(p, _Prepared)}
    found = _cached_keys(session, sorted(set(keys.values())), ai=door) if use_cache else set()
    analyses: list[PricingAnalysis] = []
    for start in range(0, len(rows), batch_size):
        for item in prepared[start : start + batch_size]:
            if isinstance(item, _Prepared):
                key = keys[id(item)]
                analysis = _finish(session, item, ai=door, use_cache=use_cache and key in found)
                if analysis.engine != OFFLINE_ENGINE:
                    found.add(key)  # the door stored Claude's answer: a later identical question finds it
                analyses.append(analysis)
            else:
                analyses.append(item)
            if progress is not None:
                progress(len(analyses), len(rows), analyses[-1].title)
        session.flush()
    return analyses


# ---------------------------------------------------------------- applying a price


def apply_price(
    session: Session,
    *,
    seller_id: str,
    product_id: str,
    new_price: Decimal | str | float,
    changed_by_user_id: str,
    source: PriceChangeSource = PriceChangeSource.MANUAL,
    suggested_price: Decimal | None = None,
) -> PriceChange:
    """Set the price of the seller's own product and record a `price_changes` row, both or neither.

    Validation happens before anything is written: `PriceValidationError` (a message for the field) for a
    price that is not a number, ≤ 0, has more than two decimals, equals the current price, or exceeds 10× the
    segment's 95th percentile (`MAX_PRICE_WITHOUT_SEGMENT` without comparable listings); `LookupError("Product
    not found")` for a missing, deleted or other seller's product, which is never revealed to exist.
    The two rows are written in a savepoint, so a failure leaves neither; the caller's transaction commits.
    """
    amount = parse_price(new_price)
    key = url_key(product_id, max_chars=64)
    if key is None:
        raise LookupError("Product not found")
    product = session.execute(
        select(DigitalProduct).where(
            DigitalProduct.id == key,
            DigitalProduct.seller_id == seller_id,
            DigitalProduct.deleted_at.is_(None),
        )
    ).scalar_one_or_none()
    if product is None:
        raise LookupError("Product not found")
    currency = product.currency or "USD"
    if amount == product.price:
        raise PriceValidationError(f"{format_money(amount, currency)} is already this product's price.")
    check_price_cap(amount, price_cap_reference(session, product=product), currency)
    with session.begin_nested():
        change = PriceChange(
            product_id=product.id,
            seller_id=seller_id,
            changed_by_user_id=changed_by_user_id,
            old_price=product.price,
            new_price=amount,
            source=PriceChangeSource(source),
            suggested_price=None if suggested_price is None else parse_price(suggested_price),
            created_at=utcnow(),
        )
        product.price = amount
        session.add(change)
        session.flush()
    return change


@dataclass(frozen=True)
class PriceHistoryEntry:
    change_id: str
    product_id: str
    product_title: str
    old_price: Decimal
    new_price: Decimal
    source: PriceChangeSource
    suggested_price: Decimal | None
    changed_by_user_id: str
    changed_at: datetime


def price_history(session: Session, *, seller_id: str, limit: int = 20) -> list[PriceHistoryEntry]:
    """The seller's most recent price changes, newest first (products deleted since still show)."""
    rows = session.execute(
        select(PriceChange, DigitalProduct.title)
        .join(DigitalProduct, DigitalProduct.id == PriceChange.product_id)
        .where(PriceChange.seller_id == seller_id)
        .order_by(PriceChange.created_at.desc(), PriceChange.id.desc())
        .limit(limit)
    ).all()
    return [
        PriceHistoryEntry(
            change_id=change.id,
            product_id=change.product_id,
            product_title=title,
            old_price=change.old_price,
            new_price=change.new_price,
            source=change.source,
            suggested_price=change.suggested_price,
            changed_by_user_id=change.changed_by_user_id,
            changed_at=change.created_at,
        )
        for change, title in rows
    ]
