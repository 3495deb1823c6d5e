"""The full-text supply check cached per term and UTC day (`search_supply_counts`), on SQLite and PostgreSQL: the
first count of a day is stored, the second call that day reads it (no full-text statement), the next day counts
again, and the opportunity report is the same with the counts stored as with them counted live."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.ai import get_ai
from core.catalog.search import count_existing_products, sales_by_word
from core.config import load_settings
from core.market.benchmarks import sales_window
from core.market.demand import load_demand_rates
from core.market.opportunities import find_opportunities
from core.market.supply import MAX_TERM_CHARS, cached_demand_rates, cached_supply_counts, cached_word_sales
from core.models import ProductStatus, SearchSupplyCount
from tests.conftest import NOW
from tests.db.market.test_opportunities import build_market
from tests.db.statements import Statements as SharedStatements
from tests.factories import make_product, make_seller

OFFLINE = get_ai(load_settings(env={}))
TERMS = ["budget spreadsheet", "wedding seating chart", "adhd planner", "the", "money"]


class Statements(SharedStatements):
    """The statements run while open, and how many of them were full-text supply counts."""

    def full_text(self) -> int:
        """Supply counts run: the statements of `count_existing_products` (PostgreSQL's websearch_to_tsquery,
        SQLite's FTS5 MATCH per term; the opportunity finder's word sales use neither form)."""
        return sum(1 for s in self.seen if "websearch_to_tsquery" in s or "MATCH terms.query" in s)


def stored(session: Session) -> dict[tuple[str, object], int]:
    rows = session.execute(select(SearchSupplyCount.term, SearchSupplyCount.day, SearchSupplyCount.listings))
    return {(term, day): listings for term, day, listings in rows}


def test_the_first_count_of_a_day_is_stored_and_read_back_the_same_day(session: Session) -> None:
    build_market(session)
    live = count_existing_products(session, terms=TERMS)
    assert live == {"budget spreadsheet": 5, "wedding seating chart": 2, "adhd planner": 0, "the": 0, "money": 2}

    watch = Statements(session)
    try:
        first = cached_supply_counts(session, terms=TERMS, now=NOW)
        assert watch.full_text() == 1
        # A listing published later that day is not counted until the next day (the stated trade-off).
        make_product(session, seller=make_seller(session, username="late"), title="Money Matters")
        session.flush()
        watch.seen.clear()
        later = cached_supply_counts(session, terms=TERMS, now=NOW + timedelta(hours=8))
        assert watch.full_text() == 0 and len(watch.seen) == 1  # one read of the stored counts
    finally:
        watch.close()
    assert first == later == live
    assert stored(session) == {(term, NOW.date()): n for term, n in live.items()}


def test_the_next_day_counts_again_and_drops_the_earlier_days(session: Session) -> None:
    build_market(session)
    cached_supply_counts(session, terms=TERMS, now=NOW)
    make_product(session, seller=make_seller(session, username="late"), title="Money Matters")
    drafter = make_seller(session, username="draft")
    make_product(session, seller=drafter, title="Money Draft", status=ProductStatus.DRAFT)
    session.flush()

    watch = Statements(session)
    try:
        tomorrow = NOW + timedelta(days=1)
        counts = cached_supply_counts(session, terms=TERMS, now=tomorrow)
        assert watch.full_text() == 1
    finally:
        watch.close()
    assert counts == count_existing_products(session, terms=TERMS)
    assert counts["money"] == 3  # the new published listing counts; the draft does not
    assert stored(session) == {(term, tomorrow.date()): n for term, n in counts.items()}


def test_only_the_terms_not_stored_yet_are_counted(session: Session) -> None:
    build_market(session)
    cached_supply_counts(session, terms=["money"], now=NOW)
    make_product(session, seller=make_seller(session, username="late"), title="Money Matters")
    session.flush()
    counts = cached_supply_counts(session, terms=["money", "budget spreadsheet"], now=NOW)
    # "money" was stored before the new listing (2); "budget spreadsheet" is counted now.
    assert counts == {"money": 2, "budget spreadsheet": 5}
    assert stored(session) == {("money", NOW.date()): 2, ("budget spreadsheet", NOW.date()): 5}


def test_a_term_longer_than_the_column_is_counted_every_time_and_never_stored(session: Session) -> None:
    build_market(session)
    long_term = "budget spreadsheet " + "x" * MAX_TERM_CHARS
    counts = cached_supply_counts(session, terms=[long_term, "money"], now=NOW)
    assert counts == count_existing_products(session, terms=[long_term, "money"])
    assert set(stored(session)) == {("money", NOW.date())}


def test_opportunities_are_the_same_with_stored_counts_as_with_live_ones(session: Session) -> None:
    sellers = build_market(session)
    live = find_opportunities(session, seller_id=sellers["a"].id, now=NOW, ai=OFFLINE, refresh=True)
    assert stored(session)  # the first analysis of the day stored its counts
    watch = Statements(session)
    try:
        again = find_opportunities(session, seller_id=sellers["c"].id, now=NOW, ai=OFFLINE, refresh=True)
        assert watch.full_text() == 0  # the supply was read from the stored counts
    finally:
        watch.close()
    by_term = {o.term: o.existing_products for o in again}
    assert by_term == {o.term: o.existing_products for o in live}
    assert [(o.term, o.search_volume, o.potential) for o in sorted(again, key=lambda o: o.term)] == [
        (o.term, o.search_volume, o.potential) for o in sorted(live, key=lambda o: o.term)
    ]


def word_sales_key(rows: list) -> list[tuple[str, str, int, object]]:
    return sorted((r.word, r.product_type, r.products, r.revenue) for r in rows)


def test_word_sales_and_demand_rates_are_counted_once_a_day(session: Session) -> None:
    build_market(session)
    words = ["budget", "prompt", "library", "wedding", "nothingmatches"]
    window = sales_window(NOW)
    live_sales = sales_by_word(session, words=words, window=window)
    live_rates = load_demand_rates(session, now=NOW)
    assert live_sales and any(rate > 0 for _, rate in live_rates.conversion_by_type)  # the market sells

    watch = Statements(session)
    try:
        assert word_sales_key(cached_word_sales(session, words=words, window=window, now=NOW)) == word_sales_key(
            live_sales
        )
        assert cached_demand_rates(session, window=window, now=NOW) == live_rates
        counted = len(watch.seen)
        watch.seen.clear()
        later = NOW + timedelta(hours=6)
        again = cached_word_sales(session, words=[*words, "chart"], window=window, now=later)
        rates = cached_demand_rates(session, window=window, now=later)
        # The same day: one read of the stored words, "chart" counted alone and stored, one read of the rates.
        assert len(watch.seen) == 4 < counted
        assert sum(1 for s in watch.seen if "revenue_records" in s) == 1  # only "chart"'s word sales
    finally:
        watch.close()
    assert word_sales_key(again) == word_sales_key(sales_by_word(session, words=[*words, "chart"], window=window))
    assert rates == live_rates

    # The next day is another window: counted again, from that day's data.
    tomorrow = NOW + timedelta(days=1)
    next_window = sales_window(tomorrow)
    assert word_sales_key(cached_word_sales(session, words=words, window=next_window, now=tomorrow)) == (
        word_sales_key(sales_by_word(session, words=words, window=next_window))
    )
    assert cached_demand_rates(session, window=next_window, now=tomorrow) == load_demand_rates(session, now=tomorrow)


def test_stored_word_sales_are_read_without_counting(session: Session) -> None:
    build_market(session)
    window = sales_window(NOW)
    first = cached_word_sales(session, words=["prompt", "library"], window=window, now=NOW)
    watch = Statements(session)
    try:
        second = cached_word_sales(session, words=["prompt", "library"], window=window, now=NOW + timedelta(hours=1))
    finally:
        watch.close()
    assert len(watch.seen) == 1 and "ai_cache" in watch.seen[0]
    assert word_sales_key(second) == word_sales_key(first)
