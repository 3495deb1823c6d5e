"""The Pricing tool page as maya on factory data: the numbers shown are core's (from the nightly benchmarks and the
demand model), prices change only after a confirmation (with an audit row) and then settle, bad prices are refused
next to the field, foreign deep links are ignored, and extreme overrides never make the page contradict itself."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from decimal import Decimal as D

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from core.config import get_settings
from core.listings.queries import score_seller_listing
from core.market.benchmarks import recalculate_benchmarks
from core.models import (
    ConversionEvent,
    ConversionEventType,
    DigitalProduct,
    DigitalProductType,
    MarketBenchmark,
    PriceChange,
    PriceChangeSource,
    ProductStatus,
    SellerProfile,
    User,
)
from core.models.scale import ListingScoreRecord
from core.money import format_money
from core.pricing import PricingAnalysis, analyze_pricing, bulk_analyze_pricing, needs_attention, review_totals
from tests.app.conftest import World, logged_in_app, plain
from tests.factories import add_revenue, add_views, make_product

PAGE = "pages/seller/pricing_tool.py"
COURSE = DigitalProductType.COURSE


@dataclass(frozen=True)
class Market:
    budget: str  # maya's "Budget planner" (19.00) from the shared world: competitive
    steady: str  # 16.00 with 30 units sold: the model suggests a raise (used by the apply test)
    pricey: str  # 60.00: overpriced
    luxury: str  # 45.00: overpriced
    bargain: str  # 2.00: underpriced, used by the manual-price test
    graphic: str  # maya's only graphic: nothing to compare with
    course: str  # maya's course: one of only two courses, a thin sample
    draft: str  # maya's draft: not in the picker
    foreign: str  # otto's e-book
    maya_user_id: str


@pytest.fixture(scope="module")
def market(world: World) -> Iterator[Market]:
    """Fourteen published e-books without a category, so every analysis uses the all-categories e-book row.

    Prices, sorted: 2, 10, 12, 14, 16, 16, 18, 19, 19, 19, 20, 22, 45, 60 (n = 14; maya's 19, noah's 19,
    otto's 19 from the world): p10 at 1.3 → 10.60, p25 at 3.25 → 14.50, median at 6.5 → 18.50, p75 at 9.75 →
    19.75, p90 at 11.7 → 38.10. Every e-book has 200 views and 6 purchases in the window: a flat 3 % conversion,
    so the nightly fit's slope is 0.0 ± 0.0 and the segment's evidence 0 ± 0.5 × min(1, price ÷ 18.50) at every
    price: with the prior −1 ± 0.5, a cautious raise where the rules allow it. The benchmarks are computed at the
    end, as the
    nightly job would.
    """
    now = datetime.now(UTC)
    with Session(world.engine) as session:
        maya = session.get(SellerProfile, world.maya_seller_id)
        otto = session.get(SellerProfile, world.other_seller_id)
        for price in ("10.00", "12.00", "14.00", "16.00", "18.00", "20.00", "22.00"):
            make_product(session, seller=otto, price=price, title=f"Otto's e-book at {price}")
        make_product(session, seller=otto, price="40.00", title="Otto's course", type=COURSE)
        steady = make_product(session, seller=maya, price="16.00", title="Steady e-book")
        add_revenue(session, product=steady, day=world.today - timedelta(days=10), revenue="480.00", units=30)
        ids = Market(
            budget=session.scalar(select(DigitalProduct.id).where(DigitalProduct.title == "Budget planner")),
            steady=steady.id,
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
        ebooks = session.scalars(
            select(DigitalProduct).where(
                DigitalProduct.type == DigitalProductType.EBOOK, DigitalProduct.status == ProductStatus.PUBLISHED
            )
        ).all()
        for product in ebooks:
            add_views(session, product=product, day=world.today - timedelta(days=5), views=200)
            add_purchases(session, product, world.today - timedelta(days=5), 6)
        recalculate_benchmarks(session, now=now)
        session.commit()
    yield ids


def add_purchases(session: Session, product: DigitalProduct, day: date, count: int) -> None:
    session.add(
        ConversionEvent(
            product_id=product.id,
            seller_id=product.seller_id,
            day=day,
            event_type=ConversionEventType.PURCHASE,
            count=count,
        )
    )
    session.flush()


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


def suggestion_delta(at: AppTest) -> str:
    """The action under the suggested price: "keep", "raise +$0.99", "lower -$1.00"."""
    (tile,) = [m for m in at.metric if m.label == "Suggested price"]
    return tile.proto.delta


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
    # 45.00 > p75 19.75 → overpriced; no unit sold at 45.00 (and above p75 it would not be raised): keep.
    assert expected.competitive_position == "overpriced" and expected.action == "keep"
    assert at.selectbox(key="pricing_product").value == market.luxury
    shown = metrics(at)
    assert shown["Current price"] == "$45.00"
    assert shown["Suggested price"] == format_money(expected.suggested_price) == "$45.00"
    assert suggestion_delta(at) == "keep"
    assert shown["Confidence"] == f"{expected.confidence_score}/100"
    assert shown["Expected change / month"] == "$0.00"
    text = markdown_text(at)
    assert "Overpriced" in text
    assert "14 e-book listings across all categories" in text  # the market context: segment and sample size
    assert expected.reasoning in text
    assert expected.engine_label == "Written by the offline engine (no API key)"
    assert any(expected.engine_label in plain(c.value) for c in at.caption)
    # One nightly statistic on every page, with its date.
    day = datetime.now(UTC).astimezone(get_settings().timezone).date()
    assert any(
        plain(c.value) == f"Market figures computed nightly; last on {day:%b} {day.day}, {day.year}."
        for c in at.caption
    )
    # The bars: your price, average, median, top-seller average (from the nightly row).
    bars = {row["label"]: row["price"] for row in chart_rows(at)}
    assert bars == {label: float(amount) for label, amount in expected.market.comparison()}
    assert bars["Median"] == 18.5


def test_a_suggested_raise_shows_the_expected_change_and_settles_once_applied(world: World, market: Market) -> None:
    expected = core_analysis(world, market.steady)
    # At $16 (x = 16 ÷ 18.50 = 0.8649) the segment says 0 ± 0.5 × 0.8649 = 0.4324: precisions 4 + 5.3477 → mean
    # −4 ÷ 9.3477 = −0.4279, sd 1/√9.3477 = 0.3271; cautious e − sd = −0.7550 → 16 × (1 + 1/0.7550) ÷ 2 = 18.60
    # → the charm price 17.99. 30 units in the 90-day window = 10 a month at 16.00.
    assert expected.demand is not None and expected.demand.units_per_month == 10.0
    assert expected.demand.elasticity == pytest.approx(-0.4279, abs=1e-4)
    # R(17.99) = 17.99 × 10 × (1 − 0.4279 × 1.99 ÷ 16) = 170.33 (170.325…); R(16) = 160 → +10.33.
    assert (expected.suggested_price, expected.action, expected.money_at_stake) == (D("17.99"), "raise", D("10.33"))
    new = expected.suggested_price
    before = change_count(world)
    at = open_page(market.steady)
    shown = metrics(at)
    assert shown["Suggested price"] == "$17.99" and shown["Expected change / month"] == "+$10.33"
    assert suggestion_delta(at) == "raise +$1.99"
    at.button(key="pricing_apply_suggested").click().run()
    # Nothing is written until the seller confirms; the question names the old and the new price.
    assert price_of(world, market.steady) == D("16.00")
    assert "from $16.00 to $17.99" in markdown_text(at)

    at.button(key="pricing_confirm_yes").click().run()
    assert not at.exception
    assert price_of(world, market.steady) == new
    assert change_count(world) == before + 1
    assert [plain(s.value) for s in at.success] == [
        "Price updated: “Steady e-book” now sells at **$17.99** (was $16.00)."
    ]
    # Settle after apply: the same page now says keep, measuring the new price.
    shown = metrics(at)
    assert shown["Current price"] == "$17.99" and shown["Suggested price"] == "$17.99"
    assert suggestion_delta(at) == "keep"
    assert shown["Expected change / month"] == "$0.00"
    assert any("Measuring your new price since" in plain(i.value) for i in at.info)
    assert at.button(key="pricing_apply_suggested").label == "Your price already matches the suggestion"
    with Session(world.engine) as session:
        change = session.scalars(select(PriceChange).where(PriceChange.product_id == market.steady)).one()
        maya_user = session.get(User, change.changed_by_user_id)
    assert (change.old_price, change.new_price, change.source) == (D("16.00"), new, PriceChangeSource.ANALYSIS)
    assert change.suggested_price == new
    assert maya_user is not None and maya_user.username == "maya"
    history = at.dataframe[-1].value
    assert history.iloc[0]["Product"] == "Steady e-book"
    assert (history.iloc[0]["Old price"], history.iloc[0]["New price"]) == (16.0, float(new))
    assert history.iloc[0]["How"] == "Suggested price"


def test_cancel_leaves_the_price_alone(world: World, market: Market) -> None:
    before = change_count(world)
    at = open_page(market.luxury)
    at.text_input(key="pricing_manual_price").input("44.00")
    at.button(key="FormSubmitter:pricing_manual_form-Review my price").click().run()
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
        # The cap is 10 × the segment's 95th percentile: position 0.95 × 13 = 12.35 → 45 + 0.35 × 15 = 50.25;
        # 5,000 is above it.
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
    # The stored listing score was rewritten in the same transaction: it equals a live scoring at the new price.
    with Session(world.engine) as session:
        stored = session.get(ListingScoreRecord, market.bargain)
        live = score_seller_listing(session, seller_id=change.seller_id, product_id=market.bargain).score
    assert stored is not None
    live_pricing = next(d.points for d in live.dimensions if d.key == "pricing_competitiveness")
    assert (stored.overall, stored.pricing_competitiveness) == (live.overall, live_pricing)


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


def test_review_all_lists_suggested_changes_with_gains_and_losses_apart(world: World, market: Market) -> None:
    at = open_page()
    assert any("Choose a product" in i.value for i in at.info)
    at.button(key="pricing_review_all").click().run()
    assert not at.exception
    with Session(world.engine) as session:
        analyses = bulk_analyze_pricing(session, seller_id=world.maya_seller_id)
    flagged = needs_attention(analyses)
    totals = review_totals(analyses)
    assert flagged, "the world has products the model would reprice"
    table = at.dataframe[0].value
    assert list(table["Product"]) == [a.title for a in flagged]
    assert list(table["Expected change / month"]) == [float(a.money_at_stake) for a in flagged]
    text = markdown_text(at)
    assert f"**{len(flagged)} of {len(analyses)} products**" in text
    # Gains and losses are never summed into one "at stake": the offline engine only suggests expected gains.
    assert f"expected gain **+{format_money(totals.expected_gain)} a month**" in text
    assert "no suggestion is expected to lose revenue" in text
    assert "at stake" not in text


def _set_override(world: World, median: D | None) -> None:
    with Session(world.engine) as session:
        row = session.scalars(
            select(MarketBenchmark).where(
                MarketBenchmark.product_type == DigitalProductType.EBOOK, MarketBenchmark.category_id.is_(None)
            )
        ).one()
        admin_id = session.scalar(select(User.id).where(User.username == "admin"))
        # Written directly: the admin page refuses a median outside the segment's prices, and a far one needs
        # a second confirmation; the seller's page must stay coherent whatever is stored.
        row.override_median_price = median
        row.overridden_by_user_id = admin_id if median is not None else None
        row.overridden_at = datetime.now(UTC) if median is not None else None
        session.commit()


POSITION_WORDS = {
    "Underpriced": "is below the lower quartile",
    "Competitive": "sits in the",
    "Overpriced": "is above the upper quartile",
}


@pytest.mark.parametrize("factor", [D("0.0005"), D("100")])  # median ≈ $0.01 and 100× the computed one
@pytest.mark.parametrize("which", ["bargain", "budget", "luxury"])
def test_extreme_overrides_never_make_the_page_contradict_itself(
    world: World, market: Market, factor: D, which: str
) -> None:
    product_id = getattr(market, which)
    computed = core_analysis(world, product_id)
    assert computed.market is not None
    override = (computed.market.median_price * factor).quantize(D("0.01"))
    _set_override(world, override)
    try:
        at = open_page(product_id)
        assert not at.exception
        analysis = core_analysis(world, product_id)
        text = markdown_text(at)
        # One position: the badge word, the page's sentence and the reasoning's sentence agree.
        badges = [word for word in POSITION_WORDS if word in text]
        assert len(badges) == 1, badges
        assert POSITION_WORDS[badges[0]] in analysis.reasoning
        # One suggestion, consistent with the position: underpriced is never cut, overpriced never raised.
        current, suggested = analysis.current_price, analysis.suggested_price
        assert suggested is not None
        if badges[0] == "Underpriced":
            assert suggested >= current
        if badges[0] == "Overpriced":
            assert suggested <= current
        assert (analysis.competitive_position, suggested) == (computed.competitive_position, computed.suggested_price)
        shown = metrics(at)
        action = {"raise": "raise", "cut": "lower", "keep": "keep"}[analysis.action or "keep"]
        assert shown["Suggested price"] == format_money(suggested)
        assert suggestion_delta(at).startswith(action)
        label = at.button(key="pricing_apply_suggested").label
        if suggested == current:
            assert label == "Your price already matches the suggestion"
        else:
            assert label == f"Apply suggested price ({format_money(suggested)})"
        # One range, around the suggestion; the typical band in the caption is the computed one.
        assert analysis.price_range is not None and analysis.price_range.min <= suggested <= analysis.price_range.max
        assert f"({format_money(computed.market.p25_price)}–{format_money(computed.market.p75_price)})" in " ".join(
            plain(c.value) for c in at.caption
        )
        # The override is shown as the team's reference, flagged, never as the market median.
        notices = " ".join(plain(i.value) for i in at.info)
        assert f"Reference median {format_money(override)}" in notices
        assert "set by the marketplace team" in notices
        assert f"Median {format_money(computed.market.median_price)}" in text
    finally:
        _set_override(world, None)
