"""Finding builders (pure): listing, opportunity and performance priorities, the texts with the seller's numbers,
the marketing arithmetic, and action-item URLs that open the right page with the right product."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.insights.findings import (
    ProductActivity,
    listing_findings,
    listing_priority,
    opportunity_findings,
    opportunity_priority,
)
from core.insights.trend_findings import marketing_findings, missed_sales, performance_finding, performance_priority
from core.listings.queries import ScoredListing
from core.listings.score import DIMENSIONS, ListingInput, score_listing
from core.market.opportunities import MarketOpportunity
from core.models import InsightPriority, InsightType
from core.pricing.market import PricingMarket
from core.pricing.rules import PricingAnalysis

HIGH, MEDIUM, LOW = InsightPriority.HIGH, InsightPriority.MEDIUM, InsightPriority.LOW


def activity(pid: str, *, title: str = "Planner", price: str = "20.00", **numbers: object) -> ProductActivity:
    values = {
        "views_30": 0,
        "views_90": 0,
        "purchases_90": 0,
        "revenue_30": Decimal(0),
        "revenue_previous_30": Decimal(0),
    }
    values.update(numbers)
    return ProductActivity(pid, title, Decimal(price), "USD", **values)  # type: ignore[arg-type]


def bare(pid: str, title: str = "Plain") -> ScoredListing:
    listing = ListingInput(product_id=pid, title=title, price=Decimal("20"))
    return ScoredListing(listing, score_listing(listing, benchmark=None, category_norms=None), "PUBLISHED", None)


@pytest.mark.parametrize(
    ("overall", "gap", "views", "expected"),
    [
        (39.9, 10, 50, HIGH),  # red and viewed ≥ 50 times
        (39.9, 10, 49, MEDIUM),  # red, barely viewed
        (55.0, 30, 50, MEDIUM),  # big gap and viewed
        (55.0, 30, 0, LOW),  # big gap, nobody looks
        (55.0, 29.9, 500, None),  # neither red nor a big gap
    ],
)
def test_listing_priority(overall: float, gap: float, views: int, expected: InsightPriority | None) -> None:
    assert listing_priority(overall, gap, views) is expected


@pytest.mark.parametrize(
    ("potential", "trend", "expected"),
    [("HIGH", "rising", HIGH), ("HIGH", "steady", MEDIUM), ("MEDIUM", "rising", LOW), ("LOW", "rising", None)],
)
def test_opportunity_priority(potential: str, trend: str, expected: InsightPriority | None) -> None:
    assert opportunity_priority(potential, trend) is expected


@pytest.mark.parametrize(
    ("change", "expected"),
    [(-0.15, HIGH), (-0.149, MEDIUM), (-0.05, MEDIUM), (-0.049, None), (0.049, None), (0.05, LOW)],
)
def test_performance_priority(change: float, expected: InsightPriority | None) -> None:
    assert performance_priority(change) is expected


def test_a_red_viewed_listing_gets_its_fixes_as_links_to_the_editor_at_each_dimension() -> None:
    scored = bare("p1", "Plain")
    [finding] = listing_findings([scored], {"p1": activity("p1", views_30=80)})
    assert (finding.key, finding.insight_type, finding.priority) == ("listing:p1", InsightType.LISTING_QUALITY, HIGH)
    assert finding.title == f"“Plain” scores {scored.score.overall:g}/100: fix its listing"
    assert "was viewed 80 times in the last 30 days" in finding.description
    assert 1 <= len(finding.action_items) <= 3
    # Each fix opens the Listing editor at the dimension it fixes (the action says which: "fix:<dimension key>").
    dimension_keys = {key for key, _label, _max in DIMENSIONS}
    for item in finding.action_items:
        dimension = item["action"].removeprefix("fix:")
        assert dimension in dimension_keys
        assert item["url"] == f"/listing-editor?product=p1&dimension={dimension}"


def test_opportunities_only_those_that_fit_and_matter() -> None:
    def gap(term: str, potential: str, fits: bool) -> MarketOpportunity:
        return MarketOpportunity(term, 40, 0, potential, "PLANNER", 15, "why", "rising", 2.0, 20, 20, fits, "offline")

    found = opportunity_findings([gap("adhd planner", "HIGH", True), gap("x y", "HIGH", False), gap("z", "LOW", True)])
    assert [(f.key, f.priority) for f in found] == [("opportunity:adhd planner", HIGH)]
    assert found[0].description.startswith("Buyers searched “adhd planner” 40 times in the last 90 days (20 in the")
    assert "a planner could meet about 15 buyers a month" in found[0].description


def test_revenue_down_names_the_product_that_dropped_most() -> None:
    # $150 + $90 = $240 against $300 + $100 = $400: 240 / 400 − 1 = −40 % → HIGH; B fell by $210, A rose by $50.
    products = [
        activity("a", title="A", revenue_30=Decimal("150"), revenue_previous_30=Decimal("100")),
        activity("b", title="B", revenue_30=Decimal("90"), revenue_previous_30=Decimal("300")),
    ]
    finding = performance_finding(products, None)
    assert finding is not None and finding.priority is HIGH
    assert finding.title == "Your revenue is down 40% on the previous 30 days"
    assert "The biggest drop: “B”, $90.00 against $300.00." in finding.description
    assert finding.action_items[0]["url"] == "/listing-editor?product=b"  # no single dimension: none named


def test_no_performance_finding_without_an_earlier_month_or_when_steady() -> None:
    assert performance_finding([activity("a", revenue_30=Decimal("50"))], None) is None
    steady = [activity("a", revenue_30=Decimal("102"), revenue_previous_30=Decimal("100"))]  # +2 %
    assert performance_finding(steady, None) is None


def test_good_traffic_few_buyers_is_priced_by_the_sales_it_misses() -> None:
    # 300 views in 90 days = 100 a month; own 1 / 300 ≈ 0.33 %, segment median 4 % (< half → flagged):
    # 100 × (0.04 − 0.003333) = 3.667 sales a month × $20 = $73.33; monthly revenue $0 → ≥ $50 → HIGH.
    assert missed_sales(300, 1 / 300, 0.04) == pytest.approx(3.6667, abs=1e-4)
    market = PricingMarket(
        *(Decimal(v) for v in ("20", "20", "20", "15", "25", "10", "30", "29")),
        sample_size=8,
        segment_scope="category",
        thin_sample=False,
        category_name="Planners",
        median_conversion_rate=0.04,
    )
    analysis = PricingAnalysis(
        "p", "Planner", Decimal("20"), "USD", True, competitive_position="competitive", market=market
    )
    [finding] = marketing_findings(
        [activity("p", views_90=300, views_30=100, purchases_90=1)], [analysis], [bare("p", "Planner")]
    )
    assert (finding.key, finding.priority) == ("marketing:conversion:p", HIGH)
    assert finding.meta["money_per_month"] == "73.33"
    assert "300 views in the last 90 days turned into 1 purchase (0.3%)" in finding.description
    assert finding.action_items[0]["action"] == "fix:image_quality"  # no image at all: 20 points to win
