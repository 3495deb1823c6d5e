"""Insight generation at scale, on SQLite and PostgreSQL: the findings read from the stored listing scores (with
full checks for just the listings that need them) equal the findings of full scoring on random listings, and a
seller with 50 products costs the same number of statements as one with 5."""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy.orm import Session

from core.ai import get_ai
from core.config import load_settings
from core.insights.findings import listing_findings, opportunity_findings, pricing_findings
from core.insights.generation import collect_findings
from core.insights.queries import load_product_activity, marketing_article_url
from core.insights.rules import rank_findings
from core.insights.trend_findings import marketing_findings, monthly_revenue_of, performance_finding
from core.listings.low_quality import seller_product_labels
from core.listings.queries import score_seller_listings
from core.market.benchmarks import recalculate_benchmarks
from core.market.opportunities import find_opportunities
from core.models import Category, ConversionEvent, ConversionEventType, ProductStatus, SellerProfile
from core.pricing.analysis import bulk_analyze_pricing
from core.sales.forecast import forecast_for_seller
from tests.conftest import NOW
from tests.db.statements import Statements
from tests.factories import add_revenue, add_views, make_category, make_product, make_seller

OFFLINE = get_ai(load_settings(env={}))
AS_OF = NOW.date() - timedelta(days=1)
WORDS = ["budget", "planner", "weekly", "habit", "tracker", "journal", "finance", "notion", "goal", "study"]


def random_listing(rnd: random.Random, n: int) -> dict[str, object]:
    """Listing fields from bare to complete, so scores spread over red, yellow and green."""
    level = rnd.random()
    words = rnd.sample(WORDS, 4)
    fields: dict[str, object] = {"title": f"{words[0].title()} {words[1]} {n}"}
    if level > 0.25:
        fields["title"] = f"{words[0].title()} {words[1]} {words[2]} for {words[3]} lovers, printable edition {n}"
        paragraphs = [" ".join(rnd.choices(WORDS, k=rnd.randint(20, 60))) + "." for _ in range(rnd.randint(1, 4))]
        fields["description"] = "\n\n".join(paragraphs) + ("\n- one\n- two\n- three" if level > 0.6 else "")
    if level > 0.4:
        fields["featured_image"] = f"https://img.example/{n}.png"
        fields["gallery_images"] = [f"https://img.example/{n}-{i}.png" for i in range(rnd.randint(0, 5))]
    if level > 0.55:
        fields["seo_title"] = f"{words[0]} {words[1]}"
        fields["seo_description"] = " ".join(rnd.choices(WORDS, k=rnd.randint(5, 25)))
        fields["seo_keywords"] = rnd.sample(WORDS, rnd.randint(1, 5))
    if level > 0.15:
        fields["tags"] = rnd.sample(WORDS, rnd.randint(1, 8))
    return fields


def add_products(
    session: Session, rnd: random.Random, seller: SellerProfile, categories: list[Category], count: int
) -> None:
    for _ in range(count):
        n = rnd.randint(1, 10**9)
        product = make_product(
            session,
            seller=seller,
            category=rnd.choice(categories),
            price=f"{rnd.randint(3, 80)}.{rnd.randint(0, 99):02d}",
            **random_listing(rnd, n),
        )
        if rnd.random() < 0.7:
            views = rnd.randint(0, 400)
            add_views(session, product=product, day=AS_OF - timedelta(days=rnd.randint(0, 80)), views=views)
            sold = rnd.randint(0, max(0, views // 20))
            if sold:
                session.add(
                    ConversionEvent(
                        product_id=product.id,
                        seller_id=seller.id,
                        day=AS_OF - timedelta(days=rnd.randint(0, 80)),
                        event_type=ConversionEventType.PURCHASE,
                        count=sold,
                    )
                )
                add_revenue(
                    session,
                    product=product,
                    day=AS_OF - timedelta(days=rnd.randint(0, 80)),
                    revenue=str(product.price * sold),
                    units=sold,
                )
    session.flush()


def build_market(session: Session, seed: int, sizes: dict[str, int]) -> dict[str, str]:
    rnd = random.Random(seed)
    categories = [make_category(session, name=name) for name in ("Planners", "Finance", "Study")]
    others = make_seller(session, username=f"market{seed}")
    add_products(session, rnd, others, categories, 40)
    sellers = {}
    for name, count in sizes.items():
        seller = make_seller(session, username=f"{name}{seed}", specialties=["planner"])
        add_products(session, rnd, seller, categories, count)
        sellers[name] = seller.id
    recalculate_benchmarks(session, now=NOW)
    return sellers


def reference_findings(session: Session, seller_id: str) -> list:
    """`collect_findings` as it was written before the stored scores: every listing fully scored."""
    analyses = bulk_analyze_pricing(session, seller_id=seller_id, ai=OFFLINE, now=NOW)
    scored = score_seller_listings(session, seller_id=seller_id, statuses=(ProductStatus.PUBLISHED,))
    activity = load_product_activity(session, seller_id=seller_id, now=NOW)
    opportunities = find_opportunities(session, seller_id=seller_id, now=NOW, ai=OFFLINE)
    forecast = forecast_for_seller(session, seller_id=seller_id, days=30, now=NOW)
    names = seller_product_labels(session, seller_ids=[seller_id])
    findings = [
        *pricing_findings(analyses, monthly_revenue=monthly_revenue_of(activity), names=names),
        *listing_findings(scored, {a.product_id: a for a in activity}, names=names),
        *opportunity_findings(opportunities),
        *marketing_findings(activity, analyses, scored, learn_url=marketing_article_url(session), names=names),
    ]
    if (performance := performance_finding(activity, forecast, names)) is not None:
        findings.append(performance)
    return rank_findings(findings)


def test_findings_from_stored_scores_equal_those_of_full_scoring(session: Session) -> None:
    for seed in (1, 2, 3):
        sellers = build_market(session, seed, {"small": 6, "large": 30})
        for seller_id in sellers.values():
            expected = reference_findings(session, seller_id)
            assert any(f.key.startswith("listing:") for f in expected)  # the random listings do raise some
            assert collect_findings(session, seller_id=seller_id, now=NOW, ai=OFFLINE) == expected


def test_a_seller_with_fifty_products_costs_the_statements_of_one_with_five(session: Session) -> None:
    sellers = build_market(session, 11, {"five": 5, "fifty": 50})
    counts = {}
    for name, seller_id in sellers.items():
        # Each seller once before, so both are measured the same way: stored scores, cached opportunities.
        collect_findings(session, seller_id=seller_id, now=NOW, ai=OFFLINE)
        watch = Statements(session)
        try:
            findings = collect_findings(session, seller_id=seller_id, now=NOW, ai=OFFLINE)
        finally:
            watch.close()
        assert any(f.key.startswith("listing:") for f in findings)
        counts[name] = watch.count
    assert counts["five"] == counts["fifty"]
