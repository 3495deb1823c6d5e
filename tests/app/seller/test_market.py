"""Seller Market page (AppTest) as maya: opportunity cards in the core's order, the benchmark table with thin-sample
flags and segment charts, and forecast metrics equal to `forecast_for_seller`'s; noah gets the no-forecast reason."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from components.ui.format import format_count, format_money_short
from components.ui.text import md
from core.market.benchmarks import recalculate_benchmarks
from core.market.opportunities import find_opportunities
from core.models import Category, DigitalProductType, SellerProfile
from core.money import format_money_compact
from core.sales.forecast import forecast_for_seller
from tests.app.conftest import World, logged_in_app, plain
from tests.factories import add_revenue, add_search, make_category, make_product

MARKET = "pages/seller/market.py"


@pytest.fixture(scope="module", autouse=True)
def market_world(world: World) -> Iterator[dict[str, str]]:
    """Finance (EBOOK ×6: otto 5 + maya 1) and a one-course COURSE segment; failed searches; benchmarks."""
    now = datetime.now(UTC)
    with Session(world.engine) as session:
        finance: Category = make_category(session, name="Finance")
        otto = session.get(SellerProfile, world.other_seller_id)
        maya = session.get(SellerProfile, world.maya_seller_id)
        ledgers = [
            make_product(session, seller=otto, category=finance, price=price, title=f"Ledger {price}")
            for price in ("9.00", "14.00", "19.00", "29.00", "45.00")
        ]
        # 40 days ago is always in a complete earlier month: the segment's monthly line has a point.
        add_revenue(session, product=ledgers[0], day=now.date() - timedelta(days=40), revenue="18.00", units=2)
        make_product(session, seller=maya, category=finance, price="24.00", title="Maya's finance workbook")
        make_product(session, seller=otto, type=DigitalProductType.COURSE, price="99.00", title="Course")
        # Failed searches (fewer than 3 results) in the last 90 days; "finance" fits maya's Finance category.
        for query, times in (("finance tracker", 6), ("wedding invitation", 9), ("meal prep plan", 4)):
            for i in range(times):
                add_search(session, query=query, result_count=0, searched_at=now - timedelta(days=2 + i))
        recalculate_benchmarks(session, now=now)
        session.commit()
        yield {"finance": finance.id}


def open_market(username: str = "maya", name: str = "Maya Lopez", section: str | None = None) -> AppTest:
    at = logged_in_app(username, "seller", name).run()
    at.switch_page(MARKET)
    if section:
        at.query_params["section"] = section
    return at.run()


def test_compact_money_fits_a_metric_tile() -> None:
    assert [format_money_short(Decimal(v)) for v in ("950.40", "12345", "278216.49", "1250000")] == [
        "$950.40",
        "$12.3k",
        "$278k",
        "$1.25M",
    ]


def today_noon() -> datetime:
    return datetime.combine(datetime.now(UTC).date(), time(12), tzinfo=UTC)


def test_forecast_metrics_equal_the_core_forecast(world: World) -> None:
    at = open_market(section="Forecast")
    assert not at.exception
    with Session(world.engine) as session:
        expected = forecast_for_seller(session, seller_id=world.maya_seller_id, days=30, now=today_noon())
    assert expected.available
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Projected revenue · next 30 days"] == format_money_compact(expected.projected_revenue)
    assert metrics["Projected sales · next 30 days"] == format_count(expected.projected_sales)
    interval = expected.confidence_interval
    assert metrics["Likely range"] == f"{format_money_short(interval.low)} – {format_money_short(interval.high)}"
    # The method, its measured accuracy and the range's measured hit rate, as the core computed them.
    shown = " ".join(m.value for m in at.markdown)
    assert f"**Method:** {md(expected.method.label)}" in shown
    coverage = expected.coverage
    if coverage.checked:
        assert f"the likely range held the actual 30-day total {coverage.inside} times" in shown
    else:
        assert "Too little history to check it yet" in shown
    spec = at.get("vega_lite_chart")[0].proto.spec
    assert '"Forecast"' in spec and '"Actual"' in spec
    # 90 actual days + the bridge day + 30 projected days are drawn.
    assert spec.count('"series": "Actual"') + spec.count('"series":"Actual"') == 90

    at.segmented_control(key="market_forecast_days").set_value(90).run()
    with Session(world.engine) as session:
        longer = forecast_for_seller(session, seller_id=world.maya_seller_id, days=90, now=today_noon())
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Projected revenue · next 90 days"] == format_money_compact(longer.projected_revenue)


def test_seller_without_sales_gets_the_reason_instead_of_a_forecast() -> None:
    at = open_market("noah", "Noah Kim", section="Forecast")
    assert not at.exception
    assert not at.metric
    assert any("No sales history yet" in i.value for i in at.info)
    assert not at.get("vega_lite_chart")


def test_benchmark_table_rows_and_thin_flags(world: World, market_world: dict[str, str]) -> None:
    at = open_market(section="Benchmarks")
    assert not at.exception
    # maya's main segment (most products) is preselected: EBOOK.
    assert at.selectbox(key="market_bench_type").value == "EBOOK"
    table = at.dataframe[0].value
    rows = {row["Category"]: (row["Products"], row["Sample"]) for _, row in table.iterrows()}
    # EBOOK products: world's maya 1 + noah 1 + otto 1 (uncategorised) + Finance 6 = 9 in "All categories";
    # Finance alone 6. Neither is below 5 products.
    assert rows == {"All categories": (9, "ok"), "Finance": (6, "ok")}
    at.selectbox(key="market_bench_type").set_value("COURSE").run()
    table = at.dataframe[0].value
    assert [(r["Category"], r["Products"], r["Sample"]) for _, r in table.iterrows()] == [
        ("All categories", 1, "⚠ thin")
    ]
    assert any("thin sample" in c.value for c in at.caption)


def test_segment_charts_mark_the_sellers_own_prices(world: World, market_world: dict[str, str]) -> None:
    at = open_market(section="Benchmarks")
    segment = at.selectbox(key="market_bench_segment")
    # maya's main segment: EBOOK in Finance (her workbook) ties EBOOK uncategorised (Budget planner) at 1 product;
    # choose Finance explicitly.
    segment.set_value(f"EBOOK|{market_world['finance']}").run()
    price_spec, sales_spec = (c.proto.spec for c in at.get("vega_lite_chart"))
    # Finance prices 9, 14, 19, 24, 29, 45 → $5 bins from $5 to $50; maya's 24.00 is one rule.
    assert '"rule"' in price_spec and "Maya's finance workbook" in price_spec
    assert '"low": 5.0' in price_spec or '"low":5.0' in price_spec
    assert "utcyearmonth" in sales_spec
    assert any("Maya's finance workbook $24.00" in plain(c.value) for c in at.caption)


def test_opportunity_cards_follow_the_core_order_with_fit_first(world: World) -> None:
    at = open_market()
    assert not at.exception
    with Session(world.engine) as session:
        report = find_opportunities(session, seller_id=world.maya_seller_id, now=datetime.now(UTC))
    assert len(report) == 3  # "finance tracker", "wedding invitation", "meal prep plan"
    headers = [m.value for m in at.markdown if m.value.startswith("#### ")]
    assert len(headers) == min(len(report), 12)
    assert [h.removeprefix("#### ").replace("\\", "") for h in headers] == [
        f"“{o.term}”" for o in report.opportunities[:12]
    ]
    # "finance tracker" matches maya's Finance category: first, and marked.
    assert report.opportunities[0].term == "finance tracker" and report.opportunities[0].fits_seller
    badges = [m.value for m in at.markdown if "searches]" in m.value]
    assert "fits your shop" in badges[0]
    # "Create product" opens a new draft in the Listing editor (issue 11): a page link, no longer an external link.
    creates = [b.proto.label for b in at.get("page_link") if b.proto.label == "Create product"]
    assert creates == ["Create product"] * len(headers)
    assert any(report.engine_label in plain(c.value) for c in at.caption)


def test_refresh_recomputes_and_says_so() -> None:
    at = open_market()
    at.button(key="market_refresh").click().run()
    assert not at.exception
    statuses = [node.label for node in at._tree if getattr(node, "type", None) == "status"]
    # Three unmet searches, none matched by a listing: three opportunities.
    assert statuses == ["Recomputed: 3 opportunities."]
    assert len([m.value for m in at.markdown if m.value.startswith("#### ")]) == 3
