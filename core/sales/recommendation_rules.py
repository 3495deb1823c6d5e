"""The offline engine of product recommendations (pure): keep, promote, reprice or drop one published product, a
confidence from 0 to 100 and a one-paragraph reason written from the product's own numbers.

Inputs (`RecommendationPayload`, all over the 30 complete days ending yesterday unless said): views, add-to-cart,
orders, revenue (and the 30 days before), orders of the last 90 days, the **segment** (the product's type in its
category; the type across all categories when fewer than `MIN_SEGMENT_PRODUCTS` products of the category rank)
median conversion and median views over its published products with at least `MIN_VIEWS` views, the nightly
benchmark's median price, the stored listing score.

* **conversion** = orders ÷ views; it is *judged* only from `MIN_VIEWS` (20) views, and its **ratio** is the
  conversion ÷ the segment median.
* **high views** = at least `HIGH_VIEWS_FLOOR` (100) views and at least the segment's median views.
* **price ratio** = price ÷ the benchmark's median price.

Rules, first match wins:

1. **drop**: no order in `NO_SALE_DAYS` (90) days, a listing score under `LOW_SCORE` (40), fewer than `LOW_VIEWS`
   (20) views in 30 days, and published for at least `NO_SALE_DAYS` days (a new product is not judged).
2. **reprice (lower)**: high views and a conversion ratio at most `FAR_UNDER_RATIO` (0.5): seen but rarely bought.
3. **reprice (lower)**: a price ratio of at least `PRICE_FAR_ABOVE` (1.5) with a conversion under the median.
4. **reprice (raise)**: a price ratio of at most `PRICE_FAR_BELOW` (0.6), high views and a conversion ratio of at
   least `STRONG_ABOVE_RATIO` (1.5): buyers would likely accept more.
5. **promote**: a conversion ratio of at least `ABOVE_RATIO` (1.2) without high views: it converts, few see it.
6. **keep**: anything else.

**Confidence** = `BASE_CONFIDENCE` + `MARGIN_WEIGHT` × margin + `DATA_WEIGHT` × data, rounded and kept in 0–100.
The margin (0–1) is how far the deciding numbers are past their thresholds (the mean over the rule's conditions,
each 0 at its threshold and 1 at the "far" point named in the rule); the data strength (0–1) is half the views
out of `FULL_DATA_VIEWS` (500) and half the segment's ranked products out of `FULL_SEGMENT` (30); for "drop" it is
the days published out of 2 × `NO_SALE_DAYS`. A "keep" without a judged conversion has a margin of 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from core.ai.tasks.product_recommendation import ProductRecommendation, RecommendationPayload
from core.money import format_money, format_percent, format_share, percent_change

MIN_VIEWS = 20
MIN_SEGMENT_PRODUCTS = 5
HIGH_VIEWS_FLOOR = 100
FAR_UNDER_RATIO = 0.5
ABOVE_RATIO = 1.2
STRONG_ABOVE_RATIO = 1.5
PRICE_FAR_ABOVE = 1.5
PRICE_FAR_BELOW = 0.6
NO_SALE_DAYS = 90
LOW_SCORE = 40.0
LOW_VIEWS = MIN_VIEWS

# Where each condition counts as "far past" its threshold (margin 1).
FAR_CONVERSION_RATIO = 2 * ABOVE_RATIO  # promote: twice the promote threshold
FAR_STRONG_RATIO = 2 * STRONG_ABOVE_RATIO
FAR_PRICE_ABOVE = 3.0  # three times the median price
FAR_PRICE_BELOW = 0.3

FULL_DATA_VIEWS = 500
FULL_SEGMENT = 30
BASE_CONFIDENCE = 30
MARGIN_WEIGHT = 40
DATA_WEIGHT = 30

MAX_REASON_CHARS = 700


@dataclass(frozen=True)
class Decision:
    """The rule that matched: action, direction for a reprice ("lower" / "raise"), margin and data strength."""

    action: str
    rule: str
    margin: float
    data: float
    direction: str | None = None

    @property
    def confidence(self) -> int:
        return confidence_from(self.margin, self.data)


# ---------------------------------------------------------------------------------------------- the numbers


def conversion_ratio(p: RecommendationPayload) -> float | None:
    """Conversion ÷ the segment median, judged only from `MIN_VIEWS` views and a positive median."""
    conversion, median = p.conversion, p.segment_median_conversion
    if conversion is None or p.views < MIN_VIEWS or not median:
        return None
    return conversion / median


def price_ratio(p: RecommendationPayload) -> float | None:
    if p.benchmark_median_price is None or p.benchmark_median_price <= 0 or p.price <= 0:
        return None
    return float(p.price / p.benchmark_median_price)


def high_views_threshold(p: RecommendationPayload) -> float:
    return max(float(HIGH_VIEWS_FLOOR), p.segment_median_views or 0.0)


def past(value: float, threshold: float, far: float) -> float:
    """0 at `threshold`, 1 at `far` (either side), clipped to 0–1."""
    if far == threshold:
        return 1.0
    return min(1.0, max(0.0, (value - threshold) / (far - threshold)))


def data_strength(p: RecommendationPayload) -> float:
    return 0.5 * min(1.0, p.views / FULL_DATA_VIEWS) + 0.5 * min(1.0, p.segment_products / FULL_SEGMENT)


def confidence_from(margin: float, data: float) -> int:
    """`BASE_CONFIDENCE` + `MARGIN_WEIGHT` × margin + `DATA_WEIGHT` × data, rounded half up, within 0–100."""
    value = BASE_CONFIDENCE + MARGIN_WEIGHT * margin + DATA_WEIGHT * data
    return int(min(100, max(0, math.floor(value + 0.5))))


def _mean(*values: float) -> float:
    return sum(values) / len(values)


# ---------------------------------------------------------------------------------------------- the rules


def decide(p: RecommendationPayload) -> Decision:
    """The first rule of the module docstring that matches."""
    ratio, prices, high = conversion_ratio(p), price_ratio(p), high_views_threshold(p)
    data = data_strength(p)
    old_enough = p.days_published is None or p.days_published >= NO_SALE_DAYS
    weak = p.listing_score is not None and p.listing_score < LOW_SCORE
    if p.orders_90d == 0 and weak and p.views < LOW_VIEWS and old_enough:
        assert p.listing_score is not None
        age = 0.5 if p.days_published is None else min(1.0, p.days_published / (2 * NO_SALE_DAYS))
        margin = _mean(past(p.listing_score, LOW_SCORE, 0.0), past(p.views, LOW_VIEWS, 0.0))
        return Decision("drop", "no sale, weak listing, few views", margin, age)
    if ratio is not None and p.views >= high and ratio <= FAR_UNDER_RATIO:
        margin = past(ratio, FAR_UNDER_RATIO, 0.0)
        return Decision("reprice", "high views, conversion far under the segment", margin, data, "lower")
    if prices is not None and ratio is not None and prices >= PRICE_FAR_ABOVE and ratio < 1.0:
        margin = _mean(past(prices, PRICE_FAR_ABOVE, FAR_PRICE_ABOVE), past(ratio, 1.0, 0.0))
        return Decision("reprice", "priced far above the segment, conversion under it", margin, data, "lower")
    cheap = prices is not None and prices <= PRICE_FAR_BELOW
    if cheap and ratio is not None and ratio >= STRONG_ABOVE_RATIO and p.views >= high:
        assert prices is not None
        margin = _mean(
            past(prices, PRICE_FAR_BELOW, FAR_PRICE_BELOW), past(ratio, STRONG_ABOVE_RATIO, FAR_STRONG_RATIO)
        )
        return Decision("reprice", "priced far under the segment, converting far above it", margin, data, "raise")
    if ratio is not None and ratio >= ABOVE_RATIO and p.views < high:
        margin = _mean(past(ratio, ABOVE_RATIO, FAR_CONVERSION_RATIO), past(p.views, high, MIN_VIEWS))
        return Decision("promote", "converts above the segment, few views", margin, data)
    if ratio is None:
        return Decision("keep", "too little data to judge", 0.0, data)
    if ratio >= ABOVE_RATIO:  # with high views: a product that sells
        return Decision(
            "keep", "converts above the segment with many views", past(ratio, ABOVE_RATIO, FAR_CONVERSION_RATIO), data
        )
    if ratio <= FAR_UNDER_RATIO:  # weak conversion but not enough views for a price test
        return Decision("keep", "conversion far under the segment on few views", 0.0, data)
    half_band = (ABOVE_RATIO - FAR_UNDER_RATIO) / 2
    margin = min(1.0, min(ratio - FAR_UNDER_RATIO, ABOVE_RATIO - ratio) / half_band)
    return Decision("keep", "conversion near the segment", margin, data)


# ---------------------------------------------------------------------------------------------- the reason


def _count(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def activity_sentence(p: RecommendationPayload) -> str:
    text = (
        f"“{p.title}” had {_count(p.views, 'view')}, {_count(p.add_to_cart, 'add-to-cart')} and "
        f"{_count(p.orders, 'order')} in the last 30 days"
    )
    ratio = conversion_ratio(p)
    if p.views < MIN_VIEWS:
        return text + f": too few views to judge its conversion ({MIN_VIEWS} needed)."
    text += f", a conversion of {format_share(p.conversion, places=2)}"
    if ratio is None:
        return text + f"; no product of {p.segment_label} has enough views to compare with."
    relation = "under" if ratio < 1 else "above" if ratio > 1 else "at"
    gap = format_percent(abs(ratio - 1) * 100, places=0)
    median = format_share(p.segment_median_conversion, places=2)
    where = f"the {median} median of {p.segment_products:,} {p.segment_label}"
    if relation == "at":
        return text + f", right at {where}."
    return text + f", {gap} {relation} {where}."


def revenue_sentence(p: RecommendationPayload) -> str:
    now, before = format_money(p.revenue, p.currency), format_money(p.previous_revenue, p.currency)
    if p.revenue == 0 and p.previous_revenue == 0:
        if p.orders_90d == 0:
            return "It has not sold in 90 days."
        return f"No revenue in the last 60 days ({_count(p.orders_90d, 'order')} in 90 days)."
    change = percent_change(p.revenue, p.previous_revenue, places=0)
    if change is None:
        return f"Revenue was {now}, up from nothing in the 30 days before."
    direction = "up" if change > 0 else "down" if change < 0 else "unchanged"
    amount = "" if change == 0 else f" {format_percent(abs(change), places=0)}"
    return f"Revenue was {now}, {direction}{amount} from {before} in the 30 days before."


def price_sentence(p: RecommendationPayload) -> str:
    ratio = price_ratio(p)
    price = format_money(p.price, p.currency)
    if ratio is None or p.benchmark_median_price is None:
        return f"Its price is {price}; the segment has no benchmark yet."
    median = format_money(p.benchmark_median_price, p.currency)
    if abs(ratio - 1) < 0.005:
        return f"Its price {price} matches the benchmark median."
    relation = "above" if ratio > 1 else "under"
    gap = format_percent(abs(ratio - 1) * 100, places=0)
    return f"Its price {price} is {gap} {relation} the benchmark median of {median} ({p.benchmark_sample:,} listings)."


def score_sentence(p: RecommendationPayload) -> str:
    if p.listing_score is None:
        return "The listing has not been scored yet."
    return f"Listing score {p.listing_score:.0f}/100."


def advice_sentence(p: RecommendationPayload, decision: Decision) -> str:
    median = None if p.benchmark_median_price is None else format_money(p.benchmark_median_price, p.currency)
    high = high_views_threshold(p)
    if decision.action == "drop":
        return (
            f"With no sale in {NO_SALE_DAYS} days, a score under {LOW_SCORE:.0f} and under {LOW_VIEWS} views, "
            "consider unpublishing it or rebuilding the listing from scratch."
        )
    if decision.action == "reprice" and decision.direction == "raise":
        return (
            f"Buyers convert well at a price far under the median{f' of {median}' if median else ''}: "
            "test a higher price in one step and watch the orders per day."
        )
    if decision.action == "reprice":
        if decision.rule.startswith("priced far above"):
            return f"Test a lower price, toward the median of {median}, and compare the orders per day after 14 days."
        cheap = price_ratio(p)
        extra = (
            " Its price is not above the median, so check the preview and description too."
            if cheap is not None and cheap <= 1
            else ""
        )
        return f"Many people see it but few buy: test a lower price.{extra}"
    if decision.action == "promote":
        return (
            f"It converts better than its segment but had fewer than {high:,.0f} views: "
            "promoting it should turn more visits into sales."
        )
    if decision.rule == "too little data to judge":
        return "Keep it for now and look again once it has more views."
    return "Nothing here calls for a change: keep it."


def recommendation_reason(p: RecommendationPayload, decision: Decision) -> str:
    """One paragraph of at most `MAX_REASON_CHARS` characters, from the product's numbers."""
    sentences = [activity_sentence(p), revenue_sentence(p), price_sentence(p), score_sentence(p)]
    sentences.append(advice_sentence(p, decision))
    sentences.append(f"Confidence {decision.confidence}/100.")
    # Drop the score, then the price sentence when too long; the activity and the advice always stay.
    for drop in ((), (3,), (2, 3), (1, 2, 3)):
        text = " ".join(s for i, s in enumerate(sentences) if i not in drop)
        if len(text) <= MAX_REASON_CHARS:
            return text
    return text[: MAX_REASON_CHARS - 1].rstrip() + "…"


def recommend(p: RecommendationPayload) -> ProductRecommendation:
    """The offline answer: the rule that matched, its confidence and the reason."""
    decision = decide(p)
    return ProductRecommendation(
        action=decision.action, confidence=decision.confidence, reason=recommendation_reason(p, decision)
    )


def direction_of(p: RecommendationPayload) -> str | None:
    """ "lower" / "raise" for a reprice by the rules (None otherwise): the page's words next to the badge."""
    decision = decide(p)
    return decision.direction if decision.action == "reprice" else None
