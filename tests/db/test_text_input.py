"""NUL (and friends) in every field a person types or a URL carries, on SQLite and PostgreSQL (issue 12, item 5).

PostgreSQL's text type refuses NUL with a DataError, which pages used to report as "the database did not answer".
Now a typed field answers with a message naming the field and writes nothing; a search box drops the character
and still searches; an id or slug from the URL is "not found". Each test passes on PostgreSQL only if the value
never reaches the database as a parameter (a DataError would fail it).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.catalog.search import count_existing_products
from core.catalog.terms import normalize_term
from core.goals.store import GoalValidationError, create_goal, delete_goal, update_goal
from core.learn.library import (
    ResourceValidationError,
    get_published_resource,
    list_published_resources,
    load_resource,
    save_resource,
)
from core.market.benchmarks import recalculate_benchmarks
from core.market.overrides import (
    OverrideBatchError,
    OverrideValidationError,
    save_benchmark_overrides,
    set_benchmark_override,
)
from core.models import MarketBenchmark, ResourceType, SellerGoal, SellerResource, UserRole
from core.pricing.analysis import analyze_pricing, apply_price
from core.pricing.rules import PriceValidationError
from core.sellers.overview import SellerFilters, seller_overview
from tests.conftest import NOW
from tests.db.pricing.test_analysis import build_market, offline
from tests.factories import make_product, make_seller, make_user

pytestmark = pytest.mark.timeout(120)

NUL = "\x00"
DEADLINE = date(2027, 1, 31)


def _resource(session: Session, title: str = "Pricing 101", **fields: object) -> SellerResource:
    values: dict[str, object] = {
        "type": ResourceType.GUIDE,
        "content": "<p>Price with the market, not against it.</p>",
        "category": "pricing",
        "is_published": True,
        "video_hosts": (),
        "now": NOW,
    }
    values.update(fields)
    return save_resource(session, title=title, **values)


def _count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


# ---------------------------------------------------------------- goals


def test_goal_title_and_target(session: Session) -> None:
    seller = make_seller(session)

    with pytest.raises(GoalValidationError) as caught:
        create_goal(
            session, seller_id=seller.id, now=NOW, type="REVENUE", target_value=f"500{NUL}", deadline=DEADLINE,
            title=f"Q1{NUL} push",
        )  # fmt: skip

    assert caught.value.errors == {
        "target_value": "Enter a number.",
        "title": "Title contains a control character (U+0000), which can't be saved: remove it.",
    }
    assert _count(session, SellerGoal) == 0


def test_goal_title_on_edit(session: Session) -> None:
    seller = make_seller(session)
    goal = create_goal(session, seller_id=seller.id, now=NOW, type="SALES", target_value="10", deadline=DEADLINE)

    with pytest.raises(GoalValidationError) as caught:
        update_goal(session, seller_id=seller.id, goal_id=goal.id, now=NOW, title=f"{NUL}")

    assert list(caught.value.errors) == ["title"]
    assert session.get(SellerGoal, goal.id).title is None  # unchanged


def test_a_goal_id_with_a_nul_is_not_found(session: Session) -> None:
    seller = make_seller(session)
    goal = create_goal(session, seller_id=seller.id, now=NOW, type="SALES", target_value="10", deadline=DEADLINE)

    with pytest.raises(LookupError, match="Goal not found"):
        update_goal(session, seller_id=seller.id, goal_id=f"{goal.id}{NUL}", now=NOW, title="New title")
    with pytest.raises(LookupError, match="Goal not found"):
        delete_goal(session, seller_id=seller.id, goal_id=f"{NUL}{goal.id}", now=NOW)

    assert session.get(SellerGoal, goal.id).title is None  # unchanged


# ---------------------------------------------------------------- learn library (admin editor, seller search, ?slug=)


@pytest.mark.parametrize("field", ["title", "excerpt", "category", "tags", "content"])
def test_learn_editor_fields(session: Session, field: str) -> None:
    typed = {"title": f"Pri{NUL}cing", "excerpt": f"Short{NUL}", "category": f"pri{NUL}cing", "tags": f"seo, {NUL}",
             "content": f"<p>Text{NUL}</p>"}[field]  # fmt: skip

    with pytest.raises(ResourceValidationError) as caught:
        _resource(session, **({"title": typed} if field == "title" else {field: typed}))

    assert list(caught.value.errors) == [field]
    assert "contains a control character (U+0000)" in caught.value.errors[field]
    assert _count(session, SellerResource) == 0


def test_learn_search_and_category_filter_drop_the_nul_and_still_find(session: Session) -> None:
    wanted = _resource(session)
    _resource(session, "Marketing basics", category="marketing", content="<p>Tell people about it.</p>")

    found = list_published_resources(session, search=f"pri{NUL}cing")
    by_category = list_published_resources(session, category=f"{NUL}Pricing")
    only_nul = list_published_resources(session, search=NUL)

    assert [card.slug for card in found] == [wanted.slug] == ["pricing-101"]
    assert [card.slug for card in by_category] == ["pricing-101"]
    assert len(only_nul) == 2  # nothing left to search for: the whole library, as for an empty box


@pytest.mark.parametrize("slug", ["pricing-101\x00", "\x00", "pricing\x00-101", "pricing-101\u202e"])
def test_a_slug_from_the_url_with_a_nul_is_not_found(session: Session, slug: str) -> None:
    _resource(session)

    assert get_published_resource(session, slug=slug, video_hosts=()) is None
    assert get_published_resource(session, slug="pricing-101", video_hosts=()) is not None


def test_a_resource_id_with_a_nul_is_not_found(session: Session) -> None:
    resource = _resource(session)

    with pytest.raises(LookupError):
        load_resource(session, resource_id=resource.id + NUL)


# ---------------------------------------------------------------- admin seller search


def test_admin_seller_search_drops_the_nul_and_still_finds(session: Session) -> None:
    ada = make_seller(session, name="Ada Lovelace", username="ada")
    make_seller(session, name="Bruno", username="bruno")

    page = seller_overview(session, now=NOW, filters=SellerFilters(search=f"Ada{NUL} Love\u200blace"))

    assert [row.seller_id for row in page.rows] == [ada.id]
    assert seller_overview(session, now=NOW, filters=SellerFilters(search=NUL)).total == 2


# ---------------------------------------------------------------- benchmark overrides


def test_benchmark_override_note_and_figures(session: Session) -> None:
    m = build_market(session)
    recalculate_benchmarks(session, now=NOW)
    admin = make_user(session, role=UserRole.ADMIN)
    row = session.scalars(select(MarketBenchmark).where(MarketBenchmark.category_id == m.planners.id)).one()

    with pytest.raises(OverrideValidationError) as caught:
        set_benchmark_override(
            session, benchmark_id=row.id, admin_user_id=admin.id, median_price=f"15{NUL}", note=f"Spam{NUL}", now=NOW
        )
    with pytest.raises(OverrideBatchError) as batch:
        save_benchmark_overrides(
            session, admin_user_id=admin.id, edits={row.id: {"average_price": "16.00", "note": f"x{NUL}"}}, now=NOW
        )

    assert caught.value.errors == {
        "median_price": "Median price: enter an amount like 14.99.",
        "note": "Note contains a control character (U+0000), which can't be saved: remove it.",
    }
    assert batch.value.errors == {
        row.id: {"note": "Note contains a control character (U+0000), which can't be saved: remove it."}
    }
    session.refresh(row)
    assert (row.override_median_price, row.override_average_price, row.override_note) == (None, None, None)


def test_an_unknown_benchmark_id_with_a_nul_is_not_found(session: Session) -> None:
    admin = make_user(session, role=UserRole.ADMIN)

    with pytest.raises(LookupError):
        set_benchmark_override(session, benchmark_id=f"x{NUL}", admin_user_id=admin.id, median_price="9", now=NOW)
    with pytest.raises(LookupError):
        save_benchmark_overrides(session, admin_user_id=admin.id, edits={f"x{NUL}": {"median_price": "9"}}, now=NOW)


# ---------------------------------------------------------------- pricing: ?product= and the typed price


def test_a_product_id_with_a_nul_is_not_found_and_a_price_with_one_is_not_a_number(session: Session) -> None:
    m = build_market(session)
    recalculate_benchmarks(session, now=NOW)

    with pytest.raises(LookupError, match="Product not found"):
        analyze_pricing(session, seller_id=m.me.id, product_id=m.mine.id + NUL, ai=offline(), now=NOW)
    with pytest.raises(LookupError, match="Product not found"):
        apply_price(
            session, seller_id=m.me.id, product_id=m.mine.id + NUL, new_price="12.00", changed_by_user_id=m.me.user_id
        )
    with pytest.raises(PriceValidationError, match="Enter a price as a number"):
        apply_price(
            session, seller_id=m.me.id, product_id=m.mine.id, new_price=f"12{NUL}", changed_by_user_id=m.me.user_id
        )

    session.refresh(m.mine)
    assert m.mine.price == Decimal("10.00")


# ---------------------------------------------------------------- search terms (failed searches -> opportunities)


def test_a_search_term_with_a_nul_is_normalised_before_it_is_counted(session: Session) -> None:
    seller = make_seller(session)
    make_product(
        session, seller=seller, title="Budget planner for students", published_at=datetime(2026, 1, 1, tzinfo=UTC)
    )

    term = normalize_term(f"Budget{NUL} Plan\u200bners")

    assert term == "budget planner"
    assert count_existing_products(session, terms=[term]) == {"budget planner": 1}
