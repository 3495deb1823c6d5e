"""The Performance page's recommendations as a seller: refresh (the offline rules answer, one per published
product), accept and dismiss, measured outcomes and the Pricing tool link shown, another seller's recommendations
never listed, and the empty state of a seller without published products."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from core.models import (
    DigitalProduct,
    ProductRecommendation,
    ProductStatus,
    RecommendationAction,
    RecommendationStatus,
)
from tests.app.conftest import World, logged_in_app, plain
from tests.factories import make_product, make_seller

PERFORMANCE_PAGE = "pages/seller/performance.py"
OUTCOME = {
    "baseline": {
        "start": "2026-09-01",
        "end": "2026-09-30",
        "days": 30,
        "visits": 1000,
        "orders": 5,
        "revenue": "100.00",
        "conversion": 0.005,
    },
    "after": {
        "start": "2026-10-02",
        "end": "2026-10-31",
        "days": 30,
        "visits": 800,
        "orders": 8,
        "revenue": "144.00",
        "conversion": 0.01,
    },
    "changes": {"revenue": 44.0, "orders": 60.0, "visits": -20.0, "conversion": 100.0},
    "verdict": {
        "change": "no clear change",
        "p_value": 0.581,
        "sureness": None,
        "text": "No clear change in orders per day (p = 0.581)",
    },
}


def _clean(world: World) -> None:
    with Session(world.engine) as session:
        session.execute(delete(ProductRecommendation))
        session.commit()


@pytest.fixture(autouse=True)
def no_recommendations_left(world: World, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The world is shared by the module: every test starts and ends without recommendations; no model key."""
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    _clean(world)
    yield
    _clean(world)


def open_page(username: str = "maya", name: str = "Maya Lopez") -> AppTest:
    at = logged_in_app(username, "seller", name).run()
    at.switch_page(PERFORMANCE_PAGE)
    at.run()
    assert not at.exception, at.exception
    return at


def stored(world: World, seller_id: str) -> list[ProductRecommendation]:
    with Session(world.engine) as session:
        return list(session.scalars(select(ProductRecommendation).where(ProductRecommendation.seller_id == seller_id)))


def markdown(at: AppTest) -> list[str]:
    return [plain(m.value) for m in at.markdown]


def click(at: AppTest, label: str) -> AppTest:
    [button] = [b for b in at.button if b.label == label]
    button.click().run()
    assert not at.exception, at.exception
    return at


def add_recommendation(world: World, seller_id: str, title: str, **fields: object) -> str:
    with Session(world.engine) as session:
        product_id = session.scalar(
            select(DigitalProduct.id).where(DigitalProduct.seller_id == seller_id, DigitalProduct.title == title)
        )
        rec = ProductRecommendation(
            seller_id=seller_id,
            product_id=product_id,
            action=fields.pop("action", RecommendationAction.KEEP),
            confidence=fields.pop("confidence", 55),
            reason=fields.pop("reason", "A reason written from the numbers of this product."),
            evidence=fields.pop("evidence", {"views": 10, "currency": "USD"}),
            engine="offline",
            **fields,
        )
        session.add(rec)
        session.commit()
        return rec.id


def test_refresh_then_accept(world: World) -> None:
    at = open_page()
    assert any("No open recommendations" in i.value for i in at.info)
    at = click(at, "Refresh recommendations")
    [rec] = stored(world, world.maya_seller_id)
    assert (rec.status, rec.engine) == (RecommendationStatus.NEW, "offline")
    assert any("1 recommendations refreshed." in s.value for s in at.success)
    # maya's one published product, "Budget planner", with the action badge and its confidence.
    headings = [m for m in markdown(at) if "**Budget planner**" in m]
    assert headings and f"confidence {rec.confidence}/100" in headings[0]
    assert any(rec.reason in m for m in markdown(at))

    at = click(at, "Accept")
    [rec] = stored(world, world.maya_seller_id)
    assert rec.status == RecommendationStatus.ACCEPTED and rec.baseline is not None
    assert any("Accepted: its result will be measured" in s.value for s in at.success)
    assert any("Its result is measured on" in c.value for c in at.caption)
    assert not [b for b in at.button if b.label == "Accept"]


def test_dismiss(world: World) -> None:
    add_recommendation(world, world.maya_seller_id, "Budget planner")
    at = click(open_page(), "Dismiss")
    [rec] = stored(world, world.maya_seller_id)
    assert (rec.status, rec.accepted_at, rec.baseline) == (RecommendationStatus.DISMISSED, None, None)
    assert any(c.value.startswith("Dismissed on") for c in at.caption)


def test_outcome_reprice_link_and_no_foreign_rows(world: World) -> None:
    add_recommendation(
        world,
        world.maya_seller_id,
        "Budget planner",
        status=RecommendationStatus.ACCEPTED,
        accepted_at=datetime(2026, 10, 1, tzinfo=UTC),
        decided_at=datetime(2026, 10, 1, tzinfo=UTC),
        outcome=OUTCOME,
        outcome_measured_at=datetime(2026, 11, 1, tzinfo=UTC),
    )
    add_recommendation(
        world,
        world.maya_seller_id,
        "Budget planner",
        action=RecommendationAction.REPRICE,
        evidence={"direction": "lower", "currency": "USD"},
        reason="Maya's own reprice reason, long enough.",
    )
    with Session(world.engine) as session:
        otto_title = session.scalar(
            select(DigitalProduct.title).where(DigitalProduct.seller_id == world.other_seller_id)
        )
    add_recommendation(world, world.other_seller_id, otto_title, reason="Otto's secret reason, never shown to maya.")
    at = open_page()
    texts = markdown(at)
    assert any(
        "After 30 days: revenue +44%, orders +60%, visits -20%, conversion +100% against the 30 days before "
        "($144.00 vs $100.00). No clear change in orders per day (p = 0.581)." in m
        for m in texts
    ), texts
    assert any("(lower the price) **Budget planner**" in m for m in texts)
    assert not any("Otto's secret reason" in m for m in texts)
    maya_product = stored(world, world.maya_seller_id)[0].product_id
    links = [(e.proto.label, e.proto.page, e.proto.query_string) for e in at.get("page_link")]
    assert ("Open in the Pricing tool", "pricing", f"product={maya_product}") in links


def test_seller_without_published_products(world: World) -> None:
    with Session(world.engine) as session:
        if session.scalar(select(DigitalProduct.id).where(DigitalProduct.title == "Nadia's draft")) is None:
            nadia = make_seller(session, username="nadia", password="nadia-test-pass", name="Nadia Draft")
            make_product(session, seller=nadia, status=ProductStatus.DRAFT, title="Nadia's draft")
            session.commit()
    at = open_page("nadia", "Nadia Draft")
    assert any("You have no published products yet" in i.value for i in at.info)
    assert not [b for b in at.button if b.label == "Refresh recommendations"]
