"""The Pricing tool page as maya on factory data: the numbers shown are core's, prices change only after a
confirmation (with an audit row), bad prices are refused next to the field, foreign deep links are ignored."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from core.models import (
    DigitalProduct,
    DigitalProductType,
    PriceChange,
    PriceChangeSource,
    ProductStatus,
    SellerProfile,
    User,
)
from core.money import format_money
from core.pricing import PricingAnalysis, analyze_pricing, bulk_analyze_pricing, needs_attention
from tests.app.conftest import World, logged_in_app, plain
from tests.factories import make_product

PAGE = "pages/seller/pricing_tool.py"
COURSE = DigitalProductType.COURSE


@dataclass(frozen=True)
class Market:
    budget: str  # maya's "Budget planner" (19.00) from the shared world: competitive
    pricey: str  # 60.00: overpriced, used by the apply test
    luxury: str  # 45.00: overpriced
    bargain: str  # 2.00: underpriced, used by the manual-price test
    graphic: str  # maya's only graphic: nothing to compare with
    course: str  # maya's course: one of only two courses, a thin sample
    draft: str  # maya's draft: not in the picker
    foreign: str  # otto's e-book
    maya_user_id: str


@pytest.fixture(scope="module")
def market(world: World) -> Iterator[Market]:
    """Thirteen published e-books without a category, so every analysis uses the all-categories e-book market.

    Prices, sorted: 2, 10, 12, 14, 16, 18, 19, 19, 19, 20, 22, 45, 60 (n = 13; maya's 19, noah's 19, otto's 19
    from the world). p25 at position 0.25 × 12 = 3 → 14.00; median at 6 → 19.00; p75 at 9 → 20.00.
    """
    with Session(world.engine) as session:
        maya = session.get(SellerProfile, world.maya_seller_id)
        otto = session.get(SellerProfile, world.other_seller_id)
        for price in ("10.00", "12.00", "14.00", "16.00", "18.00", "20.00", "22.00"):
            make_product(session, seller=otto, price=price, title=f"Otto's e-book at {price}")
        make_product(session, seller=otto, price="40.00", title="Otto's course", type=COURSE)
        ids = Market(
            budget=session.scalar(select(DigitalProduct.id).where(DigitalProduct.title == "Budget planner")),
            pricey=make_product(session, seller=maya, price="60.00", title="Pricey e-book").id,
            luxury=make_product(session, seller=maya, price="45.00", title="Luxury e-book").id,
            bargain=make_product(session, seller=maya, price="2.00", title="Bargain e-book").id,
            graphic=make_product(
                session, seller=maya, price="9.00", title="Lonely graphic", type=DigitalProductType.GRAPHIC
            ).id,
            course=make_product(session, seller=maya, price="30.00", title="Small course", type=COURSE).id,
            draft=make_product(session, seller=maya, title="Unfinished draft", status=ProductStatus.DRAFT).id,
            foreign=session.scalar(
                select(DigitalProduct.id).where(DigitalProduct.seller_id == world.other_seller_id).limit(1)
            ),
            maya_user_id=maya.user_id,
        )
        session.commit()
    yield ids


@pytest.fixture(autouse=True)
def offline_ai(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)


def open_page(product_id: str | None = None) -> AppTest:
    at = logged_in_app("maya", "seller", "Maya Lopez").run()
    at.switch_page(PAGE)
    if product_id is not None:
        at.query_params["product"] = product_id
    return at.run()


def core_analysis(world: World, product_id: str) -> PricingAnalysis:
    with Session(world.engine) as session:
        return analyze_pricing(session, seller_id=world.maya_seller_id, product_id=product_id)


def price_of(world: World, product_id: str) -> Decimal:
    with Session(world.engine) as session:
        return session.scalar(select(DigitalProduct.price).where(DigitalProduct.id == product_id))


def change_count(world: World) -> int:
    with Session(world.engine) as session:
        return session.scalar(select(func.count()).select_from(PriceChange))


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def markdown_text(at: AppTest) -> str:
    """The page's Markdown as a reader sees it (without the escaping of `components.ui.text.md`)."""
    return "\n".join(plain(m.value) for m in at.markdown)


def chart_rows(at: AppTest) -> list[dict]:
    """The rows with a `label` anywhere in the first chart's spec (the bars)."""
    found: list[dict] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if "label" in node and "price" in node:
                found.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(at.get("vega_lite_chart")[0].proto.spec))
    return found


def test_the_page_shows_cores_analysis(world: World, market: Market) -> None:
    at = open_page(market.luxury)
    assert not at.exception
    expected = core_analysis(world, market.luxury)
    # 45.00 > p75 20.00 → overpriced; the offline engine's suggestion stays within [0.8 × 14, 1.2 × 20].
    assert expected.competitive_position == "overpriced"
    assert at.selectbox(key="pricing_product").value == market.luxury
    shown = metrics(at)
    assert shown["Current price"] == "$45.00"
    assert shown["Suggested price"] == format_money(expected.suggested_price)
    assert shown["Confidence"] == f"{expected.confidence_score}/100"
    assert shown["Money at stake / month"] == format_money(expected.money_at_stake)
    text = markdown_text(at)
    assert "Overpriced" in text
    assert "13 e-book listings across all categories" in text  # the market context: segment and sample size
    assert expected.reasoning in text
    assert expected.engine_label == "Written by the offline engine (no API key)"
    assert any(expected.engine_label in plain(c.value) for c in at.caption)
    # The bars: your price, average, median (no top-seller benchmark calculated in this world).
    bars = {row["label"]: row["price"] for row in chart_rows(at)}
    assert bars == {label: float(amount) for label, amount in expected.market.comparison()}
    assert bars["Median"] == 19.0


def test_applying_the_suggested_price_needs_a_confirmation(world: World, market: Market) -> None:
    expected = core_analysis(world, market.pricey)
    new = expected.suggested_price
    before = change_count(world)
    at = open_page(market.pricey)
    at.button(key="pricing_apply_suggested").click().run()
    # Nothing is written until the seller confirms; the question names the old and the new price.
    assert price_of(world, market.pricey) == Decimal("60.00")
    question = markdown_text(at)
    assert f"from $60.00 to {format_money(new)}" in question

    at.button(key="pricing_confirm_yes").click().run()
    assert not at.exception
    assert price_of(world, market.pricey) == new
    assert change_count(world) == before + 1
    assert [plain(s.value) for s in at.success] == [
        f"Price updated: “Pricey e-book” now sells at **{format_money(new)}** (was $60.00)."
    ]
    assert metrics(at)["Current price"] == format_money(new)
    with Session(world.engine) as session:
        change = session.scalars(select(PriceChange).where(PriceChange.product_id == market.pricey)).one()
        maya_user = session.get(User, change.changed_by_user_id)
    assert (change.old_price, change.new_price, change.source) == (Decimal("60.00"), new, PriceChangeSource.ANALYSIS)
    assert change.suggested_price == new
    assert maya_user is not None and maya_user.username == "maya"
    history = at.dataframe[-1].value
    assert history.iloc[0]["Product"] == "Pricey e-book"
    assert (history.iloc[0]["Old price"], history.iloc[0]["New price"]) == (60.0, float(new))
    assert history.iloc[0]["How"] == "Suggested price"


def test_cancel_leaves_the_price_alone(world: World, market: Market) -> None:
    before = change_count(world)
    at = open_page(market.luxury)
    at.button(key="pricing_apply_suggested").click().run()
    at.button(key="pricing_confirm_no").click().run()
    assert price_of(world, market.luxury) == Decimal("45.00")
    assert change_count(world) == before
    assert not [b for b in at.button if b.key == "pricing_confirm_yes"]


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("abc", "Enter a price as a number, like 19.99."),
        ("-5", "Enter a price above $0.00."),
        ("12.345", "Use at most two decimals (cents)."),
        ("19", "$19.00 is already this product's price."),
        # The cap is 10 × the segment's 95th percentile: position 0.95 × 12 = 11.4 → 45 + 0.4 × (60 − 45) = 51
        # (before the apply test) or less after it; 5,000 is above either cap.
        ("5000", "$5,000.00 is more than 10× the highest typical price"),
    ],
)
def test_a_bad_manual_price_is_refused_next_to_the_field(
    world: World, market: Market, typed: str, message: str
) -> None:
    before = change_count(world)
    at = open_page(market.budget)
    at.text_input(key="pricing_manual_price").input(typed)
    at.button(key="FormSubmitter:pricing_manual_form-Review my price").click().run()
    assert not at.exception
    assert len(at.error) == 1 and plain(at.error[0].value).startswith(message)
    assert not [b for b in at.button if b.key == "pricing_confirm_yes"]
    assert price_of(world, market.budget) == Decimal("19.00")
    assert change_count(world) == before


def test_a_manual_price_is_applied_after_confirmation(world: World, market: Market) -> None:
    at = open_page(market.bargain)
    at.text_input(key="pricing_manual_price").input("$9.50")
    at.button(key="FormSubmitter:pricing_manual_form-Review my price").click().run()
    assert price_of(world, market.bargain) == Decimal("2.00")
    assert "from $2.00 to $9.50" in markdown_text(at)
    at.button(key="pricing_confirm_yes").click().run()
    assert price_of(world, market.bargain) == Decimal("9.50")
    assert metrics(at)["Current price"] == "$9.50"
    with Session(world.engine) as session:
        change = session.scalars(select(PriceChange).where(PriceChange.product_id == market.bargain)).one()
    assert (change.old_price, change.new_price, change.source) == (Decimal("2.00"), Decimal("9.50"), "MANUAL")


@pytest.mark.parametrize("whose", ["foreign", "draft", "unknown"])
def test_a_link_to_a_product_that_is_not_hers_is_ignored(world: World, market: Market, whose: str) -> None:
    product_id = {"foreign": market.foreign, "draft": market.draft, "unknown": "no-such-id"}[whose]
    at = open_page(product_id)
    assert not at.exception
    assert at.selectbox(key="pricing_product").value is None
    assert any("not one of your published products" in i.value for i in at.info)
    assert not at.metric  # nothing about that product is shown
    assert product_id not in at.selectbox(key="pricing_product").options


def test_a_product_without_comparable_listings_says_why(world: World, market: Market) -> None:
    at = open_page(market.graphic)
    expected = core_analysis(world, market.graphic)
    assert not expected.available
    assert metrics(at) == {"Current price": "$9.00"}
    assert expected.reason in [plain(i.value) for i in at.info]
    assert not [b for b in at.button if b.key == "pricing_apply_suggested"]


def test_a_thin_market_is_flagged(world: World, market: Market) -> None:
    at = open_page(market.course)
    expected = core_analysis(world, market.course)
    assert expected.available and expected.market.sample_size == 2  # maya's and otto's course
    assert "2 course listings across all categories" in markdown_text(at)
    assert [w.value for w in at.warning] == [
        "Based on only 2 listings: fewer than 5 comparable products, so treat the suggestion as a rough guide."
    ]
    assert metrics(at)["Confidence"] == f"{expected.confidence_score}/100"
    assert expected.confidence_score <= 25  # capped for thin samples


def test_review_all_lists_the_off_market_products_by_money_at_stake(world: World, market: Market) -> None:
    at = open_page()
    assert any("Choose a product" in i.value for i in at.info)
    at.button(key="pricing_review_all").click().run()
    assert not at.exception
    with Session(world.engine) as session:
        analyses = bulk_analyze_pricing(session, seller_id=world.maya_seller_id)
    flagged = needs_attention(analyses)
    assert flagged, "the world has off-market products"
    table = at.dataframe[0].value
    assert list(table["Product"]) == [a.title for a in flagged]
    assert list(table["At stake / month"]) == [float(a.money_at_stake) for a in flagged]
    assert f"**{len(flagged)} of {len(analyses)} products**" in markdown_text(at)
    # Sorted by money at stake, largest first.
    assert list(table["At stake / month"]) == sorted(table["At stake / month"], reverse=True)


def test_a_marketplace_override_of_the_median_is_used_and_named(world: World, market: Market) -> None:
    """An admin sets the all-categories e-book median to $25.00; the page uses it and names the computed one.

    The computed median is $19.00 from `market`, unless an earlier test applied a price: read it from core first.
    """
    from datetime import UTC, datetime

    from core.market.benchmarks import recalculate_benchmarks
    from core.market.overrides import set_benchmark_override
    from core.models import MarketBenchmark

    now = datetime.now(UTC)
    computed_median = core_analysis(world, market.luxury).market.median_price
    with Session(world.engine) as session:
        recalculate_benchmarks(session, now=now)
        row = session.scalars(
            select(MarketBenchmark).where(
                MarketBenchmark.product_type == DigitalProductType.EBOOK, MarketBenchmark.category_id.is_(None)
            )
        ).one()
        admin_id = session.scalar(select(User.id).where(User.username == "admin"))
        set_benchmark_override(session, benchmark_id=row.id, admin_user_id=admin_id, median_price="25.00", now=now)
        session.commit()
    try:
        at = open_page(market.luxury)
        assert not at.exception
        notices = [plain(i.value) for i in at.info]  # md() escapes $ (maths) and the other Markdown characters
        expected = f"Median set by the marketplace team (was {format_money(computed_median)} computed)."
        assert any(expected in n for n in notices), notices
        assert core_analysis(world, market.luxury).market.median_price == Decimal("25.00")
    finally:
        with Session(world.engine) as session:
            session.query(MarketBenchmark).delete()
            session.commit()
