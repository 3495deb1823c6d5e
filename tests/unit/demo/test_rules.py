"""Pure rules of the demo generator: seller stages, seasonality, the views -> purchase draw, ids, search variants,
and each product's known price response."""

from __future__ import annotations

import hashlib
import math
import random
import uuid
from datetime import date
from decimal import Decimal

import pytest

from core.demo.activity import (
    HISTORY_DAYS,
    TODAY_FRACTION,
    churn_curve,
    growth_curve,
    history_days,
    season_curve,
    simulate_product,
    yearly_factor,
)
from core.demo.events import Clock, id_factory, term_variant
from core.demo.generator import DEMO_LOGINS, classify_seller_stage
from core.demo.listings import (
    demand_factor,
    make_listing,
    make_price_cents,
    price_sensitivity,
    true_conversion,
    true_price_response,
    true_revenue_ratio,
    word_count,
)
from core.demo.vocabulary import CATEGORIES, GAP_TERMS, SUBJECTS, TYPE_PROFILES
from core.models import DigitalProductType, SellerStatus

TODAY = date(2026, 11, 21)


def stage(**overrides: object) -> str:
    values: dict[str, object] = {
        "status": SellerStatus.APPROVED,
        "first_sale_day": date(2026, 1, 1),
        "last_sale_day": date(2026, 11, 20),
        # last 90 complete days, the 90 before, the two blocks before them, the same 90 days a year earlier
        "revenue_blocks": [Decimal(100), Decimal(100), Decimal(100), Decimal(100), Decimal(0)],
        "today": TODAY,
    }
    values.update(overrides)
    return classify_seller_stage(**values)  # type: ignore[arg-type]


def blocks(*values: str) -> list[Decimal]:
    return [Decimal(v) for v in values]


def test_stage_rules_at_their_boundaries() -> None:
    assert stage(status=SellerStatus.PENDING) == "pending"
    assert stage(status=SellerStatus.SUSPENDED) == "inactive"
    assert stage(first_sale_day=None, last_sale_day=None) == "no_first_sale"
    # Churned: last sale on or before today - 60 = 2026-09-22.
    assert stage(last_sale_day=date(2026, 9, 22)) == "churned"
    assert stage(last_sale_day=date(2026, 9, 23)) == "steady"
    # New: first sale after today - 60 = 2026-09-22.
    assert stage(first_sale_day=date(2026, 9, 23)) == "new"
    assert stage(first_sale_day=date(2026, 9, 22)) == "steady"
    # 115 >= 100 x 1.15 -> thriving; 114.99 -> steady.
    assert stage(revenue_blocks=blocks("115", "100", "100", "100", "0")) == "thriving"
    assert stage(revenue_blocks=blocks("114.99", "100", "100", "100", "0")) == "steady"
    # Declining is the product's rule (`core.sales.trends`): no year of history (first sale Jan 1, 2026), so the
    # last 90 days against the best 90-day block: 59.99 < 60 % of 100 declines, 60 does not — and a fall against
    # the 90 days before alone (85 against 100, the old demo rule) is only "steady" now.
    assert stage(revenue_blocks=blocks("59.99", "60", "100", "80", "0")) == "declining"
    assert stage(revenue_blocks=blocks("60", "60", "100", "80", "0")) == "steady"
    assert stage(revenue_blocks=blocks("85", "100", "100", "100", "0")) == "steady"
    # With a year of history (first sale before Aug 23, 2025) the same 90 days a year earlier decide.
    year = {"first_sale_day": date(2025, 6, 1)}
    assert stage(revenue_blocks=blocks("59.99", "60", "60", "60", "100"), **year) == "declining"
    assert stage(revenue_blocks=blocks("60", "10", "500", "500", "100"), **year) == "thriving"


def test_demo_logins_are_the_documented_four() -> None:
    assert [(d["username"], d["role"]) for d in DEMO_LOGINS] == [
        ("admin", "admin"),
        ("maya", "seller"),
        ("noah", "seller"),
        ("dana", "seller"),
    ]


def test_seasonality_peaks_and_weekends() -> None:
    # January 10 and November 29 are the peaks; late July is the dip.
    assert yearly_factor(date(2026, 1, 10)) == pytest.approx(1.45, abs=0.01)
    assert yearly_factor(date(2026, 11, 29)) == pytest.approx(1.6, abs=0.01)
    assert yearly_factor(date(2026, 7, 24)) < 0.85
    days = history_days(TODAY)
    assert (len(days), days[0], days[-1]) == (HISTORY_DAYS, date(2025, 11, 22), TODAY)
    curve = season_curve(days, weekend_factor=0.5)
    saturday, friday = days.index(date(2026, 6, 6)), days.index(date(2026, 6, 5))
    # Saturday = 0.5 x yearly; Friday = 0.93 x yearly (the two days share nearly the same yearly factor).
    assert curve[saturday] / curve[friday] == pytest.approx(0.5 / 0.93, rel=0.01)
    assert curve[-1] == pytest.approx(TODAY_FRACTION * 0.5 * yearly_factor(TODAY))  # a Saturday, and a partial day


def test_trend_curves() -> None:
    growth = growth_curve(1.0)
    assert growth[-1] == 1.0 and growth[0] == pytest.approx(2.718281828 ** (-364 / 365))
    churn = churn_curve(0.0, churn_index=100)
    assert churn[99] == 1.0 and churn[100:] == [0.0] * (HISTORY_DAYS - 100)


def test_simulated_days_keep_the_funnel_order() -> None:
    factor = [1.0] * HISTORY_DAYS
    days = simulate_product(
        random.Random(3), factor, start=10, end=200, view_level=40, conversion_rate=0.05, price_cents=1999
    )
    assert days and all(10 <= d.index < 200 for d in days)
    for d in days:
        assert d.views >= d.unique_visitors >= 1
        assert d.views >= d.add_to_cart >= d.checkout_started >= d.units >= 0
        # Full price, or 10-30 % off on a discount day (whole cents rounded down).
        assert d.units * 1999 * 70 // 100 <= d.revenue_cents <= d.units * 1999
    views, units = sum(d.views for d in days), sum(d.units for d in days)
    assert views == pytest.approx(40 * 190, rel=0.05)  # Poisson(40) on 190 days
    assert units / views == pytest.approx(0.05, abs=0.01)
    assert (
        simulate_product(random.Random(3), factor, start=0, end=50, view_level=0, conversion_rate=0.05, price_cents=100)
        == []
    )


def test_ids_are_seeded_uuid4() -> None:
    new_id, reference = id_factory(random.Random(9)), random.Random(9)
    for _ in range(1000):
        assert new_id() == str(uuid.UUID(int=reference.getrandbits(128), version=4))


def test_clock_stops_at_eight_on_today() -> None:
    clock = Clock(TODAY)
    rng = random.Random(1)
    moments = [clock.time_on(rng, HISTORY_DAYS - 1) for _ in range(200)]
    assert all(m.date() == TODAY and m < clock.as_of for m in moments)
    assert clock.index_of(clock.as_of) == HISTORY_DAYS - 1


def test_search_variants_only_change_spelling() -> None:
    rng = random.Random(4)
    variants = {term_variant(rng, "notion budget template") for _ in range(300)}
    assert {"notion budget template", "Notion Budget Template", "notion budget templates"} <= variants
    for variant in variants:
        cleaned = " ".join(variant.lower().strip(" !?.").split())
        assert cleaned in ("notion budget template", "notion budget templates")


def test_catalogue_vocabulary_never_mentions_a_gap_term() -> None:
    vocabulary = " | ".join(s.lower() for subjects in SUBJECTS.values() for s, _ in subjects)
    for term, _, _ in GAP_TERMS:
        assert term not in vocabulary


@pytest.mark.parametrize("quality", ["high", "medium", "low"])
def test_listings_per_quality(quality: str) -> None:
    rng = random.Random(11)
    for slug, _, _ in CATEGORIES:
        for subject, types in SUBJECTS[slug]:
            listing = make_listing(rng, subject, types[0], slug, quality, "p/x")
            if quality == "high":
                assert 30 <= len(listing.title) <= 80
                assert word_count(listing.description or "") >= 200
                assert listing.featured_image and len(listing.gallery_images) >= 3
                assert listing.seo_title and listing.seo_description and len(listing.seo_keywords) >= 3
                assert len(listing.tags) >= 5
            elif quality == "low":
                assert listing.featured_image is None and listing.seo_title is None and len(listing.tags) <= 1
                assert listing.description is None or word_count(listing.description) <= 30


def test_prices_fit_the_type_with_a_few_outliers() -> None:
    rng = random.Random(5)
    prices = [make_price_cents(rng, DigitalProductType.COURSE, "medium") / 100 for _ in range(2000)]
    profile = TYPE_PROFILES[DigitalProductType.COURSE]
    inside = [p for p in prices if profile.low <= p <= profile.high + 1]
    assert 0.9 < len(inside) / len(prices) < 0.97  # 6 % outliers by construction
    assert min(prices) < profile.low * 0.5 and max(prices) > profile.high * 2


def test_each_product_has_a_known_price_sensitivity_from_its_id() -> None:
    # k = 0.7 + 0.6 × u, u = the first 8 bytes of SHA-256("demo-price-sensitivity:" + id) ÷ 2⁶⁴.
    digest = hashlib.sha256(b"demo-price-sensitivity:abc").digest()
    assert price_sensitivity("abc") == pytest.approx(0.7 + 0.6 * int.from_bytes(digest[:8], "big") / 2**64)
    ks = [price_sensitivity(str(uuid.UUID(int=i))) for i in range(2000)]
    assert 0.7 <= min(ks) < 0.72 and 1.28 < max(ks) < 1.3  # spread over [0.7, 1.3)
    assert sum(ks) / len(ks) == pytest.approx(1.0, abs=0.02)
    # typ is the middle of the type's usual range: e-books 5–29 → 17.
    assert true_price_response("abc", DigitalProductType.EBOOK) == (price_sensitivity("abc"), 17.0)
    assert true_price_response("abc", "COURSE")[1] == (29 + 199) / 2


def test_the_true_curve_its_elasticity_and_its_revenue_peak() -> None:
    pid, kind = "abc", DigitalProductType.EBOOK
    k, typ = true_price_response(pid, kind)
    assert demand_factor(pid, kind, typ) == pytest.approx(1.0)
    assert demand_factor(pid, kind, 20.0) == pytest.approx(math.exp(-k * 3 / 17))
    # Elasticity d ln f ÷ d ln p = −k × p ÷ typ (numerically, at $12).
    h = 1e-5
    slope = (math.log(demand_factor(pid, kind, 12 + h)) - math.log(demand_factor(pid, kind, 12 - h))) / (
        math.log(12 + h) - math.log(12 - h)
    )
    assert slope == pytest.approx(-k * 12 / 17, abs=1e-6)
    # Revenue p × f(p) peaks at typ ÷ k: both neighbours earn less.
    peak = typ / k
    assert true_revenue_ratio(pid, kind, peak, peak * 1.05) < 1 and true_revenue_ratio(pid, kind, peak, peak * 0.95) < 1
    # R(new) ÷ R(old) = new × f(new) ÷ (old × f(old)): 20 × e^(−3k/17) ÷ (10 × e^(7k/17)) = 2 e^(−10k/17).
    assert true_revenue_ratio(pid, kind, 10.0, 20.0) == pytest.approx(2 * math.exp(-10 * k / 17))


def test_the_tails_never_make_an_extreme_price_pay() -> None:
    pid, kind = "abc", DigitalProductType.EBOOK
    k, typ = true_price_response(pid, kind)
    assert demand_factor(pid, kind, 0.99) == 2.5  # at a few % of the market: held at 2.5
    turn = typ * (1 + math.log(10) / k)  # where exp(−k (p − typ) ÷ typ) reaches 0.1
    assert demand_factor(pid, kind, turn) == pytest.approx(0.1)
    assert demand_factor(pid, kind, 2 * turn) == pytest.approx(0.1 / 4)  # then 0.1 × (p_c ÷ p)²
    # Above p_c revenue falls with every step up (∝ 1/p): a cut there gains.
    assert true_revenue_ratio(pid, kind, 2 * turn, 1.5 * turn) == pytest.approx(4 / 3)
    assert true_conversion(0.06, pid, kind, 0.99) == pytest.approx(0.15)  # 6 % × 2.5, under the 0.95 cap
    assert true_conversion(0.5, pid, kind, 0.99) == 0.95
