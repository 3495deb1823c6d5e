"""The `product_recommendation` task: keep, promote, reprice or drop one published product, with a confidence and a
one-paragraph reason, from Claude or an offline engine.

The payload is what a model may know about one product: its 30-day numbers, its segment's medians, its price
against the benchmark and its listing score (product facts and aggregates only, never the seller). The rules live
in the sales package (`core.sales.recommendation_rules`), which passes them as the offline engine: this module knows
no domain package.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from core.ai.door import AIDoor, AIResult, Task, default_ai
from core.ai.validation import SchemaViolation, require_choice, require_object, require_text
from core.money import format_money, format_share

NAME = "product_recommendation"
ACTIONS = ("keep", "promote", "reprice", "drop")
MAX_REASON_CHARS = 700
MIN_REASON_CHARS = 20


@dataclass(frozen=True)
class RecommendationPayload:
    """One published product's evidence (windows of complete days ending yesterday)."""

    title: str
    product_type: str
    category_name: str | None
    currency: str
    price: Decimal
    days_published: int | None  # None: no publication date
    views: int  # last 30 days
    add_to_cart: int  # last 30 days
    orders: int  # last 30 days (refunded ones included: gross, like the revenue roll-up)
    revenue: Decimal  # last 30 days
    previous_revenue: Decimal  # the 30 days before
    orders_90d: int  # last 90 days
    segment_label: str  # "planners in Business" or "planners (all categories)"
    segment_products: int  # published products of the segment with enough views to rank their conversion
    segment_median_conversion: float | None  # None: no product of the segment has enough views
    segment_median_views: float | None
    benchmark_median_price: Decimal | None  # the nightly benchmark's median price of the product's segment
    benchmark_sample: int
    listing_score: float | None  # the stored listing score (0–100), None when never scored

    @property
    def conversion(self) -> float | None:
        """Orders ÷ views over 30 days; None without views."""
        return self.orders / self.views if self.views else None

    @property
    def add_to_cart_rate(self) -> float | None:
        return self.add_to_cart / self.views if self.views else None


@dataclass(frozen=True)
class ProductRecommendation:
    action: str  # one of ACTIONS
    confidence: int  # 0–100
    reason: str


INPUT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "action": {"type": "string", "enum": list(ACTIONS)},
        "confidence": {
            "type": "integer",
            "description": "0 to 100: how far the numbers are past the thresholds and how much data backs them.",
        },
        "reason": {
            "type": "string",
            "description": "One paragraph, at most 700 characters, addressed to the seller, citing the numbers.",
        },
    },
    "required": ["action", "confidence", "reason"],
    "additionalProperties": False,
}

SYSTEM_PROMPT = """You advise sellers of digital products on a marketplace what to do with one published product.
Choose one action:
- keep: nothing in the numbers calls for a change;
- promote: it converts at least as well as comparable products but few people see it;
- reprice: many people see it but few buy, or its price is far from the segment's (say which direction);
- drop: no sale in 90 days, a weak listing and hardly any views.
Rules:
- Use only the numbers given; do not invent data. A conversion needs at least 20 views to be judged.
- confidence is an integer from 0 to 100: higher when the numbers are far past the thresholds and backed by many
  views and a large segment, low when the data is thin.
- reason: one paragraph, at most 700 characters, addressed to the seller ("your product"), citing the numbers.
Answer only by calling the product_recommendation tool."""


def _share(value: float | None) -> str:
    return "unknown" if value is None else format_share(value, places=2)


def _or_unknown(value: object) -> str:
    return "unknown" if value is None else str(value)


def build_recommendation_message(payload: RecommendationPayload) -> str:
    """The user message: the product's numbers and its segment's, as plain lines."""

    def m(amount: Decimal | None) -> str:
        return "unknown" if amount is None else format_money(amount, payload.currency)

    lines = [
        "Product:",
        f"- title: {payload.title}",
        f"- product type: {payload.product_type}; category: {payload.category_name or 'none'}",
        f"- price: {m(payload.price)}; days published: {_or_unknown(payload.days_published)}",
        f"- listing score: {'not scored' if payload.listing_score is None else f'{payload.listing_score:.0f} of 100'}",
        "Last 30 days:",
        f"- views {payload.views}, add-to-cart {payload.add_to_cart}, orders {payload.orders}",
        f"- conversion (orders ÷ views): {_share(payload.conversion)}",
        f"- revenue {m(payload.revenue)}; the 30 days before: {m(payload.previous_revenue)}",
        f"Orders in the last 90 days: {payload.orders_90d}",
        f"Segment ({payload.segment_label}), {payload.segment_products} products with at least 20 views:",
        f"- median conversion {_share(payload.segment_median_conversion)}",
        "- median views "
        + ("unknown" if payload.segment_median_views is None else f"{payload.segment_median_views:.0f}"),
        f"- benchmark median price {m(payload.benchmark_median_price)} over {payload.benchmark_sample} listings",
    ]
    return "\n".join(lines)


def require_confidence(raw: Any, field: str = "confidence") -> int:
    """An integer from 0 to 100 (a whole float such as 70.0 is accepted; booleans and fractions are not)."""
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise SchemaViolation(f"{field} is {raw!r}, not an integer")
    if isinstance(raw, float) and not raw.is_integer():
        raise SchemaViolation(f"{field} {raw!r} is not a whole number")
    value = int(raw)
    if not 0 <= value <= 100:
        raise SchemaViolation(f"{field} {value} is outside 0–100")
    return value


def parse_product_recommendation(raw: Any, payload: RecommendationPayload) -> ProductRecommendation:
    """Typed recommendation from a tool input, or `SchemaViolation` (unknown action, confidence out of 0–100…)."""
    answer = require_object(raw, ("action", "confidence", "reason"))
    action = require_choice(answer["action"], "action", ACTIONS)
    confidence = require_confidence(answer["confidence"])
    reason = require_text(answer["reason"], "reason", max_chars=MAX_REASON_CHARS, min_chars=MIN_REASON_CHARS)
    return ProductRecommendation(action=action, confidence=confidence, reason=reason)


OfflineEngine = Callable[[RecommendationPayload], ProductRecommendation]
"""The sales package's deterministic rules for one payload."""


def product_recommendation_task(offline: OfflineEngine) -> Task[RecommendationPayload, ProductRecommendation]:
    """The task, answered offline by `offline` (the rules of `core.sales.recommendation_rules`)."""

    def checked_offline(payload: RecommendationPayload) -> ProductRecommendation:
        # The offline answer goes through the same checks as a model's: the rules can never store what parse refuses.
        answer = offline(payload)
        raw = {"action": answer.action, "confidence": answer.confidence, "reason": answer.reason}
        return parse_product_recommendation(raw, payload)

    return Task(
        name=NAME,
        version=1,
        description="Record what to do with one product (keep, promote, reprice or drop), a confidence and why.",
        input_schema=INPUT_SCHEMA,
        system_prompt=SYSTEM_PROMPT,
        build_message=build_recommendation_message,
        parse=parse_product_recommendation,
        offline=checked_offline,
        # The payload holds the day's numbers, so a new day is a new key; a day bounds staleness.
        cache_ttl=timedelta(days=1),
        max_tokens=600,
    )


def product_recommendation(
    payload: RecommendationPayload,
    *,
    offline: OfflineEngine,
    ai: AIDoor | None = None,
    session: Session | None = None,
    use_cache: bool = True,
) -> AIResult[ProductRecommendation]:
    """A recommendation for one product (Claude when configured and well-behaved, else the caller's rules)."""
    task = product_recommendation_task(offline)
    return (ai or default_ai()).run(task, payload, session=session, use_cache=use_cache)
