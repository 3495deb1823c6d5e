"""The Insights page's reads and writes: a page of cards, counts per status and the menu badge (cached), and
generate / mark viewed / change a status, each of which forgets the seller's cached insight answers."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.exc import SQLAlchemyError

from components.data import cached, clock, forget_seller
from core.db import session_scope
from core.insights import (
    GenerationReport,
    InsightPage,
    generate_insights_report,
    generation_allowed_at,
    insight_counts,
    list_insights,
    mark_viewed,
    set_insight_status,
)
from core.models import InsightStatus

log = logging.getLogger(__name__)

# The badge is read on every run of every seller page: a short TTL keeps that to one query a minute, and
# every write below clears it at once.
BADGE_TTL_SECONDS = 60
LIST_TTL_SECONDS = 120
PAGE_SIZE = 12

TABS: dict[str, tuple[InsightStatus, ...]] = {
    "Open": (InsightStatus.PENDING, InsightStatus.VIEWED),
    "Done": (InsightStatus.ACTED_ON,),
    "Dismissed": (InsightStatus.DISMISSED,),
}
"""Tab → statuses. Done and dismissed cards leave the main list ("Open": what still needs the seller); the Done
and Dismissed tabs keep them, the last changed first, with Reopen / Undo back to Open."""
RECENT_FIRST_TABS = frozenset({"Done", "Dismissed"})


@cached("insights", ttl=BADGE_TTL_SECONDS)
def pending_count(seller_id: str) -> int:
    """The seller's new open insights (PENDING): never a done or dismissed one; a card the seller has seen stays in
    Open but leaves the badge, like a read message."""
    with session_scope() as session:
        return insight_counts(session, seller_id=seller_id)[InsightStatus.PENDING]


def pending_badge_count(seller_id: str) -> int:
    """The new-insights count for the menu badge (`pending_count`); 0 when it cannot be read (a missing badge must
    never stop the menu)."""
    try:
        return pending_count(seller_id)
    except SQLAlchemyError:
        log.exception("could not count pending insights for the menu badge")
        return 0


@cached("insights", ttl=LIST_TTL_SECONDS)
def status_counts(seller_id: str) -> dict[str, int]:
    """Cards per filter tab."""
    with session_scope() as session:
        counts = insight_counts(session, seller_id=seller_id)
    return {tab: sum(counts[s] for s in statuses) for tab, statuses in TABS.items()}


@cached("insights", ttl=LIST_TTL_SECONDS, show_spinner="Loading your insights…")
def insights_page(seller_id: str, tab: str, page: int) -> InsightPage:
    with session_scope() as session:
        return list_insights(
            session,
            seller_id=seller_id,
            status=TABS[tab],
            page=page,
            page_size=PAGE_SIZE,
            recent_first=tab in RECENT_FIRST_TABS,
        )


def next_generation_at(seller_id: str) -> datetime | None:
    """None when the seller may generate now; else when they may (not cached: the answer changes by the minute)."""
    with session_scope() as session:
        return generation_allowed_at(session, seller_id=seller_id, now=clock.now())


def generate(seller_id: str, progress: Callable[[str], None]) -> GenerationReport:
    """Run a generation (one transaction); raises `InsightRateLimited` with nothing written."""
    try:
        with session_scope() as session:
            return generate_insights_report(session, seller_id=seller_id, now=clock.now(), progress=progress)
    finally:
        forget_seller(seller_id, "insights")


def viewed(seller_id: str, insight_ids: list[str]) -> int:
    """Mark the cards just shown as VIEWED; the caches are cleared only when something changed."""
    if not insight_ids:
        return 0
    with session_scope() as session:
        changed = mark_viewed(session, seller_id=seller_id, insight_ids=insight_ids, now=clock.now())
    if changed:
        forget_seller(seller_id, "insights")
    return changed


def change_status(seller_id: str, insight_id: str, status: InsightStatus) -> None:
    """Raises LookupError / ValueError (nothing written) for another seller's insight or a refused transition."""
    try:
        with session_scope() as session:
            set_insight_status(session, seller_id=seller_id, insight_id=insight_id, status=status, now=clock.now())
    finally:
        forget_seller(seller_id, "insights")
