"""The `classify_opportunities` task through the stubbed Anthropic API: a good answer, violations, chunks."""

from __future__ import annotations

import copy
import json
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
    offline_classification,
    parse_opportunity_classification,
)
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
GOOD = {
    "opportunities": [
        {
            "term": "notion budget template",
            "potential": "HIGH",
            "suggested_product_type": "SPREADSHEET",
            "estimated_monthly_demand": 9,
            "reasoning": "16 searches in 90 days, 11 of them in the last 30, and no listing: build it.",
        },
        {
            "term": "adhd planner",
            "potential": "MEDIUM",
            "suggested_product_type": "PLANNER",
            "estimated_monthly_demand": 5,
            "reasoning": "Rising from 3 to 6 searches with nothing listed.",
        },
        {
            "term": "ai prompt library",
            "potential": "MEDIUM",
            "suggested_product_type": "EBOOK",
            "estimated_monthly_demand": 2,
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
    [result] = classify_opportunities(GAPS, ai=stub.door())

    assert result.engine == f"anthropic:{STUB_MODEL}"
    assert [o.term for o in result.value.opportunities] == [g.term for g in GAPS]
    assert result.value.opportunities[0] == ClassifiedGap(
        "notion budget template", "HIGH", "SPREADSHEET", 9, GOOD["opportunities"][0]["reasoning"]
    )
    body = stub.bodies[0]
    assert body["tool_choice"] == {"type": "tool", "name": "classify_opportunities"}
    assert body["tools"][0]["input_schema"] == INPUT_SCHEMA
    message = body["messages"][0]["content"]
    assert '- term "notion budget template": 16 searches (rank 1 of 3); last 30 days 11, previous 60 days 5' in message
    assert "(trend rising, ratio 4.40)" in message
    assert "related sales in 90 days: SPREADSHEET $310.00 (4 listings)" in message


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        (changed(1, term="adhd planners"), "is not one of the terms asked about"),
        (changed(1, term="notion budget template"), "is answered twice"),
        (changed(0, potential="VERY HIGH"), "opportunities[0].potential"),
        (changed(0, suggested_product_type="VIDEO"), "opportunities[0].suggested_product_type"),
        (changed(0, estimated_monthly_demand=49), "outside 0–48"),  # at most 3 × 16 searches
        (changed(0, estimated_monthly_demand=-1), "outside 0–48"),
        (changed(0, estimated_monthly_demand=2.5), "not a whole number"),
        (changed(2, reasoning="x" * 401), "more than 400"),
        ({"opportunities": GOOD["opportunities"][:2]}, "has 2 items, expected 3–3"),
    ],
)
def test_a_schema_violation_falls_back_to_the_offline_rules(answer: dict[str, Any], reason: str) -> None:
    with pytest.raises(SchemaViolation, match=re.escape(reason)):
        parse_opportunity_classification(answer, OpportunityPayload(GAPS))
    [result] = classify_opportunities(GAPS, ai=StubAnthropic(reply(answer)).door())
    assert result.engine == "offline"
    assert result.fallback_reason is not None and result.fallback_reason.startswith("schema violation")
    assert result.value == offline_classification(OpportunityPayload(GAPS))


def test_a_whole_number_sent_as_a_float_is_accepted() -> None:
    value = parse_opportunity_classification(changed(0, estimated_monthly_demand=9.0), OpportunityPayload(GAPS))
    assert value.opportunities[0].estimated_monthly_demand == 9


def test_the_cached_form_of_an_answer_parses_back_to_itself() -> None:
    payload = OpportunityPayload(GAPS)
    value = parse_opportunity_classification(GOOD, payload)
    assert parse_opportunity_classification(json.loads(json.dumps(to_jsonable(value))), payload) == value


def test_chunks_answer_separately_and_a_mixed_report_says_so() -> None:
    first_two = {"opportunities": GOOD["opportunities"][:2]}
    stub = StubAnthropic(reply(first_two), reply({"opportunities": []}))
    results = classify_opportunities(GAPS, ai=stub.door(), chunk_size=2)

    assert [r.engine for r in results] == [f"anthropic:{STUB_MODEL}", "offline"]
    assert len(stub.requests) == 2
    engine, label = combined_engine(results)
    assert engine == "mixed"
    assert label.startswith(f"Written by Claude ({STUB_MODEL}) for 2 of 3 terms, by the offline engine for the rest")


def test_one_engine_for_all_chunks_keeps_its_label() -> None:
    results = classify_opportunities(GAPS, ai=StubAnthropic(reply(GOOD)).door(), chunk_size=25)
    assert combined_engine(results) == (f"anthropic:{STUB_MODEL}", f"Written by Claude ({STUB_MODEL})")
    assert combined_engine([]) == ("offline", "No unmet searches to classify")
