"""AI insights (seed 000 steps 1a and 3a, issue 5): generate a seller's insights from the other capabilities and
change their status. Listing and counting them is `core.insights.queries`.

`generate_insights` runs, for one seller: the pricing review (`core.pricing.analysis.bulk_analyze_pricing`), the
listing scores (the stored ones, `core.listings.stored_reads.seller_listing_scores`, with the full checks of just the
few listings a finding needs them for), the opportunity finder (`core.market.opportunities`), the 30-day
forecast (`core.sales.forecast`), and one GROUP BY per activity table (views, purchases, revenue per product).
The findings and their texts are the pure rules of `core.insights.findings`; priorities, caps, de-duplication,
the rate limit (3 runs per rolling hour) and the status transitions are those of `core.insights.rules`.
Functions here write in the caller's transaction and flush; the caller commits.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.ai.door import AIDoor, default_ai
from core.insights.findings import (
    BIG_GAP_POINTS,
    RED_SCORE_BELOW,
    ProductActivity,
    listing_findings,
    opportunity_findings,
    pricing_findings,
)
from core.insights.priority import enforce_high_cap
from core.insights.queries import InsightView, insight_view, load_product_activity, marketing_article_url
from core.insights.rules import (
    OPEN_STATUSES,
    PRIORITY_RANK,
    RATE_LIMIT_RUNS,
    RATE_LIMIT_WINDOW,
    WEIGHT_META_KEY,
    ExistingInsight,
    Finding,
    InsightPlan,
    check_transition,
    next_allowed_at,
    plan_insights,
    rank_findings,
    runs_in_window,
)
from core.insights.trend_findings import converts_poorly, marketing_findings, monthly_revenue_of, performance_finding
from core.listings.low_quality import seller_product_labels
from core.listings.persisted import StoredScore
from core.listings.queries import MarketNorms, ScoredListing, score_products
from core.listings.stored_reads import seller_listing_scores
from core.market.opportunities import find_opportunities
from core.models import (
    DigitalProduct,
    InsightGenerationRun,
    InsightPriority,
    InsightStatus,
    ProductStatus,
    SellerInsight,
    SellerProfile,
)
from core.periods import require_aware
from core.pricing.analysis import bulk_analyze_pricing
from core.pricing.rules import PricingAnalysis
from core.sales.forecast import forecast_for_seller

Progress = Callable[[str], None]
FORECAST_DAYS = 30

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
class GenerationReport:
    created: list[InsightView]
    updated: list[InsightView]
    retired: int
    suppressed: int  # findings not raised again because the seller dismissed (or acted on) them recently
    runs_left: int  # generations still allowed in the rolling hour after this one


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
    require_aware(now)
    return next_allowed_at(_run_starts(session, seller_id=seller_id, now=now), now)


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
        ExistingInsight(
            r.id, r.finding_key or "", InsightStatus(r.status), r.updated_at, r.generated_at, not _from_admin(r)
        )
        for r in rows
    ]
    return summaries, {r.id: r for r in rows}


ADMIN_META_KEYS = ("source", "requested_by")


def _from_admin(insight: SellerInsight) -> bool:
    """An admin's notice (`core.listings.low_quality`): refreshed by generation, never retired by it."""
    return (insight.meta or {}).get("source") == "admin"


# ---------------------------------------------------------------- generating

GAP_MARGIN = 1.0
"""Points of slack in `_scored_in_detail`: a listing's actionable gap is at most its missing points (100 − overall)
up to the rounding of each check to one decimal, which this margin covers many times over."""


def _scored_in_detail(
    session: Session,
    stored: Sequence[StoredScore],
    activity: Sequence[ProductActivity],
    analyses: Sequence[PricingAnalysis],
    now: datetime,
) -> list[ScoredListing]:
    """The full checks of just the listings a finding may need them for, worst score first (against the market
    norms of `now`'s day, stored once a day: `MarketNorms`).

    A LISTING_QUALITY finding needs a red score or an actionable gap of `BIG_GAP_POINTS`, and the gap never
    exceeds the points missing from 100, so only listings whose stored score is red or at most
    100 − `BIG_GAP_POINTS` (+ `GAP_MARGIN`) can raise one; the conversion finding reads the image checks of the
    listings that `converts_poorly`. Every other listing's stored overall score is all the findings read.
    """
    by_analysis = {a.product_id: a for a in analyses if a.available}
    poor = {a.product_id for a in activity if converts_poorly(a, by_analysis.get(a.product_id))}
    limit = 100 - BIG_GAP_POINTS + GAP_MARGIN
    ids = sorted(
        s.product_id for s in stored if s.overall < RED_SCORE_BELOW or s.overall <= limit or s.product_id in poor
    )
    if not ids:
        return []
    return score_products(session, DigitalProduct.id.in_(ids), market=MarketNorms(session, now=now))


def collect_findings(
    session: Session, *, seller_id: str, now: datetime, ai: AIDoor, progress: Progress | None = None
) -> list[Finding]:
    """Every finding of the seller's data at `now` (before caps and de-duplication), best first."""
    report = progress or (lambda _step: None)
    report(STEP_PRICING)
    analyses = bulk_analyze_pricing(session, seller_id=seller_id, ai=ai, now=now)
    report(STEP_LISTINGS)
    activity = load_product_activity(session, seller_id=seller_id, now=now)
    stored = seller_listing_scores(session, seller_id=seller_id, now=now, statuses=(ProductStatus.PUBLISHED,))
    overall = {s.product_id: s.overall for s in stored}
    detail = _scored_in_detail(session, stored, activity, analyses, now)
    report(STEP_OPPORTUNITIES)
    opportunities = find_opportunities(session, seller_id=seller_id, now=now, ai=ai)
    report(STEP_FORECAST)
    forecast = forecast_for_seller(session, seller_id=seller_id, days=FORECAST_DAYS, now=now)
    names = seller_product_labels(session, seller_ids=[seller_id])
    learn_url = marketing_article_url(session)
    findings = [
        *pricing_findings(analyses, monthly_revenue=monthly_revenue_of(activity), names=names),
        *listing_findings(detail, {a.product_id: a for a in activity}, names=names),
        *opportunity_findings(opportunities),
        *marketing_findings(activity, analyses, detail, overall=overall, learn_url=learn_url, names=names),
    ]
    if (performance := performance_finding(activity, forecast, names)) is not None:
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
        kept = {k: v for k, v in (insight.meta or {}).items() if k in ADMIN_META_KEYS}  # an admin's notice stays one
        insight.meta = {**dict(finding.meta), WEIGHT_META_KEY: finding.weight, **kept}
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
    enforce_high_cap(session, seller_id=seller_id, now=now)
    return created, updated


def _generate(
    session: Session, *, seller_id: str, now: datetime, ai: AIDoor | None, progress: Progress | None
) -> tuple[list[SellerInsight], list[SellerInsight], InsightPlan, int]:
    require_aware(now)
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
        created=[insight_view(i) for i in _by_priority(created)],
        updated=[insight_view(i) for i in _by_priority(updated)],
        retired=len(plan.retire),
        suppressed=len(plan.suppressed),
        runs_left=left,
    )


# ---------------------------------------------------------------- status


def set_insight_status(
    session: Session, *, seller_id: str, insight_id: str, status: InsightStatus, now: datetime
) -> InsightView:
    """Move one of the seller's insights to `status` (transitions: `core.insights.rules.check_transition`).

    Back to PENDING (Undo a dismissal, Reopen a done one) is refused while another open insight has the same
    finding key: a later generation raised that advice again, with fresher numbers. Reopening may add a HIGH
    insight: the cap of three applies again (`enforce_high_cap`).
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
    require_aware(now)
    if wanted is InsightStatus.PENDING and insight.finding_key:
        twin = session.scalar(
            select(SellerInsight.id).where(
                SellerInsight.seller_id == seller_id,
                SellerInsight.finding_key == insight.finding_key,
                SellerInsight.status.in_(OPEN_STATUSES),
                SellerInsight.deleted_at.is_(None),
                SellerInsight.id != insight.id,
            )
        )
        if twin is not None:
            raise ValueError("This advice is already back in Open, with fresher numbers: look for it there.")
    insight.status = wanted
    insight.updated_at = now
    session.flush()
    if wanted is InsightStatus.PENDING:
        enforce_high_cap(session, seller_id=seller_id, now=now)
    return insight_view(insight)


def mark_viewed(session: Session, *, seller_id: str, insight_ids: Iterable[str], now: datetime) -> int:
    """PENDING → VIEWED for those of `insight_ids` that are the seller's and still pending; returns how many."""
    require_aware(now)
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
        .values(status=InsightStatus.VIEWED, updated_at=now)
        # Keep loaded objects in step (a later status change in the same session must see VIEWED).
        .execution_options(synchronize_session="fetch")
    )
    return int(result.rowcount or 0)
