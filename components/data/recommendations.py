"""The Performance page's product recommendations: the cached list, and the writes (refresh all, accept, dismiss),
each of which forgets the cached list of that seller.

Cached under the "sales" topic (the seller's sales figures they are computed from change with it).
"""

from __future__ import annotations

from collections.abc import Callable

from components.data import cached, clock, forget_seller
from core.db import session_scope
from core.sales.recommendations import RecommendationRow, decide, generate_recommendations, list_recommendations

LIST_TTL_SECONDS = 300


@cached("sales", ttl=LIST_TTL_SECONDS)
def seller_recommendations(seller_id: str) -> list[RecommendationRow]:
    """The seller's new recommendations, then the decided ones (with their outcomes)."""
    with session_scope() as session:
        return list_recommendations(session, seller_id=seller_id)


def refresh_recommendations(seller_id: str, progress: Callable[[int, int, str], None]) -> int:
    """One new recommendation per published product (replacing the new ones); returns how many."""
    with session_scope() as session:
        stored = generate_recommendations(session, seller_id=seller_id, now=clock.now(), progress=progress)
    forget_seller(seller_id, "sales")
    return stored


def decide_recommendation(seller_id: str, user_id: str, recommendation_id: str, *, accept: bool) -> None:
    """Accept or dismiss one of the seller's new recommendations.

    LookupError when it is not the seller's, ValueError when it was already decided; nothing is written then.
    """
    with session_scope() as session:
        decide(
            session,
            seller_id=seller_id,
            recommendation_id=recommendation_id,
            accept=accept,
            user_id=user_id,
            now=clock.now(),
        )
    forget_seller(seller_id, "sales")
