"""The pure steps of market opportunities: merging searches, ranks, related sales, the offline rules, seller order."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D

import pytest

from core.ai.tasks.classify_opportunities import (
    GapFacts,
    RelatedSales,
    classify_offline,
    monthly_demand,
    monthly_searches,
    potential_of,
    top_percent,
    trend_label,
    trend_ratio,
    volume_tier,
)
from core.ai.tasks.opportunity_demand import DemandRates
from core.catalog.search import WordSales
from core.market.demand import conversion_rates
from core.market.opportunities import (
    MarketOpportunity,
    SearchCount,
    TermVolume,
    merge_search_counts,
    rank_for_seller,
    related_sales_by_term,
    volume_ranks,
)


def gap(
    term: str = "adhd planner",
    *,
    volume: int = 16,
    recent: int = 8,
    rank: int = 1,
    count: int = 5,
    existing: int = 0,
    related: tuple[RelatedSales, ...] = (),
    keyword: str | None = None,
) -> GapFacts:
    return GapFacts(
        term=term,
        search_volume=volume,
        searches_last_30_days=recent,
        searches_previous_60_days=volume - recent,
        volume_rank=rank,
        gap_count=count,
        existing_products=existing,
        related_sales=related,
        keyword_type=keyword,
    )


# ---------------------------------------------------------------- merging and ranking


def test_spellings_merge_and_their_counts_add_up() -> None:
    rows = [
        SearchCount("notion budget templates", 10, 10),
        SearchCount("notion budget template", 4, 0),
        SearchCount("notion budget-template", 2, 1),
        SearchCount("write to jo@example.com", 9, 9),  # holds an e-mail address: dropped
        SearchCount("the", 5, 5),  # only a stop word: dropped
        SearchCount("ai prompts", 2, 2),  # under 3 searches: dropped
    ]
    # 10 + 4 + 2 = 16 searches, 10 + 0 + 1 = 11 of them in the last 30 days.
    assert merge_search_counts(rows) == [TermVolume("notion budget template", 16, 11)]
    assert TermVolume("notion budget template", 16, 11).searches_previous_60_days == 5


def test_the_most_searched_terms_are_kept_ties_by_term() -> None:
    rows = [SearchCount("b term", 5, 0), SearchCount("a term", 5, 0), SearchCount("c term", 9, 0)]
    assert [t.term for t in merge_search_counts(rows, limit=2)] == ["c term", "a term"]


def test_competition_ranks() -> None:
    assert volume_ranks([9, 5, 5, 2]) == [1, 2, 2, 4]
    assert volume_ranks([]) == []


def test_related_sales_add_up_over_the_terms_words() -> None:
    sales = [
        WordSales("ai", "EBOOK", 1, D("120.00")),
        WordSales("prompt", "EBOOK", 1, D("120.00")),
        WordSales("library", "GRAPHIC", 1, D("50.00")),
        WordSales("planner", "PLANNER", 4, D("900.00")),
    ]
    result = related_sales_by_term(["ai prompt library", "sourdough recipe"], sales)
    # EBOOK: 120 + 120 = 240 over 2 listing matches; GRAPHIC: 50.
    assert result["ai prompt library"] == (
        RelatedSales("EBOOK", D("240.00"), 2),
        RelatedSales("GRAPHIC", D("50.00"), 1),
    )
    assert result["sourdough recipe"] == ()


def test_related_sales_keep_the_three_best_types_ties_by_name() -> None:
    sales = [WordSales("kit", t, 1, D("10")) for t in ("SPREADSHEET", "COURSE", "EBOOK", "GRAPHIC")]
    assert [s.product_type for s in related_sales_by_term(["kit"], sales)["kit"]] == ["COURSE", "EBOOK", "GRAPHIC"]


# ---------------------------------------------------------------- the offline rules


@pytest.mark.parametrize(
    ("recent", "earlier", "ratio", "label"),
    [
        (11, 5, 4.4, "rising"),  # (11/30) / (5/60) = 4.4
        (3, 6, 1.0, "steady"),
        (6, 10, 1.2, "steady"),  # exactly on the threshold is not rising
        (7, 10, 1.4, "rising"),
        (4, 10, 0.8, "steady"),  # exactly on the threshold is not fading
        (2, 10, 0.4, "fading"),
        (0, 3, 0.0, "fading"),
        (4, 0, None, "rising"),  # all searches recent
        (0, 0, None, "steady"),
    ],
)
def test_trend(recent: int, earlier: int, ratio: float | None, label: str) -> None:
    assert trend_ratio(recent, earlier) == (None if ratio is None else pytest.approx(ratio))
    assert trend_label(recent, earlier) == label


@pytest.mark.parametrize(
    ("volume", "rank", "count", "tier"),
    [
        (16, 1, 5, "strong"),  # 0 of 5 ranked above: top 20 %
        (9, 1, 5, "moderate"),  # top of the list but under 10 searches
        (16, 2, 5, "moderate"),  # 1 of 5 above = 20 %: not under 20 %
        (16, 3, 5, "moderate"),  # 2 of 5 above = 40 %
        (16, 4, 5, "weak"),  # 3 of 5 above = 60 %
        (50, 8, 40, "strong"),  # 7 of 40 above = 17.5 %
        (50, 9, 40, "moderate"),  # 8 of 40 above = 20 %
    ],
)
def test_volume_tier(volume: int, rank: int, count: int, tier: str) -> None:
    assert volume_tier(gap(volume=volume, rank=rank, count=count)) == tier


@pytest.mark.parametrize(
    ("kwargs", "potential"),
    [
        ({"rank": 1, "recent": 11, "existing": 0}, "HIGH"),  # strong, rising, open
        ({"rank": 1, "recent": 5, "existing": 1}, "HIGH"),  # strong, steady (5/11 → 0.91), one listing
        ({"rank": 1, "recent": 11, "existing": 2}, "MEDIUM"),  # strong but two listings already
        ({"rank": 1, "recent": 2, "existing": 0}, "MEDIUM"),  # strong but fading (2/14 → 0.29)
        ({"rank": 2, "recent": 5, "existing": 2}, "MEDIUM"),  # moderate, steady
        ({"rank": 2, "recent": 2, "existing": 0}, "LOW"),  # moderate and fading
        ({"rank": 5, "recent": 11, "existing": 0}, "MEDIUM"),  # weak but rising in an open field
        ({"rank": 5, "recent": 11, "existing": 1}, "LOW"),  # weak, rising, but served
        ({"rank": 5, "recent": 5, "existing": 0}, "LOW"),  # weak and steady
    ],
)
def test_potential(kwargs: dict[str, int], potential: str) -> None:
    assert potential_of(gap(volume=16, count=5, **kwargs)) == potential


@pytest.mark.parametrize(
    ("volume", "recent", "demand"),
    [
        (16, 11, 8),  # ratio 4.4 → factor 1.5: 16 / 3 × 1.5 = 8
        (12, 2, 2),  # ratio 0.4 → factor 0.5: 12 / 3 × 0.5 = 2
        (9, 6, 5),  # ratio 4.0 → 1.5: 9 / 3 × 1.5 = 4.5 → 5 (half up)
        (3, 0, 1),  # ratio 0 → 0.5: 3 / 3 × 0.5 = 0.5 → 1
        (30, 10, 10),  # ratio 1.0: 30 / 3 = 10
        (30, 12, 13),  # ratio 2×12/18 = 1.333…: 10 × 1.333… = 13.3 → 13
        (4, 4, 2),  # no earlier search → 1.5: 4 / 3 × 1.5 = 2
    ],
)
def test_monthly_searches(volume: int, recent: int, demand: int) -> None:
    assert monthly_searches(gap(volume=volume, recent=recent)) == demand


# Planners convert 4 % of their views, documents 2 %; 30 % of searches open a listing.
RATES = DemandRates(0.30, (("PLANNER", 0.04), ("DOCUMENT", 0.02), ("EBOOK", 0.03)))


def test_monthly_demand_is_searches_times_click_through_times_conversion() -> None:
    # 121 searches a month (268 ÷ 3 × 1.35 = 120.6) × 0.30 × 0.04 = 1.452 → 1 sale a month as a planner.
    facts = gap(volume=268, recent=108)
    assert monthly_searches(facts) == 121
    assert monthly_demand(facts, "PLANNER", RATES) == 1
    # As a document: 121 × 0.30 × 0.02 = 0.726 → 1; a type nobody measured converts 0.
    assert monthly_demand(facts, "DOCUMENT", RATES) == 1 and monthly_demand(facts, "COURSE", RATES) == 0


def test_conversion_rates_per_type_with_the_pooled_rate_for_thin_types() -> None:
    # Planners: 60 of 1,500 views = 4 %; e-books 999 views is too few: the pooled (60 + 30) ÷ (1,500 + 999).
    rates = conversion_rates({"PLANNER": 1_500, "EBOOK": 999}, {"PLANNER": 60, "EBOOK": 30})
    assert rates.click_through == 0.30
    assert rates.conversion("PLANNER") == 0.04
    assert rates.conversion("EBOOK") == round(90 / 2_499, 4) == 0.036
    assert rates.conversion("COURSE") == 0.036  # no view at all: the pooled rate too
    assert conversion_rates({}, {}).conversion("PLANNER") == 0.0


def test_reasoning_cites_the_numbers() -> None:
    # 268 searches, 108 recent and 160 before: ratio 2 × 108 / 160 = 1.35 → "up 35 %"; rank 4 of 40 → top 10 %.
    facts = gap(
        "adhd planner",
        volume=268,
        recent=108,
        rank=4,
        count=40,
        existing=1,
        related=(RelatedSales("PLANNER", D("4210.40"), 12), RelatedSales("EBOOK", D("800"), 3)),
        keyword="PLANNER",
    )
    result = classify_offline(facts, RATES)
    assert result.potential == "HIGH"
    assert result.suggested_product_type == "PLANNER"
    assert result.estimated_monthly_demand == 1  # 121 searches a month × 30 % × 4 % = 1.45 sales
    assert result.reasoning == (
        "Searched 268 times in 90 days (top 10% of unmet searches), up 35% in the last 30 days; "
        "only 1 listing matches. Planners sell best for related terms ($4,210 in 90 days)."
    )
    assert top_percent(facts) == 10


def test_the_type_named_in_the_term_wins_over_related_sales() -> None:
    facts = gap("wedding seating chart", related=(RelatedSales("WEB_TEMPLATE", D("2999.50"), 40),), keyword="DOCUMENT")
    result = classify_offline(facts, RATES)
    assert result.suggested_product_type == "DOCUMENT"
    assert result.reasoning.endswith(
        "The search names documents; related listings sell most as web templates ($3,000 in 90 days)."
    )


def test_related_sales_decide_without_a_named_type_and_documents_are_the_last_resort() -> None:
    sold = gap("ai prompt library", related=(RelatedSales("EBOOK", D("240"), 2),))
    assert classify_offline(sold, RATES).suggested_product_type == "EBOOK"
    nothing = gap("ai prompt library", existing=0, volume=3, recent=0)
    result = classify_offline(nothing, RATES)
    assert result.suggested_product_type == "DOCUMENT"
    assert "no listing matches" in result.reasoning
    assert result.reasoning.endswith("documents are the most general format to test it.")


# ---------------------------------------------------------------- the seller's order


def opportunity(term: str, potential: str, volume: int) -> MarketOpportunity:
    return MarketOpportunity(
        term=term,
        search_volume=volume,
        existing_products=0,
        potential=potential,
        suggested_product_type="PLANNER",
        estimated_monthly_demand=1,
        reasoning="r",
        trend="steady",
        trend_ratio=1.0,
        searches_last_30_days=1,
        searches_previous_60_days=2,
        fits_seller=False,
        engine="offline",
    )


def test_fitting_opportunities_come_first_then_potential_then_volume() -> None:
    items = [
        opportunity("notion budget template", "HIGH", 16),
        opportunity("ai prompt library", "MEDIUM", 4),
        opportunity("adhd planner", "MEDIUM", 9),
        opportunity("wedding seating chart", "LOW", 12),
        opportunity("sourdough journal", "LOW", 3),
    ]
    ranked = rank_for_seller(items, frozenset({"planner", "journal", "wedding", "stationery"}))
    assert [(o.term, o.fits_seller) for o in ranked] == [
        ("adhd planner", True),
        ("wedding seating chart", True),
        ("sourdough journal", True),
        ("notion budget template", False),
        ("ai prompt library", False),
    ]
    # Without a fit, the market order: potential, then volume.
    assert [o.term for o in rank_for_seller(items, frozenset())] == [
        "notion budget template",
        "adhd planner",
        "ai prompt library",
        "wedding seating chart",
        "sourdough journal",
    ]
    assert items[0] == replace(items[0], fits_seller=False)  # the input is not changed
