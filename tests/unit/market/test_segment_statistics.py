"""The nightly segment statistics (pure): percentiles like percentile_cont, the median conversion and the
semi-log price-response fit the pricing demand model reads (issue 11)."""

from __future__ import annotations

import math
from decimal import Decimal as D

import numpy as np
import pytest

from core.market.benchmarks import segment_statistics
from core.market.segment_stats import (
    FIT_SMOOTHING_VIEWS,
    ListingActivity,
    fit_price_response,
    median_conversion,
    percentile_cont,
)


def test_percentile_cont_interpolates_like_postgresql() -> None:
    values = [1.0, 2.0, 3.0, 4.0]
    assert percentile_cont(values, 0.10) == pytest.approx(1.3)  # position 0.3
    assert percentile_cont(values, 0.50) == pytest.approx(2.5)
    assert percentile_cont(values, 0.90) == pytest.approx(3.7)  # position 2.7
    assert percentile_cont([7.0], 0.9) == 7.0
    assert percentile_cont([], 0.5) is None


def test_median_conversion_skips_listings_without_views() -> None:
    listings = [ListingActivity(10, 100, 1), ListingActivity(10, 100, 5), ListingActivity(10, 0, 0)]
    assert median_conversion(listings) == pytest.approx(0.03)  # (0.01 + 0.05) ÷ 2
    assert median_conversion([ListingActivity(10, 0, 0)]) is None


def test_an_exponential_segment_gives_its_slope_per_median_price() -> None:
    # conversion = 4 % × exp(−0.9 × price ÷ 30): ln c = ln 0.04 − 0.9 x with x = price ÷ M, M = 30 (the middle
    # of 10 10 20 20 40 40 80 80 is (20 + 40) ÷ 2); huge view counts make the smoothing negligible.
    listings = [
        ListingActivity(p, 1_000_000, round(1_000_000 * 0.04 * math.exp(-0.9 * p / 30))) for p in (10, 20, 40, 80) * 2
    ]
    fit = fit_price_response(listings)
    assert fit is not None
    assert (fit["form"], fit["medianPrice"], fit["sample"]) == ("semi-log", 30.0, 8)
    assert fit["slope"] == pytest.approx(0.9, abs=1e-3)
    assert fit["intercept"] == pytest.approx(math.log(0.04), abs=1e-3)
    assert fit["standardError"] == pytest.approx(0.0, abs=1e-3)


def test_the_fit_matches_numpys_weighted_least_squares() -> None:
    rows = [(9.99, 400, 20), (14.99, 900, 30), (19.99, 300, 6), (24.99, 1200, 30), (12.0, 80, 5), (30.0, 500, 7)]
    rows += [(17.5, 650, 19), (22.0, 220, 5), (5.0, 40, 3)]  # the last has < 50 views: left out of the fit
    fit = fit_price_response([ListingActivity(*r) for r in rows])
    assert fit is not None and fit["sample"] == 8
    median = float(np.median([r[0] for r in rows]))  # every listing counts for the median: 17.50
    assert fit["medianPrice"] == median == 17.5
    used = rows[:-1]
    pooled = sum(r[2] for r in used) / sum(r[1] for r in used)
    x = np.array([r[0] for r in used]) / median
    y = np.log([(r[2] + FIT_SMOOTHING_VIEWS * pooled) / (r[1] + FIT_SMOOTHING_VIEWS) for r in used])
    views = np.array([r[1] for r in used], dtype=float)
    slope, intercept = np.polyfit(x, y, 1, w=np.sqrt(views))  # polyfit weights are 1/σ: √views for view weights
    assert fit["slope"] == pytest.approx(-slope, abs=1e-5)  # stored as β in ln c = a − β x
    assert fit["intercept"] == pytest.approx(intercept, abs=1e-5)
    assert fit["pooledConversion"] == pytest.approx(pooled, abs=1e-6)
    w = views / views.mean()
    xb, yb = np.average(x, weights=w), np.average(y, weights=w)
    residual = np.sum(w * (y - yb - slope * (x - xb)) ** 2)
    se = math.sqrt(residual / (len(used) - 2) / np.sum(w * (x - xb) ** 2))
    assert fit["standardError"] == pytest.approx(se, abs=1e-5)


def test_no_fit_with_too_few_listings_one_price_or_no_sale() -> None:
    assert fit_price_response([ListingActivity(p, 100, 3) for p in (10, 20, 30, 40, 50, 60, 70)]) is None  # 7
    assert fit_price_response([ListingActivity(10, 100, 3)] * 9) is None  # one price
    assert fit_price_response([ListingActivity(p, 100, 0) for p in range(10, 20)]) is None  # pooled rate 0


def test_segment_statistics_rounds_to_cents_and_keeps_six_decimals_of_conversion() -> None:
    listings = [ListingActivity(p, 300, k) for p, k in ((10.0, 3), (12.5, 9), (20.0, 12), (40.0, 6))]
    values = segment_statistics(listings)
    # Prices 10, 12.5, 20, 40: p10 at position 0.3 → 10.75; p25 at 0.75 → 11.875 → 11.88 (half up);
    # p75 at 2.25 → 25.00; p90 at 2.7 → 34.00.
    assert (values["p10_price"], values["p25_price"]) == (D("10.75"), D("11.88"))
    assert (values["p75_price"], values["p90_price"]) == (D("25.00"), D("34.00"))
    assert values["median_conversion_rate"] == D("0.025")  # rates .01 .02 .03 .04: (0.02 + 0.03) ÷ 2
    assert values["demand_model"] is None  # 4 listings: no fit
    empty = segment_statistics([])
    assert empty["p10_price"] is None and empty["median_conversion_rate"] is None
