"""Market opportunities on SQLite and PostgreSQL: the search log, full-text gaps, cache, seller fit, migration 0003."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, MetaData, inspect
from sqlalchemy.orm import Session

from core.ai import get_ai
from core.catalog.search import check_catalog_index, count_existing_products, include_in_autogenerate, sales_by_word
from core.config import load_settings
from core.db import make_engine, new_id
from core.market.opportunities import (
    find_opportunities,
    load_failed_searches,
    market_opportunities,
    top_new_high_opportunity,
)
from core.migrate import downgrade, upgrade
from core.models import Base, DigitalProductType, ProductStatus, SellerProfile
from tests.ai_stub import STUB_MODEL, StubAnthropic, tool_use_response
from tests.conftest import BACKENDS, NOW
from tests.db.statements import Statements
from tests.factories import add_revenue, add_search, add_views, make_category, make_product, make_seller

OFFLINE = get_ai(load_settings(env={}))
T = ProductStatus


def searches(session: Session, query: str, *, days_ago: list[float], results: int = 0) -> None:
    for days in days_ago:
        add_search(session, query=query, result_count=results, searched_at=NOW - timedelta(days=days))


def build_market(session: Session) -> dict[str, SellerProfile]:
    """The hand-checked world (volumes: last 30 days + the 60 before).

    - notion budget template: 10 + 1 + 0 recent, 0 + 4 + 1 earlier = 11 + 5 = 16 (three spellings)
    - wedding seating chart: 2 + 10 = 12, two published matches (title via stemming; description)
    - adhd planner: 6 + 3 = 9, only a draft and a deleted product match
    - ai prompt library: 4 + 0 = 4
    - sourdough journal: 0 + 3 = 3
    - budget spreadsheet: 6 searches, but 5 published matches: not a gap
    - ai prompts: 2 searches, under the minimum of 3
    """
    planners = make_category(session, name="Planners & Journals")
    seller_a = make_seller(session, username="opp_a", specialties=["Wedding stationery"])
    seller_b = make_seller(session, username="opp_b")
    seller_c = make_seller(session, username="opp_c", specialties=["Notion templates"])
    make_product(session, seller=seller_a, category=planners, title="Money Planner", tags=["budget", "spreadsheet"])

    spreadsheets = [
        make_product(session, seller=seller_b, title=title, type=DigitalProductType.SPREADSHEET)
        for title in ("Budget Spreadsheet Pro", "Family Budget Spreadsheets", "Budgeting spreadsheet kit")
    ]
    make_product(
        session, seller=seller_b, title="Monthly Money Sheet", description="A simple budget spreadsheet for couples."
    )
    make_product(session, seller=seller_b, title="Wedding Seating Charts", type=DigitalProductType.DOCUMENT)
    make_product(session, seller=seller_b, title="Reception kit", description="Seating chart for your wedding day.")
    make_product(session, seller=seller_b, title="Wedding seating chart deluxe", status=T.DRAFT)
    make_product(session, seller=seller_b, title="ADHD Planner", status=T.DRAFT)
    make_product(session, seller=seller_b, title="ADHD Daily Planner", deleted_at=NOW - timedelta(days=3))
    pack = make_product(session, seller=seller_b, title="AI Prompt Pack", tags=["chatgpt"])
    icons = make_product(session, seller=seller_b, title="Library of Icons", type=DigitalProductType.GRAPHIC)
    add_revenue(session, product=pack, day=date(2026, 11, 11), revenue="100.00", units=5)
    add_revenue(session, product=pack, day=date(2026, 10, 22), revenue="20.00", units=1)
    add_revenue(session, product=pack, day=date(2026, 8, 13), revenue="500.00", units=25)  # 100 days ago: outside
    add_revenue(session, product=icons, day=date(2026, 11, 1), revenue="50.00", units=2)
    # The demand chain's conversions (last 90 days): spreadsheets 100 of 2,000 views = 5 %; e-books have only 500
    # views, too few, so they and every other type get the pooled (100 + 6 + 2) ÷ (2,000 + 500) = 4.32 %.
    add_views(session, product=spreadsheets[0], day=date(2026, 11, 10), views=2_000)
    add_revenue(session, product=spreadsheets[0], day=date(2026, 11, 10), revenue="1000.00", units=100)
    add_views(session, product=pack, day=date(2026, 11, 11), views=500)
    add_views(session, product=pack, day=date(2026, 8, 13), views=9_000)  # 100 days ago: outside

    searches(session, "Notion Budget Templates", days_ago=[1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    searches(session, "notion budget template", days_ago=[40, 50, 60, 70], results=1)
    searches(session, "  NOTION budget-template ", days_ago=[20, 80], results=2)
    searches(session, "notion budget template", days_ago=[95])  # older than 90 days
    searches(session, "notion budget template", days_ago=[5], results=3)  # found 3 results: not a failed search
    searches(session, "notion budget template", days_ago=[-1])  # after "now"
    searches(session, "wedding seating chart", days_ago=[3, 12, *range(31, 81, 5)])
    searches(session, "ADHD planners", days_ago=[1, 5, 9, 13, 17, 21, 35, 55, 75])
    searches(session, "ai prompt library", days_ago=[2, 4, 6, 8])
    searches(session, "sourdough journals", days_ago=[33, 44, 88])
    searches(session, "budget spreadsheets", days_ago=[2, 4, 6, 32, 42, 52])
    searches(session, "ai prompts", days_ago=[2, 3])
    return {"a": seller_a, "b": seller_b, "c": seller_c}


def test_failed_searches_are_grouped_by_lower_trimmed_text_in_sql(session: Session) -> None:
    build_market(session)
    rows = {r.query: (r.searches, r.recent) for r in load_failed_searches(session, now=NOW)}
    assert rows["notion budget templates"] == (10, 10)
    assert rows["notion budget template"] == (4, 0)  # day 95, the 3-result search and the future one are left out
    assert rows["notion budget-template"] == (2, 1)
    assert rows["adhd planners"] == (9, 6)


def test_existing_products_are_counted_by_full_text_on_title_tags_and_description(session: Session) -> None:
    build_market(session)
    counts = count_existing_products(
        session,
        terms=["budget spreadsheet", "wedding seating chart", "adhd planner", "ai prompt library", "the", "money"],
    )
    # budget spreadsheet: 3 titles (one "Budgeting" by stemming), 1 by tags, 1 by description.
    # wedding seating chart: "Wedding Seating Charts" and the "Reception kit" description; the draft does not count.
    # adhd planner: only a draft and a deleted product. "the" has no content word. money: two titles.
    assert counts == {
        "budget spreadsheet": 5,
        "wedding seating chart": 2,
        "adhd planner": 0,
        "ai prompt library": 0,
        "the": 0,
        "money": 2,
    }


def test_sales_by_word_total_90_days_of_revenue_per_type(session: Session) -> None:
    build_market(session)
    window = (date(2026, 8, 23), date(2026, 11, 21))
    rows = {
        (s.word, s.product_type): (s.products, s.revenue)
        for s in sales_by_word(session, words=["ai", "prompt", "library", "sourdough"], window=window)
    }
    # AI Prompt Pack: 100 + 20 in the window (the 500 of day 100 is out); Library of Icons: 50.
    assert rows == {
        ("ai", "EBOOK"): (1, 120),
        ("prompt", "EBOOK"): (1, 120),
        ("library", "GRAPHIC"): (1, 50),
    }


def test_the_full_text_index_follows_inserts_updates_and_deletes(session: Session) -> None:
    seller = make_seller(session)
    product = make_product(session, seller=seller, title="Garden planting calendar")
    assert count_existing_products(session, terms=["garden calendar"]) == {"garden calendar": 1}
    product.title = "Kitchen planting calendar"
    session.flush()
    assert count_existing_products(session, terms=["garden calendar", "kitchen calendar"]) == {
        "garden calendar": 0,
        "kitchen calendar": 1,
    }
    session.delete(product)
    session.flush()
    assert count_existing_products(session, terms=["kitchen calendar"]) == {"kitchen calendar": 0}
    check_catalog_index(session)  # SQLite: the FTS table agrees with digital_products


def test_opportunities_for_a_seller_with_hand_checked_numbers(session: Session) -> None:
    sellers = build_market(session)
    report = find_opportunities(session, seller_id=sellers["a"].id, now=NOW, ai=OFFLINE)

    assert report.engine == "offline" and report.cached is False
    rows = {o.term: o for o in report}
    assert set(rows) == {
        "notion budget template",
        "wedding seating chart",
        "adhd planner",
        "ai prompt library",
        "sourdough journal",
    }
    notion = rows["notion budget template"]
    assert (notion.search_volume, notion.searches_last_30_days, notion.searches_previous_60_days) == (16, 11, 5)
    # Ratio 2 × 11 / 5 = 4.4: rising. Rank 1 of 5 with 16 ≥ 10 searches: strong. No listing: HIGH.
    assert (notion.trend, notion.trend_ratio, notion.existing_products, notion.potential) == ("rising", 4.4, 0, "HIGH")
    assert notion.suggested_product_type == "SPREADSHEET"  # "budget" names it
    # Demand: 16 / 3 × 1.5 = 8 searches a month × 30 % open a listing × 5 % of spreadsheet views buy = 0.12.
    assert (notion.searches_per_month, notion.click_through, notion.conversion_rate) == (8, 0.30, 0.05)
    assert notion.estimated_monthly_demand == 0
    chain = "≈ 8 searches a month × 30% open a listing × 5.0% of views buy ≈ 0.12 sales a month."
    assert notion.demand_chain == chain and notion.reasoning.endswith(f"Demand: {chain}")
    # Wedding: ratio 2 × 2 / 10 = 0.4 fading; rank 2 of 5 moderate but fading: LOW. 12 / 3 × 0.5 = 2.
    wedding = rows["wedding seating chart"]
    assert (wedding.search_volume, wedding.existing_products, wedding.trend, wedding.potential) == (
        12,
        2,
        "fading",
        "LOW",
    )
    assert (wedding.suggested_product_type, wedding.searches_per_month) == ("DOCUMENT", 2)
    # 2 searches a month × 30 % × 4.32 % (documents: the pooled rate) = 0.026 sales.
    assert (wedding.conversion_rate, wedding.estimated_monthly_demand) == (0.0432, 0)
    # ADHD: 6 recent, 3 earlier → ratio 4.0; rank 3 of 5 moderate, rising: MEDIUM. 9 / 3 × 1.5 = 4.5 → 5.
    adhd = rows["adhd planner"]
    assert (adhd.search_volume, adhd.existing_products, adhd.trend, adhd.potential) == (9, 0, "rising", "MEDIUM")
    assert (adhd.searches_per_month, adhd.estimated_monthly_demand) == (5, 0)
    # AI prompt library: all 4 searches recent (no ratio); weak but rising in an open field: MEDIUM;
    # no type in the term, so the related sales decide: EBOOK 120 + 120 against GRAPHIC 50.
    ai_gap = rows["ai prompt library"]
    assert (ai_gap.trend, ai_gap.trend_ratio, ai_gap.potential, ai_gap.suggested_product_type) == (
        "rising",
        None,
        "MEDIUM",
        "EBOOK",
    )
    assert "E-books sell best for related terms ($240 in 90 days). Demand: ≈ 2 searches" in ai_gap.reasoning
    # Sourdough: 0 recent, 3 earlier: fading, LOW, 3 / 3 × 0.5 = 0.5 → 1.
    sourdough = rows["sourdough journal"]
    assert (sourdough.trend, sourdough.potential, sourdough.searches_per_month) == ("fading", "LOW", 1)
    # Never more sales than searches: every estimate is at most its searches a month.
    assert all(o.estimated_monthly_demand <= o.searches_per_month for o in report)

    # Seller A: specialties "Wedding stationery" and a product in "Planners & Journals" → fit first.
    assert [(o.term, o.fits_seller) for o in report] == [
        ("adhd planner", True),
        ("wedding seating chart", True),
        ("sourdough journal", True),
        ("notion budget template", False),
        ("ai prompt library", False),
    ]


def test_another_seller_gets_the_market_order(session: Session) -> None:
    sellers = build_market(session)
    report = find_opportunities(session, seller_id=sellers["b"].id, now=NOW, ai=OFFLINE)
    assert [o.term for o in report] == [
        "notion budget template",
        "adhd planner",
        "ai prompt library",
        "wedding seating chart",
        "sourdough journal",
    ]
    assert not any(o.fits_seller for o in report)


def test_an_unknown_seller_is_refused(session: Session) -> None:
    with pytest.raises(LookupError, match="Seller not found"):
        find_opportunities(session, seller_id="no-such-seller", now=NOW, ai=OFFLINE)


def test_the_report_is_cached_per_seller_and_refresh_recomputes(session: Session) -> None:
    sellers = build_market(session)
    first = find_opportunities(session, seller_id=sellers["a"].id, now=NOW, ai=OFFLINE)
    searches(session, "adhd planners", days_ago=[1, 2, 3, 4, 5, 6, 7, 8, 9, 10])

    counter = Statements(session)
    try:
        # An hour later, through a new door (as after a restart): the stored report, in two queries.
        again = find_opportunities(
            session, seller_id=sellers["a"].id, now=NOW + timedelta(hours=1), ai=get_ai(load_settings(env={}))
        )
        assert counter.count <= 2
    finally:
        counter.close()
    assert again.cached is True
    assert again.opportunities == first.opportunities
    assert again.computed_at == NOW

    refreshed = find_opportunities(
        session, seller_id=sellers["a"].id, now=NOW + timedelta(hours=1), ai=OFFLINE, refresh=True
    )
    assert refreshed.cached is False
    assert {o.term: o.search_volume for o in refreshed}["adhd planner"] == 19  # 9 + 10 new searches

    # After 24 hours the stored report has expired and is recomputed.
    later = find_opportunities(session, seller_id=sellers["a"].id, now=NOW + timedelta(hours=26), ai=OFFLINE)
    assert later.cached is False and later.computed_at == NOW + timedelta(hours=26)


def test_the_market_part_is_shared_between_sellers(session: Session) -> None:
    sellers = build_market(session)
    find_opportunities(session, seller_id=sellers["a"].id, now=NOW, ai=OFFLINE)
    searches(session, "adhd planners", days_ago=[1, 2, 3])
    # Seller B's first report reuses the market analysis of the same day (no new searches counted).
    report_b = find_opportunities(session, seller_id=sellers["b"].id, now=NOW, ai=OFFLINE)
    assert report_b.cached is False
    assert {o.term: o.search_volume for o in report_b}["adhd planner"] == 9
    assert market_opportunities(session, now=NOW, ai=OFFLINE).cached is True


def test_top_new_high_opportunity_for_the_jobs_runner(session: Session) -> None:
    sellers = build_market(session)
    # Seller C's specialty "Notion templates" fits the one HIGH gap.
    best = top_new_high_opportunity(session, seller_id=sellers["c"].id, now=NOW, ai=OFFLINE)
    assert best is not None and best.term == "notion budget template"
    excluded = ["Notion Budget Templates"]
    assert (
        top_new_high_opportunity(session, seller_id=sellers["c"].id, now=NOW, ai=OFFLINE, exclude_terms=excluded)
        is None
    )
    # Seller A fits only MEDIUM and LOW gaps.
    assert top_new_high_opportunity(session, seller_id=sellers["a"].id, now=NOW, ai=OFFLINE) is None


def test_the_model_classifies_the_gaps_when_configured(session: Session) -> None:
    sellers = build_market(session)
    terms = [
        "notion budget template",
        "wedding seating chart",
        "adhd planner",
        "ai prompt library",
        "sourdough journal",
    ]
    answer = {
        "opportunities": [
            {
                "term": term,
                "potential": "HIGH" if term == "adhd planner" else "LOW",
                "suggested_product_type": "PLANNER",
                "estimated_monthly_demand": 1,  # within every term's searches a month (1 to 8)
                "reasoning": f"Model view of {term}.",
            }
            for term in terms
        ]
    }
    stub = StubAnthropic(tool_use_response("classify_opportunities", answer))
    report = find_opportunities(session, seller_id=sellers["b"].id, now=NOW, ai=stub.door())

    assert report.engine == f"anthropic:{STUB_MODEL}"
    assert report.engine_label == f"Written by Claude ({STUB_MODEL})"
    assert report.opportunities[0].term == "adhd planner"  # the model's HIGH comes first for a seller without fit
    assert all(o.engine == report.engine for o in report)
    assert len(stub.requests) == 1
    sent = stub.bodies[0]["messages"][0]["content"]
    assert "opp_a" not in sent and "@" not in sent  # aggregate search data only
    notion = next(o for o in report if o.term == "notion budget template")
    # The model's 1 differs from the chain's 0 (8 × 30 % × 4.32 % as a planner): the chain says whose number it is.
    assert notion.estimated_monthly_demand == 1 and notion.conversion_rate == 0.0432
    assert notion.demand_chain.endswith("≈ 0.10 sales a month. The estimate shown (1) is the model's own.")

    # More sales than searches (3 for "wedding seating chart", searched 2 times a month) is refused: offline.
    answer["opportunities"][1]["estimated_monthly_demand"] = 3
    refused = market_opportunities(
        session, now=NOW, ai=StubAnthropic(tool_use_response("classify_opportunities", answer)).door(), refresh=True
    )
    assert refused.engine == "offline" and all(o.estimated_monthly_demand <= o.searches_per_month for o in refused)


# ---------------------------------------------------------------- migration 0003


@pytest.fixture(params=BACKENDS)
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'fts.db'}"
    return request.getfixturevalue("pg_cluster").create_database("opportunities_fts_roundtrip")


def _old_schema_product(engine: Engine, title: str) -> None:
    """A seller and a published product written against the tables as the database has them (reflected), not the
    models: the models hold columns later migrations add (e.g. `users.daily_digest_opt_in`, 0009)."""
    tables = MetaData()
    tables.reflect(engine, only=["users", "seller_profiles", "digital_products"])
    now = NOW.replace(tzinfo=None)
    stamps = {"created_at": now, "updated_at": now}
    user_id, seller_id = new_id(), new_id()
    with engine.begin() as conn:
        conn.execute(tables.tables["users"].insert().values(
            id=user_id, username="old-schema", email="old@example.com", name="Old Schema", password_hash="x",
            role="seller", is_active=True, **stamps))  # fmt: skip
        conn.execute(tables.tables["seller_profiles"].insert().values(
            id=seller_id, user_id=user_id, display_name="Old Schema", status="APPROVED", total_sales=0,
            total_revenue=0, commission_rate=0.15, specialties=[], **stamps))  # fmt: skip
        conn.execute(tables.tables["digital_products"].insert().values(
            id=new_id(), seller_id=seller_id, type="EBOOK", title=title, price=19, currency="USD", tags=[],
            seo_keywords=[], gallery_images=[], rating_count=0, view_count=0, download_count=0, status="PUBLISHED",
            **stamps))  # fmt: skip


def test_migration_0003_round_trip_and_autogenerate_ignores_the_fulltext_objects(empty_url: str) -> None:
    upgrade(empty_url, "0002")
    engine = make_engine(empty_url)
    try:
        _old_schema_product(engine, "Sourdough Journal")  # a product from before 0003 is backfilled by the upgrade
        upgrade(empty_url)
        engine.dispose()
        with Session(engine) as session:
            assert count_existing_products(session, terms=["sourdough journal"]) == {"sourdough journal": 1}

        downgrade(empty_url, "0002")
        engine.dispose()
        inspector = inspect(engine)
        assert not [t for t in inspector.get_table_names() if t.startswith("digital_products_fts")]
        assert "ix_digital_products_fulltext" not in {i["name"] for i in inspector.get_indexes("digital_products")}

        upgrade(empty_url)
        engine.dispose()
        with engine.connect() as conn:
            opts = {"compare_type": True, "include_object": include_in_autogenerate}
            assert compare_metadata(MigrationContext.configure(conn, opts=opts), Base.metadata) == []
    finally:
        engine.dispose()
