"""The weekly coaching digest (seed 000 step 2f): compose one seller's e-mail, queue every due seller's once a week.

The numbers, the week and the tip follow `core.messaging.rules`, loaded by `core.messaging.queries`. The texts
come through the AI door (`weekly_digest_text`, offline by default); the HTML and plain-text parts are Jinja2
templates under `core/notify/templates/`, every value escaped. Delivery is `core.notify.email.deliver_pending`'s.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import urls
from core.ai.door import AIDoor, default_ai
from core.ai.tasks.weekly_digest_text import TipFacts, WeeklyDigestPayload, WeekNumbers, weekly_digest_text
from core.config import Settings, get_settings
from core.listings.persisted import StoredScore
from core.listings.queries import MarketNorms, ScoredListing, score_products
from core.listings.stored_reads import sellers_listing_scores
from core.messaging.queries import (
    InsightCard,
    Recipient,
    digest_recipients,
    load_recipients,
    load_top_insights,
    load_weeks_numbers,
)
from core.messaging.rules import (
    FLAT,
    PRIORITY_COLORS,
    digest_idempotency_key,
    digest_subject,
    digest_week,
    dimension_tip,
    first_name,
    performance_rows,
    tip_order,
    trend_context,
    week_label,
)
from core.models import DigitalProduct, EmailOutbox, MarketBenchmark, ProductStatus
from core.notify.email import queue_email
from core.notify.render import render_email
from core.periods import iso_week, local_day
from core.sales.queries import load_seller_trends
from core.sales.trends import SellerTrend

log = logging.getLogger(__name__)

DIGEST_KIND = "weekly-digest"
PUBLISHED = (ProductStatus.PUBLISHED,)
BATCH_SIZE = 200  # sellers whose facts are loaded together (one statement per kind of fact)
Progress = Callable[[int, int], Any]


@dataclass(frozen=True)
class DigestFacts:
    """What one seller's digest says, loaded for a batch of sellers at once (`load_digest_facts`)."""

    recipient: Recipient
    numbers: WeekNumbers
    insight: InsightCard | None
    trend: SellerTrend
    scores: list[StoredScore]  # the stored scores of the seller's published listings, worst first


def load_digest_facts(
    session: Session, *, seller_ids: Sequence[str], now: datetime, settings: Settings | None = None
) -> dict[str, DigestFacts]:
    """The recipient, the two weeks' numbers, the top open insight, the 12-month trend and the published listings'
    stored scores of each known seller of `seller_ids` (unknown ids are left out): six statements for the whole
    batch (more when stored scores are stale), not six per seller."""
    settings = settings or get_settings()
    week = digest_week(now, settings.timezone)
    recipients = load_recipients(session, seller_ids=seller_ids)
    ids = [seller_id for seller_id in seller_ids if seller_id in recipients]
    if not ids:
        return {}
    numbers = load_weeks_numbers(session, seller_ids=ids, week=week)
    insights = load_top_insights(session, seller_ids=ids)
    trends = load_seller_trends(session, seller_ids=ids, today=local_day(now, settings.timezone))
    scores = sellers_listing_scores(session, seller_ids=ids, now=now, statuses=PUBLISHED)
    return {
        seller_id: DigestFacts(
            recipients[seller_id], numbers[seller_id], insights.get(seller_id), trends[seller_id], scores[seller_id]
        )
        for seller_id in ids
    }


@dataclass(frozen=True)
class Email:
    to_address: str
    subject: str
    html: str
    text: str
    meta: dict[str, Any] = field(default_factory=dict)


def render_weekly_digest(context: dict[str, Any]) -> tuple[str, str]:
    """(html, text) of the digest for a template context (see `compose_weekly_digest`)."""
    return render_email("weekly_digest", context)


def weakest_tip(
    session: Session,
    *,
    seller_id: str,
    now: datetime,
    market: MarketNorms | None = None,
    stored: Sequence[StoredScore] | None = None,
) -> TipFacts | None:
    """`weakest_dimension_tip` of the seller's published listings, fully scoring only the listings it is read from.

    The candidates (a listing's dimension with points to win) are ordered from the stored scores
    (`core.listings.persisted`: points and points to win per dimension), then the listings are fully scored —
    checks and suggestions — one at a time in that order until a dimension has a rule-based fix: usually just the
    first. `stored`: the seller's published listings' stored scores, when the caller has read them already.
    """
    if stored is None:
        stored = sellers_listing_scores(session, seller_ids=[seller_id], now=now, statuses=PUBLISHED)[seller_id]
    candidates = sorted(
        (tip_order(d.points, d.max_points, s.to_win.get(d.key, 0.0), s.title, s.product_id), d.key)
        for s in stored
        for d in s.dimensions
        if s.to_win.get(d.key, 0.0) > 0
    )
    scored: dict[str, ScoredListing | None] = {}
    for (_share, _to_win, _title, product_id), dimension in candidates:
        if product_id not in scored:
            found = score_products(session, DigitalProduct.id == product_id, market=market)
            scored[product_id] = found[0] if found else None
        listing = scored[product_id]
        if listing is not None and (tip := dimension_tip(listing, dimension)) is not None:
            return tip
    return None


def compose_weekly_digest(
    session: Session,
    *,
    seller_id: str,
    now: datetime,
    ai: AIDoor | None = None,
    settings: Settings | None = None,
    market: MarketNorms | None = None,
    facts: DigestFacts | None = None,
) -> Email:
    """The digest e-mail of one seller for the last 7 complete days (LookupError for an unknown seller).

    `market` lets a run over many sellers load the market-wide listing norms once, and `facts` (from
    `load_digest_facts`) their numbers a batch at a time.
    """
    settings = settings or get_settings()
    if facts is None:
        found = load_digest_facts(session, seller_ids=[seller_id], now=now, settings=settings).get(seller_id)
        if found is None:
            raise LookupError(f"seller {seller_id} not found")
        facts = found
    recipient, numbers, insight, trend = facts.recipient, facts.numbers, facts.insight, facts.trend
    week = digest_week(now, settings.timezone)
    tip = weakest_tip(session, seller_id=seller_id, now=now, market=market, stored=facts.scores)
    payload = WeeklyDigestPayload(numbers=numbers, tip=tip, top_insight_title=insight.title if insight else None)
    result = weekly_digest_text(payload, ai=ai or default_ai(), session=session)
    # The week is read against the 12-month trend: a declining seller is not told only that the week was up.
    subject = digest_subject(result.value.subject, numbers, trend)
    summary = " ".join(part for part in (result.value.summary, trend_context(trend)) if part)

    def link(page: str) -> str:
        return urls.absolute_link(settings.app_base_url, page)

    context = {
        "subject": subject,
        "summary": summary,
        "first_name": first_name(recipient.user_name, recipient.display_name),
        "week_label": week_label(week),
        "this_label": "Last 7 days",
        "last_label": "7 days before",
        "rows": performance_rows(numbers),
        "rating_note": "Average rating: the current average of your published listings' ratings.",
        "insight": None
        if insight is None
        else {
            "title": insight.title,
            "description": insight.description,
            "priority": insight.priority,
            "color": PRIORITY_COLORS.get(insight.priority, FLAT),
            "url": link(urls.INSIGHTS),
        },
        "tip": None
        if tip is None or not result.value.tip
        else {"listing_title": tip.listing_title, "text": result.value.tip, "url": link(urls.LISTING_HEALTH)},
        "dashboard_url": link(urls.HOME),
        "settings_url": link(urls.SETTINGS),
        "engine_label": result.engine_label,
    }
    html, text = render_weekly_digest(context)
    meta = {
        "seller_id": seller_id,
        "week": iso_week(now, settings.timezone),
        "engine": result.engine,
        "revenue_this_week": str(numbers.revenue_this_week),
        "revenue_last_week": str(numbers.revenue_last_week),
        "units_this_week": numbers.units_this_week,
        "units_last_week": numbers.units_last_week,
        "tip_dimension": tip.dimension if tip else None,
        "declining": trend.declining,
        "user_id": recipient.user_id,
    }
    return Email(to_address=recipient.email, subject=subject, html=html, text=text, meta=meta)


def preload_norms(session: Session, market: MarketNorms) -> None:
    """Load the tag norms of every category and the price bands of every segment with a nightly benchmark in one
    query each, rather than category by category as the run's sellers reach them (a run over many sellers
    reaches nearly all of them). A segment outside those (an inactive category's) is still loaded when needed."""
    rows = session.execute(select(MarketBenchmark.product_type, MarketBenchmark.category_id))
    segments = {(str(kind), category_id) for kind, category_id in rows}
    market.top_tags({c for _, c in segments if c is not None})
    market.bands(segments)


@dataclass
class DigestReport:
    week: str
    sellers: int = 0
    queued: int = 0
    already_queued: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    def raise_if_none_composed(self) -> None:
        """Every due digest failed: a systemic fault, not bad data. The job fails, so its week is retried."""
        if self.failed and not self.queued and not self.already_queued:
            raise RuntimeError(f"no digest could be composed ({self.failed} sellers): {self.errors[0]}")


def send_weekly_digests(
    session: Session,
    *,
    now: datetime,
    ai: AIDoor | None = None,
    settings: Settings | None = None,
    progress: Progress | None = None,
) -> DigestReport:
    """Compose and queue this ISO week's digest for every due seller; a seller's second run that week adds nothing.

    Writes to the outbox in the caller's transaction (no commit). Sellers already queued this week are
    skipped before composing (cheap reruns). One seller's error (bad data) is logged and counted in a
    savepoint, so it does not cost the others their digest. Delivery — paced 500 ms apart on a real mail
    server, per seed 000 — is `core.notify.email.deliver_pending`'s job.
    """
    settings = settings or get_settings()
    ai = ai or default_ai()
    week = iso_week(now, settings.timezone)
    report = DigestReport(week=week)
    sellers = digest_recipients(session)
    report.sellers = len(sellers)
    prefix = digest_idempotency_key("%", week)
    done = set(session.scalars(select(EmailOutbox.idempotency_key).where(EmailOutbox.idempotency_key.like(prefix))))
    market = MarketNorms(session, now=now)  # market-wide listing norms: loaded once a day for all runs and sellers
    if len(sellers) - len(done) > 1:
        preload_norms(session, market)
    due = [seller_id for seller_id in sellers if digest_idempotency_key(seller_id, week) not in done]
    facts: dict[str, DigestFacts] = {}
    started = 0  # due sellers reached so far; their facts are loaded BATCH_SIZE at a time
    for index, seller_id in enumerate(sellers, start=1):
        key = digest_idempotency_key(seller_id, week)
        if key in done:
            report.already_queued += 1
        else:
            if started % BATCH_SIZE == 0:
                facts = _batch_facts(session, due[started : started + BATCH_SIZE], now=now, settings=settings)
            started += 1
            try:
                with session.begin_nested():
                    email = compose_weekly_digest(
                        session,
                        seller_id=seller_id,
                        now=now,
                        ai=ai,
                        settings=settings,
                        market=market,
                        facts=facts.get(seller_id),
                    )
                    row = queue_email(
                        session,
                        idempotency_key=key,
                        kind=DIGEST_KIND,
                        to_user_id=email.meta["user_id"],
                        to_address=email.to_address,
                        subject=email.subject,
                        html=email.html,
                        text=email.text,
                        now=now,
                    )
                if row is None:
                    report.already_queued += 1
                else:
                    report.queued += 1
            except Exception as exc:
                log.exception("weekly digest of seller %s could not be composed", seller_id)
                report.failed += 1
                report.errors.append(f"{seller_id}: {type(exc).__name__}: {exc}")
        if progress is not None:
            progress(index, len(sellers))
    log.info(
        "weekly digests %s: %d queued, %d already queued, %d failed of %d sellers",
        week,
        report.queued,
        report.already_queued,
        report.failed,
        report.sellers,
    )
    return report


def _batch_facts(
    session: Session, seller_ids: Sequence[str], *, now: datetime, settings: Settings
) -> dict[str, DigestFacts]:
    """`load_digest_facts` of a batch, or {} when it fails: each seller then loads their own facts in their own
    savepoint, so one seller's bad data costs only that seller's digest."""
    try:
        with session.begin_nested():
            return load_digest_facts(session, seller_ids=seller_ids, now=now, settings=settings)
    except Exception:
        log.exception("the facts of %d sellers could not be loaded together; loading them one by one", len(seller_ids))
        return {}
