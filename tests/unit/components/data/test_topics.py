"""The cache topics behind `forget_seller()`: which reads a write forgets, and how precisely (components/data)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import streamlit as st

import components.data as data
from components.data import cached, forget_seller, forget_topic


@pytest.fixture
def registry(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, list[data.CachedRead]]]:
    """An empty registry for the test's own reads (the app's reads stay registered in the real one)."""
    fresh: dict[str, list[data.CachedRead]] = {name: [] for name in data.TOPICS}
    monkeypatch.setattr(data, "_TOPICS", fresh)
    st.cache_data.clear()
    yield fresh
    st.cache_data.clear()


def test_forget_seller_drops_only_that_sellers_entry_of_a_per_seller_read(registry: dict) -> None:
    calls: list[str] = []

    @cached("goals", ttl=60)
    def goals_of(seller_id: str) -> str:
        calls.append(seller_id)
        return f"goals of {seller_id}"

    assert [goals_of("ann"), goals_of("bob"), goals_of("ann")] == ["goals of ann", "goals of bob", "goals of ann"]
    assert calls == ["ann", "bob"]  # the second "ann" came from the cache
    forget_seller("ann", "goals")
    goals_of("ann")
    goals_of("bob")
    assert calls == ["ann", "bob", "ann"]  # ann read again, bob still cached
    assert [r.per_seller for r in registry["goals"]] == [True]


def test_a_read_with_more_arguments_is_cleared_for_everyone(registry: dict) -> None:
    calls: list[tuple[str, str]] = []

    @cached("pricing", ttl=60)
    def analysis(seller_id: str, product_id: str) -> str:
        calls.append((seller_id, product_id))
        return product_id

    analysis("ann", "p1")
    analysis("bob", "p2")
    forget_seller("ann", "pricing")
    analysis("ann", "p1")
    analysis("bob", "p2")
    # Streamlit clears one entry only given every argument: the whole read is forgotten (more, never less).
    assert calls == [("ann", "p1"), ("bob", "p2"), ("ann", "p1"), ("bob", "p2")]
    assert [r.per_seller for r in registry["pricing"]] == [False]


def test_one_call_forgets_several_topics_and_leaves_the_others(registry: dict) -> None:
    calls: list[str] = []

    @cached("pricing", ttl=60)
    def products(seller_id: str) -> int:
        calls.append("products")
        return 1

    @cached("listings", ttl=60)
    def scores(seller_id: str) -> int:
        calls.append("scores")
        return 2

    @cached("goals", ttl=60)
    def goals_of(seller_id: str) -> int:
        calls.append("goals")
        return 3

    for read in (products, scores, goals_of):
        read("ann")
    forget_seller("ann", "pricing", "listings")  # what a price change makes stale
    for read in (products, scores, goals_of):
        read("ann")
    assert calls == ["products", "scores", "goals", "products", "scores"]


def test_forget_topic_clears_every_seller(registry: dict) -> None:
    calls: list[str] = []

    @cached("learn", ttl=60)
    def article(slug: str) -> str:
        calls.append(slug)
        return slug

    article("a")
    article("b")
    forget_topic("learn")
    article("a")
    article("b")
    assert calls == ["a", "b", "a", "b"]


def test_an_unknown_topic_is_refused(registry: dict) -> None:
    with pytest.raises(ValueError, match="unknown cache topic 'pricnig'"):
        forget_seller("ann", "pricnig")
    with pytest.raises(ValueError, match="unknown cache topic"):
        cached("nope", ttl=1)(lambda seller_id: seller_id)
    with pytest.raises(ValueError, match="unknown cache topic"):
        forget_topic("nope")


def test_the_apps_reads_are_registered_under_their_topics() -> None:
    from components.data import goals, insights, listings, pricing, settings

    def names(topic: str) -> dict[str, bool]:
        return {r.function.__name__: r.per_seller for r in data.topics()[topic]}

    assert names("pricing") == {"seller_products": True, "pricing_analysis": False, "recent_price_changes": True}
    assert {"scored_listings": True, "suggestions_for": False}.items() <= names("listings").items()
    assert names("goals") == {"seller_goals": True}
    assert names("settings") == {"seller_settings": True}
    assert {"pending_count": True, "status_counts": True, "insights_page": False}.items() <= names("insights").items()
    assert goals and insights and listings and pricing and settings  # imported for their registrations
