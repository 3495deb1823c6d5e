"""The market a pricing analysis compares with (pure): segment choice, figures rounded to cents, thin samples."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from core.market.benchmarks import THIN_SAMPLE_SIZE
from core.pricing.market import MIN_CATEGORY_SAMPLE, SegmentPrices, build_market, choose_segment


def prices(n: int, **changes: float) -> SegmentPrices:
    base = {"p25": 12.5, "median": 15.0, "p75": 17.5, "average": 15.0, "min": 10.0, "max": 20.0, "p95": 19.5}
    base.update(changes)
    return SegmentPrices(**base, sample_size=n)


def test_thin_threshold_matches_the_benchmarks() -> None:
    assert MIN_CATEGORY_SAMPLE == THIN_SAMPLE_SIZE == 5


def test_choose_segment_prefers_a_category_with_five_listings() -> None:
    category, whole = prices(5), prices(40)
    assert choose_segment(category, whole) == (category, "category")
    assert choose_segment(prices(4), whole) == (whole, "all categories")
    assert choose_segment(None, whole) == (whole, "all categories")
    assert choose_segment(None, None) is None


def test_build_market_rounds_to_cents_and_flags_thin_samples() -> None:
    raw = prices(3, p25=12.375, median=15.005, p75=17.4949, average=15.3333, p95=19.125)
    market = build_market(D("11.00"), raw, "all categories", category_name="Planners")
    # Half up to the cent: 12.375 → 12.38, 15.005 → 15.01, 17.4949 → 17.49, 15.3333 → 15.33, 19.125 → 19.13.
    assert (market.p25_price, market.median_price, market.p75_price) == (D("12.38"), D("15.01"), D("17.49"))
    assert (market.average_price, market.p95_price) == (D("15.33"), D("19.13"))
    assert market.thin_sample and market.category_name is None  # all categories: no category name
    assert market.comparison() == [("Your price", D("11.00")), ("Average", D("15.33")), ("Median", D("15.01"))]
    context = market.to_context()
    assert (context.min_price, context.max_price, context.sample_size) == (D("10.00"), D("20.00"), 3)


def test_free_listings_make_the_market_unusable() -> None:
    market = build_market(D("5.00"), prices(8, min=0.0, p25=0.0), "category", category_name="Freebies")
    with pytest.raises(ValueError, match="0 < min"):
        market.to_context()
