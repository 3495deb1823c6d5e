"""Seller success pure pieces: as-of points, month ends, activation and median, revenue windows, weakest
dimensions of a listing score."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from core.listings.low_quality import describe_weakest, weakest_dimensions
from core.listings.score import ListingInput, score_listing
from core.sellers.success import Milestones, activation_at, as_of, month_end_points, revenue_windows

NOW = datetime(2026, 11, 21, 15, 0, tzinfo=UTC)


def test_as_of_uses_the_local_date_of_the_last_instant_before_it() -> None:
    point = as_of(datetime(2026, 11, 1, tzinfo=UTC), UTC)  # the end of October
    assert point.last_day == date(2026, 10, 31)
    assert (point.first_activity_day, point.activity_start) == (date(2026, 10, 2), datetime(2026, 10, 2, tzinfo=UTC))
    assert as_of(NOW, UTC).last_day == date(2026, 11, 21)
    # 01:00 UTC on Nov 21 is still Nov 20 in New York.
    assert as_of(datetime(2026, 11, 21, 1, tzinfo=UTC), ZoneInfo("America/New_York")).last_day == date(2026, 11, 20)


def test_month_end_points() -> None:
    points = month_end_points(NOW, UTC, months=3)
    assert [p.at for p in points] == [datetime(2026, 10, 1, tzinfo=UTC), datetime(2026, 11, 1, tzinfo=UTC), NOW]
    # Across a year boundary, and in a zone: local midnights of the 1st (Berlin is UTC+1 in winter).
    berlin = month_end_points(datetime(2026, 2, 10, tzinfo=UTC), ZoneInfo("Europe/Berlin"), months=3)
    assert [p.at for p in berlin[:2]] == [datetime(2025, 12, 31, 23, tzinfo=UTC), datetime(2026, 1, 31, 23, tzinfo=UTC)]
    assert len(month_end_points(NOW, UTC)) == 12 and month_end_points(NOW, UTC, months=1)[0].at == NOW
    with pytest.raises(ValueError):
        month_end_points(NOW, UTC, months=0)


def test_activation_and_median_days() -> None:
    ms = [
        Milestones("a", datetime(2026, 1, 1, 23, tzinfo=UTC), date(2026, 1, 11)),  # 10 days
        Milestones("b", datetime(2026, 1, 1, tzinfo=UTC), date(2026, 2, 1)),  # 31 days
        Milestones("c", datetime(2026, 3, 1, tzinfo=UTC), date(2026, 2, 1)),  # sold before approval: 0
        Milestones("d", datetime(2026, 3, 1, tzinfo=UTC), None),
        Milestones("e", datetime(2026, 12, 1, tzinfo=UTC), date(2026, 12, 2)),  # approved after NOW
    ]
    # 4 approved before NOW, 3 sold: median of 0, 10, 31 = 10.
    assert activation_at(ms, as_of(NOW, UTC), UTC) == (4, 3, 10.0)
    # As of Feb 1 00:00 (last day Jan 31): a, b approved; only a sold by then.
    assert activation_at(ms, as_of(datetime(2026, 2, 1, tzinfo=UTC), UTC), UTC) == (2, 1, 10.0)
    # In Tokyo a's approval (Jan 1 23:00 UTC) is on Jan 2: 9 days.
    tokyo = ZoneInfo("Asia/Tokyo")
    assert activation_at(ms[:1], as_of(NOW, tokyo), tokyo) == (1, 1, 9.0)
    assert activation_at([], as_of(NOW, UTC), UTC) == (0, 0, None)


def test_revenue_windows_are_complete_days_ending_yesterday() -> None:
    # Yesterday Nov 20; 30 days back to Oct 22; the 30 before: Sep 22 – Oct 21.
    assert revenue_windows(date(2026, 11, 21)) == (
        date(2026, 10, 22),
        date(2026, 11, 20),
        date(2026, 9, 22),
        date(2026, 10, 21),
    )


def test_weakest_dimensions_lowest_share_first() -> None:
    # Title "x" without category norms: length 6×1/30 = 0.2, keyword neutral 3, capitals 3 = 6.2 / 15;
    # images: featured 8 / 20; no price band: pricing neutral 7.5 / 15; no tags: count 0 + match 0 = 0 / 10.
    score = score_listing(ListingInput("p", title="x", featured_image="f.png"), benchmark=None, category_norms=None)
    weakest = weakest_dimensions(score, limit=6)
    assert [(w.key, w.points) for w in weakest] == [
        ("description_completeness", 0.0),  # 0 / 25
        ("seo_optimization", 0.0),  # 0 / 15
        ("tag_relevance", 0.0),  # 0 / 10: the zeros by missing points, 25 > 15 > 10
        ("image_quality", 8.0),  # 0.4
        ("title_quality", 6.2),  # 0.413
        ("pricing_competitiveness", 7.5),  # 0.5
    ]
    assert describe_weakest(weakest[:2]) == "Description completeness (0/25), SEO (0/15)"
    assert len(weakest_dimensions(score)) == 3
