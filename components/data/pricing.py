"""The Pricing tool's reads and writes: cached reads (products, one analysis, price history), the bulk review and
the price write, which forgets every cached answer the new price makes stale (the listing scores too)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from components.data import cached, clock, forget_seller
from core.catalog import ProductOption, list_seller_products
from core.db import session_scope
from core.listings.persisted import rescore_products
from core.models import PriceChangeSource
from core.pricing import PriceHistoryEntry, PricingAnalysis, analyze_pricing, apply_price, bulk_analyze_pricing
from core.pricing import price_history as load_price_history
from core.pricing.price_effect import PriceChangeEffect
from core.pricing.price_effect import price_change_effects as load_price_change_effects

# Prices only change through this page (or an admin): a few minutes of caching keeps reruns instant,
# and the write below clears what it changed right away.
PRODUCTS_TTL_SECONDS = 300
ANALYSIS_TTL_SECONDS = 600
HISTORY_TTL_SECONDS = 300
HISTORY_ROWS = 20


@cached("pricing", ttl=PRODUCTS_TTL_SECONDS)
def seller_products(seller_id: str) -> list[ProductOption]:
    """The seller's published products, by title (what the product picker offers)."""
    with session_scope() as session:
        return list_seller_products(session, seller_id=seller_id)


@cached("pricing", ttl=ANALYSIS_TTL_SECONDS, show_spinner="Comparing your price with the market…")
def pricing_analysis(seller_id: str, product_id: str) -> PricingAnalysis:
    """One product's analysis; LookupError when it is not the seller's. The session commits new AI-cache rows."""
    with session_scope() as session:
        return analyze_pricing(session, seller_id=seller_id, product_id=product_id)


@cached("pricing", ttl=HISTORY_TTL_SECONDS)
def recent_price_changes(seller_id: str) -> list[PriceHistoryEntry]:
    with session_scope() as session:
        return load_price_history(session, seller_id=seller_id, limit=HISTORY_ROWS)


@cached("pricing", ttl=HISTORY_TTL_SECONDS)
def price_change_effects(seller_id: str) -> list[PriceChangeEffect]:
    """The recent price changes with what happened around each one older than 7 days (visits, conversion, orders
    and revenue per day, 14 days before vs up to 28 after, and the verdict)."""
    with session_scope() as session:
        return load_price_change_effects(session, seller_id=seller_id, now=clock.now(), limit=HISTORY_ROWS)


def review_all_prices(seller_id: str, progress: Callable[[int, int, str], None]) -> list[PricingAnalysis]:
    """Every published product analysed (not cached: it is an explicit action with its own progress bar)."""
    with session_scope() as session:
        return bulk_analyze_pricing(session, seller_id=seller_id, progress=progress)


@dataclass(frozen=True)
class AppliedPrice:
    product_id: str
    title: str
    old_price: Decimal
    new_price: Decimal
    currency: str


def set_price(
    *,
    seller_id: str,
    user_id: str,
    product_id: str,
    title: str,
    currency: str,
    new_price: Decimal,
    source: PriceChangeSource,
    suggested_price: Decimal | None,
) -> AppliedPrice:
    """Write the new price and its audit row in one transaction, then forget the answers it made stale.

    Raises `PriceValidationError` (message for the field) or `LookupError`; nothing is written then.
    """
    with session_scope() as session:
        change = apply_price(
            session,
            seller_id=seller_id,
            product_id=product_id,
            new_price=new_price,
            changed_by_user_id=user_id,
            source=source,
            suggested_price=suggested_price,
        )
        # The stored listing score's pricing dimension moves with the price: rescore in the same transaction (here,
        # not in core.pricing, which core.listings imports).
        rescore_products(session, [product_id], now=clock.now())
        applied = AppliedPrice(product_id, title, change.old_price, change.new_price, currency)
    # The cached answers that showed the old price and score.
    forget_seller(seller_id, "pricing", "listings")
    return applied
