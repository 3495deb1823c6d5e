"""AI insights (seed 000 steps 1a and 3a, issue 5): generate a seller's insights from the other capabilities,
list them, change their status, count the pending ones.

`generate_insights` runs, for one seller: the pricing review (`core.pricing.analysis.bulk_analyze_pricing`), the listing
scorer (`core.listings.queries.score_seller_listings`), the opportunity finder (`core.market.opportunities`), the 30-day
forecast (`core.sales.forecast`), and one GROUP BY per activity table (views, purchases, revenue per product).
The findings and their texts are the pure rules of `core.insights.findings`; priorities, caps, de-duplication,
the rate limit (3 runs per rolling hour) and the status transitions are those of `core.insights.rules`.
Functions here write in the caller's transaction and flush; the caller commits.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, select, update
from sqlalchemy.orm import Session

from core.ai.door import AIDoor, default_ai
from core.insights.findings import listing_findings, opportunity_findings, pricing_findings
from core.insights.queries import load_product_activity, marketing_article_url
from core.insights.rules import (
    PRIORITY_RANK,
    RATE_LIMIT_RUNS,
    RATE_LIMIT_WINDOW,
    ExistingInsight,
    Finding,
    InsightPlan,
    check_transition,
    next_allowed_at,
    plan_insights,
    rank_findings,
    runs_in_window,
)
from core.insights.trend_findings import marketing_findings, monthly_revenue_of, performance_finding
from core.listings.queries import score_seller_listings
from core.market.opportunities import find_opportunities
from core.models import (
    InsightGenerationRun,
    InsightPriority,
    InsightStatus,
    InsightType,
    ProductStatus,
    SellerInsight,
    SellerProfile,
)
from core.pricing.analysis import bulk_analyze_pricing
from core.sales.forecast import forecast_for_seller

Progress = Callable[[str], None]
FORECAST_DAYS = 30
MAX_PAGE_SIZE = 100

STEP_PRICING = "Reviewing your prices"
STEP_LISTINGS = "Scoring your listings"
STEP_OPPORTUNITIES = "Looking for market opportunities"
STEP_FORECAST = "Forecasting your sales"
STEP_SAVING = "Saving your insights"
STEPS = (STEP_PRICING, STEP_LISTINGS, STEP_OPPORTUNITIES, STEP_FORECAST, STEP_SAVING)


class InsightRateLimited(Exception):
    """A fourth generation within an hour: nothing was generated; `next_allowed_at` says when it may run."""

    def __init__(self, next_allowed_at: datetime) -> None:
        self.next_allowed_at = next_allowed_at
        super().__init__(
            f"You can generate new insights again at {next_allowed_at:%H:%M} UTC ({RATE_LIMIT_RUNS} per hour)."
        )


@dataclass(frozen=True)
class InsightView:
    """An insight as plain data (what the page caches and shows)."""

    id: str
    insight_type: InsightType
    priority: InsightPriority
    status: InsightStatus
    title: str
    description: str
    action_items: tuple[dict[str, str], ...]
    generated_at: datetime
    finding_key: str | None
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class InsightPage:
    items: list[InsightView]
    total: int  # all matching insights, over every page


@dataclass(frozen=True)
class GenerationReport:
    created: list[InsightView]
    updated: list[InsightView]
    retired: int
    suppressed: int  # findings not raised again because the seller dismissed (or acted on) them recently
    runs_left: int  # generations still allowed in the rolling hour after this one


def _view(insight: SellerInsight) -> InsightView:
    return InsightView(
        id=insight.id,
        insight_type=InsightType(insight.insight_type),
        priority=InsightPriority(insight.priority),
        status=InsightStatus(insight.status),
        title=insight.title,
        description=insight.description,
        action_items=tuple(dict(i) for i in insight.action_items or ()),
        generated_at=insight.generated_at,
        finding_key=insight.finding_key,
        meta=dict(insight.meta or {}),
    )


def _aware(now: datetime) -> datetime:
    if now.tzinfo is None:
        raise ValueError("now must be a timezone-aware datetime")
    return now


# ---------------------------------------------------------------- loading


def _run_starts(session: Session, *, seller_id: str, now: datetime) -> list[datetime]:
    return list(
        session.scalars(
            select(InsightGenerationRun.started_at).where(
                InsightGenerationRun.seller_id == seller_id,
                InsightGenerationRun.started_at > now - RATE_LIMIT_WINDOW,
                InsightGenerationRun.started_at <= now,
            )
        )
    )


def generation_allowed_at(session: Session, *, seller_id: str, now: datetime) -> datetime | None:
    """None when the seller may generate insights at `now`; else the first moment they may."""
    return next_allowed_at(_run_starts(session, seller_id=seller_id, now=_aware(now)), now)


def _existing(session: Session, *, seller_id: str) -> tuple[list[ExistingInsight], dict[str, SellerInsight]]:
    rows = list(
        session.scalars(
            select(SellerInsight).where(
                SellerInsight.seller_id == seller_id,
                SellerInsight.deleted_at.is_(None),
                SellerInsight.finding_key.is_not(None),
            )
        )
    )
    summaries = [
        ExistingInsight(r.id, r.finding_key or "", InsightStatus(r.status), r.updated_at, r.generated_at) for r in rows
    ]
    return summaries, {r.id: r for r in rows}


# ---------------------------------------------------------------- generating


def collect_findings(
    session: Session, *, seller_id: str, now: datetime, ai: AIDoor, progress: Progress | None = None
) -> list[Finding]:
    """Every finding of the seller's data at `now` (before caps and de-duplication), best first."""
    report = progress or (lambda _step: None)
    report(STEP_PRICING)
    analyses = bulk_analyze_pricing(session, seller_id=seller_id, ai=ai, now=now)
    report(STEP_LISTINGS)
    scored = score_seller_listings(session, seller_id=seller_id, statuses=(ProductStatus.PUBLISHED,))
    activity = load_product_activity(session, seller_id=seller_id, now=now)
    report(STEP_OPPORTUNITIES)
    opportunities = find_opportunities(session, seller_id=seller_id, now=now, ai=ai)
    report(STEP_FORECAST)
    forecast = forecast_for_seller(session, seller_id=seller_id, days=FORECAST_DAYS, now=now)
    findings = [
        *pricing_findings(analyses, monthly_revenue=monthly_revenue_of(activity)),
        *listing_findings(scored, {a.product_id: a for a in activity}),
        *opportunity_findings(opportunities),
        *marketing_findings(activity, analyses, scored, learn_url=marketing_article_url(session)),
    ]
    if (performance := performance_finding(activity, forecast)) is not None:
        findings.append(performance)
    return rank_findings(findings)


def _apply(
    session: Session, *, seller_id: str, plan: InsightPlan, rows: dict[str, SellerInsight], now: datetime
) -> tuple[list[SellerInsight], list[SellerInsight]]:
    def fill(insight: SellerInsight, finding: Finding) -> None:
        insight.insight_type = finding.insight_type
        insight.priority = finding.priority
        insight.title = finding.title[:255]
        insight.description = finding.description
        insight.action_items = [dict(i) for i in finding.action_items]
        insight.meta = dict(finding.meta)
        insight.generated_at = now
        insight.updated_at = now

    created = []
    for finding in plan.create:
        insight = SellerInsight(
            seller_id=seller_id, finding_key=finding.key, status=InsightStatus.PENDING, created_at=now
        )
        fill(insight, finding)
        session.add(insight)
        created.append(insight)
    updated = []
    for insight_id, finding in plan.update:
        fill(rows[insight_id], finding)
        updated.append(rows[insight_id])
    for insight_id in plan.retire:
        rows[insight_id].deleted_at = now
        rows[insight_id].updated_at = now
    session.flush()
    return created, updated


def _generate(
    session: Session, *, seller_id: str, now: datetime, ai: AIDoor | None, progress: Progress | None
) -> tuple[list[SellerInsight], list[SellerInsight], InsightPlan, int]:
    now = _aware(now)
    # Lock the seller's row (PostgreSQL) so two clicks at once cannot both pass the rate limit; SQLite
    # serialises writers anyway.
    found = session.scalar(
        select(SellerProfile.id)
        .where(SellerProfile.id == seller_id, SellerProfile.deleted_at.is_(None))
        .with_for_update()
    )
    if found is None:
        raise LookupError("Seller not found")
    starts = _run_starts(session, seller_id=seller_id, now=now)
    if (allowed := next_allowed_at(starts, now)) is not None:
        raise InsightRateLimited(allowed)
    findings = collect_findings(session, seller_id=seller_id, now=now, ai=ai or default_ai(), progress=progress)
    if progress is not None:
        progress(STEP_SAVING)
    existing, rows = _existing(session, seller_id=seller_id)
    plan = plan_insights(findings, existing, now=now)
    created, updated = _apply(session, seller_id=seller_id, plan=plan, rows=rows, now=now)
    session.add(
        InsightGenerationRun(
            seller_id=seller_id, started_at=now, insights_created=len(created), insights_updated=len(updated)
        )
    )
    session.flush()
    runs_left = max(0, RATE_LIMIT_RUNS - len(runs_in_window([*starts, now], now)))
    return created, updated, plan, runs_left


def _by_priority(insights: Iterable[SellerInsight]) -> list[SellerInsight]:
    return sorted(insights, key=lambda i: (PRIORITY_RANK[InsightPriority(i.priority)], i.title, i.id))


def generate_insights(
    session: Session,
    *,
    seller_id: str,
    now: datetime,
    ai: AIDoor | None = None,
    progress: Progress | None = None,
) -> list[SellerInsight]:
    """Generate the seller's insights at `now`: the new and refreshed ones, HIGH priority first.

    Runs the pricing review, the listing scorer, the opportunity finder and the 30-day forecast and turns the
    findings into PRICING, LISTING_QUALITY, OPPORTUNITY, PERFORMANCE and MARKETING insights (rules:
    `core.insights.findings`); a finding with an open insight updates it, findings dismissed in the last 30
    days stay quiet, open insights whose finding is gone are retired (rules: `core.insights.rules`).
    `progress(step)` is called before each step (`STEPS`). Raises `InsightRateLimited` — with nothing
    written — when the seller already ran 3 generations in the hour before `now`; LookupError for an unknown
    seller. Records one `InsightGenerationRun`; flushes, the caller commits.
    """
    created, updated, _plan, _left = _generate(session, seller_id=seller_id, now=now, ai=ai, progress=progress)
    return _by_priority([*created, *updated])


def generate_insights_report(
    session: Session,
    *,
    seller_id: str,
    now: datetime,
    ai: AIDoor | None = None,
    progress: Progress | None = None,
) -> GenerationReport:
    """`generate_insights`, answered as plain data for the page: what is new, what was refreshed, runs left."""
    created, updated, plan, left = _generate(session, seller_id=seller_id, now=now, ai=ai, progress=progress)
    return GenerationReport(
        created=[_view(i) for i in _by_priority(created)],
        updated=[_view(i) for i in _by_priority(updated)],
        retired=len(plan.retire),
        suppressed=len(plan.suppressed),
        runs_left=left,
    )


# ---------------------------------------------------------------- reading and status


_PRIORITY_ORDER = case(
    (SellerInsight.priority == InsightPriority.HIGH, 0),
    (SellerInsight.priority == InsightPriority.MEDIUM, 1),
    else_=2,
)


def _statuses(status: InsightStatus | Sequence[InsightStatus] | None) -> list[InsightStatus] | None:
    if status is None:
        return None
    if isinstance(status, (str, InsightStatus)):
        return [InsightStatus(status)]
    return [InsightStatus(s) for s in status]


def list_insights(
    session: Session,
    *,
    seller_id: str,
    status: InsightStatus | Sequence[InsightStatus] | None = None,
    insight_type: InsightType | None = None,
    page: int = 1,
    page_size: int = 12,
) -> InsightPage:
    """The seller's insights (not deleted), HIGH priority first, then the newest, one page at a time.

    `status` filters by one status or several (None: all). Priority first, then newest: the issue asks for
    "newest and highest priority first", and an urgent insight from yesterday matters more than a minor one
    from today. ValueError for a page < 1 or a page size outside 1–100.
    """
    if page < 1 or not 1 <= page_size <= MAX_PAGE_SIZE:
        raise ValueError(f"page must be ≥ 1 and page_size 1–{MAX_PAGE_SIZE}")
    conditions = [SellerInsight.seller_id == seller_id, SellerInsight.deleted_at.is_(None)]
    if (wanted := _statuses(status)) is not None:
        conditions.append(SellerInsight.status.in_(wanted))
    if insight_type is not None:
        conditions.append(SellerInsight.insight_type == InsightType(insight_type))
    total = int(session.scalar(select(func.count()).select_from(SellerInsight).where(*conditions)) or 0)
    rows = session.scalars(
        select(SellerInsight)
        .where(*conditions)
        .order_by(_PRIORITY_ORDER, SellerInsight.generated_at.desc(), SellerInsight.id)
        .limit(page_size)
        .offset((page - 1) * page_size)
    )
    return InsightPage([_view(r) for r in rows], total)


def insight_counts(session: Session, *, seller_id: str) -> dict[InsightStatus, int]:
    """How many of the seller's insights (not deleted) have each status (every status present, 0 included)."""
    counts = dict.fromkeys(InsightStatus, 0)
    rows = session.execute(
        select(SellerInsight.status, func.count())
        .where(SellerInsight.seller_id == seller_id, SellerInsight.deleted_at.is_(None))
        .group_by(SellerInsight.status)
    )
    for status, count in rows:
        counts[InsightStatus(status)] = int(count)
    return counts


def pending_insight_count(session: Session, *, seller_id: str) -> int:
    """The seller's PENDING insights (not deleted): the badge on the Insights menu item."""
    return insight_counts(session, seller_id=seller_id)[InsightStatus.PENDING]


def set_insight_status(
    session: Session, *, seller_id: str, insight_id: str, status: InsightStatus, now: datetime
) -> InsightView:
    """Move one of the seller's insights to `status` (transitions: `core.insights.rules.check_transition`).

    LookupError("Insight not found") for a missing, deleted or another seller's insight (never revealed to
    exist); ValueError with a clear message for a transition that is not allowed. Flushes.
    """
    insight = session.scalar(
        select(SellerInsight).where(
            SellerInsight.id == insight_id,
            SellerInsight.seller_id == seller_id,
            SellerInsight.deleted_at.is_(None),
        )
    )
    if insight is None:
        raise LookupError("Insight not found")
    wanted = InsightStatus(status)
    check_transition(InsightStatus(insight.status), wanted)
    insight.status = wanted
    insight.updated_at = _aware(now)
    session.flush()
    return _view(insight)


def mark_viewed(session: Session, *, seller_id: str, insight_ids: Iterable[str], now: datetime) -> int:
    """PENDING → VIEWED for those of `insight_ids` that are the seller's and still pending; returns how many."""
    ids = sorted(set(insight_ids))
    if not ids:
        return 0
    result = session.execute(
        update(SellerInsight)
        .where(
            SellerInsight.seller_id == seller_id,
            SellerInsight.id.in_(ids),
            SellerInsight.status == InsightStatus.PENDING,
            SellerInsight.deleted_at.is_(None),
        )
        .values(status=InsightStatus.VIEWED, updated_at=_aware(now))
        # Keep loaded objects in step (a later status change in the same session must see VIEWED).
        .execution_options(synchronize_session="fetch")
    )
    return int(result.rowcount or 0)
