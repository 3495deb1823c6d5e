"""The weekly digest's pure rules: the compared weeks and their label, the once-a-week key, the table's cells, and
the longer view a declining seller gets."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal as D
from zoneinfo import ZoneInfo

from core.ai.tasks.weekly_digest_text import WeekNumbers
from core.messaging.rules import (
    DOWN,
    FLAT,
    UP,
    PerformanceRow,
    change_cell,
    digest_idempotency_key,
    digest_subject,
    digest_week,
    first_name,
    performance_rows,
    trend_context,
    weakest_dimension_tip,
    week_label,
)
from core.periods import Window
from core.sales.trends import History, build_trend, trend_windows

NEW_YORK = ZoneInfo("America/New_York")


def test_the_week_is_the_last_seven_complete_local_days() -> None:
    # Monday 2026-11-23 04:30 UTC is Sunday 23:30 in New York: today is Sunday the 22nd, which is left out.
    week = digest_week(datetime(2026, 11, 23, 4, 30, tzinfo=UTC), NEW_YORK)

    assert week == Window(date(2026, 11, 15), date(2026, 11, 21))
    assert week.previous() == Window(date(2026, 11, 8), date(2026, 11, 14))
    assert week_label(week) == "Nov 15 – Nov 21, 2026"


def test_week_labels_across_a_month_and_a_year() -> None:
    assert week_label(digest_week(datetime(2026, 12, 3, 12, 0, tzinfo=UTC), UTC)) == "Nov 26 – Dec 2, 2026"
    new_year = datetime(2027, 1, 2, 12, 0, tzinfo=UTC)
    assert week_label(digest_week(new_year, UTC)) == "Dec 26 – Jan 1, 2027"


def test_the_idempotency_key_and_the_greeting_name() -> None:
    assert digest_idempotency_key("s-1", "2026-W47") == "weekly-digest:s-1:2026-W47"
    assert first_name("Ana Lima", "Ana's Shop") == "Ana"
    assert first_name(None, "Cleo's Templates") == "Cleo's"
    assert first_name("  ", "") == "there"


def test_change_cells() -> None:
    assert change_cell(D("100.50"), D("75.00")) == ("+34.0%", UP)  # 25.50 / 75 = 0.34
    assert change_cell(D("60.00"), D("80.00")) == ("-25.0%", DOWN)  # −20 / 80
    assert change_cell(0, 3) == ("-100.0%", DOWN)
    assert change_cell(4, 4) == ("0.0%", FLAT)
    assert change_cell(5, 0) == ("new", UP)  # nothing the week before: no percentage
    assert change_cell(0, 0) == ("—", FLAT)


def test_performance_rows_in_the_sellers_currency() -> None:
    numbers = WeekNumbers(
        currency="EUR", revenue_this_week=D("1234.50"), revenue_last_week=D("0.00"), units_this_week=3,
        units_last_week=4, average_rating=D("4.30"), rated_listings=2,
    )  # fmt: skip

    assert performance_rows(numbers) == [
        PerformanceRow("Revenue", "1,234.50 EUR", "0.00 EUR", "new", UP),
        PerformanceRow("Sales (units)", "3", "4", "-25.0%", DOWN),  # −1 / 4
        PerformanceRow("Average rating", "4.3 of 5", "—", "—", FLAT),  # no dated reviews: no week before
    ]
    unrated = WeekNumbers("USD", D("0.00"), D("0.00"), 0, 0, None, 0)
    assert performance_rows(unrated)[2].this_week == "no ratings yet"


def test_no_listing_no_tip() -> None:
    assert weakest_dimension_tip([]) is None


def test_a_declining_sellers_subject_names_the_decline_not_the_week() -> None:
    w = trend_windows(date(2026, 12, 6))
    months = dict(zip(w.months, [0, 3_606_200] + [500_000] * 9 + [245_700], strict=True))  # Jan $36,062, Nov $2,457
    dana = build_trend(History(months, {}, (900_000, 1_700_000, 4_800_000, 7_500_000, 0), date(2025, 12, 10)), w)
    week = WeekNumbers("USD", D("612.00"), D("548.90"), 12, 11, None, 0)
    # 2,457 ÷ 36,062 = 6.8 % of the peak: 93 % below it.
    assert digest_subject("Your week: $612.00 in sales, up 11.5%", week, dana) == (
        "Your week: $612.00 in sales; revenue is 93% below its January peak"
    )
    assert trend_context(dana) == (
        "The longer view: revenue is 93% below its January peak: the last 90 days brought $9,000.00, 88% less "
        "than your best 90 days."
    )
    steady = build_trend(History(months, {}, (900_000, 900_000, 900_000, 900_000, 0), date(2025, 12, 10)), w)
    subject = "Your week: $612.00 in sales, up 11.5%"
    assert digest_subject(subject, week, steady) == subject
    assert trend_context(steady) is None and trend_context(None) is None
