"""The offline recommendation rules on hand-built products: which rule matches, the confidence computed by hand from
the module's formula, and a reason written from each product's own numbers."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D

import pytest

from core.ai.tasks.product_recommendation import RecommendationPayload
from core.sales.recommendation_rules import MAX_REASON_CHARS, decide, recommend

# A product converting exactly at its segment's median (6 orders from 300 views = 2 %), priced at the median.
BASE = RecommendationPayload(
    title="Budget Planner 2027",
    product_type="PLANNER",
    category_name="Finance",
    currency="USD",
    price=D("20.00"),
    days_published=200,
    views=300,
    add_to_cart=20,
    orders=6,
    revenue=D("120.00"),
    previous_revenue=D("100.00"),
    orders_90d=15,
    segment_label="planner listings in Finance",
    segment_products=40,
    segment_median_conversion=0.02,
    segment_median_views=150.0,
    benchmark_median_price=D("20.00"),
    benchmark_sample=40,
    listing_score=70.0,
)


def product(**changes: object) -> RecommendationPayload:
    return replace(BASE, **changes)


# (changes, action, direction, confidence by hand)
CASES = [
    # ratio 1.0 → keep; margin min(1.0-0.5, 1.2-1.0)/0.35 = 0.5714; data 0.5·300/500 + 0.5·1 = 0.8
    # 30 + 40·0.5714 + 30·0.8 = 76.86 → 77
    ({}, "keep", None, 77),
    # 1,000 views (≥ 150), 5 orders: ratio 0.25 ≤ 0.5 → reprice lower; margin (0.25-0.5)/(0-0.5) = 0.5; data 1.0
    # 30 + 20 + 30 = 80
    ({"views": 1000, "orders": 5}, "reprice", "lower", 80),
    # price 40 = 2× the median, 5 of 300 views: ratio 0.833 → rule 3; margin mean(0.5/1.5, 0.1667) = 0.25; data 0.8
    # 30 + 10 + 24 = 64
    ({"price": D("40.00"), "orders": 5}, "reprice", "lower", 64),
    # price 10 = 0.5× the median, 12 of 300 views: ratio 2.0 on 300 ≥ 150 views → raise
    # margin mean((0.5-0.6)/(0.3-0.6), (2.0-1.5)/(3.0-1.5)) = 0.3333; 30 + 13.33 + 24 = 67.33 → 67
    ({"price": D("10.00"), "orders": 12}, "reprice", "raise", 67),
    # 3 orders of 60 views: ratio 2.5, 60 < 150 views → promote
    # margin mean(min(1, (2.5-1.2)/1.2), (60-150)/(20-150)) = mean(1, 0.6923) = 0.8462; data 0.5·60/500 + 0.5 = 0.56
    # 30 + 33.85 + 16.8 = 80.65 → 81
    ({"views": 60, "orders": 3}, "promote", None, 81),
    # no sale in 90 days, score 25, 5 views, 200 days published → drop
    # margin mean((25-40)/(0-40), (5-20)/(0-20)) = mean(0.375, 0.75) = 0.5625; data min(1, 200/180) = 1
    # 30 + 22.5 + 30 = 82.5 → 83 (half up)
    (
        {
            "views": 5,
            "orders": 0,
            "add_to_cart": 0,
            "orders_90d": 0,
            "listing_score": 25.0,
            "revenue": D(0),
            "previous_revenue": D(0),
        },
        "drop",
        None,
        83,
    ),
    # the same but published 30 days ago: not judged a drop; 5 views → keep, too little data (margin 0)
    # data 0.5·5/500 + 0.5 = 0.505 → 30 + 15.15 = 45.15 → 45
    (
        {
            "views": 5,
            "orders": 0,
            "add_to_cart": 0,
            "orders_90d": 0,
            "listing_score": 25.0,
            "days_published": 30,
            "revenue": D(0),
            "previous_revenue": D(0),
        },
        "keep",
        None,
        45,
    ),
    # score 45 (not under 40): no drop either → keep with too little data, same 45
    ({"views": 5, "orders": 0, "orders_90d": 0, "listing_score": 45.0, "revenue": D(0)}, "keep", None, 45),
    # high conversion (ratio 2.0) with high views (300 ≥ 150) at the median price → keep, it sells
    # margin min(1, (2.0-1.2)/1.2) = 0.6667; 30 + 26.67 + 24 = 80.67 → 81
    ({"orders": 12}, "keep", None, 81),
    # conversion far under (ratio 0.25) but only 80 views (< 150): no price test → keep, margin 0
    # data 0.5·80/500 + 0.5 = 0.58 → 30 + 17.4 = 47.4 → 47
    ({"views": 80, "orders": 0}, "keep", None, 47),
]


@pytest.mark.parametrize(("changes", "action", "direction", "confidence"), CASES)
def test_rules_and_confidence_by_hand(changes: dict, action: str, direction: str | None, confidence: int) -> None:
    payload = product(**changes)
    decision = decide(payload)
    assert (decision.action, decision.direction, decision.confidence) == (action, direction, confidence)
    answer = recommend(payload)
    assert (answer.action, answer.confidence) == (action, confidence)
    assert len(answer.reason) <= MAX_REASON_CHARS


def test_segment_median_views_raise_the_high_views_bar() -> None:
    # 300 views are "high" against a segment median of 150, not against one of 400: the same low conversion
    # (ratio 0.25) is then a keep on few views instead of a reprice.
    low = {"orders": 1, "views": 300}  # 1 of 300 = 0.33 % vs 2 % → ratio 0.1667
    assert decide(product(**low)).action == "reprice"
    assert decide(product(**low, segment_median_views=400.0)).action == "keep"


def test_thin_data_lowers_the_confidence() -> None:
    # The same reprice (ratio 0.25) on a segment of 3 ranked products instead of 40: data 0.5 + 0.5·3/30 = 0.55
    # 30 + 20 + 16.5 = 66.5 → 67
    assert decide(product(views=1000, orders=5, segment_products=3)).confidence == 67


def test_the_reason_quotes_each_products_own_numbers() -> None:
    a = recommend(product(views=1000, orders=5))
    b = recommend(product(title="Wedding Checklist", views=2400, orders=6, price=D("35.00")))
    assert a.action == b.action == "reprice"
    assert a.reason != b.reason
    assert "“Budget Planner 2027” had 1,000 views, 20 add-to-carts and 5 orders" in a.reason
    # 5 ÷ 1,000 = 0.50 %, 75 % under the 2.00 % median (ratio 0.25)
    assert "a conversion of 0.50%, 75% under the 2.00% median of 40 planner listings in Finance" in a.reason
    assert "Revenue was $120.00, up 20% from $100.00 in the 30 days before." in a.reason
    assert "“Wedding Checklist” had 2,400 views" in b.reason
    # 35 ÷ 20 = 1.75 → 75 % above
    assert "Its price $35.00 is 75% above the benchmark median of $20.00 (40 listings)." in b.reason
    assert "Confidence 80/100." in a.reason


def test_reason_without_enough_views_or_a_benchmark() -> None:
    reason = recommend(product(views=12, orders=0, benchmark_median_price=None, listing_score=None)).reason
    assert "too few views to judge its conversion (20 needed)" in reason
    assert "the segment has no benchmark yet" in reason
    assert "The listing has not been scored yet." in reason
    drop = recommend(product(views=5, orders=0, orders_90d=0, listing_score=25.0, revenue=D(0), previous_revenue=D(0)))
    assert "It has not sold in 90 days." in drop.reason
