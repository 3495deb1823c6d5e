"""The `classify_opportunities` task through the stubbed Anthropic API: a good answer, violations, chunks; and the
demand chain (searches a month × click-through × conversion = sales a month, never more sales than searches)."""

from __future__ import annotations

import copy
import json
import random
import re
from decimal import Decimal as D
from typing import Any

import pytest

from core.ai.serialize import to_jsonable
from core.ai.tasks.classify_opportunities import (
    INPUT_SCHEMA,
    ClassifiedGap,
    GapFacts,
    OpportunityPayload,
    RelatedSales,
    classify_opportunities,
    monthly_demand,
    monthly_searches,
    offline_classification,
    parse_opportunity_classification,
)
from core.ai.tasks.opportunity_demand import DemandRates, demand_chain
from core.ai.validation import SchemaViolation
from core.market.opportunities import combined_engine
from tests.ai_stub import STUB_MODEL, StubAnthropic, tool_use_response

GAPS = (
    GapFacts(
        "notion budget template", 16, 11, 5, 1, 3, 0, (RelatedSales("SPREADSHEET", D("310.00"), 4),), "SPREADSHEET"
    ),
    GapFacts("adhd planner", 9, 6, 3, 2, 3, 0, (), "PLANNER"),
    GapFacts("ai prompt library", 4, 4, 0, 3, 3, 0, (RelatedSales("EBOOK", D("240.00"), 2),), None),
)
# Click-through 30 %; spreadsheets convert 5 % of their views, planners 4 %, e-books 2 %, the rest 3 %.
RATES = DemandRates(
    0.30,
    tuple(
        (kind, {"SPREADSHEET": 0.05, "PLANNER": 0.04, "EBOOK": 0.02}.get(kind, 0.03))
        for kind in ("EBOOK", "TEMPLATE", "COURSE", "PLANNER", "SPREADSHEET", "POWERPOINT", "GRAPHIC", "DOCUMENT")
    ),
)
PAYLOAD = OpportunityPayload(GAPS, RATES)
# Expected searches a month (90-day volume ÷ 3 × the trend ratio bounded to 1.5): 16 ÷ 3 × 1.5 = 8 (ratio 4.4);
# 9 ÷ 3 × 1.5 = 4.5 → 5 (ratio 4); 4 ÷ 3 × 1.5 = 2 (all recent). A model may answer 0 to those many sales.
GOOD = {
    "opportunities": [
        {
            "term": "notion budget template",
            "potential": "HIGH",
            "suggested_product_type": "SPREADSHEET",
            "estimated_monthly_demand": 2,
            "reasoning": "16 searches in 90 days, 11 of them in the last 30, and no listing: build it.",
        },
        {
            "term": "adhd planner",
            "potential": "MEDIUM",
            "suggested_product_type": "PLANNER",
            "estimated_monthly_demand": 1,
            "reasoning": "Rising from 3 to 6 searches with nothing listed.",
        },
        {
            "term": "ai prompt library",
            "potential": "MEDIUM",
            "suggested_product_type": "EBOOK",
            "estimated_monthly_demand": 0,
            "reasoning": "All 4 searches are recent; e-books sell for related terms ($240).",
        },
    ]
}


def changed(index: int, **fields: Any) -> dict[str, Any]:
    answer = copy.deepcopy(GOOD)
    answer["opportunities"][index].update(fields)
    return answer


def reply(answer: dict[str, Any]):  # type: ignore[no-untyped-def]
    return tool_use_response("classify_opportunities", answer)


def test_a_good_answer_comes_from_the_model_and_keeps_the_payload_order() -> None:
    stub = StubAnthropic(reply({"opportunities": list(reversed(GOOD["opportunities"]))}))
    [result] = classify_opportunities(GAPS, rates=RATES, ai=stub.door())

    assert result.engine == f"anthropic:{STUB_MODEL}"
    assert [o.term for o in result.value.opportunities] == [g.term for g in GAPS]
    assert result.value.opportunities[0] == ClassifiedGap(
        "notion budget template", "HIGH", "SPREADSHEET", 2, GOOD["opportunities"][0]["reasoning"]
    )
    body = stub.bodies[0]
    assert body["tool_choice"] == {"type": "tool", "name": "classify_opportunities"}
    assert body["tools"][0]["input_schema"] == INPUT_SCHEMA
    message = body["messages"][0]["content"]
    assert '- term "notion budget template": 16 searches (rank 1 of 3); last 30 days 11, previous 60 days 5' in message
    assert "(trend rising, ratio 4.40)" in message
    assert "related sales in 90 days: SPREADSHEET $310.00 (4 listings)" in message
    assert "expected searches a month: 8" in message
    assert "Click-through (searches that open a listing): 30%." in message
    assert "SPREADSHEET 5.00%" in message and "EBOOK 2.00%" in message


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        (changed(1, term="adhd planners"), "is not one of the terms asked about"),
        (changed(1, term="notion budget template"), "is answered twice"),
        (changed(0, potential="VERY HIGH"), "opportunities[0].potential"),
        (changed(0, suggested_product_type="VIDEO"), "opportunities[0].suggested_product_type"),
        (changed(0, estimated_monthly_demand=9), "9 sales outside 0–8"),  # more sales than its 8 searches a month
        (changed(2, estimated_monthly_demand=3), "3 sales outside 0–2"),
        (changed(0, estimated_monthly_demand=-1), "-1 sales outside 0–8"),
        (changed(0, estimated_monthly_demand=2.5), "not a whole number"),
        (changed(2, reasoning="x" * 401), "more than 400"),
        ({"opportunities": GOOD["opportunities"][:2]}, "has 2 items, expected 3–3"),
    ],
)
def test_a_schema_violation_falls_back_to_the_offline_rules(answer: dict[str, Any], reason: str) -> None:
    with pytest.raises(SchemaViolation, match=re.escape(reason)):
        parse_opportunity_classification(answer, PAYLOAD)
    [result] = classify_opportunities(GAPS, rates=RATES, ai=StubAnthropic(reply(answer)).door())
    assert result.engine == "offline"
    assert result.fallback_reason is not None and result.fallback_reason.startswith("schema violation")
    assert result.value == offline_classification(PAYLOAD)


def test_a_whole_number_sent_as_a_float_is_accepted() -> None:
    value = parse_opportunity_classification(changed(0, estimated_monthly_demand=8.0), PAYLOAD)
    assert value.opportunities[0].estimated_monthly_demand == 8


def test_the_cached_form_of_an_answer_parses_back_to_itself() -> None:
    payload = PAYLOAD
    value = parse_opportunity_classification(GOOD, payload)
    assert parse_opportunity_classification(json.loads(json.dumps(to_jsonable(value))), payload) == value


def test_chunks_answer_separately_and_a_mixed_report_says_so() -> None:
    first_two = {"opportunities": GOOD["opportunities"][:2]}
    stub = StubAnthropic(reply(first_two), reply({"opportunities": []}))
    results = classify_opportunities(GAPS, rates=RATES, ai=stub.door(), chunk_size=2)

    assert [r.engine for r in results] == [f"anthropic:{STUB_MODEL}", "offline"]
    assert len(stub.requests) == 2
    engine, label = combined_engine(results)
    assert engine == "mixed"
    assert label.startswith(f"Written by Claude ({STUB_MODEL}) for 2 of 3 terms, by the offline engine for the rest")


def test_one_engine_for_all_chunks_keeps_its_label() -> None:
    results = classify_opportunities(GAPS, rates=RATES, ai=StubAnthropic(reply(GOOD)).door(), chunk_size=25)
    assert combined_engine(results) == (f"anthropic:{STUB_MODEL}", f"Written by Claude ({STUB_MODEL})")
    assert combined_engine([]) == ("offline", "No unmet searches to classify")


def test_the_offline_estimate_is_the_stated_chain() -> None:
    # 8 searches a month × 30 % × 5 % (spreadsheets) = 0.12 sales → 0; the chain says so in words.
    chain = demand_chain(monthly_searches(GAPS[0]), "SPREADSHEET", RATES)
    assert (chain.searches_per_month, chain.click_through, chain.conversion_rate) == (8, 0.30, 0.05)
    assert chain.sales_per_month == pytest.approx(0.12) and chain.sales == 0
    assert chain.sentence() == "≈ 8 searches a month × 30% open a listing × 5.0% of views buy ≈ 0.12 sales a month."
    assert [o.estimated_monthly_demand for o in offline_classification(PAYLOAD).opportunities] == [0, 0, 0]
    # A well-searched term: 453 searches in 90 days, 151 in the last 30 (flat): 151 a month, not "227 sales".
    big = GapFacts("wedding budget", 453, 151, 302, 1, 1, 0, (), "SPREADSHEET")
    assert monthly_searches(big) == 151
    # 151 × 0.30 × 0.05 = 2.265 → 2 sales a month.
    assert monthly_demand(big, "SPREADSHEET", RATES) == 2


def test_sales_never_exceed_searches_over_many_random_gaps() -> None:
    rng = random.Random(11)
    kinds = [kind for kind, _ in RATES.conversion_by_type]
    for _ in range(2_000):
        volume = rng.randint(3, 5_000)
        recent = rng.randint(0, volume)
        gap = GapFacts("t", volume, recent, volume - recent, 1, 1, 0, (), None)
        # Rates anywhere in [0, 1.5]: a rate above 100 % is clamped, it cannot create sales out of nothing.
        rates = DemandRates(rng.uniform(0, 1.5), tuple((k, rng.uniform(0, 1.5)) for k in kinds))
        kind = rng.choice(kinds)
        searches = monthly_searches(gap)
        sales = monthly_demand(gap, kind, rates)
        assert 0 <= sales <= searches <= (volume + 1) // 2  # at most 1.5 × volume ÷ 3, rounded half up
        assert demand_chain(searches, kind, rates).sales_per_month <= searches
