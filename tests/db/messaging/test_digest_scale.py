"""The weekly digest at scale, on SQLite and PostgreSQL: the tip read from the stored listing scores (fully scoring
only the listing it comes from) equals the tip of full scoring on random listings, and composing a digest costs
the same number of statements for a seller with 50 products as for one with 5."""

from __future__ import annotations

from sqlalchemy.orm import Session

from core.ai import get_ai
from core.config import load_settings
from core.listings.queries import MarketNorms, score_seller_listings
from core.messaging.digest import compose_weekly_digest, weakest_tip
from core.messaging.rules import weakest_dimension_tip
from core.models import ProductStatus
from tests.conftest import NOW
from tests.db.insights.test_generation_scale import build_market
from tests.db.statements import Statements

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
