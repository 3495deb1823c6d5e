"""The daily business digest task: the offline engine's texts from hand-built numbers (a viral product, a checkout
spike, revenue and conversion down), the model answer's validation, and the message the model gets."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from core.ai.tasks.daily_business_digest import (
    AlertFact,
    AnomalyFact,
    DailyDigestPayload,
    KeyMetric,
    TopProduct,
    build_message,
    offline_daily_digest,
    parse_daily_digest,
)

DAY = date(2026, 11, 20)  # a Friday
VIRAL = "Units sold of “Budget planner” on Fri Nov 20, 2026: 60, expected 2–22 for a Friday"
CART = "Checkout abandonment on Fri Nov 20, 2026: 80.00%, expected 50.00%–70.00% for a Friday"


def payload(**overrides: object) -> DailyDigestPayload:
    values: dict[str, object] = {
        "day": DAY,
        "metrics": (
            KeyMetric("revenue", "Revenue", "money", Decimal("900.00"), Decimal("1000.00")),  # -10.0 %
            KeyMetric("orders", "Orders", "count", Decimal(45), Decimal(40)),  # +12.5 %
            KeyMetric("conversion", "Conversion", "percent", Decimal("1.80"), Decimal("2.00")),  # -10.0 %
        ),
        "top_product": TopProduct("Budget planner", Decimal("300.00"), 60, Decimal("120.00")),  # +150.0 %
        "anomalies": (
            AnomalyFact("product", "units", "spike", "critical", VIRAL),
            AnomalyFact("marketplace", "checkout_abandonment", "spike", "warning", CART),
        ),
        "alerts": (),
    }
    values.update(overrides)
    return DailyDigestPayload(**values)  # type: ignore[arg-type]


def test_the_offline_texts_from_the_numbers() -> None:
    text = offline_daily_digest(payload())
    assert text.summary == (
        "On Friday Nov 20, 2026 the marketplace made $900.00 (-10.0% on $1,000.00 last week) on 45 orders against "
        "40 the Friday before. The top product was “Budget planner” with $300.00 from 60 sales (+150.0% on $120.00 "
        "last week). 1 thing needs a look: 1 anomaly and 0 open alerts."
    )
    assert text.highlights == [
        "Orders up 12.5% on last Friday: 45 (+12.5% on 40 last week).",
        "Top product: “Budget planner”, $300.00 from 60 sales (+150.0% on $120.00 last week).",
        f"{VIRAL}.",
    ]
    assert text.concerns == [
        f"{CART}.",
        "Revenue down 10.0% on last Friday: $900.00 (-10.0% on $1,000.00 last week).",
        "Conversion down 10.0% on last Friday: 1.80% (-10.0% on 2.00% last week).",
    ]
    assert text.recommendations == [
        f"Feature the product going viral on the home page while it lasts: {VIRAL}.",
        f"Test the checkout (payment and download steps): {CART}.",
        "Conversion fell from 2.00% to 1.80%: review the most viewed listings that lost buyers (price and images "
        "first).",
    ]


def test_critical_alerts_come_first_and_a_calm_day_still_gets_two_recommendations() -> None:
    alerts = (AlertFact("warning", "Outbox backlog 600"), AlertFact("critical", "Webhook failures 9 in 15 min"))
    text = offline_daily_digest(payload(alerts=alerts))
    assert text.recommendations[0] == "Resolve the 1 critical alert first: Webhook failures 9 in 15 min"
    assert text.concerns[1:3] == [
        "Open critical alert: Webhook failures 9 in 15 min",
        "Open warning alert: Outbox backlog 600",
    ]

    flat = tuple(KeyMetric(m.key, m.label, m.unit, m.previous, m.previous) for m in payload().metrics)
    calm = offline_daily_digest(payload(metrics=flat, anomalies=(), top_product=None))
    assert calm.summary.endswith("Nothing unusual: no anomaly and no open alert.")
    assert calm.highlights == [] and calm.concerns == []
    # Only a good surprise (a product going viral): the summary does not say "no anomaly" over a highlight of one.
    viral = (AnomalyFact("product", "units", "spike", "critical", VIRAL),)
    lucky = offline_daily_digest(payload(metrics=flat, anomalies=viral, top_product=None))
    assert lucky.summary.endswith("Nothing worrying: no drop and no open alert; 1 good surprise below.")
    assert lucky.highlights == [f"{VIRAL}."]
    assert calm.recommendations == [
        "Watch the next day's orders against 40 on this one and 40 a week before: two days in the same direction is "
        "a trend worth acting on.",
        "Conversion was 2.00% against 2.00% a week before: compare the most viewed listings' prices and images with "
        "the best sellers' before changing more.",
    ]


def test_a_model_answer_is_validated() -> None:
    good = {"summary": "Fine.", "highlights": [], "concerns": ["x"], "recommendations": ["a", "b"]}
    assert parse_daily_digest(good, payload()).recommendations == ["a", "b"]
    for bad in (
        {**good, "recommendations": ["only one"]},
        {**good, "recommendations": ["a", "b", "c", "d"]},
        {**good, "summary": ""},
        {**good, "summary": "x" * 601},
        {k: v for k, v in good.items() if k != "concerns"},
        {**good, "highlights": [3]},
    ):
        with pytest.raises(ValueError):
            parse_daily_digest(bad, payload())


def test_the_message_holds_the_numbers_given() -> None:
    lines = build_message(payload()).splitlines()
    assert lines[:5] == [
        "Day: Friday Nov 20, 2026 (compared with Nov 13, 2026)",
        "- Revenue: $900.00 (-10.0% on $1,000.00 last week)",
        "- Orders: 45 (+12.5% on 40 last week)",
        "- Conversion: 1.80% (-10.0% on 2.00% last week)",
        "Top product: “Budget planner”, $300.00 from 60 sales (+150.0% on $120.00 last week)",
    ]
    assert lines[5:] == ["Anomalies:", f"- [critical spike] {VIRAL}", f"- [warning spike] {CART}", "Open alerts: none"]
