"""The weekly digest at scale, on SQLite and PostgreSQL: the tip read from the stored listing scores (fully scoring
only the listing it comes from) equals the tip of full scoring on random listings, composing a digest costs
the same number of statements for a seller with 50 products as for one with 5, and a run loads its sellers' facts
a batch at a time, the same facts as one seller at a time."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.ai import get_ai
from core.config import load_settings
from core.listings.queries import MarketNorms, score_seller_listings
from core.listings.stored_reads import seller_listing_scores
from core.messaging import digest as digest_module
from core.messaging.digest import compose_weekly_digest, load_digest_facts, send_weekly_digests, weakest_tip
from core.messaging.queries import digest_recipients, load_recipient, load_top_insight, load_week_numbers
from core.messaging.rules import digest_week, weakest_dimension_tip
from core.models import EmailOutbox, InsightPriority, ProductStatus, SellerProfile
from core.sales.queries import load_seller_trend
from tests.conftest import NOW
from tests.db.insights.test_generation_scale import build_market
from tests.db.messaging.test_digest import add_insight
from tests.db.statements import Statements
from tests.factories import add_revenue, make_product, make_seller

SETTINGS = load_settings(env={})
OFFLINE = get_ai(SETTINGS)


def test_the_tip_from_stored_scores_equals_the_tip_of_full_scoring(session: Session) -> None:
    tips = []
    for seed in (4, 5, 6, 7):
        sellers = build_market(session, seed, {"one": 1, "few": 4, "many": 25})
        for seller_id in sellers.values():
            full = score_seller_listings(session, seller_id=seller_id, statuses=(ProductStatus.PUBLISHED,))
            expected = weakest_dimension_tip(full)
            assert weakest_tip(session, seller_id=seller_id, now=NOW) == expected
            assert weakest_tip(session, seller_id=seller_id, now=NOW, market=MarketNorms(session)) == expected
            tips.append(expected)
    assert any(t is not None for t in tips) and len({t.dimension for t in tips if t is not None}) > 1


def test_composing_a_digest_costs_the_same_statements_for_5_and_50_products(session: Session) -> None:
    sellers = build_market(session, 12, {"five": 5, "fifty": 50})
    market = MarketNorms(session)
    counts = {}
    for name, seller_id in sellers.items():
        compose_weekly_digest(session, seller_id=seller_id, now=NOW, ai=OFFLINE, settings=SETTINGS, market=market)
        watch = Statements(session)
        try:
            email = compose_weekly_digest(
                session, seller_id=seller_id, now=NOW, ai=OFFLINE, settings=SETTINGS, market=market
            )
        finally:
            watch.close()
        assert email.meta["tip_dimension"] is not None
        counts[name] = watch.count
    assert counts["five"] == counts["fifty"]


def test_a_batch_of_sellers_gets_the_facts_each_would_get_alone(session: Session) -> None:
    """`load_digest_facts` for a batch (with an unknown id and a seller without sales, insights or listings) equals
    the same loaders called for one seller at a time, in as many statements as a batch of one."""
    rnd = random.Random(21)
    sellers = build_market(session, 21, {"a": 3, "b": 6, "c": 1})
    quiet = make_seller(session, username="quiet21").id
    products = [make_product(session, seller=session.get(SellerProfile, s)) for s in sellers.values()]
    for product in products:  # beside build_market's sales of the last 80 days: 14 months, and the digest weeks
        for day in [*rnd.sample(range(15, 420), 12), rnd.randint(1, 7), rnd.randint(8, 14)]:
            add_revenue(session, product=product, day=NOW.date() - timedelta(days=day), revenue="12.50", units=1)
    add_insight(session, next(iter(products)).seller, "Raise the price", InsightPriority.HIGH)
    add_insight(session, next(iter(products)).seller, "Add tags", InsightPriority.LOW)
    ids = [*sellers.values(), quiet, "no-such-seller"]
    counts = []
    for batch_ids in ([sellers["b"]], ids):
        watch = Statements(session)
        try:
            batch = load_digest_facts(session, seller_ids=batch_ids, now=NOW, settings=SETTINGS)
        finally:
            watch.close()
        counts.append(watch.count)
    assert counts[0] == counts[1]  # the statements do not grow with the batch
    assert sorted(batch) == sorted([*sellers.values(), quiet])
    week = digest_week(NOW, SETTINGS.timezone)
    for seller_id, facts in batch.items():
        assert facts.recipient == load_recipient(session, seller_id=seller_id)
        assert facts.numbers == load_week_numbers(session, seller_id=seller_id, week=week)
        assert facts.insight == load_top_insight(session, seller_id=seller_id)
        assert facts.trend == load_seller_trend(session, seller_id=seller_id, today=NOW.date())
        assert facts.scores == seller_listing_scores(
            session, seller_id=seller_id, now=NOW, statuses=(ProductStatus.PUBLISHED,)
        )
    first = batch[next(iter(products)).seller_id]
    assert first.insight is not None and first.insight.title == "Raise the price"
    assert batch[quiet].numbers.units_this_week == 0 and batch[quiet].scores == [] and batch[quiet].insight is None
    assert all(batch[s].numbers.units_this_week >= 1 and batch[s].trend.peak_month for s in sellers.values())


def test_a_digest_run_loads_the_facts_once_per_batch(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    """Five due sellers in batches of two: three batch loads, and the same e-mails as composing one at a time."""
    build_market(session, 22, {"a": 2, "b": 2, "c": 2, "d": 2, "e": 2})
    batches: list[list[str]] = []
    real = digest_module.load_digest_facts

    def counting(session: Session, *, seller_ids, now, settings=None):  # type: ignore[no-untyped-def]
        batches.append(list(seller_ids))
        return real(session, seller_ids=seller_ids, now=now, settings=settings)

    monkeypatch.setattr(digest_module, "BATCH_SIZE", 2)
    monkeypatch.setattr(digest_module, "load_digest_facts", counting)
    due = digest_recipients(session)
    alone = {s: compose_weekly_digest(session, seller_id=s, now=NOW, ai=OFFLINE, settings=SETTINGS).html for s in due}
    batches.clear()
    report = send_weekly_digests(session, now=NOW, ai=OFFLINE, settings=SETTINGS)
    assert report.queued == len(due) == 6  # five sellers and the market's other seller
    assert [len(b) for b in batches] == [2, 2, 2]
    queued = dict(session.execute(select(EmailOutbox.to_user_id, EmailOutbox.html_body)).all())
    users = dict(session.execute(select(SellerProfile.id, SellerProfile.user_id)).all())
    assert {users[s]: html for s, html in alone.items()} == queued
