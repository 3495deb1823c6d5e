"""Product recommendations (issue 14): the evidence of every published product of a seller, one stored
recommendation per product (keep / promote / reprice / drop, through the AI door's `product_recommendation` task,
answered offline by `core.sales.recommendation_rules`), the seller's decision, and the outcome measured 30 days
after an acceptance. The evidence is loaded by `core.sales.recommendation_evidence`.

**Storing**: `generate_recommendations` replaces the seller's `new` recommendations with one per published product;
accepted and dismissed ones are history. `decide` accepts (storing the 30 days before as `baseline`) or dismisses
one of the seller's own `new` recommendations. The outcome 30 days after an acceptance is measured by the daily job
in `core.sales.recommendation_outcomes`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from core.ai.door import AIDoor, AIResult, default_ai
from core.ai.tasks.product_recommendation import ProductRecommendation as Advice
from core.ai.tasks.product_recommendation import product_recommendation_task
from core.config import get_settings
from core.models import (
    DigitalProduct,
    ProductRecommendation,
    RecommendationAction,
    RecommendationStatus,
)
from core.periods import local_day
from core.sales.before_after import load_windows
from core.sales.recommendation_evidence import ProductEvidence, load_evidence
from core.sales.recommendation_outcomes import baseline_window, outcome_window
from core.sales.recommendation_rules import decide as decide_by_rules
from core.sales.recommendation_rules import recommend as offline_recommend

ENGINE_CHARS = 40  # `product_recommendations.engine`
HISTORY_ROWS = 50

TASK = product_recommendation_task(offline_recommend)


# ---------------------------------------------------------------------------------------------- recommending


Progress = Callable[[int, int, str], None]


def recommend_all(
    evidence: Sequence[ProductEvidence],
    *,
    ai: AIDoor | None = None,
    session: Session | None = None,
    progress: Progress | None = None,
) -> list[tuple[ProductEvidence, AIResult[Advice]]]:
    """One answer per product through the AI door (offline rules without a key or on any model failure)."""
    door = ai or default_ai()
    # The cache holds only Claude's answers: without a client a lookup per product would find nothing.
    cache = session if door.client is not None else None
    out = []
    for index, item in enumerate(evidence, start=1):
        out.append((item, door.run(TASK, item.payload, session=cache)))
        if progress is not None:
            progress(index, len(evidence), item.payload.title)
    return out


def generate_recommendations(
    session: Session,
    *,
    seller_id: str,
    now: datetime,
    ai: AIDoor | None = None,
    progress: Progress | None = None,
) -> int:
    """Replace the seller's `new` recommendations with one per published product; returns how many were stored.

    Accepted and dismissed recommendations stay (they are the history and carry outcomes). Writes in the
    caller's transaction.
    """
    evidence = load_evidence(session, seller_id=seller_id, now=now)
    answers = recommend_all(evidence, ai=ai, session=session, progress=progress)
    session.execute(
        delete(ProductRecommendation).where(
            ProductRecommendation.seller_id == seller_id, ProductRecommendation.status == RecommendationStatus.NEW
        )
    )
    for item, answer in answers:
        advice = answer.value
        numbers = item.as_json()
        rules = decide_by_rules(item.payload)
        numbers["direction"] = rules.direction if advice.action == "reprice" and rules.action == "reprice" else None
        session.add(
            ProductRecommendation(
                seller_id=seller_id,
                product_id=item.product_id,
                action=RecommendationAction(advice.action),
                confidence=advice.confidence,
                reason=advice.reason,
                evidence=numbers,
                engine=answer.engine[:ENGINE_CHARS],
                status=RecommendationStatus.NEW,
                created_at=now,
            )
        )
    session.flush()
    return len(answers)


# ---------------------------------------------------------------------------------------------- deciding


def decide(
    session: Session, *, seller_id: str, recommendation_id: str, accept: bool, user_id: str, now: datetime
) -> ProductRecommendation:
    """Accept or dismiss one of the seller's `new` recommendations.

    LookupError when it is not this seller's (or does not exist), ValueError when it was already decided; nothing
    changes then. Accepting stores the product's numbers of the 30 days before as `baseline`.
    """
    rec = session.scalar(
        select(ProductRecommendation).where(
            ProductRecommendation.id == recommendation_id, ProductRecommendation.seller_id == seller_id
        )
    )
    if rec is None:
        raise LookupError("This recommendation is not one of yours.")
    if rec.status != RecommendationStatus.NEW:
        raise ValueError(f"This recommendation was already {rec.status.value}.")
    rec.decided_at = now
    rec.decided_by_user_id = user_id
    if accept:
        rec.status = RecommendationStatus.ACCEPTED
        rec.accepted_at = now
        window = baseline_window(local_day(now, get_settings().timezone))
        numbers = load_windows(session, {"baseline": (rec.product_id, window)}, tz=get_settings().timezone)
        rec.baseline = numbers["baseline"].as_json()
    else:
        rec.status = RecommendationStatus.DISMISSED
    session.flush()
    return rec


# ---------------------------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class RecommendationRow:
    """One stored recommendation as the page lists it."""

    id: str
    product_id: str
    title: str
    action: str
    confidence: int
    reason: str
    evidence: dict[str, Any]
    engine: str
    status: str
    created_at: datetime
    decided_at: datetime | None
    accepted_at: datetime | None
    baseline: dict[str, Any] | None
    outcome: dict[str, Any] | None
    outcome_measured_at: datetime | None

    @property
    def outcome_due_on(self) -> date | None:
        """The first day the outcome can be measured (accepted ones not measured yet)."""
        if self.accepted_at is None or self.outcome is not None:
            return None
        return outcome_window(local_day(self.accepted_at, get_settings().timezone)).end + timedelta(days=1)


ACTION_ORDER = {"reprice": 0, "drop": 1, "promote": 2, "keep": 3}


def list_recommendations(session: Session, *, seller_id: str) -> list[RecommendationRow]:
    """The seller's `new` recommendations (reprice, drop, promote, keep; most confident first), then the decided
    ones, newest decision first (at most `HISTORY_ROWS`)."""
    rec = ProductRecommendation
    columns = (rec, DigitalProduct.title)
    new = session.execute(
        select(*columns)
        .join(DigitalProduct, DigitalProduct.id == rec.product_id)
        .where(rec.seller_id == seller_id, rec.status == RecommendationStatus.NEW)
    ).all()
    decided = session.execute(
        select(*columns)
        .join(DigitalProduct, DigitalProduct.id == rec.product_id)
        .where(rec.seller_id == seller_id, rec.status != RecommendationStatus.NEW)
        .order_by(rec.decided_at.desc(), rec.id)
        .limit(HISTORY_ROWS)
    ).all()
    rows = [_row(r, title) for r, title in new]
    rows.sort(key=lambda x: (ACTION_ORDER.get(x.action, 9), -x.confidence, x.title.lower(), x.id))
    return rows + [_row(r, title) for r, title in decided]


def _row(r: ProductRecommendation, title: str | None) -> RecommendationRow:
    return RecommendationRow(
        id=r.id,
        product_id=r.product_id,
        title=title or "",
        action=r.action.value,
        confidence=r.confidence,
        reason=r.reason,
        evidence=dict(r.evidence or {}),
        engine=r.engine,
        status=r.status.value,
        created_at=r.created_at,
        decided_at=r.decided_at,
        accepted_at=r.accepted_at,
        baseline=r.baseline,
        outcome=r.outcome,
        outcome_measured_at=r.outcome_measured_at,
    )
