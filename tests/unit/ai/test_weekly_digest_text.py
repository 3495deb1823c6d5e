"""The weekly digest's texts (offline engine and the model's message), with hand-computed changes from core.money."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from core.ai.tasks.weekly_digest_text import (
    TipFacts,
    WeeklyDigestPayload,
    WeekNumbers,
    build_digest_message,
    offline_weekly_digest_text,
    parse_weekly_digest_text,
    revenue_sentence,
)
from core.ai.validation import SchemaViolation

TIP = TipFacts("Zen Guide", "images", "Images", 5.0, 20.0, "Add a featured image and 3 gallery images.")


def week(this: str, last: str, units: tuple[int, int], *, rating: str | None = None, rated: int = 0, currency="USD"):
    return WeekNumbers(currency, D(this), D(last), units[0], units[1], None if rating is None else D(rating), rated)


def test_revenue_sentences() -> None:
    # (100.50 − 75.00) / 75.00 = +34.0%; (60 − 80) / 80 = −25.0%, written as "fell 25.0%" (no sign after "fell").
    assert revenue_sentence(week("100.50", "75.00", (5, 4))) == (
        "Revenue rose 34.0% to $100.50 on 5 sales (the week before: $75.00 on 4 sales)."
    )
    assert revenue_sentence(week("60.00", "80.00", (1, 3))) == (
        "Revenue fell 25.0% to $60.00 on 1 sale (the week before: $80.00 on 3 sales)."
    )
    # (100.40 − 100) / 100 = 0.4%: under half a percent reads as steady.
    assert revenue_sentence(week("100.40", "100.00", (2, 2))) == (
        "Revenue held steady at $100.40 on 2 sales (the week before: $100.00)."
    )
    assert revenue_sentence(week("20.00", "0.00", (1, 0))) == (
        "Revenue was $20.00 on 1 sale in the last 7 days, up from nothing the week before."
    )
    assert revenue_sentence(week("0.00", "0.00", (0, 0))) == "No sales in the last 7 days, and none the week before."
    assert revenue_sentence(week("1500.00", "1000.00", (3, 2), currency="EUR")) == (
        "Revenue rose 50.0% to 1,500.00 EUR on 3 sales (the week before: 1,000.00 EUR on 2 sales)."
    )


def test_offline_subject_summary_and_tip() -> None:
    down = offline_weekly_digest_text(
        WeeklyDigestPayload(week("60.00", "80.00", (1, 3), rating="4.50", rated=1), TIP, None)
    )

    assert down.subject == "Your week: $60.00 in sales, down 25.0%"
    assert down.summary.endswith("(the week before: $80.00 on 3 sales). Your 1 rated listing average 4.5 stars.")
    assert down.tip == '"Zen Guide" scores 5 of 20 on images. Add a featured image and 3 gallery images.'

    steady = offline_weekly_digest_text(WeeklyDigestPayload(week("100.40", "100.00", (2, 2)), None, None))
    assert (steady.subject, steady.tip) == ("Your week: $100.40 in sales", "")
    nothing = offline_weekly_digest_text(WeeklyDigestPayload(week("0.00", "12.00", (0, 1)), None, None))
    assert nothing.subject == "Your week on the marketplace: one thing to try next"


def test_the_message_to_the_model_holds_the_numbers_as_written() -> None:
    message = build_digest_message(
        WeeklyDigestPayload(week("60.00", "80.00", (1, 3), rating="4.50", rated=2), TIP, "Add tags")
    )

    assert message.splitlines() == [
        "Last 7 days against the 7 days before:",
        "- revenue: $60.00 (before: $80.00; change: -25.0%)",
        "- sales: 1 (before: 3)",
        "- average rating of published listings: 4.5 of 5 over 2",
        "Top open insight: Add tags",
        "Tip facts: listing 'Zen Guide', Images scores 5 of 20.",
        "Rule-based suggestion: Add a featured image and 3 gallery images.",
    ]
    new = build_digest_message(WeeklyDigestPayload(week("20.00", "0.00", (1, 0)), None, None))
    assert "- revenue: $20.00 (before: $0.00; change: n/a)" in new
    assert "Tip facts: none (no published listing with points to win)." in new
    # Nothing sold in either week: a change of 0 (core.money's one rule), not "n/a".
    assert "change: 0.0%)" in build_digest_message(WeeklyDigestPayload(week("0.00", "0.00", (0, 0)), None, None))


def test_a_model_tip_without_tip_facts_is_refused() -> None:
    payload = WeeklyDigestPayload(week("20.00", "0.00", (1, 0)), None, None)
    answer = {"subject": "Your week: $20.00", "summary": "You sold 1.", "tip": ""}

    assert parse_weekly_digest_text(answer, payload).tip == ""
    with pytest.raises(SchemaViolation):
        parse_weekly_digest_text({**answer, "tip": "Add images."}, payload)
