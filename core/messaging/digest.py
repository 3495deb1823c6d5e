"""The weekly coaching digest (seed 000 step 2f): compose one seller's e-mail, queue every seller's once a week.

Numbers: the last 7 local days (APP_TIMEZONE, today excluded) against the 7 days before, from
`revenue_records` in one aggregate query. "Average rating" is the current average rating of the
seller's published listings (the marketplace keeps no dated reviews, so it has no "week before";
the table says so). The texts come through the AI door (`weekly_digest_text`, offline by default);
the HTML and plain-text parts are Jinja2 templates under `core/notify/templates/`, every value escaped.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from core import urls
from core.ai.door import AIDoor, default_ai
from core.ai.tasks.pricing_types import format_money
from core.ai.tasks.weekly_digest_text import (
    TipFacts,
    WeeklyDigestPayload,
    WeekNumbers,
    format_percent,
    percent_change,
    weekly_digest_text,
)
from core.config import Settings, get_settings
from core.listings.queries import MarketNorms, score_seller_listings
from core.listings.score import listing_suggestions_offline
from core.models import (
    DigitalProduct,
    EmailOutbox,
    InsightPriority,
    InsightStatus,
    ProductStatus,
    RevenueRecord,
    SellerInsight,
    SellerProfile,
    SellerStatus,
    User,
)
from core.notify.email import queue_email

log = logging.getLogger(__name__)

TEMPLATE_DIR = Path(__file__).resolve().parents[1] / "notify" / "templates"
DIGEST_KIND = "weekly-digest"
# Page paths of the seller's app (the router's url_path values), appended to APP_BASE_URL.
DASHBOARD_PATH = urls.HOME
INSIGHTS_PATH = urls.INSIGHTS
LISTING_HEALTH_PATH = urls.LISTING_HEALTH
SETTINGS_PATH = urls.SETTINGS
PRIORITY_COLORS = {"HIGH": "#dc2626", "MEDIUM": "#d97706", "LOW": "#16a34a"}
UP, DOWN, FLAT = "#15803d", "#b91c1c", "#6b7280"


@dataclass(frozen=True)
class Email:
    to_address: str
    subject: str
    html: str
    text: str
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class InsightCard:
    title: str
    description: str
    priority: str


@dataclass(frozen=True)
class DigestWeek:
    """The two compared windows as local dates: [last_start, this_start) and [this_start, end)."""

    last_start: date
    this_start: date
    end: date  # exclusive: today in APP_TIMEZONE

    @property
    def label(self) -> str:
        last_day = self.end - timedelta(days=1)
        return f"{self.this_start:%b} {self.this_start.day} – {last_day:%b} {last_day.day}, {last_day.year}"


def digest_week(now: datetime, tz: ZoneInfo) -> DigestWeek:
    end = now.astimezone(tz).date()
    return DigestWeek(last_start=end - timedelta(days=14), this_start=end - timedelta(days=7), end=end)


def iso_week(now: datetime, tz: ZoneInfo) -> str:
    """`2026-W47`: the ISO week of `now` in the app's time zone (the digest's once-a-week key)."""
    year, week, _ = now.astimezone(tz).isocalendar()
    return f"{year}-W{week:02d}"


def digest_idempotency_key(seller_id: str, week: str) -> str:
    return f"weekly-digest:{seller_id}:{week}"


# ------------------------------------------------------------------------------------------ loading


def _published(seller_id: str) -> tuple[Any, ...]:
    return (
        DigitalProduct.seller_id == seller_id,
        DigitalProduct.status == ProductStatus.PUBLISHED,
        DigitalProduct.deleted_at.is_(None),
    )


def load_week_numbers(session: Session, *, seller_id: str, week: DigestWeek) -> WeekNumbers:
    """Revenue and units of both windows, the listings' average rating and currency: one aggregate query."""
    rev = RevenueRecord
    in_this_week = rev.day >= week.this_start
    rating = select(func.avg(DigitalProduct.average_rating)).where(*_published(seller_id)).scalar_subquery()
    rated = select(func.count(DigitalProduct.average_rating)).where(*_published(seller_id)).scalar_subquery()
    currency = select(func.min(DigitalProduct.currency)).where(*_published(seller_id)).scalar_subquery()
    row = session.execute(
        select(
            func.coalesce(func.sum(case((in_this_week, rev.revenue), else_=0)), 0),
            func.coalesce(func.sum(case((in_this_week, 0), else_=rev.revenue)), 0),
            func.coalesce(func.sum(case((in_this_week, rev.units), else_=0)), 0),
            func.coalesce(func.sum(case((in_this_week, 0), else_=rev.units)), 0),
            rating,
            rated,
            currency,
        ).where(rev.seller_id == seller_id, rev.day >= week.last_start, rev.day < week.end)
    ).one()
    cents = Decimal("0.01")
    return WeekNumbers(
        currency=row[6] or "USD",
        # SQLite sums money as floats: back to cents (exact for any realistic weekly total).
        revenue_this_week=Decimal(str(row[0])).quantize(cents),
        revenue_last_week=Decimal(str(row[1])).quantize(cents),
        units_this_week=int(row[2]),
        units_last_week=int(row[3]),
        average_rating=None if row[4] is None else Decimal(str(row[4])).quantize(cents),
        rated_listings=int(row[5] or 0),
    )


_PRIORITY_ORDER = case(
    (SellerInsight.priority == InsightPriority.HIGH, 0),
    (SellerInsight.priority == InsightPriority.MEDIUM, 1),
    else_=2,
)


def load_top_insight(session: Session, *, seller_id: str) -> InsightCard | None:
    """The highest-priority PENDING insight, newest first among equals."""
    insight = session.scalars(
        select(SellerInsight)
        .where(
            SellerInsight.seller_id == seller_id,
            SellerInsight.status == InsightStatus.PENDING,
            SellerInsight.deleted_at.is_(None),
        )
        .order_by(_PRIORITY_ORDER, SellerInsight.generated_at.desc(), SellerInsight.id)
        .limit(1)
    ).first()
    if insight is None:
        return None
    return InsightCard(title=insight.title, description=insight.description, priority=str(insight.priority.value))


def weakest_dimension_tip(session: Session, *, seller_id: str, market: MarketNorms | None = None) -> TipFacts | None:
    """The seller's weakest listing dimension with points to win (lowest share of its maximum), and its fix.

    Among published listings; ties go to the dimension with more points to win, then the listing title.
    """
    candidates = []
    published = (ProductStatus.PUBLISHED,)
    for scored in score_seller_listings(session, seller_id=seller_id, statuses=published, market=market):
        for dim in scored.score.dimensions:
            if dim.actionable_gap > 0:
                share = dim.points / dim.max_points
                candidates.append(
                    (share, -dim.actionable_gap, scored.listing.title, scored.listing.product_id, dim, scored)
                )
    for *_, dim, scored in sorted(candidates, key=lambda c: c[:4]):
        fixes = [s for s in listing_suggestions_offline(scored.score, scored.listing) if s.dimension == dim.key]
        if fixes:
            return TipFacts(
                listing_title=scored.listing.title,
                dimension=dim.key,
                dimension_label=dim.label,
                points=dim.points,
                max_points=dim.max_points,
                suggestion=fixes[0].suggestion,
            )
    return None


# ------------------------------------------------------------------------------------------ rendering


@dataclass(frozen=True)
class PerformanceRow:
    label: str
    this_week: str
    last_week: str
    change: str
    change_color: str


def _change_cell(current: Decimal | int, previous: Decimal | int) -> tuple[str, str]:
    if current == 0 and previous == 0:
        return "—", FLAT
    change = percent_change(current, previous)
    if change is None:
        return "new", UP
    return format_percent(change, signed=True), UP if change > 0 else DOWN if change < 0 else FLAT


def performance_rows(n: WeekNumbers) -> list[PerformanceRow]:
    """The table's rows: revenue, sales and average rating, this week against last, with the change."""
    money = lambda amount: format_money(amount, n.currency)  # noqa: E731
    rows = [
        PerformanceRow("Revenue", money(n.revenue_this_week), money(n.revenue_last_week),
                       *_change_cell(n.revenue_this_week, n.revenue_last_week)),
        PerformanceRow("Sales (units)", str(n.units_this_week), str(n.units_last_week),
                       *_change_cell(n.units_this_week, n.units_last_week)),
    ]  # fmt: skip
    rating = "no ratings yet" if n.average_rating is None else f"{n.average_rating:.1f} of 5"
    rows.append(PerformanceRow("Average rating", rating, "—", "—", FLAT))
    return rows


@cache
def _environments() -> tuple[Environment, Environment]:
    """HTML with autoescaping; plain text without (it holds no markup and must not show `&amp;`)."""
    loader = FileSystemLoader(TEMPLATE_DIR)
    html = Environment(loader=loader, autoescape=select_autoescape(["html"]), undefined=StrictUndefined)
    text = Environment(loader=loader, autoescape=False, undefined=StrictUndefined, keep_trailing_newline=True)
    return html, text


def render_weekly_digest(context: dict[str, Any]) -> tuple[str, str]:
    """(html, text) of the digest for a template context (see `compose_weekly_digest`)."""
    html_env, text_env = _environments()
    return html_env.get_template("weekly_digest.html").render(context), text_env.get_template(
        "weekly_digest.txt"
    ).render(context)


def first_name(user_name: str | None, fallback: str) -> str:
    parts = (user_name or "").split()
    return parts[0] if parts else (fallback.split() or ["there"])[0]


def compose_weekly_digest(
    session: Session,
    *,
    seller_id: str,
    now: datetime,
    ai: AIDoor | None = None,
    settings: Settings | None = None,
    market: MarketNorms | None = None,
) -> Email:
    """The digest e-mail of one seller for the week ending today (LookupError for an unknown seller).

    `market` lets a run over many sellers load the market-wide listing norms once.
    """
    settings = settings or get_settings()
    found = session.execute(
        select(SellerProfile, User).join(User, User.id == SellerProfile.user_id).where(SellerProfile.id == seller_id)
    ).first()
    if found is None:
        raise LookupError(f"seller {seller_id} not found")
    profile, user = found
    week = digest_week(now, settings.timezone)
    numbers = load_week_numbers(session, seller_id=seller_id, week=week)
    insight = load_top_insight(session, seller_id=seller_id)
    tip = weakest_dimension_tip(session, seller_id=seller_id, market=market)
    payload = WeeklyDigestPayload(numbers=numbers, tip=tip, top_insight_title=insight.title if insight else None)
    result = weekly_digest_text(payload, ai=ai or default_ai(), session=session)
    base = settings.app_base_url.rstrip("/")
    context = {
        "subject": result.value.subject,
        "summary": result.value.summary,
        "first_name": first_name(user.name, profile.display_name),
        "week_label": week.label,
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
            "url": f"{base}/{INSIGHTS_PATH}",
        },
        "tip": None
        if tip is None or not result.value.tip
        else {"listing_title": tip.listing_title, "text": result.value.tip, "url": f"{base}/{LISTING_HEALTH_PATH}"},
        "dashboard_url": f"{base}/{DASHBOARD_PATH}",
        "settings_url": f"{base}/{SETTINGS_PATH}",
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
        "user_id": user.id,
    }
    return Email(to_address=user.email, subject=result.value.subject, html=html, text=text, meta=meta)


# ------------------------------------------------------------------------------------------ sending


def digest_recipients(session: Session) -> list[str]:
    """Seller ids due a digest: approved, not deleted, active user, not opted out; in a stable order."""
    return list(
        session.scalars(
            select(SellerProfile.id)
            .join(User, User.id == SellerProfile.user_id)
            .where(
                SellerProfile.status == SellerStatus.APPROVED,
                SellerProfile.deleted_at.is_(None),
                SellerProfile.weekly_digest_opt_in.is_(True),
                User.is_active.is_(True),
            )
            .order_by(SellerProfile.created_at, SellerProfile.id)
        )
    )


@dataclass
class DigestReport:
    week: str
    sellers: int = 0
    queued: int = 0
    already_queued: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


Progress = Callable[[int, int], Any]


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
    prefix = f"weekly-digest:%:{week}"
    done = set(session.scalars(select(EmailOutbox.idempotency_key).where(EmailOutbox.idempotency_key.like(prefix))))
    market = MarketNorms(session)  # market-wide listing norms: loaded once for all sellers of this run
    for index, seller_id in enumerate(sellers, start=1):
        key = digest_idempotency_key(seller_id, week)
        if key in done:
            report.already_queued += 1
        else:
            try:
                with session.begin_nested():
                    email = compose_weekly_digest(
                        session, seller_id=seller_id, now=now, ai=ai, settings=settings, market=market
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
