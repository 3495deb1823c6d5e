"""The AI insights' pure rules: priorities, caps, de-duplication, the rate limit and status changes (no database).

Rules (issue 5; each function restates its own):

* **Priority from money** (pricing and marketing findings): the money a finding is worth a month (its *stakes*:
  for pricing the expected monthly gain of following the suggestion; for marketing the sales missed a month,
  priced) against the seller's own monthly revenue = revenue of the last 90 complete days ÷ 3:
  HIGH when stakes ≥ 10 % of that monthly revenue and ≥ $50; MEDIUM when ≥ 2 % and ≥ $10; else LOW.
  A seller without revenue gets the dollar floors alone ($50 HIGH, $10 MEDIUM). So a $51 tweak is LOW for a
  seller making $3,000 a month (2 % = $60) and a $400 one is HIGH (10 % = $300).
* **At most three HIGH at once** (`MAX_HIGH`): after every write that can add a HIGH insight (generation, the
  goal check, an admin's notice), the seller's open HIGH insights beyond three are demoted to MEDIUM; the
  three with the highest stakes stay HIGH (money findings first, by their stakes; findings without a money
  figure — a red listing, a missed goal — after them, the newest first, then the finding's weight: a red
  listing's views). `meta["demoted_from"] = "HIGH"` records it.
* **Caps** per run: at most 5 pricing, 5 listing-quality, 3 opportunity and 2 marketing findings become
  insights (the best ones: priority HIGH → LOW, then the family's weight: money, views…); the forecast
  gives at most one. Findings suppressed by a recent dismissal (below) do not take a place.
* **No duplicate**: a finding with an open (PENDING or VIEWED) insight of the same seller and finding key
  updates that insight (title, description, priority, action items, meta, generated_at); its status is
  kept. A finding whose latest insight was DISMISSED less than 30 days ago is not raised again (the seller
  said no); one ACTED_ON less than 7 days ago neither (a change needs a few days to show in views and
  sales); otherwise a new insight is created.
* **Retired**: an open insight of a generated family (pricing, listing, opportunity, performance, marketing)
  whose finding is no longer detected at all (the price was fixed, the listing improved…) is soft-deleted,
  so the list never shows advice that stopped being true. Goal insights (`goal:<id>`) are never touched, nor is a
  notice an admin sent (`meta["source"] == "admin"`, same key as the generated listing finding): it stays until
  the seller acts on it or dismisses it.
* **Rate limit**: 3 generations per seller in any rolling hour: runs started in (now − 1 h, now] count.
* **Status**: PENDING → VIEWED → ACTED_ON (PENDING → ACTED_ON too: a seller may act from the first look);
  any open status → DISMISSED; DISMISSED and ACTED_ON go back to PENDING only by the seller's Undo / Reopen
  (refused while another open insight has the same finding key: that one already carries the advice).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from core.models import InsightPriority, InsightStatus, InsightType

HIGH_MONEY_PER_MONTH = Decimal("50")
MEDIUM_MONEY_PER_MONTH = Decimal("10")
HIGH_SHARE_OF_REVENUE = Decimal("0.10")
MEDIUM_SHARE_OF_REVENUE = Decimal("0.02")
MAX_HIGH = 3
STAKES_META_KEY = "stakes_per_month"  # where an insight keeps its stakes, for the HIGH cap of later writes
WEIGHT_META_KEY = "weight"  # and its finding's weight (ties among insights without stakes)

CAPS: dict[InsightType, int] = {
    InsightType.PRICING: 5,
    InsightType.LISTING_QUALITY: 5,
    InsightType.OPPORTUNITY: 3,
    InsightType.PERFORMANCE: 1,
    InsightType.MARKETING: 2,
}

DISMISSED_QUIET_DAYS = 30
ACTED_ON_QUIET_DAYS = 7

RATE_LIMIT_RUNS = 3
RATE_LIMIT_WINDOW = timedelta(hours=1)

GENERATED_KEY_PREFIXES = ("pricing:", "listing:", "opportunity:", "performance:", "marketing:")
"""Finding keys `generate_insights` owns; anything else (e.g. `goal:<id>`) is written by someone else."""

PRIORITY_RANK = {InsightPriority.HIGH: 0, InsightPriority.MEDIUM: 1, InsightPriority.LOW: 2}
OPEN_STATUSES = (InsightStatus.PENDING, InsightStatus.VIEWED)
FINAL_STATUSES = (InsightStatus.ACTED_ON, InsightStatus.DISMISSED)


def priority_from_money(per_month: Decimal, monthly_revenue: Decimal = Decimal(0)) -> InsightPriority:
    """HIGH from max($50, 10 % of the monthly revenue) a month, MEDIUM from max($10, 2 %), else LOW.

    `monthly_revenue` is the seller's revenue of the last 90 complete days ÷ 3 (0 without revenue: the floors).
    """
    revenue = max(Decimal(0), monthly_revenue)
    if per_month >= max(HIGH_MONEY_PER_MONTH, revenue * HIGH_SHARE_OF_REVENUE):
        return InsightPriority.HIGH
    if per_month >= max(MEDIUM_MONEY_PER_MONTH, revenue * MEDIUM_SHARE_OF_REVENUE):
        return InsightPriority.MEDIUM
    return InsightPriority.LOW


@dataclass(frozen=True)
class Finding:
    """One thing worth telling the seller, ready to become (or refresh) an insight."""

    key: str  # e.g. "pricing:<product id>"
    insight_type: InsightType
    priority: InsightPriority
    title: str
    description: str
    action_items: tuple[dict[str, str], ...]
    weight: float = 0.0  # orders findings of equal priority within a family (bigger first)
    meta: dict[str, Any] = field(default_factory=dict)
    stakes: Decimal | None = None  # money a month the finding is worth, when it has a money figure (HIGH cap)


def rank_findings(findings: Iterable[Finding]) -> list[Finding]:
    """HIGH → LOW, then the bigger weight, then the key (stable across runs)."""
    return sorted(findings, key=lambda f: (PRIORITY_RANK[f.priority], -f.weight, f.key))


@dataclass(frozen=True)
class ExistingInsight:
    """What de-duplication needs to know of an insight already stored (not deleted)."""

    id: str
    finding_key: str
    status: InsightStatus
    changed_at: datetime  # when its status (or content) last changed: `updated_at`
    generated_at: datetime
    retirable: bool = True  # False for an admin's notice: generation refreshes it but never retires it


@dataclass(frozen=True)
class InsightPlan:
    create: list[Finding]
    update: list[tuple[str, Finding]]  # (insight id, finding)
    retire: list[str]  # insight ids
    suppressed: list[str]  # finding keys not raised because of a recent dismissal / action


def _suppressed(history: Sequence[ExistingInsight], now: datetime) -> bool:
    if not history:
        return False
    latest = max(history, key=lambda e: (e.changed_at, e.generated_at, e.id))
    quiet = {InsightStatus.DISMISSED: DISMISSED_QUIET_DAYS, InsightStatus.ACTED_ON: ACTED_ON_QUIET_DAYS}
    days = quiet.get(latest.status)
    return days is not None and now - latest.changed_at < timedelta(days=days)


def plan_insights(findings: Iterable[Finding], existing: Iterable[ExistingInsight], *, now: datetime) -> InsightPlan:
    """Which findings create, update or are suppressed, and which open insights retire (rules: module docstring).

    `findings` are every finding detected in this run (before caps); `existing` the seller's stored, not
    deleted insights with a finding key. With several open insights for one key (two runs racing), the
    newest is updated and the others retired.
    """
    by_key: dict[str, list[ExistingInsight]] = {}
    for item in existing:
        by_key.setdefault(item.finding_key, []).append(item)
    detected = {f.key for f in findings}
    create: list[Finding] = []
    update: list[tuple[str, Finding]] = []
    retire: list[str] = []
    suppressed: list[str] = []
    by_type: dict[InsightType, list[Finding]] = {}
    for finding in findings:
        by_type.setdefault(finding.insight_type, []).append(finding)
    for insight_type, group in by_type.items():
        taken = 0
        for finding in rank_findings(group):
            history = by_key.get(finding.key, [])
            open_ = sorted(
                (e for e in history if e.status in OPEN_STATUSES), key=lambda e: (e.generated_at, e.id), reverse=True
            )
            if not open_ and _suppressed(history, now):
                suppressed.append(finding.key)
                continue
            if taken >= CAPS[insight_type]:
                continue  # still true, but below the cap: an open insight for it stays as it is
            taken += 1
            if open_:
                update.append((open_[0].id, finding))
                retire.extend(e.id for e in open_[1:])
            else:
                create.append(finding)
    for key, history in by_key.items():
        if key.startswith(GENERATED_KEY_PREFIXES) and key not in detected:
            retire.extend(e.id for e in history if e.status in OPEN_STATUSES and e.retirable)
    return InsightPlan(create, update, sorted(set(retire)), suppressed)


# ---------------------------------------------------------------- at most three HIGH


@dataclass(frozen=True)
class HighInsight:
    """An open HIGH insight, as the cap compares them."""

    id: str
    stakes: Decimal | None
    generated_at: datetime
    weight: float = 0.0  # the finding's weight within its family (views of a red listing…): breaks ties


def weight_of(meta: dict[str, Any] | None) -> float:
    """The finding weight an insight stored in its meta; 0 without one."""
    raw = (meta or {}).get(WEIGHT_META_KEY)
    return float(raw) if isinstance(raw, (int, float)) else 0.0


def stakes_of(meta: dict[str, Any] | None) -> Decimal | None:
    """The stakes an insight stored in its meta (`STAKES_META_KEY`), or None when it has none (or not a number)."""
    raw = (meta or {}).get(STAKES_META_KEY)
    try:
        return None if raw is None else Decimal(str(raw))
    except ArithmeticError:
        return None


def highs_to_demote(highs: Iterable[HighInsight], limit: int = MAX_HIGH) -> list[str]:
    """The ids of the open HIGH insights beyond `limit`: those with money stakes rank first (biggest first), then
    those without, newest first; then the bigger weight (a red listing's views), then the id. Everything after the
    first `limit` is demoted to MEDIUM."""
    ranked = sorted(
        highs,
        key=lambda h: (
            h.stakes is None,
            -(h.stakes or Decimal(0)),
            -h.generated_at.timestamp(),
            -h.weight,
            h.id,
        ),
    )
    return [h.id for h in ranked[limit:]]


# ---------------------------------------------------------------- rate limit


def runs_in_window(run_starts: Iterable[datetime], now: datetime) -> list[datetime]:
    """The runs that count against the limit at `now`: started in (now − 1 h, now], oldest first."""
    return sorted(t for t in run_starts if now - RATE_LIMIT_WINDOW < t <= now)


def next_allowed_at(run_starts: Iterable[datetime], now: datetime) -> datetime | None:
    """None when a generation is allowed at `now`; else the first moment it will be.

    With n ≥ 3 runs in the window (oldest first t0 … t(n−1)), a run is allowed again once only 2 remain
    in the window, i.e. at t(n−3) + 1 h.
    """
    counted = runs_in_window(run_starts, now)
    if len(counted) < RATE_LIMIT_RUNS:
        return None
    return counted[len(counted) - RATE_LIMIT_RUNS] + RATE_LIMIT_WINDOW


# ---------------------------------------------------------------- status changes

_ALLOWED: dict[InsightStatus, frozenset[InsightStatus]] = {
    InsightStatus.PENDING: frozenset({InsightStatus.VIEWED, InsightStatus.ACTED_ON, InsightStatus.DISMISSED}),
    InsightStatus.VIEWED: frozenset({InsightStatus.ACTED_ON, InsightStatus.DISMISSED}),
    InsightStatus.ACTED_ON: frozenset({InsightStatus.PENDING}),  # Reopen
    InsightStatus.DISMISSED: frozenset({InsightStatus.PENDING}),  # Undo
}

_WORDS = {
    InsightStatus.PENDING: "new",
    InsightStatus.VIEWED: "viewed",
    InsightStatus.ACTED_ON: "done",
    InsightStatus.DISMISSED: "dismissed",
}


def check_transition(current: InsightStatus, wanted: InsightStatus) -> None:
    """ValueError with a clear message unless `current` → `wanted` is allowed (module docstring)."""
    if wanted in _ALLOWED[current]:
        return
    if current in FINAL_STATUSES:
        raise ValueError(f"This insight is already {_WORDS[current]}; it can only be brought back to Open.")
    if current == wanted:
        raise ValueError(f"This insight is already {_WORDS[current]}.")
    raise ValueError(f"An insight that is {_WORDS[current]} cannot be marked {_WORDS[wanted]}.")
