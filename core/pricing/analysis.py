"""The pricing optimizer (seed 000 step 2b, issue 3): analyse a product's price against its market, in bulk too,
apply a new price with an audit row, and list the seller's price history.

Loading (`core.pricing.queries`) is four queries whatever the number of products analysed: the seller's
products with their 90-day views, purchases and units; the quartiles of every segment involved; min, max,
95th percentile, average rating and median conversion of the same segments; the market benchmarks
(top-seller average price). The AI door then answers per product (adding one cache lookup per product).
The numbers — segment, position, confidence, money at stake — are the pure functions of `core.pricing.market` and
`core.pricing.rules`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.ai.door import AIDoor, default_ai
from core.ai.tasks.pricing_advice import pricing_advice
from core.ai.tasks.pricing_types import PricingPayload
from core.db import utcnow
from core.listings.queries import Segment
from core.market.benchmarks import sales_window
from core.models import DigitalProduct, PriceChange, PriceChangeSource, ProductStatus
from core.models.enums import product_type_label
from core.money import format_money
from core.pricing.market import build_market, choose_segment
from core.pricing.queries import (
    MarketData,
    apply_benchmark_overrides,
    load_market,
    load_product_rows,
    price_cap_reference,
    product_facts,
    segment_prices,
    top_seller_price,
)
from core.pricing.rules import (
    PriceValidationError,
    PricingAnalysis,
    check_price_cap,
    competitive_position,
    confidence_score,
    money_at_stake,
    parse_price,
    position_distance,
    price_spread,
    unavailable,
)
from core.text_input import url_key

DEFAULT_BATCH_SIZE = 20
Progress = Callable[[int, int, str], None]


def _analyse_row(session: Session, row: Any, data: MarketData, *, ai: AIDoor, use_cache: bool) -> PricingAnalysis:
    product_type, price, currency = str(row.type), row.price, row.currency or "USD"
    title = row.title or ""
    whole_key: Segment = (product_type, None)
    whole = segment_prices(data.bands.get(whole_key), data.extras.get(whole_key))
    others = (whole.sample_size if whole else 0) - (1 if row.status == ProductStatus.PUBLISHED else 0)
    if others < 1:
        kind = product_type_label(product_type, lower=True)
        reason = f"No other published {kind} listing to compare with yet, so there is no market price to go by."
        return unavailable(row.id, title, price, currency, reason)
    if price <= 0:
        return unavailable(row.id, title, price, currency, "Set a price above $0.00 to get pricing advice.")
    category_key: Segment = (product_type, row.category_id)
    category = segment_prices(data.bands.get(category_key), data.extras.get(category_key)) if row.category_id else None
    chosen = choose_segment(category, whole)
    assert chosen is not None  # `whole` exists
    prices, scope = chosen
    top_price, top_scope = top_seller_price(data, product_type, row.category_id, scope)
    market = build_market(
        price,
        prices,
        scope,
        category_name=row.category_name,
        top_seller_average_price=top_price,
        top_seller_scope=top_scope,
    )
    try:
        market.to_context()
    except ValueError:
        reason = "The comparable listings include free ones, so their prices cannot anchor a suggestion."
        return unavailable(row.id, title, price, currency, reason)
    # Position and confidence describe the listings themselves, so they use the computed figures; the
    # marketplace team's overrides (if any) then replace the reference figures shown and given to the model.
    position = competitive_position(price, market.p25_price, market.p75_price)
    confidence = confidence_score(
        market.sample_size,
        price_spread(market.p25_price, market.median_price, market.p75_price),
        position_distance(price, market.p25_price, market.median_price, market.p75_price),
    )
    market = apply_benchmark_overrides(market, data, product_type, row.category_id)
    context = market.to_context()
    facts = product_facts(row, category_name=market.category_name)
    payload = PricingPayload(product=facts, market=context, competitive_position=position, confidence_score=confidence)
    result = pricing_advice(payload, ai=ai, session=session, use_cache=use_cache)
    advice = result.value
    units = int(row.units or 0)
    return PricingAnalysis(
        product_id=row.id,
        title=title,
        current_price=price,
        currency=currency,
        available=True,
        suggested_price=advice.suggested_price,
        price_range=advice.price_range,
        reasoning=advice.reasoning,
        competitive_position=position,
        confidence_score=confidence,
        market=market,
        facts=facts,
        engine=result.engine,
        engine_label=result.engine_label,
        fallback_reason=result.fallback_reason,
        cached=result.cached,
        money_at_stake=money_at_stake(advice.suggested_price, price, units),
        units_90_days=units,
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
    data = load_market(session, rows, window)
    return _analyse_row(session, rows[0], data, ai=ai or default_ai(), use_cache=use_cache)


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
    data = load_market(session, rows, window)
    door = ai or default_ai()
    analyses: list[PricingAnalysis] = []
    for start in range(0, len(rows), batch_size):
        for row in rows[start : start + batch_size]:
            analyses.append(_analyse_row(session, row, data, ai=door, use_cache=use_cache))
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
