"""The Insights page's door to core: cached reads (a page of cards, counts per status, the pending badge) and the
writes (generate, mark viewed, change a status), each of which forgets the cached answers it made stale."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from components.navigation import Sections, with_badge
from core import urls
from core.db import session_scope, utcnow
from core.insights.generation import (
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
    "All": (InsightStatus.PENDING, InsightStatus.VIEWED, InsightStatus.ACTED_ON),
    "Pending": (InsightStatus.PENDING,),
    "Viewed": (InsightStatus.VIEWED,),
    "Acted on": (InsightStatus.ACTED_ON,),
}
"""Filter tab → statuses. "All" leaves dismissed insights out: dismissing is how a seller clears a card."""


@st.cache_data(ttl=BADGE_TTL_SECONDS, show_spinner=False)
def pending_count(seller_id: str) -> int:
    with session_scope() as session:
        return insight_counts(session, seller_id=seller_id)[InsightStatus.PENDING]


def with_pending_badge(sections: Sections, seller_id: str | None) -> Sections:
    """The seller's menu with the count of PENDING insights on Insights; the plain menu if it cannot be read."""
    if seller_id is None:
        return sections
    try:
        count = pending_count(seller_id)
    except SQLAlchemyError:
        log.exception("could not count pending insights for the menu badge")
        return sections  # a missing badge must never stop the menu from being built
    return with_badge(sections, urls.INSIGHTS, count)


@st.cache_data(ttl=LIST_TTL_SECONDS, show_spinner=False)
def status_counts(seller_id: str) -> dict[str, int]:
    """Cards per filter tab."""
    with session_scope() as session:
        counts = insight_counts(session, seller_id=seller_id)
    return {tab: sum(counts[s] for s in statuses) for tab, statuses in TABS.items()}


@st.cache_data(ttl=LIST_TTL_SECONDS, show_spinner="Loading your insights…")
def insights_page(seller_id: str, tab: str, page: int) -> InsightPage:
    with session_scope() as session:
        return list_insights(session, seller_id=seller_id, status=TABS[tab], page=page, page_size=PAGE_SIZE)


def forget() -> None:
    """Clear every cached insight answer (after any write)."""
    pending_count.clear()
    status_counts.clear()
    insights_page.clear()


def next_generation_at(seller_id: str) -> datetime | None:
    """None when the seller may generate now; else when they may (not cached: the answer changes by the minute)."""
    with session_scope() as session:
        return generation_allowed_at(session, seller_id=seller_id, now=utcnow())


def generate(seller_id: str, progress: Callable[[str], None]) -> GenerationReport:
    """Run a generation (one transaction); raises `InsightRateLimited` with nothing written."""
    try:
        with session_scope() as session:
            return generate_insights_report(session, seller_id=seller_id, now=utcnow(), progress=progress)
    finally:
        forget()


def viewed(seller_id: str, insight_ids: list[str]) -> int:
    """Mark the cards just shown as VIEWED; the caches are cleared only when something changed."""
    if not insight_ids:
        return 0
    with session_scope() as session:
        changed = mark_viewed(session, seller_id=seller_id, insight_ids=insight_ids, now=utcnow())
    if changed:
        forget()
    return changed


def change_status(seller_id: str, insight_id: str, status: InsightStatus) -> None:
    """Raises LookupError / ValueError (nothing written) for another seller's insight or a refused transition."""
    try:
        with session_scope() as session:
            set_insight_status(session, seller_id=seller_id, insight_id=insight_id, status=status, now=utcnow())
    finally:
        forget()
