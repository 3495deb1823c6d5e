"""The pricing optimizer (seed 000 step 2b, issues 3 and 11): analyse a product's price against its market and
its own demand, in bulk too, apply a new price with an audit row, and list the seller's price history.

Loading (`core.pricing.queries`) is a fixed number of queries whatever the number of products: the seller's
products with their 90-day views, purchases and units; the nightly benchmark rows of their segments (the same
figures Market and Benchmarks show); the segments' 95th percentile (the price cap); the products' price changes
(and, for those that have some, their daily units and the activity since the last change). The AI door then
answers per product (one cache lookup each). Position: `core.pricing.rules`; the demand model, confidence and
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

from core.ai.door import AIDoor, default_ai
from core.ai.tasks.pricing_advice import pricing_advice
from core.ai.tasks.pricing_types import PricingPayload
from core.db import utcnow
from core.market.benchmarks import sales_window
from core.models import DigitalProduct, PriceChange, PriceChangeSource, ProductStatus
from core.models.enums import product_type_label
from core.money import format_money, to_cents
from core.pricing.advice import demand_context
from core.pricing.demand import (
    Anchor,
    anchor_day,
    estimate_elasticity,
    expected_change,
    model_confidence,
    price_steps,
    settle_until,
    units_at,
)
from core.pricing.evidence import ProductEvidence, load_evidence
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


def _analyse_row(
    session: Session,
    row: Any,
    data: MarketData,
    evidence: ProductEvidence | None,
    window: tuple[date, date],
    *,
    ai: AIDoor,
    use_cache: bool,
) -> PricingAnalysis:
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
    extras = data.extras.get((product_type, row.category_id if scope == "category" else None))
    p95 = to_cents(extras.p95) if extras is not None else benchmark.price_max
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
    result = pricing_advice(payload, ai=ai, session=session, use_cache=use_cache)
    advice = result.value
    suggested, price_range, held = enforce_band(advice.suggested_price, advice.price_range, (demand.low, demand.high))
    reasoning = advice.reasoning
    if held:
        reasoning = (
            f"{reasoning} The engine suggested {format_money(advice.suggested_price, currency)}; the rules that "
            f"always hold (at most 25% per step, no cut for an above-median converter, toward the market, settle "
            f"after a change) moved it to {format_money(suggested, currency)}."
        )
    units = anchor.monthly_units
    change = Decimal("0.00")
    if suggested != price:
        change = expected_change(suggested, units=units, current=price, elasticity=elasticity.mean)
    return PricingAnalysis(
        product_id=row.id,
        title=title,
        current_price=price,
        currency=currency,
        available=True,
        suggested_price=suggested,
        price_range=price_range,
        reasoning=reasoning,
        competitive_position=position,
        confidence_score=confidence,
        market=market,
        facts=facts,
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
        settled_until=settled,
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
    Five queries (product, quartiles, extras, benchmarks, the AI cache lookup). `now` fixes the 90-day window
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
    return _analyse_row(session, rows[0], data, evidence, window, ai=ai or default_ai(), use_cache=use_cache)


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

    The products and all the market data they need are loaded in four queries whatever their number; the AI
    then answers product by product in batches of at most `batch_size` (≤ 20), and pending AI-cache writes
    are flushed after each batch. Sort the result for review with `needs_attention`.
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
    analyses: list[PricingAnalysis] = []
    for start in range(0, len(rows), batch_size):
        for row in rows[start : start + batch_size]:
            analyses.append(
                _analyse_row(session, row, data, evidence.get(row.id), window, ai=door, use_cache=use_cache)
            )
            if progress is not None:
                progress(len(analyses), len(rows), row.title or "")
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
